"""Two-factor sign-in with time-based one-time codes (TOTP, RFC 6238) and recovery codes,
on django-otp's devices.

- A user enrols a TOTP device (an authenticator app reads the secret or the QR code) and
  confirms it with one code; ten single-use recovery codes are then generated (a static
  device) and shown once.
- At sign-in, after the password, a user with a confirmed device gives a code (or a recovery
  code); only then is the session verified (`request.user.is_verified()`).
- Two-factor sign-in is required of every user holding the role approver or administrator
  anywhere, and of Django staff, when `settings.PTDV_2FA_REQUIRED` is on (the default outside
  the demo); ptdv.accounts.middleware.TwoFactorMiddleware enforces it on every page.
- An administrator of the user's organisation may reset it (the devices are deleted; the user
  enrols again at the next sign-in).
"""

from __future__ import annotations

import base64
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ptdv.accounts.models import ROLE_RANK, Role, User
from ptdv.accounts.policies import user_authorize_account_change
from ptdv.audit.services import audit_record
from ptdv.core.policies import Actor, user_scopes

RECOVERY_CODE_COUNT = 10
TOTP_NAME = "Ứng dụng xác thực"
RECOVERY_NAME = "Mã khôi phục"


def user_requires_two_factor(*, user: User | AnonymousUser) -> bool:
    """Whether `user` must sign in with a second factor (see the module docstring)."""
    if not settings.PTDV_2FA_REQUIRED or not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    return any(rank >= ROLE_RANK[Role.APPROVER] for _path, rank in user_scopes(user))


def user_has_two_factor(*, user: User | AnonymousUser) -> bool:
    """Whether `user` has a confirmed authenticator (recovery codes alone do not count)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def recovery_codes_left(*, user: User) -> int:
    return int(StaticToken.objects.filter(device__user=user, device__confirmed=True).count())


def totp_secret_text(device: TOTPDevice) -> str:
    """The secret as an authenticator app asks for it: base32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@transaction.atomic
def totp_device_start(*, user: User) -> TOTPDevice:
    """The unconfirmed device the user is enrolling (a new secret unless one is pending)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


@transaction.atomic
def recovery_codes_generate(*, user: User) -> list[str]:
    """Ten new single-use recovery codes, replacing any earlier ones. The caller shows them
    once; they are stored as django-otp static tokens (each deleted when used)."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    audit_record(actor=user, action="change", obj=user, summary="Tạo mã khôi phục đăng nhập")
    return codes


@transaction.atomic
def totp_device_confirm(*, request: Any, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the device being enrolled with a code from the app. On success the session
    becomes verified, any other authenticator of the user is replaced, and the new recovery
    codes are returned (to be shown once); on a wrong code, None and nothing changes."""
    user = request.user
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
    if not device.verify_token(_digits(token)):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    audit_record(actor=user, action="change", obj=user, summary="Bật xác thực hai bước")
    return recovery_codes_generate(user=user)


def _digits(token: str) -> str:
    return "".join(str(token or "").split())


def two_factor_wait_seconds(*, user: User) -> int:
    """Seconds before the user's authenticator accepts another code: django-otp doubles a
    wait after each wrong code (OTP_TOTP_THROTTLE_FACTOR seconds, then twice that…)."""
    from django.utils import timezone

    wait = 0
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        allowed, data = device.verify_is_allowed()
        if not allowed and data and data.get("locked_until"):
            remaining = (data["locked_until"] - timezone.now()).total_seconds()
            wait = max(wait, int(remaining) + 1)
    return wait


def wait_message(seconds: int) -> str:
    return f"Bạn vừa nhập sai mã; hãy đợi {seconds} giây rồi nhập mã đang hiện trong ứng dụng."


def two_factor_verify(*, user: User, token: str) -> Any:
    """The device that accepts `token` — the authenticator's current code or an unused
    recovery code — or None. django-otp refuses a code already used and slows guessing."""
    token = _digits(token)
    if not token:
        return None
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(token):
            return device
    for static in StaticDevice.objects.filter(user=user, confirmed=True):
        if static.verify_token(token.lower()):
            audit_record(
                actor=user, action="login", obj=user, summary="Đăng nhập bằng mã khôi phục"
            )
            return static
    return None


@transaction.atomic
def two_factor_disable(*, user: User) -> None:
    """The user turns two-factor sign-in off (refused by the caller when it is required)."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit_record(actor=user, action="change", obj=user, summary="Tắt xác thực hai bước")


@transaction.atomic
def two_factor_reset(*, actor: Actor, user: User) -> None:
    """An administrator removes the user's authenticator and recovery codes (a lost phone):
    the user enrols again at the next sign-in. Same scope as locking the account."""
    user_authorize_account_change(actor, user)
    removed = TOTPDevice.objects.filter(user=user).delete()[0]
    StaticDevice.objects.filter(user=user).delete()
    audit_record(
        actor=actor,
        action="change",
        obj=user,
        summary="Đặt lại xác thực hai bước",
        data={"had_device": bool(removed)},
    )
