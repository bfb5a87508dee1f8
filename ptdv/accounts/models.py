"""Users and their assignments: a role on a subtree of the organisation tree."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Roles in ascending power: each includes what the ones below it may do."""

    VIEWER = "viewer", _("Xem")
    CLERK = "clerk", _("Nhập liệu")
    APPROVER = "approver", _("Phê duyệt")
    ADMINISTRATOR = "administrator", _("Quản trị")


ROLE_RANK = {Role.VIEWER: 1, Role.CLERK: 2, Role.APPROVER: 3, Role.ADMINISTRATOR: 4}


class User(AbstractUser):
    """A person who signs in. What they see follows their assignments, never `is_superuser`
    alone: a superuser without an assignment sees no organisation."""

    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self) -> str:
        return self.full_name or self.username


class Assignment(models.Model):
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("người dùng")
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("tổ chức đảng"),
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phân quyền")
        verbose_name_plural = _("phân quyền")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="accounts_assignment_unique_user_org"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.organisation}"
