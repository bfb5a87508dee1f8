"""Settings shared by every environment.

Everything that differs between machines comes from the environment. Base settings hold no
secret and never turn DEBUG on: `local`, `test` and `production` decide that.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = Path(os.environ.get("PTDV_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = False
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "django_tasks",
    "django_tasks_db",
    "ptdv.core",
    "ptdv.accounts",
    "ptdv.organisations",
    "ptdv.people",
    "ptdv.members",
    "ptdv.candidacies",
    "ptdv.audit",
    "ptdv.rules",
    "ptdv.targets",
    "ptdv.reports",
    "ptdv.documents",
    "ptdv.exchange",
    "ptdv.demo",
]

MIDDLEWARE = [
    # First: every answer under /api/ is JSON, whatever failed below (ptdv.core.errors).
    "ptdv.core.errors.ApiErrorMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ptdv.core.middleware.LoginRequiredMiddleware",
]

ROOT_URLCONF = "config.urls"
CSRF_FAILURE_VIEW = "ptdv.core.errors.csrf_failure"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "ptdv" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ptdv.core.context_processors.ptdv",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'ptdv.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while a writer commits; IMMEDIATE transactions take the write
    # lock at BEGIN so two writers queue instead of failing half-way.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]
# Thousand separators only where a template asks (|intcomma): ids in URLs must stay plain.
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Front-end libraries come pinned from the npm registry (package.json); Django serves them
# from node_modules under /static/vendor/ — nothing is copied into the repository.
STATICFILES_DIRS = [
    BASE_DIR / "ptdv" / "static",
    ("vendor", BASE_DIR / "node_modules"),
]
MEDIA_ROOT = VAR_DIR / "media"
# Uploaded scans live outside the static files and are served only through a view that
# applies the access policy.
PRIVATE_MEDIA_ROOT = VAR_DIR / "private"

# Background jobs (large imports) go through a database-backed queue; `ptdv db_worker`
# runs them (`make run` starts one next to the web server).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "ptdv.accounts.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "ptdv.core.api.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "ptdv.core.api.exception_handler",
    # ISO 8601 (date.isoformat): also four digits for a year below 1000, which strftime is not.
    "DATE_FORMAT": "iso-8601",
    "DATE_INPUT_FORMATS": ["%Y-%m-%d", "%d/%m/%Y"],
}

SPECTACULAR_SETTINGS = {
    "TITLE": "PTĐV API",
    "DESCRIPTION": "API phát triển đảng viên (PTĐV), phiên bản 1.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "COMPONENT_SPLIT_REQUEST": True,
    # The API reads JSON (and multipart where a view says so, for files); the form parsers
    # stay for browsers but are not the contract.
    "PARSER_WHITELIST": ["rest_framework.parsers.JSONParser"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "ptdv.core.schema.add_error_responses",
    ],
}

# Personal data (Decree 13/2023/NĐ-CP): national ID numbers are encrypted with this key and
# looked up by a keyed hash. Production must set it; see production.py.
PTDV_DATA_KEY = os.environ.get("PTDV_DATA_KEY", "")
PTDV_DEMO = env_bool("PTDV_DEMO")
PTDV_FLOOR_RATE = float(os.environ.get("PTDV_FLOOR_RATE", "0.03"))
# The day of the year the yearly member snapshot ("members at start") is taken, as MM-DD.
PTDV_SNAPSHOT_MONTH_DAY = os.environ.get("PTDV_SNAPSHOT_MONTH_DAY", "01-01")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("PTDV_LOG_LEVEL", "WARNING")},
}
