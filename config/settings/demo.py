"""`make run`: the demo province served the way production serves it — gunicorn, DEBUG off,
static files hashed and compressed by WhiteNoise — on loopback, over plain HTTP, with the
well-known development keys (the demo holds made-up people only)."""

from .base import *  # noqa: F403
from .base import PTDV_DATA_KEY, SECRET_KEY

DEBUG = False
SECRET_KEY = SECRET_KEY or "local-development-only-not-a-secret"
# The same fixed key as `local`, so that `make run` and `make dev` read one demo database.
PTDV_DATA_KEY = PTDV_DATA_KEY or "local-development-data-key-not-a-secret"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
