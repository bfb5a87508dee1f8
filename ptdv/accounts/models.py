"""Users and their assignments: a role on a subtree of the organisation tree."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from ptdv.core.policies import Actor
from ptdv.core.roles import ROLE_RANK as ROLE_RANK
from ptdv.core.roles import Role as Role


class User(AbstractUser):
    """A person who signs in. What they see follows their assignments, never `is_superuser`
    alone: a superuser without an assignment sees no organisation."""

    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    # The person this account belongs to, so "Quần chúng tôi phụ trách" can find the
    # candidates they are responsible for. Set only through `ptdv.people.accounts`
    # (the person is resolved through the administrator's scope there); never grants access.
    person = models.OneToOneField(
        "people.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="user_account",
        verbose_name=_("người trong hồ sơ"),
    )

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


class ApiToken(models.Model):
    """A Bearer token for the API. Only a SHA-256 digest of the key is stored: the key is shown
    once, when issued. A token works until `expires_at` unless revoked earlier."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("người dùng")
    )
    key_digest = models.CharField(_("mã băm"), max_length=64, unique=True, editable=False)
    # The first characters of the key, so its owner can tell which token is which.
    prefix = models.CharField(_("đầu mã"), max_length=8, editable=False)
    created_at = models.DateTimeField(_("cấp lúc"), auto_now_add=True)
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người thu hồi"),
    )

    class Meta:
        verbose_name = _("mã truy cập API")
        verbose_name_plural = _("mã truy cập API")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="accounts_token_user_created")]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


def stored_user(actor: Actor | None) -> User | None:
    """The user row an actor stands for, as a "by whom" column stores it: None for an
    anonymous visitor or the system itself (an import run by a command, the demo)."""
    if isinstance(actor, User) and actor.is_authenticated:
        return actor
    return None
