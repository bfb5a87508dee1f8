"""Models of inspections and supervisions (issue 14 §6, directive task 10).

An inspection (kiểm tra) or a supervision (giám sát) is carried out by an inspecting body (an
organisation of the tree: a committee, its inspection commission's committee) with named
people, on an inspected organisation, over some dates; it records the subject and the
findings, and recommendations, each with a follow-up due date, done (closed) with its
result. Both sides see it: the inspecting body's subtree and the inspected organisation's.
Changes go through ptdv.inspections.services.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class InspectionKind(models.TextChoices):
    INSPECTION = "inspection", _("Kiểm tra")
    SUPERVISION = "supervision", _("Giám sát")


class Inspection(models.Model):
    kind = models.CharField(_("loại"), max_length=20, choices=InspectionKind.choices)
    body = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="inspections_made",
        verbose_name=_("chủ thể kiểm tra, giám sát"),
    )
    inspectors = models.TextField(_("thành viên đoàn"), blank=True)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="inspections_received",
        verbose_name=_("tổ chức được kiểm tra, giám sát"),
    )
    subject = models.CharField(_("nội dung"), max_length=500)
    starts_on = models.DateField(_("từ ngày"))
    ends_on = models.DateField(_("đến ngày"))
    findings = models.TextField(_("kết quả, nhận xét"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cuộc kiểm tra, giám sát")
        verbose_name_plural = _("cuộc kiểm tra, giám sát")
        ordering = ["-starts_on", "-pk"]
        indexes = [models.Index(fields=["starts_on"], name="inspection_starts")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("inspections:detail", args=[self.pk])

    @property
    def inspector_list(self) -> list[str]:
        return [line.strip() for line in self.inspectors.splitlines() if line.strip()]


class RecommendationStatus(models.TextChoices):
    OPEN = "open", _("Đang thực hiện")
    DONE = "done", _("Đã hoàn thành")


class Recommendation(models.Model):
    inspection = models.ForeignKey(
        Inspection,
        on_delete=models.CASCADE,
        related_name="recommendations",
        verbose_name=_("cuộc kiểm tra, giám sát"),
    )
    text = models.TextField(_("kiến nghị, yêu cầu khắc phục"))
    due_on = models.DateField(_("hạn thực hiện"))
    status = models.CharField(
        _("tình trạng"),
        max_length=10,
        choices=RecommendationStatus.choices,
        default=RecommendationStatus.OPEN,
        editable=False,
    )
    result = models.TextField(_("kết quả thực hiện"), blank=True)
    done_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("kiến nghị sau kiểm tra, giám sát")
        verbose_name_plural = _("kiến nghị sau kiểm tra, giám sát")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["status", "due_on"], name="recommendation_status_due")]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def object_key(self) -> str:
        return f"recommendation:{self.pk}"
