"""Sign-ins are audited (Decree 13/2023: who accessed personal data, and when)."""

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver


@receiver(user_logged_in, dispatch_uid="ptdv-audit-login")
def audit_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    from ptdv.audit.services import audit_record

    audit_record(actor=user, action="login", obj=user, summary="Đăng nhập")
