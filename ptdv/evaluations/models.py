"""Models of đánh giá, xếp loại (issue 14, directive task 8).

* `Formula` — a version of the scoring formula: the year it applies from, its components
  (weight and the two thresholds of each) and the grade thresholds. A change is a new
  version; a version is never edited (the formula page shows the history).
* `EvaluationRun` — one computation of a year for a subtree (who asked, when, in the web's
  background worker or at the console, how long it took).
* `Evaluation` — one organisation's result for a year: the score, every component with the
  figures it came from, its peer group, rank and grade.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("Hoàn thành xuất sắc")
    GOOD = "good", _("Hoàn thành tốt")
    FULFILLED = "fulfilled", _("Hoàn thành")
    NOT_FULFILLED = "not_fulfilled", _("Không hoàn thành")


class Formula(models.Model):
    version = models.PositiveIntegerField(_("phiên bản"), unique=True, editable=False)
    year_from = models.PositiveSmallIntegerField(_("áp dụng từ năm"))
    components = models.JSONField(_("các tiêu chí"), default=list)
    grades = models.JSONField(_("ngưỡng xếp loại"), default=dict)
    note = models.CharField(_("ghi chú, căn cứ"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người lập"),
    )
    created_at = models.DateTimeField(_("thời điểm lập"), auto_now_add=True)

    class Meta:
        verbose_name = _("công thức đánh giá")
        verbose_name_plural = _("các phiên bản công thức đánh giá")
        ordering = ["-version"]

    def __str__(self) -> str:
        return str(
            _("Công thức phiên bản %(v)s (từ năm %(y)s)") % {"v": self.version, "y": self.year_from}
        )


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang tính")
    DONE = "done", _("Đã xong")
    FAILED = "failed", _("Lỗi")


class EvaluationRun(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("tổ chức (gốc cây tính)"),
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    formula = models.ForeignKey(
        Formula, on_delete=models.PROTECT, null=True, blank=True, related_name="runs"
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người yêu cầu"),
    )
    evaluated = models.PositiveIntegerField(_("số tổ chức đã đánh giá"), default=0)
    seconds = models.FloatField(_("thời gian tính (giây)"), default=0)
    error = models.TextField(_("lỗi"), blank=True)
    created_at = models.DateTimeField(_("thời điểm yêu cầu"), auto_now_add=True)
    finished_at = models.DateTimeField(_("thời điểm xong"), null=True, blank=True)

    class Meta:
        verbose_name = _("lần tính đánh giá")
        verbose_name_plural = _("các lần tính đánh giá")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.year} — {self.organisation_id} ({self.status})"


class Evaluation(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="evaluations",
        verbose_name=_("tổ chức đảng"),
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    run = models.ForeignKey(EvaluationRun, on_delete=models.PROTECT, related_name="evaluations")
    formula = models.ForeignKey(Formula, on_delete=models.PROTECT, related_name="evaluations")
    # None when no component applies (nothing to measure): not ranked, not graded.
    score = models.DecimalField(_("điểm"), max_digits=5, decimal_places=2, null=True)
    components = models.JSONField(_("các tiêu chí và số liệu"), default=list)
    peer_group = models.CharField(_("nhóm so sánh"), max_length=40)
    rank = models.PositiveIntegerField(_("thứ hạng trong nhóm"), null=True)
    peer_count = models.PositiveIntegerField(_("số tổ chức được xếp hạng trong nhóm"), default=0)
    grade = models.CharField(_("xếp loại"), max_length=20, choices=Grade.choices, blank=True)

    class Meta:
        verbose_name = _("kết quả đánh giá")
        verbose_name_plural = _("kết quả đánh giá")
        ordering = ["year", "peer_group", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="evaluation_org_year")
        ]
        indexes = [
            models.Index(fields=["year", "peer_group", "rank"], name="evaluation_year_group_rank")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.year}: {self.score}"

    def component_details(self) -> list[dict[str, Any]]:
        """Each component of the formula with its weight and thresholds, whether it applies,
        its value, its score (0–1) and its source figures."""
        stored = {row["code"]: row for row in self.components}
        return [
            {
                "code": item["code"],
                "weight": item["weight"],
                "full": item["full"],
                "zero": item["zero"],
                "applies": "value" in stored.get(item["code"], {}),
                "value": stored.get(item["code"], {}).get("value"),
                "score": stored.get(item["code"], {}).get("score"),
                "figures": stored.get(item["code"], {}).get("figures", {}),
            }
            for item in self.formula.components
        ]
