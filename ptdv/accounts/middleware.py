"""The two-factor gate: after the password, a signed-in session reaches nothing but the second
step until it is done (ptdv.accounts.two_factor).

- A user with an authenticator whose session is not verified yet is sent to the code page.
- A user who must have two-factor sign-in (`user_requires_two_factor`) and has not enrolled
  is sent to enrolment.

This holds on every page, the Django admin included, and on the API when it is reached with
the session (a JSON error there); Bearer tokens are issued only after the second step
(ptdv.accounts.lockout.api_sign_in). Whether the user has an authenticator is remembered in
the session from sign-in on, so the gate costs no query on an ordinary request.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from ptdv.core.api import error_body

# Set at sign-in (and whenever missing): "device" when the user has a confirmed authenticator.
SESSION_KEY = "ptdv_2fa"

ALWAYS_OPEN = (
    "/accounts/logout/",
    "/admin/logout/",
    "/accounts/two-factor/verify/",
    "/api/v1/auth/token/",
    "/api/v1/schema/",
    "/api/v1/docs/",
    "/static/",
    "/healthz",
    "/metrics",  # checks its own token or administrator (ptdv/ops/views.py)
)
SETUP_PREFIX = "/accounts/two-factor/setup/"
OTP_REQUIRED = "Hãy hoàn tất đăng nhập hai bước trên trang web trước."


def two_factor_state(request: HttpRequest) -> str:
    """ "device" or "none", from the session (looked up once and remembered)."""
    from ptdv.accounts.two_factor import user_has_two_factor

    state = request.session.get(SESSION_KEY)
    if state not in ("device", "none"):
        state = "device" if user_has_two_factor(user=request.user) else "none"
        request.session[SESSION_KEY] = state
    return str(state)


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        target = self.gate(request)
        if target is None:
            return self.get_response(request)
        path = request.path_info
        if path.startswith("/api/"):
            return JsonResponse(error_body("otp_required", OTP_REQUIRED), status=403)
        url = reverse(target) + "?" + urlencode({"next": request.get_full_path()})
        if request.headers.get("HX-Request"):
            response = JsonResponse({"error": OTP_REQUIRED}, status=401)
            response["HX-Redirect"] = url
            return response
        return redirect(url)

    def gate(self, request: HttpRequest) -> str | None:
        """The URL name the request must go to instead, or None to let it through."""
        from ptdv.accounts.two_factor import user_requires_two_factor

        user = request.user
        path = request.path_info
        if not user.is_authenticated or path.startswith(ALWAYS_OPEN):
            return None
        if user.is_verified():  # type: ignore[attr-defined]  # django_otp.middleware adds it
            return None
        if two_factor_state(request) == "device":
            return "accounts:two_factor_verify"
        if user_requires_two_factor(user=user) and not path.startswith(SETUP_PREFIX):
            return "accounts:two_factor_setup"
        return None
