"""The yearly pool survey (khảo sát nguồn phát triển đảng viên, directive task 4).

An administrator opens a **round** for a year over a subtree, with a due date. Every
grassroots organisation of the subtree (`RESPONDENT_KINDS`: the commune-level committees for
the cells they hold directly and their localities, the grassroots committees and the
grassroots cells) gets one **response**, pre-filled from the data at opening (`figures`,
refreshable while it is a draft or returned); the unit writes its assessment and its plan
for the next year and submits; the organisation above reviews and accepts or returns it.

Each response covers the unit's *own part* of the tree: its subtree without the subtrees of
the responding units below it (a commune answers for its village cells and its localities,
the school's grassroots cell under it answers for itself), so the roll-up never counts a
member twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ptdv.organisations.models import Kind

# The units that answer the survey: those that admit (a cell's resolution goes up to them)
# and hold the cells — the commune-level committees (for their own cells and localities),
# the grassroots committees and the grassroots cells.
RESPONDENT_KINDS = (Kind.COMMUNE, Kind.GRASSROOTS_COMMITTEE, Kind.GRASSROOTS_CELL)


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Đang khảo sát")
    CLOSED = "closed", _("Đã kết thúc")


class ResponseStatus(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    SUBMITTED = "submitted", _("Đã gửi, chờ cấp trên xem xét")
    RETURNED = "returned", _("Cấp trên trả lại")
    ACCEPTED = "accepted", _("Cấp trên đã chấp nhận")


# The unit may still write its part (and refresh its figures).
EDITABLE_STATUSES = (ResponseStatus.DRAFT, ResponseStatus.RETURNED)


class PoolQuality(models.TextChoices):
    GOOD = "good", _("Tốt")
    FAIR = "fair", _("Khá")
    AVERAGE = "average", _("Trung bình")
    WEAK = "weak", _("Yếu")


class SurveyRound(models.Model):
    year = models.PositiveSmallIntegerField(_("năm khảo sát"))
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="survey_rounds",
        verbose_name=_("phạm vi khảo sát"),
    )
    title = models.CharField(_("tên đợt khảo sát"), max_length=255)
    due_date = models.DateField(_("hạn gửi"))
    status = models.CharField(
        _("tình trạng"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    reference_date = models.DateField(_("ngày lấy số liệu"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người mở đợt"),
    )
    opened_at = models.DateTimeField(_("thời điểm mở"), auto_now_add=True)
    closed_at = models.DateTimeField(_("thời điểm kết thúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("đợt khảo sát nguồn")
        verbose_name_plural = _("các đợt khảo sát nguồn")
        ordering = ["-year", "organisation__path"]
        indexes = [models.Index(fields=["year", "status"], name="survey_round_year")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("surveys:round", args=[self.pk])

    @property
    def plan_year(self) -> int:
        """The year the plans of this round are for."""
        return self.year + 1


class SurveyResponse(models.Model):
    survey_round = models.ForeignKey(
        SurveyRound,
        on_delete=models.CASCADE,
        related_name="responses",
        verbose_name=_("đợt khảo sát"),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="survey_responses",
        verbose_name=_("đơn vị"),
    )
    status = models.CharField(
        _("tình trạng"),
        max_length=12,
        choices=ResponseStatus.choices,
        default=ResponseStatus.DRAFT,
    )
    # The figures from the data (key -> number, `figures.FIGURES`), written by the services.
    figures = models.JSONField(_("số liệu"), default=dict, editable=False)
    figures_on = models.DateField(_("ngày lấy số liệu"), null=True, editable=False)
    # The unit's assessment.
    pool_quality = models.CharField(
        _("chất lượng nguồn"), max_length=10, choices=PoolQuality.choices, blank=True
    )
    quality_note = models.TextField(_("đánh giá chất lượng nguồn"), blank=True)
    reasons = models.TextField(_("nguyên nhân"), blank=True)
    difficulties = models.TextField(_("khó khăn, vướng mắc"), blank=True)
    # The unit's plan for the next year: "train", "admit" and "train_<group>",
    # "admit_<group>" for each priority group (ptdv.targets.measures.PriorityGroup).
    plan = models.JSONField(_("kế hoạch"), default=dict, blank=True)
    submitted_at = models.DateTimeField(_("thời điểm gửi"), null=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        editable=False,
        verbose_name=_("người gửi"),
    )
    reviewed_at = models.DateTimeField(_("thời điểm xem xét"), null=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        editable=False,
        verbose_name=_("người xem xét"),
    )
    return_reason = models.TextField(_("lý do trả lại"), blank=True, editable=False)
    returned_count = models.PositiveSmallIntegerField(
        _("số lần trả lại"), default=0, editable=False
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("phiếu khảo sát nguồn")
        verbose_name_plural = _("phiếu khảo sát nguồn")
        ordering = ["survey_round_id", "organisation__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey_round", "organisation"], name="survey_response_one_per_unit"
            )
        ]
        indexes = [
            models.Index(fields=["survey_round", "status"], name="survey_response_status"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.survey_round}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("surveys:response", args=[self.survey_round_id, self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES
