"""Sign-ins are audited (Decree 13/2023: who accessed personal data, and when), and so are
failed sign-ins and lockouts (ptdv.accounts.lockout)."""

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from ptdv.accounts.models import User


@receiver(user_logged_in, dispatch_uid="ptdv-audit-login")
def audit_login(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    from ptdv.accounts.lockout import login_failures_reset
    from ptdv.accounts.middleware import SESSION_KEY
    from ptdv.accounts.two_factor import user_has_two_factor
    from ptdv.audit.services import audit_record

    audit_record(actor=user, action="login", obj=user, summary="Đăng nhập")
    has_device = user_has_two_factor(user=user)
    session = getattr(request, "session", None)
    if session is not None:
        session[SESSION_KEY] = "device" if has_device else "none"
    # With a second step to come, the failures count until that step succeeds too.
    if not has_device:
        login_failures_reset(username=user.get_username())


@receiver(user_login_failed, dispatch_uid="ptdv-audit-login-failed")
def audit_login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    from ptdv.accounts.lockout import audit_login_failure

    audit_login_failure(request, credentials)


@receiver(user_locked_out, dispatch_uid="ptdv-audit-locked-out")
def audit_locked_out(sender: Any, request: Any, username: str, **kwargs: Any) -> None:
    from ptdv.accounts.lockout import audit_lockout

    audit_lockout(request, username)
