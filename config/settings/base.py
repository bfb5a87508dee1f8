"""Settings shared by every environment.

Everything that differs between machines comes from the environment. Base settings hold no
secret and never turn DEBUG on: `local`, `test` and `production` decide that.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

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
    # First, so that its `createsuperuser` (which validates an unattended password) replaces
    # Django's: the first app that provides a command wins.
    "ptdv.accounts",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "django_tasks",
    "django_tasks_db",
    "ptdv.core",
    "ptdv.organisations",
    "ptdv.people",
    "ptdv.members",
    "ptdv.candidacies",
    "ptdv.audit",
    "ptdv.rules",
    "ptdv.targets",
    "ptdv.reports",
    "ptdv.documents",
    "ptdv.notifications",
    "ptdv.correspondence",
    "ptdv.courses",
    "ptdv.work",
    "ptdv.movements",
    "ptdv.obstacles",
    "ptdv.exemplars",
    "ptdv.inspections",
    "ptdv.surveys",
    "ptdv.evaluations",
    "ptdv.exchange",
    "ptdv.ops",
    "ptdv.demo",
]

MIDDLEWARE = [
    # First: it times and counts everything below, and stamps the request id on every answer.
    "ptdv.core.observe.RequestLogMiddleware",
    # Request counts and latencies for /metrics (django-prometheus), around everything else.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # Then, so that whatever any later middleware or view audits names its door.
    "ptdv.audit.middleware.AuditChannelMiddleware",
    # Every answer under /api/ is JSON, whatever failed below (ptdv.core.errors).
    "ptdv.core.errors.ApiErrorMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "ptdv.core.middleware.SessionIdleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ptdv.core.middleware.LoginRequiredMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"
# Django's widget templates, the commonest written out in Python (ptdv.core.renderers).
FORM_RENDERER = "ptdv.core.renderers.FormRenderer"
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
        # A kept connection is checked before a request uses it: after the database was
        # restarted, the next request reconnects instead of failing on a dead connection.
        conn_health_checks=True,
    )
}


def postgres_prepared(database: dj_database_url.DBConfig) -> None:
    """PostgreSQL: values bound by the server and prepared statements (issue 15 §5).

    Django sends every query with its values quoted into the text (client-side binding), so
    PostgreSQL parses and plans each one anew. Bound by the server, a query that a
    connection has run `DATABASE_PREPARE_THRESHOLD` times (default 2) is prepared, and
    PostgreSQL skips its parsing and, where its plan does not depend on the values, its
    planning: measured under `make bench` (province), the database's CPU per request fell
    by about a third (a dossier page 4.2 → 1.8 ms, the dashboard 8 → 5 ms). Behind a
    transaction-pooling PgBouncer older than 1.21, which cannot keep prepared statements,
    set `DATABASE_PREPARE_THRESHOLD=off`."""
    if database["ENGINE"] != "django.db.backends.postgresql":
        return
    threshold = os.environ.get("DATABASE_PREPARE_THRESHOLD", "2").strip().lower()
    if threshold == "off":
        return
    if not threshold.isdigit():
        raise ImproperlyConfigured(
            "DATABASE_PREPARE_THRESHOLD phải là một số nguyên không âm hoặc “off”."
        )
    # Django's backend, binding on the client any query with more values than the protocol
    # carries (ptdv/core/postgresql/base.py).
    database["ENGINE"] = "ptdv.core.postgresql"
    options = database.setdefault("OPTIONS", {})
    options["server_side_binding"] = True
    options["prepare_threshold"] = int(threshold)


postgres_prepared(DATABASES["default"])
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

# Length at least 10, not similar to the username, full name or e-mail (also without accents),
# not a common password, not all digits — all with Vietnamese messages (ptdv/accounts/passwords.py
# explains which come from Django's catalogue).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "ptdv.accounts.passwords.UserAttributeSimilarityValidator"},
    {"NAME": "ptdv.accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Argon2 hashes new passwords; hashes made by the older hashers still verify and are
# re-hashed with Argon2 at the user's next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
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
    # Only the built files the pages load (and what they reference: fonts, source maps), so
    # that `collectstatic` hashes and compresses a few hundred files, not every package source.
    *(
        (f"vendor/{package}/{folder}", BASE_DIR / "node_modules" / package / folder)
        for package, folder in (
            ("bootstrap", "dist"),
            ("bootstrap-icons", "font"),
            ("chart.js", "dist"),
            ("htmx.org", "dist"),
        )
    ),
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
    "ENUM_NAME_OVERRIDES": {
        "AuditActionEnum": "ptdv.audit.models.AuditAction.choices",
        "AuditChannelEnum": "ptdv.audit.models.AuditChannel.choices",
        "MembershipActionEnum": "ptdv.members.models.MembershipAction.choices",
        "RemovalGroundsEnum": "ptdv.members.models.RemovalGrounds.choices",
        "OrganisationKindEnum": "ptdv.organisations.models.Kind.choices",
        "LocalityKindEnum": "ptdv.organisations.models.LocalityKind.choices",
        "CourseKindEnum": "ptdv.courses.models.CourseKind.choices",
        "CourseFormatEnum": "ptdv.courses.models.CourseFormat.choices",
        # The roster's status keeps its name beside the requests' status.
        "StatusEnum": "ptdv.members.models.MembershipStatus.choices",
        "RequestKindEnum": "ptdv.correspondence.models.RequestKind.choices",
        "RequestStatusEnum": "ptdv.correspondence.models.RequestStatus.choices",
        # Person and organisation lists of codes, named once for every serializer using them.
        "AreaFlagsEnum": "ptdv.organisations.models.AreaFlag.choices",
        "TargetGroupsEnum": "ptdv.people.choices.TargetGroup.choices",
        "SurveyRoundStatusEnum": "ptdv.surveys.models.RoundStatus.choices",
        "SurveyResponseStatusEnum": "ptdv.surveys.models.ResponseStatus.choices",
        "ObstacleCategoryEnum": "ptdv.obstacles.models.Category.choices",
        "ObstacleStatusEnum": "ptdv.obstacles.models.Status.choices",
        "ObstacleStatusFilterEnum": "ptdv.obstacles.selectors.STATUS_FILTER_CHOICES",
        "ObstacleEventKindEnum": "ptdv.obstacles.models.EventKind.choices",
        "ObstacleOutcomeEnum": "ptdv.obstacles.models.OUTCOME_CHOICES",
        "MassOrganisationKindEnum": "ptdv.movements.models.MassOrganisationKind.choices",
        "MovementKindEnum": "ptdv.movements.models.MovementKind.choices",
        "ExemplarFieldEnum": "ptdv.exemplars.models.ExemplarField.choices",
        "InspectionKindEnum": "ptdv.inspections.models.InspectionKind.choices",
        "RecommendationStatusEnum": "ptdv.inspections.models.RecommendationStatus.choices",
    },
}

# Personal data (Decree 13/2023/NĐ-CP): national ID numbers are encrypted with this key and
# looked up by a keyed hash. Production must set it; see production.py.
PTDV_DATA_KEY = os.environ.get("PTDV_DATA_KEY", "")
PTDV_DEMO = env_bool("PTDV_DEMO")
PTDV_FLOOR_RATE = float(os.environ.get("PTDV_FLOOR_RATE", "0.03"))
# Working days each level has to act on an obstacle before it goes up (ptdv.obstacles).
PTDV_OBSTACLE_DUE_WORKING_DAYS = int(os.environ.get("PTDV_OBSTACLE_DUE_WORKING_DAYS", "15"))
# How long the audit trail is kept, in days (`ptdv audit purge` removes older entries; nothing
# else can). Default 5 years (1,826 days): a whole party term (nhiệm kỳ đại hội, 5 years), so
# an inspection at the end of a term sees every access during it, and longer than the longest
# dossier (source to official member). Decree 13/2023/NĐ-CP sets no fixed period but asks that
# data be kept no longer than its purpose needs: bounded, not forever.
PTDV_AUDIT_RETENTION_DAYS = int(os.environ.get("PTDV_AUDIT_RETENTION_DAYS", "1826"))
# The day of the year the yearly member snapshot ("members at start") is taken, as MM-DD.
PTDV_SNAPSHOT_MONTH_DAY = os.environ.get("PTDV_SNAPSHOT_MONTH_DAY", "01-01")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"message": {"format": "%(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "requests": {"class": "logging.StreamHandler", "formatter": "message"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("PTDV_LOG_LEVEL", "WARNING")},
    # One JSON line per request (ptdv.core.observe); PTDV_REQUEST_LOG_LEVEL=WARNING keeps
    # only the slow ones.
    "loggers": {
        "ptdv.requests": {
            "handlers": ["requests"],
            "level": os.environ.get("PTDV_REQUEST_LOG_LEVEL", "INFO"),
            "propagate": False,
        },
    },
}
# /metrics (Prometheus) answers a scraper presenting "Authorization: Bearer <this token>" and
# the root's administrators; everyone else gets a 404. Empty: administrators only.
PTDV_METRICS_TOKEN = os.environ.get("PTDV_METRICS_TOKEN", "")
# A request slower than this (milliseconds) is logged at WARNING with "slow": true.
PTDV_SLOW_REQUEST_MS = int(os.environ.get("PTDV_SLOW_REQUEST_MS", "1000"))

# --- Sessions and Content-Security-Policy (issue 10: hardening) ------------------------------
# A session ends after PTDV_SESSION_IDLE_MINUTES without a request (the server-side expiry,
# pushed back by ptdv.core.middleware.SessionIdleMiddleware) and when the browser closes (the
# cookie has no expiry date).
PTDV_SESSION_IDLE_MINUTES = max(1, int(os.environ.get("PTDV_SESSION_IDLE_MINUTES", "30")))
SESSION_COOKIE_AGE = PTDV_SESSION_IDLE_MINUTES * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Django's database sessions, the row read with a compiled statement (ptdv.core.statements).
SESSION_ENGINE = "ptdv.core.sessions"

# Content-Security-Policy on every response (django-csp): scripts only from this site — no
# inline script, no event-handler attribute, no eval (ptdv/static/ptdv/*.js does what inline
# code did; ptdv/core/tests/test_csp.py keeps the templates free of it). Styles keep
# 'unsafe-inline': server-rendered style attributes (progress-bar widths, the print layout of
# official documents and reports, the API reference page) need it, and a style cannot run code.
# Charts are canvases (no inline styles needed); htmx's own indicator <style> is switched off in
# base.html. Images may be data: URIs (Bootstrap's icons in its CSS).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- Accounts: sign-in lockout, API tokens, two-factor sign-in (issue 10 §4) -----------------
# Kept in one block so the settings of other parts merge cleanly around it.
# Before PTĐV's apps (ptdv.accounts comes first of all, see above), so that
# ptdv.accounts.admin can hide the two-factor devices they register.
_ptdv_first = INSTALLED_APPS.index("ptdv.accounts")
INSTALLED_APPS[_ptdv_first:_ptdv_first] = [
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]
# django-otp marks the session verified after AuthenticationMiddleware; the two-factor gate
# runs after the sign-in requirement; django-axes turns a lockout into its page, last.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "django_otp.middleware.OTPMiddleware",
)
MIDDLEWARE += ["ptdv.accounts.middleware.TwoFactorMiddleware", "axes.middleware.AxesMiddleware"]
# django-axes first: it refuses a locked-out account before its password is even checked.
# The model backend is Django's, reading the signed-in user with a compiled statement.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "ptdv.accounts.backends.ModelBackend",
]
# An account is locked after PTDV_LOCKOUT_FAILURES consecutive failed sign-ins (password or
# two-factor code, on the web form, the API token endpoint or the Django admin), whatever the
# client address, for PTDV_LOCKOUT_MINUTES; an administrator can unlock it sooner.
PTDV_LOCKOUT_FAILURES = min(int(os.environ.get("PTDV_LOCKOUT_FAILURES", "10")), 10)
PTDV_LOCKOUT_MINUTES = int(os.environ.get("PTDV_LOCKOUT_MINUTES", "15"))
AXES_FAILURE_LIMIT = PTDV_LOCKOUT_FAILURES
AXES_COOLOFF_TIME = datetime.timedelta(minutes=PTDV_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username"]
# By account on purpose (the issue's rule: "whatever the client address"); guessing from one
# address is slowed separately by the per-address throttle of the token endpoint.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
# A success clears the count only once the whole sign-in (with its second step) is done:
# ptdv.accounts.lockout resets it, not axes on the password step.
AXES_RESET_ON_SUCCESS = False
# Attempts during a lockout do not prolong it: the period the user is told is the period.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "ptdv.accounts.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_ENABLE_ADMIN = False  # no extra admin pages: the user page shows and lifts a lockout
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins are in the audit trail already
AXES_VERBOSE = False
# API tokens expire PTDV_TOKEN_TTL_DAYS after they are issued.
PTDV_TOKEN_TTL_DAYS = int(os.environ.get("PTDV_TOKEN_TTL_DAYS", "30"))
# Two-factor sign-in (TOTP) is required of administrators, approvers and Django staff unless
# PTDV_2FA_REQUIRED says otherwise; it defaults to off in the demo only.
PTDV_2FA_REQUIRED = env_bool("PTDV_2FA_REQUIRED", not PTDV_DEMO)
OTP_TOTP_ISSUER = "PTĐV"

# --- E-mail, the daily digest, the in-app guide (issue 13 §3) ---------------------------------
# SMTP when EMAIL_HOST is set (production); otherwise the console backend prints each mail
# (the demo, a developer machine). Tests use Django's in-memory outbox. DJANGO_EMAIL_BACKEND
# overrides the choice.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_SSL:
    EMAIL_USE_TLS = False  # Django refuses both at once
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "PTĐV <ptdv@localhost>")
# The address the digest's links start with.
PTDV_SITE_URL = os.environ.get("PTDV_SITE_URL", "http://127.0.0.1:8000")
# The in-app user guide is the Vietnamese guide section of this file (ptdv/work/guide.py).
PTDV_GUIDE_FILE = Path(os.environ.get("PTDV_GUIDE_FILE", BASE_DIR / "README.md"))
