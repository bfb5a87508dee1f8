"""Deny anonymous access everywhere except the few public entry points; end idle sessions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import resolve_url
from django.utils import timezone

PUBLIC_PREFIXES = (
    "/accounts/login/",
    "/api/v1/auth/token/",
    "/api/v1/schema/",
    "/api/v1/docs/",
    "/static/",
    "/healthz",
    "/metrics",  # checks its own token or administrator (ptdv/ops/views.py)
)


class LoginRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if request.user.is_authenticated or path.startswith(PUBLIC_PREFIXES):
            return self.get_response(request)
        if path.startswith("/api/"):
            # The API authenticates by token inside DRF; let DRF answer 401 itself.
            return self.get_response(request)
        if path.startswith("/admin/"):
            return self.get_response(request)
        if request.headers.get("HX-Request"):
            response = JsonResponse({"error": "Phiên đăng nhập đã hết."}, status=401)
            response["HX-Redirect"] = resolve_url(settings.LOGIN_URL)
            return response
        return redirect_to_login(request.get_full_path())


# Once a session has been saved, it is saved again (and its expiry pushed back) only when this
# much time has passed; see SessionIdleMiddleware.
SESSION_REFRESH_SECONDS = 60
_REFRESHED = "_ptdv_refreshed"


class SessionIdleMiddleware:
    """A signed-in session ends after settings.SESSION_COOKIE_AGE seconds without a request
    (PTDV_SESSION_IDLE_MINUTES): every request of the session pushes that deadline back.

    The deadline is the session's own expiry in the session store (the database), which Django
    checks on every load; an expired session reads as empty, and the next page sends the user
    to the sign-in page. SESSION_SAVE_EVERY_REQUEST would push it back too, but by writing the
    session row on every request — each page, each htmx fragment, each poll of an import's
    progress — and concurrent requests of one user would all write the same row. Here the
    session is saved only when its last save is more than a minute old (or half the idle
    period, when that is shorter), so an active user costs at most one write a minute; the
    price is that the idle period may end up to that minute early.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or SESSION_KEY not in session:
            return response  # anonymous, or signed out by this very request
        now = int(timezone.now().timestamp())
        step = min(SESSION_REFRESH_SECONDS, settings.SESSION_COOKIE_AGE // 2)
        if now - int(session.get(_REFRESHED, 0)) >= step:
            session[_REFRESHED] = now  # marks the session modified: SessionMiddleware saves it
        return response


@receiver(user_logged_in, dispatch_uid="ptdv-session-refreshed-at-login")
def session_stamp_at_login(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    """Signing in saves the session anyway: stamp it, so that the requests of the next minute
    do not save it again."""
    session = getattr(request, "session", None)
    if session is not None:
        session[_REFRESHED] = int(timezone.now().timestamp())
