"""Sessions end after the idle period (PTDV_SESSION_IDLE_MINUTES, default 30) and when the
browser closes; an active session is saved again at most once a minute."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ptdv.accounts.models import Role
from ptdv.factories import user_with_role

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
HOME = reverse("home")
LOGIN = reverse("login")


class Clock:
    """Moves Django's clock (`timezone.now`, which the session store and the middleware read)
    forward without waiting."""

    def __init__(self) -> None:
        self.offset = dt.timedelta()
        self._real = timezone.now

    def now(self) -> dt.datetime:
        return self._real() + self.offset

    def advance(self, **delta: float) -> None:
        self.offset += dt.timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    moved = Clock()
    monkeypatch.setattr(timezone, "now", moved.now)
    return moved


@pytest.fixture
def signed_in(tree):
    user = user_with_role(tree["cell_a1"], Role.CLERK)
    client = Client()
    response = client.post(LOGIN, {"username": user.username, "password": "mat-khau-thu-nghiem"})
    assert response.status_code == 302
    return client


def _sent_to_login(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_the_defaults_are_thirty_minutes_and_browser_close():
    assert settings.PTDV_SESSION_IDLE_MINUTES == 30
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_SAVE_EVERY_REQUEST is False  # the middleware saves, sparingly
    assert "ptdv.core.middleware.SessionIdleMiddleware" in settings.MIDDLEWARE


def test_the_idle_period_comes_from_the_environment():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PTDV_"))}
    env |= {"DJANGO_SETTINGS_MODULE": "config.settings.test", "PTDV_SESSION_IDLE_MINUTES": "5"}
    done = subprocess.run(
        [sys.executable, "-c",
         "import django; django.setup(); from django.conf import settings; "
         "print(settings.SESSION_COOKIE_AGE)"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "300"


def test_the_session_cookie_dies_with_the_browser(tree):
    user = user_with_role(tree["cell_a1"], Role.CLERK)
    response = Client().post(LOGIN, {"username": user.username, "password": "mat-khau-thu-nghiem"})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie.value
    assert not cookie["expires"] and not cookie["max-age"]
    assert cookie["httponly"]


def test_after_the_idle_period_the_next_request_goes_to_the_sign_in_page(signed_in, clock):
    assert signed_in.get(HOME).status_code == 200
    clock.advance(minutes=29)
    assert signed_in.get(HOME).status_code == 200
    clock.advance(minutes=31)
    response = signed_in.get(HOME)
    assert _sent_to_login(response)
    assert response["Location"] == f"{LOGIN}?next={HOME}"


def test_an_htmx_request_after_the_idle_period_is_told_to_sign_in_again(signed_in, clock):
    clock.advance(minutes=31)
    response = signed_in.get(HOME, headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response["HX-Redirect"] == LOGIN


def test_activity_keeps_the_session_open(signed_in, clock):
    for _ in range(6):  # two and a half hours, never 30 minutes idle
        clock.advance(minutes=25)
        assert signed_in.get(HOME).status_code == 200
    clock.advance(minutes=30, seconds=1)
    assert _sent_to_login(signed_in.get(HOME))


def test_an_active_session_is_written_at_most_once_a_minute(signed_in, clock):
    key = signed_in.cookies[settings.SESSION_COOKIE_NAME].value

    def expiry() -> dt.datetime:
        return Session.objects.get(session_key=key).expire_date

    signed_in.get(HOME)
    first = expiry()
    for _ in range(5):
        clock.advance(seconds=10)
        assert signed_in.get(HOME).status_code == 200
    assert expiry() == first  # 50 seconds of requests: no write
    clock.advance(seconds=15)
    signed_in.get(HOME)
    assert expiry() >= first + dt.timedelta(seconds=60)


def test_signing_out_is_not_undone_by_the_refresh(signed_in, clock):
    clock.advance(minutes=2)
    signed_in.post(reverse("logout"))
    assert _sent_to_login(signed_in.get(HOME))
