"""The append-only audit trail: every change, and every view of a person's record.

Append-only twice over: in Python, an entry cannot be saved again or deleted, and the
queryset refuses `update()`, `delete()` and `bulk_update()`; on PostgreSQL a trigger
(migration 0004) refuses UPDATE and DELETE on the table, except the DELETE of entries older
than the retention done by the purge (`ptdv audit purge`, ptdv/audit/services.py).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    VIEW = "view", _("Xem")
    CREATE = "create", _("Tạo mới")
    CHANGE = "change", _("Sửa")
    DELETE = "delete", _("Xóa")
    EXPORT = "export", _("Xuất dữ liệu")
    ACTION = "action", _("Thao tác hồ sơ")
    LOGIN = "login", _("Đăng nhập")
    IMPORT = "import", _("Nhập dữ liệu")
    PURGE = "purge", _("Xóa nhật ký hết hạn lưu trữ")


class AuditChannel(models.TextChoices):
    """The door a request came through."""

    WEB = "web", _("Trang web")
    API = "api", _("API")
    ADMIN = "admin", _("Trang quản trị")
    CONSOLE = "console", _("Dòng lệnh, tác vụ nền")


class AppendOnly(ValueError):
    """Raised on any attempt to change or remove an audit entry outside the purge."""


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnly("Nhật ký chỉ được ghi thêm, không được sửa.")

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        raise AppendOnly("Nhật ký chỉ được ghi thêm, không được sửa.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnly(
            "Nhật ký chỉ được ghi thêm; chỉ lệnh “ptdv audit purge” xóa mục hết hạn lưu trữ."
        )

    update.queryset_only = True  # type: ignore[attr-defined]
    bulk_update.queryset_only = True  # type: ignore[attr-defined]
    delete.queryset_only = True  # type: ignore[attr-defined]


class AuditEntry(models.Model):
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người thực hiện"),
    )
    action = models.CharField(_("hành động"), max_length=20, choices=AuditAction.choices)
    channel = models.CharField(
        _("kênh truy cập"), max_length=10, choices=AuditChannel.choices, blank=True
    )
    object_type = models.CharField(_("loại đối tượng"), max_length=60)
    object_id = models.CharField(_("mã đối tượng"), max_length=40, blank=True)
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("công dân liên quan"),
    )
    # The path of the organisation the entry concerns (the person's managing organisation,
    # the dossier's cell, the exported subtree…) at the time of writing: administrators see
    # the entries of their subtrees by this prefix. Empty when nothing narrower is known.
    org_path = models.CharField(_("tổ chức liên quan"), max_length=255, blank=True)
    summary = models.CharField(_("nội dung"), max_length=255, blank=True)
    data = models.JSONField(_("chi tiết"), default=dict, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("nhật ký")
        verbose_name_plural = _("nhật ký")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["person", "at"], name="audit_person_at"),
            models.Index(
                fields=["org_path"], name="audit_org_path", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.actor} {self.get_action_display()} {self.summary}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Append-only: an entry, once written, never changes.
        if self.pk is not None:
            raise AppendOnly("Nhật ký chỉ được ghi thêm, không được sửa.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnly("Nhật ký chỉ được ghi thêm, không được xóa.")
