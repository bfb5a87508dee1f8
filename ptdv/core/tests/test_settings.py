"""Production settings refuse unsafe configurations, and `check --deploy` is clean."""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]
GOOD = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "k" * 20 + "-not-a-real-secret-just-long-enough-for-the-check-0123456789",
    "PTDV_DATA_KEY": "d" * 40,
    "DATABASE_URL": "sqlite:///:memory:",
}


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PTDV_"))}
    return subprocess.run(  # noqa: S603 - our own interpreter and module, fixed arguments
        [sys.executable, "-m", "ptdv.cli", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean():
    done = run(GOOD, "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stderr
    assert "no issues" in done.stdout


def test_refuses_without_secret_key_or_data_key_or_with_debug():
    for missing in ("DJANGO_SECRET_KEY", "PTDV_DATA_KEY"):
        env = {k: v for k, v in GOOD.items() if k != missing}
        done = run(env, "check")
        assert done.returncode != 0
        assert missing in done.stderr
    done = run({**GOOD, "DJANGO_DEBUG": "1"}, "check")
    assert done.returncode != 0 and "DJANGO_DEBUG" in done.stderr


PROBE = """
import json
import django
django.setup()
from django.conf import settings
from django.test import Client
response = Client().get("/healthz", secure=True, headers={"host": "localhost"})
print(json.dumps({
    "status": response.status_code,
    "csp": response.get("Content-Security-Policy", ""),
    "hsts": response.get("Strict-Transport-Security", ""),
    "session_secure": settings.SESSION_COOKIE_SECURE,
    "csrf_secure": settings.CSRF_COOKIE_SECURE,
    "browser_close": settings.SESSION_EXPIRE_AT_BROWSER_CLOSE,
    "idle": settings.SESSION_COOKIE_AGE,
    "hasher": settings.PASSWORD_HASHERS[0],
}))
"""


def test_production_sends_csp_and_hsts_and_keeps_cookies_secure():
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PTDV_"))}
    done = subprocess.run(  # noqa: S603 - our own interpreter, a fixed probe
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={**base, **GOOD},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    # The probe may have no migrated database (a fresh clone): /healthz then answers 503
    # "down". The headers are what this test checks, and every answer carries them.
    assert seen["status"] in (200, 503)
    assert "script-src 'self';" in seen["csp"] + ";"
    assert "frame-ancestors 'none'" in seen["csp"] and "unsafe-eval" not in seen["csp"]
    assert seen["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert seen["session_secure"] and seen["csrf_secure"] and seen["browser_close"]
    assert seen["idle"] == 30 * 60
    assert seen["hasher"] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_postgresql_binds_values_on_the_server_and_prepares_repeated_queries(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from config.settings.base import postgres_prepared

    def options(value: str | None, engine: str = "django.db.backends.postgresql") -> dict:
        if value is None:
            monkeypatch.delenv("DATABASE_PREPARE_THRESHOLD", raising=False)
        else:
            monkeypatch.setenv("DATABASE_PREPARE_THRESHOLD", value)
        database: Any = {"ENGINE": engine, "OPTIONS": {"connect_timeout": 5}}
        postgres_prepared(database)
        return database["OPTIONS"]

    expected = {"connect_timeout": 5, "server_side_binding": True}
    # The setting switches to the backend that binds over-long queries on the client.
    database: Any = {"ENGINE": "django.db.backends.postgresql"}
    postgres_prepared(database)
    assert database["ENGINE"] == "ptdv.core.postgresql"
    assert options(None) == {**expected, "prepare_threshold": 2}
    assert options(" 0 ") == {**expected, "prepare_threshold": 0}
    assert options("OFF") == {"connect_timeout": 5}  # e.g. behind an old PgBouncer
    assert options(None, "django.db.backends.sqlite3") == {"connect_timeout": 5}
    for wrong in ("-1", "two", ""):
        with pytest.raises(ImproperlyConfigured, match="DATABASE_PREPARE_THRESHOLD"):
            options(wrong)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_the_suite_on_postgresql_runs_with_prepared_statements(db):
    """The PostgreSQL run of the suite uses the production's binding, so every query the
    tests make is also checked bound by the server."""
    with connection.cursor() as cursor:
        for _ in range(3):
            cursor.execute("SELECT count(*) FROM django_migrations WHERE app = %s", ["core"])
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%django_migrations WHERE app = $1%"],
        )
        assert cursor.fetchone()[0] == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_a_query_with_more_values_than_the_protocol_carries_still_runs(db):
    """A Bind message carries at most 65,535 values; Django writes queries with more (a large
    delete's `IN`, a big `bulk_create`): those are bound on the client."""
    from django.contrib.contenttypes.models import ContentType

    everything = set(ContentType.objects.values_list("pk", flat=True))
    wanted = list(range(1, 70_001))
    assert set(ContentType.objects.filter(pk__in=wanted).values_list("pk", flat=True)) == {
        pk for pk in everything if pk <= 70_000
    }
    assert ContentType.objects.filter(pk__in=wanted, model="no such model").count() == 0
