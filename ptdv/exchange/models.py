"""An Excel import: the uploaded file, who sent it, and how far checking and writing got.

The row is the job's state for the progress bar (the web polls it) and the record of what
came in; the uploaded workbook and the annotated copy of a rejected one live under
settings.PRIVATE_MEDIA_ROOT.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    ORGANISATIONS = "organisations", _("Tổ chức đảng")
    LOCALITIES = "localities", _("Thôn, tổ dân phố")
    USERS = "users", _("Người dùng và phân quyền")
    MEMBERS = "members", _("Đảng viên")
    CANDIDATES = "candidates", _("Quần chúng (nguồn)")
    DOSSIERS = "dossiers", _("Hồ sơ đang thực hiện")
    PEOPLE = "people", _("Công dân (sửa thông tin)")
    ORGANISATION_CHANGES = "organisation_changes", _("Thay đổi tổ chức (hợp nhất, đổi tên…)")
    ENROLMENTS = "enrolments", _("Ghi danh lớp bồi dưỡng")


class ImportMode(models.TextChoices):
    """Whether an import's rows are new records or corrections of existing ones (matched by
    a key, e.g. the national ID); each kind declares the modes it has (Importer.modes)."""

    CREATE = "create", _("Thêm mới")
    UPDATE = "update", _("Cập nhật")


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Đang chờ")
    RUNNING = "running", _("Đang xử lý")
    CHECKED = "checked", _("Kiểm tra xong, không có lỗi")
    IMPORTED = "imported", _("Đã nhập")
    REJECTED = "rejected", _("Có lỗi, chưa nhập gì")
    FAILED = "failed", _("Lỗi hệ thống, chưa nhập gì")


FINISHED_STATUSES = (
    ImportStatus.CHECKED,
    ImportStatus.IMPORTED,
    ImportStatus.REJECTED,
    ImportStatus.FAILED,
)


class ImportJob(models.Model):
    kind = models.CharField(_("loại dữ liệu"), max_length=20, choices=ImportKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người nhập"),
    )
    mode = models.CharField(
        _("chế độ"), max_length=10, choices=ImportMode.choices, default=ImportMode.CREATE
    )
    dry_run = models.BooleanField(_("chỉ kiểm tra"), default=False)
    status = models.CharField(
        _("tình trạng"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    phase = models.CharField(_("bước"), max_length=100, blank=True)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    storage_name = models.CharField(max_length=255, editable=False)
    result_storage_name = models.CharField(max_length=255, blank=True, editable=False)
    rows_total = models.PositiveIntegerField(_("số dòng"), default=0)
    rows_done = models.PositiveIntegerField(_("số dòng đã kiểm tra"), default=0)
    rows_written = models.PositiveIntegerField(_("số dòng đã ghi"), default=0)
    error_count = models.PositiveIntegerField(_("số lỗi"), default=0)
    errors = models.JSONField(_("lỗi"), default=list, blank=True)
    warnings = models.JSONField(_("cảnh báo"), default=list, blank=True)
    message = models.TextField(_("thông báo"), blank=True)
    created_at = models.DateTimeField(_("thời điểm gửi"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lượt nhập Excel")
        verbose_name_plural = _("lượt nhập Excel")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.original_name}"

    def get_absolute_url(self) -> str:
        return reverse("exchange:job", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def percent(self) -> int:
        if self.is_finished:
            return 100
        if not self.rows_total:
            return 0
        # Checking is the first 70 %, writing the rest.
        checked = 70 * self.rows_done // self.rows_total
        written = 30 * self.rows_written // self.rows_total
        return min(99, checked + written)
