"""The test suite: SQLite always; PostgreSQL too when PTDV_TEST_DATABASE_URL is set."""

import os

import dj_database_url

from .base import *  # noqa: F403
from .base import VAR_DIR, postgres_prepared

SECRET_KEY = "test-only-not-a-secret"  # noqa: S105
PTDV_DATA_KEY = "test-only-data-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

_url = os.environ.get("PTDV_TEST_DATABASE_URL")
if _url:
    DATABASES = {"default": dj_database_url.parse(_url)}
    postgres_prepared(DATABASES["default"])
else:
    # The test database is in memory (Django shares it with the live server thread of the
    # browser tests), so parallel runs never collide.
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "test.sqlite3"),
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    }
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Tests run background tasks at once, in the caller's thread.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Tests of other features sign users in with force_login and no second factor; the tests of
# the two-factor requirement turn it on (ptdv/accounts/tests/test_two_factor.py).
PTDV_2FA_REQUIRED = False
