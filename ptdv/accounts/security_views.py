"""Account security pages: the two-factor step at sign-in, enrolment and recovery codes, the
user's own API tokens, and what an administrator does about another user's sign-in (lift a
lockout, reset two-factor sign-in, revoke a token) — scoped like the other user-admin actions
(ptdv.accounts.policies: 404 outside the administrator's subtrees, 403 beyond their reach).
"""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_otp import login as otp_login

from ptdv.accounts.forms import OtpForm
from ptdv.accounts.lockout import (
    login_failure_signal,
    login_failures_reset,
    login_is_locked,
    user_login_unlock,
)
from ptdv.accounts.middleware import SESSION_KEY
from ptdv.accounts.models import ApiToken, User
from ptdv.accounts.policies import require_administrator, user_get_visible
from ptdv.accounts.tokens import api_token_get_own, api_token_revoke, api_tokens_of
from ptdv.accounts.two_factor import (
    recovery_codes_generate,
    recovery_codes_left,
    totp_device_confirm,
    totp_device_start,
    totp_secret_text,
    two_factor_disable,
    two_factor_reset,
    two_factor_verify,
    two_factor_wait_seconds,
    user_has_two_factor,
    user_requires_two_factor,
    wait_message,
)
from ptdv.audit.services import audit_record
from ptdv.core.views import render_page


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return "/"


def _private(response: HttpResponse) -> HttpResponse:
    """Secrets and one-time codes are never cached by the browser or a proxy."""
    add_never_cache_headers(response)
    return response


@require_http_methods(["GET", "POST"])
def two_factor_verify_view(request: HttpRequest) -> HttpResponse:
    """The second step of sign-in. A wrong code counts as a failed sign-in (lockout)."""
    user = request.user
    if not user.is_authenticated:
        return redirect("login")
    assert isinstance(user, User)
    if user.is_verified() or not user_has_two_factor(user=user):  # type: ignore[attr-defined]
        request.session[SESSION_KEY] = "device" if user_has_two_factor(user=user) else "none"
        return redirect(_next_url(request))
    if login_is_locked(request, user.username):
        logout(request)
        request.axes_locked_out = True  # type: ignore[attr-defined]  # AxesMiddleware answers
        return HttpResponse(status=429)
    form = OtpForm(request.POST if request.method == "POST" else None)
    wait = two_factor_wait_seconds(user=user) if request.method == "POST" else 0
    if wait:
        form.is_valid()
        form.add_error("otp", wait_message(wait))
    elif request.method == "POST" and form.is_valid():
        device = two_factor_verify(user=user, token=form.cleaned_data["otp"])
        if device is not None:
            otp_login(request, device)
            login_failures_reset(username=user.username)
            audit_record(actor=user, action="login", obj=user, summary="Xác thực hai bước")
            return redirect(_next_url(request))
        login_failure_signal(request, username=user.username, door="web-otp")
        if getattr(request, "axes_locked_out", False):
            logout(request)
            request.axes_locked_out = True  # type: ignore[attr-defined]
            return HttpResponse(status=429)
        form.add_error("otp", _("Mã xác thực không đúng hoặc đã được dùng."))
    return _private(
        render_page(
            request,
            "accounts/two_factor_verify.html",
            {"form": form, "next": _next_url(request)},
        )
    )


@require_http_methods(["GET", "POST"])
def two_factor_setup_view(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator: its secret as text and as a QR code, confirmed by one code;
    then the recovery codes, shown once."""
    user = request.user
    assert isinstance(user, User)
    device = totp_device_start(user=user)
    form = OtpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        codes = totp_device_confirm(request=request, device=device, token=form.cleaned_data["otp"])
        if codes is not None:
            request.session[SESSION_KEY] = "device"
            return _private(
                render_page(
                    request,
                    "accounts/recovery_codes.html",
                    {"codes": codes, "next": _next_url(request), "section": "security"},
                )
            )
        form.add_error("otp", _("Mã xác thực không đúng; hãy nhập mã đang hiện trong ứng dụng."))
    uri = device.config_url
    context = {
        "form": form,
        "secret": totp_secret_text(device),
        "otpauth_uri": uri,
        "qr_svg": segno.make_qr(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff"),
        "required": user_requires_two_factor(user=user),
        "next": _next_url(request),
        "section": "security",
    }
    return _private(render_page(request, "accounts/two_factor_setup.html", context))


@require_POST
def recovery_codes_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if not user_has_two_factor(user=user):
        raise PermissionDenied
    codes = recovery_codes_generate(user=user)
    return _private(
        render_page(
            request,
            "accounts/recovery_codes.html",
            {"codes": codes, "next": "", "section": "security"},
        )
    )


@require_POST
def two_factor_disable_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if user_requires_two_factor(user=user):
        raise PermissionDenied
    two_factor_disable(user=user)
    request.session[SESSION_KEY] = "none"
    messages.success(request, _("Đã tắt xác thực hai bước."))
    return redirect("accounts:security")


@require_safe
def security_view(request: HttpRequest) -> HttpResponse:
    """The user's own sign-in security: two-factor sign-in and API tokens."""
    user = request.user
    assert isinstance(user, User)
    context = {
        "has_two_factor": user_has_two_factor(user=user),
        "required": user_requires_two_factor(user=user),
        "codes_left": recovery_codes_left(user=user),
        "tokens": api_tokens_of(user=user),
        "now": timezone.now(),
        "section": "security",
    }
    return render_page(request, "accounts/security.html", context)


@require_POST
def token_revoke_own_view(request: HttpRequest, token_pk: int) -> HttpResponse:
    token = api_token_get_own(actor=request.user, pk=token_pk)
    api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("Đã thu hồi mã truy cập."))
    return redirect("accounts:security")


# --- Administrators, on another user's page ---------------------------------------------


@require_POST
def user_unlock_login_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_administrator(request.user)
    user = user_get_visible(request.user, pk)
    user_login_unlock(actor=request.user, user=user)
    messages.success(request, _("Đã mở khóa đăng nhập."))
    return redirect("accounts:user_detail", pk=user.pk)


@require_POST
def user_two_factor_reset_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_administrator(request.user)
    user = user_get_visible(request.user, pk)
    two_factor_reset(actor=request.user, user=user)
    messages.success(
        request,
        _("Đã đặt lại xác thực hai bước: người dùng sẽ đăng ký lại khi đăng nhập."),
    )
    return redirect("accounts:user_detail", pk=user.pk)


@require_POST
def user_token_revoke_view(request: HttpRequest, pk: int, token_pk: int) -> HttpResponse:
    require_administrator(request.user)
    user = user_get_visible(request.user, pk)
    token = ApiToken.objects.filter(user=user, pk=token_pk).first()
    if token is None:
        raise Http404
    api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("Đã thu hồi mã truy cập."))
    return redirect("accounts:user_detail", pk=user.pk)
