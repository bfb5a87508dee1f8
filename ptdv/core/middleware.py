"""Deny anonymous access everywhere except the few public entry points."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import resolve_url

PUBLIC_PREFIXES = (
    "/accounts/login/",
    "/api/v1/auth/token/",
    "/api/v1/schema/",
    "/api/v1/docs/",
    "/static/",
    "/healthz",
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
