"""Sign-in lockout by account (django-axes), the way PTĐV states and lifts it.

django-axes counts failed sign-ins per user name, whatever the client address, on every door
that calls `django.contrib.auth.authenticate` with the request (web form, Django admin, API
token endpoint) and on a wrong two-factor code (`login_failure_signal`). At
`settings.AXES_FAILURE_LIMIT` consecutive failures within `AXES_COOLOFF_TIME` the account is
refused — even with the right password — until the period ends or an administrator unlocks it.
This module renders the Vietnamese lock-out answer, audits failures and lockouts (never a
password), clears the count once a sign-in is complete, and lets an administrator unlock.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_credentials
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from ptdv.accounts.models import User
from ptdv.accounts.policies import user_authorize_account_change
from ptdv.audit.services import audit_record
from ptdv.core.api import error_body
from ptdv.core.policies import Actor


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return (
        f"Tài khoản đã bị tạm khóa vì đăng nhập sai {settings.AXES_FAILURE_LIMIT} lần liên tiếp. "
        f"Hãy thử lại sau {minutes} phút, hoặc liên hệ quản trị viên của tổ chức để được mở khóa."
    )


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """What a locked-out sign-in gets (AXES_LOCKOUT_CALLABLE): the JSON error envelope under
    /api/, else a page; HTTP 429 either way."""
    status = settings.AXES_HTTP_RESPONSE_CODE
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("account_locked", lockout_message()), status=status)
    return render(
        request, "accounts/locked_out.html", {"message": lockout_message()}, status=status
    )


def _attempts(username: str) -> Any:
    threshold = timezone.now() - settings.AXES_COOLOFF_TIME
    return AccessAttempt.objects.filter(username=username, attempt_time__gte=threshold)


def login_locked_until(*, user: User) -> dt.datetime | None:
    """When the lockout of `user` ends, or None when the account is not locked out."""
    row = _attempts(user.username).aggregate(
        failures=Sum("failures_since_start"), last=Max("attempt_time")
    )
    if (row["failures"] or 0) < settings.AXES_FAILURE_LIMIT:
        return None
    until: dt.datetime = row["last"] + settings.AXES_COOLOFF_TIME
    return until


def login_is_locked(request: HttpRequest, username: str) -> bool:
    """Whether `username` is locked out now (for the doors that check before authenticating)."""
    return bool(AxesProxyHandler.is_locked(request, get_credentials(username)))


def login_failure_signal(request: HttpRequest, *, username: str, door: str) -> None:
    """Count a failure that Django's `authenticate` does not see (a wrong two-factor code)."""
    user_login_failed.send(
        sender=__name__, credentials={"username": username, "door": door}, request=request
    )


def login_failures_reset(*, username: str) -> None:
    """A sign-in is complete: the failed attempts before it no longer count."""
    AxesProxyHandler.reset_attempts(username=username)


def _door(request: Any, credentials: dict[str, Any]) -> str:
    if credentials.get("door"):
        return str(credentials["door"])
    path = getattr(request, "path", "") or ""
    if path.startswith("/api/"):
        return "api"
    if path.startswith("/admin/"):
        return "admin"
    return "web"


def audit_login_failure(request: Any, credentials: dict[str, Any]) -> None:
    """One audit entry per failed sign-in. The user name is recorded only when it names an
    account (a password typed into the name field must not land in the trail)."""
    username = str(credentials.get("username") or "")
    user = User.objects.filter(username=username).first() if username else None
    data: dict[str, Any] = {"door": _door(request, credentials)}
    if user is not None:
        data["username"] = user.username
    if getattr(request, "axes_locked_out", False):
        data["locked"] = True
    audit_record(
        actor=None,
        action="login",
        obj=user,
        object_type="" if user else "accounts.user",
        summary="Đăng nhập không thành công",
        data=data,
    )


def audit_lockout(request: Any, username: str) -> None:
    """One audit entry when an account becomes locked out. django-axes signals again on each
    attempt during the lockout; those leave only their failure entry (they carry no count)."""
    if getattr(request, "axes_failures_since_start", None) is None:
        return
    user = User.objects.filter(username=username).first() if username else None
    audit_record(
        actor=None,
        action="login",
        obj=user,
        object_type="" if user else "accounts.user",
        summary="Tài khoản bị tạm khóa do đăng nhập sai nhiều lần",
        data={"door": _door(request, {}), "failures": settings.AXES_FAILURE_LIMIT}
        | ({"username": user.username} if user else {}),
    )


@transaction.atomic
def user_login_unlock(*, actor: Actor, user: User) -> bool:
    """Lift the sign-in lockout of `user` (the same scope as locking an account: 404 outside
    the administrator's subtrees, 403 inside when the account reaches beyond them).
    Returns whether there was a lockout to lift."""
    user_authorize_account_change(actor, user)
    was_locked = login_locked_until(user=user) is not None
    AccessAttempt.objects.filter(username=user.username).delete()
    audit_record(
        actor=actor,
        action="change",
        obj=user,
        summary="Mở khóa đăng nhập (sau nhiều lần đăng nhập sai)",
        data={"was_locked": was_locked},
    )
    return was_locked


class SignInLocked(Exception):
    """The account is locked out (the caller answers with `lockout_message()`)."""


class TwoFactorSetupRequired(Exception):
    """The account must enrol two-factor sign-in on the web before it may use this door."""


def api_sign_in(*, request: Any, username: str, password: str, otp: str = "") -> User:
    """Check the credentials given to the API token endpoint, through django-axes.

    Raises SignInLocked when the account is locked out (even with the right password),
    ValidationError with a Vietnamese message otherwise: a wrong password or a locked
    (inactive) account answer alike, so the endpoint never tells which accounts exist. A user
    with two-factor sign-in gives the current code (or a recovery code) as `otp`; a wrong
    code counts as a failed attempt. A user who must have two-factor sign-in but has not
    enrolled gets TwoFactorSetupRequired.
    """
    from django.contrib.auth import authenticate

    from ptdv.accounts.two_factor import (
        two_factor_verify,
        two_factor_wait_seconds,
        user_has_two_factor,
        user_requires_two_factor,
        wait_message,
    )

    user = authenticate(request=request, username=username, password=password)
    if user is None:
        if getattr(request, "axes_locked_out", False):
            raise SignInLocked
        raise ValidationError(
            _("Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đã bị khóa."),
            code="authorization",
        )
    assert isinstance(user, User)
    if user_has_two_factor(user=user):
        if not (otp or "").strip():
            raise ValidationError(
                {
                    "otp": [
                        _(
                            "Tài khoản này đăng nhập hai bước: nhập mã xác thực 6 chữ số "
                            "từ ứng dụng (hoặc một mã khôi phục)."
                        )
                    ]
                }
            )
        wait = two_factor_wait_seconds(user=user)
        if wait:
            raise ValidationError({"otp": [wait_message(wait)]})
        if two_factor_verify(user=user, token=otp) is None:
            login_failure_signal(request, username=user.username, door="api-otp")
            if getattr(request, "axes_locked_out", False):
                raise SignInLocked
            raise ValidationError({"otp": [_("Mã xác thực không đúng hoặc đã được dùng.")]})
    elif user_requires_two_factor(user=user):
        raise TwoFactorSetupRequired
    login_failures_reset(username=user.username)
    return user
