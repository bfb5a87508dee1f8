"""The roles a user holds on a subtree, at the bottom so that every layer can name them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Roles in ascending power: each includes what the ones below it may do."""

    VIEWER = "viewer", _("Xem")
    CLERK = "clerk", _("Nhập liệu")
    APPROVER = "approver", _("Phê duyệt")
    ADMINISTRATOR = "administrator", _("Quản trị")


ROLE_RANK = {Role.VIEWER: 1, Role.CLERK: 2, Role.APPROVER: 3, Role.ADMINISTRATOR: 4}
