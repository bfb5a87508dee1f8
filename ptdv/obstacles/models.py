"""Khó khăn, vướng mắc (issue 14 §5, task 9 of the directive): a difficulty an organisation
meets in party-member development, recorded where it is met and carried up the tree until a
level resolves it or answers why it cannot.

An obstacle is recorded by an organisation (`organisation`, which sees it all along) and sits at
one level at a time (`level`: the recording organisation, then each parent it is escalated to).
The level where it sits answers it (resolved, with the answer) or declines it (closed, with the
reason), or escalates it to its parent; each level has `due_on` to act, after which the nightly
job escalates it. Every step is an `ObstacleEvent` (who, when, at which level, the note). The
status changes only through ptdv.obstacles.services.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    POOL = "pool", _("Nguồn quần chúng ưu tú")
    BACKGROUND = "background", _("Thẩm tra, xác minh lý lịch")
    RESIDENCE = "residence", _("Cư trú, làm việc ngoài địa bàn")
    PROCEDURE = "procedure", _("Thủ tục, hồ sơ kết nạp")
    TRAINING = "training", _("Bồi dưỡng nhận thức về Đảng")
    MASS = "mass", _("Đoàn thể giới thiệu, phối hợp")
    OTHER = "other", _("Khác")


class Status(models.TextChoices):
    OPEN = "open", _("Đang chờ giải quyết")
    RESOLVED = "resolved", _("Đã giải quyết")
    DECLINED = "declined", _("Không giải quyết được (đã trả lời lý do)")


CLOSED_STATUSES = (Status.RESOLVED, Status.DECLINED)
# How the level where it sits closes it (the API's `outcome`).
OUTCOME_CHOICES = [(s.value, s.label) for s in CLOSED_STATUSES]


class EventKind(models.TextChoices):
    RECORDED = "recorded", _("Ghi nhận")
    ESCALATED = "escalated", _("Chuyển cấp trên")
    AUTO_ESCALATED = "auto_escalated", _("Quá hạn, tự động chuyển cấp trên")
    RESOLVED = "resolved", _("Giải quyết")
    DECLINED = "declined", _("Trả lời không giải quyết được")


class Obstacle(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="obstacles_recorded",
        verbose_name=_("tổ chức ghi nhận"),
    )
    level = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="obstacles_waiting",
        verbose_name=_("cấp đang giải quyết"),
    )
    category = models.CharField(_("nhóm vướng mắc"), max_length=20, choices=Category.choices)
    title = models.CharField(_("tóm tắt"), max_length=255)
    description = models.TextField(_("nội dung khó khăn, vướng mắc"))
    candidacies = models.ManyToManyField(
        "candidacies.Candidacy",
        blank=True,
        related_name="obstacles",
        verbose_name=_("hồ sơ bị vướng"),
    )
    status = models.CharField(
        _("tình trạng"),
        max_length=20,
        choices=Status.choices,
        default=Status.OPEN,
        editable=False,
    )
    recorded_on = models.DateField(_("ngày ghi nhận"))
    # The date the level where it sits must act by (working days from its arrival there).
    due_on = models.DateField(_("hạn giải quyết ở cấp hiện tại"))
    level_since = models.DateField(_("ngày đến cấp hiện tại"))
    escalations = models.PositiveSmallIntegerField(_("số lần chuyển cấp"), default=0)
    closed_on = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    # Calendar days from recording to closing (the statistics' average).
    days_to_close = models.PositiveIntegerField(null=True, blank=True, editable=False)
    answer = models.TextField(_("nội dung trả lời"), blank=True)
    closed_by_level = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cấp trả lời"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("khó khăn, vướng mắc")
        verbose_name_plural = _("khó khăn, vướng mắc")
        ordering = ["-recorded_on", "-pk"]
        indexes = [
            models.Index(fields=["status", "due_on"], name="obstacle_status_due"),
            models.Index(fields=["level", "status"], name="obstacle_level_status"),
            models.Index(fields=["recorded_on"], name="obstacle_recorded_on"),
        ]

    def __str__(self) -> str:
        return f"{self.title} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("obstacles:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == Status.OPEN

    @property
    def object_key(self) -> str:
        return f"obstacle:{self.pk}"


class ObstacleEvent(models.Model):
    """One step of an obstacle's history, written with the step, in its transaction."""

    obstacle = models.ForeignKey(Obstacle, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("bước"), max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người thực hiện"),
    )
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True)
    on = models.DateField(_("ngày"))
    # The level that took the step (for an escalation: the level it left).
    level = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("cấp"),
    )
    to_level = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("chuyển đến cấp"),
    )
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("bước xử lý khó khăn, vướng mắc")
        verbose_name_plural = _("các bước xử lý khó khăn, vướng mắc")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.on:%d/%m/%Y})"
