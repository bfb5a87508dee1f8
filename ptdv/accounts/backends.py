"""Django's model backend, reading the signed-in user with a compiled statement.

Every signed-in page reads its user after its session (`ptdv.core.statements`); signing in,
permissions and `user_can_authenticate` are Django's own."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from ptdv.accounts.models import User
from ptdv.core.statements import Statement

_USER = Statement(lambda pk: User.objects.filter(pk=pk)[:1])


class ModelBackend(DjangoModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None
        user = _USER.first(pk)
        return user if user is not None and self.user_can_authenticate(user) else None
