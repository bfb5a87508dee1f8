"""In-app notifications: one row per user and thing to know, read in the inbox, mailed in
the daily digest."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("người nhận"),
    )
    # A key of ptdv.notifications.services.KINDS ("request_received", "dossier_overdue", …).
    kind = models.CharField(_("loại"), max_length=40)
    title = models.CharField(_("nội dung"), max_length=300)
    url = models.CharField(_("đường dẫn"), max_length=300, blank=True)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tổ chức"),
    )
    # What it is about ("request:12", "candidacy:42"): one notification per user, kind and
    # object; notifying again about the same thing does not add a row.
    object_key = models.CharField(_("đối tượng"), max_length=80)
    due = models.DateField(_("hạn"), null=True, blank=True)
    # A default rather than auto_now_add: the demo writes a year of past notifications.
    created_at = models.DateTimeField(_("lúc tạo"), default=timezone.now, editable=False)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)
    digested_at = models.DateTimeField(_("đã gửi thư lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "object_key"], name="notifications_one_per_object"
            )
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="notifications_unread")]

    def __str__(self) -> str:
        return self.title


class NotificationPreference(models.Model):
    """What a user wants to hear about: the kinds muted (no notification of those kinds is
    created for them) and whether the daily digest e-mail is sent. No row: every kind, digest
    on."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("người dùng"),
    )
    # Sorted KINDS keys, as a JSON array (a quoted key is a safe substring to filter on).
    muted_kinds = models.JSONField(_("loại không nhận"), default=list, blank=True)
    digest = models.BooleanField(_("nhận thư tổng hợp hằng ngày"), default=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("tùy chọn thông báo")
        verbose_name_plural = _("tùy chọn thông báo")

    def __str__(self) -> str:
        return str(self.user)
