"""Production: refuses to start without its secrets or with DEBUG on."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import PTDV_DATA_KEY, SECRET_KEY, env_bool, env_list

DEBUG = env_bool("DJANGO_DEBUG")
if DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG phải tắt trong môi trường production.")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("Thiếu DJANGO_SECRET_KEY (ít nhất 50 ký tự) cho production.")
if len(PTDV_DATA_KEY) < 32:
    raise ImproperlyConfigured("Thiếu PTDV_DATA_KEY (ít nhất 32 ký tự) cho production.")

CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(__import__("os").environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
