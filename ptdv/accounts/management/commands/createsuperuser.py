"""`ptdv createsuperuser`: Django's command, but a password given through
DJANGO_SUPERUSER_PASSWORD with --noinput must pass the password validators too.

Django checks the validators only when the password is typed at the prompt (where the operator
may still choose to bypass them); the unattended path would otherwise accept any password.
"""

from __future__ import annotations

import os
from typing import Any

from django.contrib.auth import password_validation
from django.contrib.auth.management.commands import createsuperuser
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from ptdv.accounts.models import User


class Command(createsuperuser.Command):
    def handle(self, *args: Any, **options: Any) -> None:
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD")
        if not options["interactive"] and password is not None:
            username = options.get("username") or os.environ.get("DJANGO_SUPERUSER_USERNAME")
            probe = User(username=username or "")
            try:
                password_validation.validate_password(password, probe)
            except ValidationError as exc:
                raise CommandError(
                    "Mật khẩu trong DJANGO_SUPERUSER_PASSWORD không dùng được: "
                    + " ".join(exc.messages)
                ) from None
        super().handle(*args, **options)
