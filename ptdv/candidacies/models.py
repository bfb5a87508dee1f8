"""A candidacy (hồ sơ phát triển đảng viên): one person's path toward membership in one cell.

The stage is never written directly: only the action services in `services.py` change it.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    SOURCE = "source", _("Quần chúng ưu tú (nguồn)")
    TRAINED = "trained", _("Đã học lớp nhận thức về Đảng")
    APPLIED = "applied", _("Đã có đơn và lý lịch")
    BRANCH_RESOLVED = "branch_resolved", _("Chi bộ đã đề nghị kết nạp")
    COMMITTEE_RESOLVED = "committee_resolved", _("Đảng ủy cơ sở đã đề nghị")
    DECIDED = "decided", _("Đã có quyết định kết nạp")
    PROBATIONARY = "probationary", _("Đảng viên dự bị")
    OFFICIAL = "official", _("Đảng viên chính thức")
    CLOSED = "closed", _("Đã đóng hồ sơ")


# Open stages before the ceremony: these are the candidate pool.
POOL_STAGES = (
    Stage.SOURCE,
    Stage.TRAINED,
    Stage.APPLIED,
    Stage.BRANCH_RESOLVED,
    Stage.COMMITTEE_RESOLVED,
    Stage.DECIDED,
)


class ClosedReason(models.TextChoices):
    WITHDRAWN = "withdrawn", _("Rút hồ sơ")
    REJECTED = "rejected", _("Không được kết nạp")
    LAPSED = "lapsed", _("Hồ sơ hết hiệu lực")
    REMOVED = "removed", _("Xóa tên khỏi danh sách dự bị")


class SourceChannel(models.TextChoices):
    YOUTH_UNION = "youth_union", _("Đoàn Thanh niên giới thiệu")
    TRADE_UNION = "trade_union", _("Công đoàn giới thiệu")
    WOMENS_UNION = "womens_union", _("Hội Liên hiệp Phụ nữ giới thiệu")
    FARMERS_UNION = "farmers_union", _("Hội Nông dân giới thiệu")
    VETERANS_UNION = "veterans_union", _("Hội Cựu chiến binh giới thiệu")
    FATHERLAND_FRONT = "fatherland_front", _("Mặt trận Tổ quốc giới thiệu")
    SCHOOL = "school", _("Nhà trường")
    WORKPLACE = "workplace", _("Cơ quan, doanh nghiệp")
    RESIDENCE = "residence", _("Chi bộ nơi cư trú phát hiện")
    MOVEMENT = "movement", _("Phong trào, câu lạc bộ")
    ARMED_FORCES = "armed_forces", _("Xuất ngũ từ lực lượng vũ trang")
    OTHER = "other", _("Khác")


class Candidacy(models.Model):
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="candidacies",
        verbose_name=_("công dân"),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="candidacies",
        verbose_name=_("chi bộ"),
    )
    stage = models.CharField(
        _("giai đoạn"), max_length=30, choices=Stage.choices, default=Stage.SOURCE, editable=False
    )
    closed_reason = models.CharField(
        _("lý do đóng"), max_length=20, choices=ClosedReason.choices, blank=True, editable=False
    )
    is_open = models.BooleanField(default=True, editable=False)
    is_readmission = models.BooleanField(_("kết nạp lại"), default=False, editable=False)
    helper = models.ForeignKey(
        "members.PartyMembership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="helped_candidacies",
        verbose_name=_("đảng viên giúp đỡ"),
    )
    responsible_leader = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="nurtured_candidacies",
        verbose_name=_("người chịu trách nhiệm bồi dưỡng"),
    )
    source_channel = models.CharField(
        _("nguồn giới thiệu"),
        max_length=30,
        choices=SourceChannel.choices,
        default=SourceChannel.OTHER,
    )
    opened_on = models.DateField(_("ngày đưa vào nguồn"))
    closed_on = models.DateField(_("ngày đóng hồ sơ"), null=True, blank=True, editable=False)
    stage_changed_on = models.DateField(_("ngày chuyển giai đoạn"), editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hồ sơ phát triển đảng viên")
        verbose_name_plural = _("hồ sơ phát triển đảng viên")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(is_open=True),
                name="candidacy_one_open_per_person",
                violation_error_message=_("Người này đang có một hồ sơ phát triển đảng viên."),
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "stage"], name="candidacy_org_stage"),
            models.Index(fields=["stage", "is_open"], name="candidacy_stage_open"),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_stage_display()}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("candidacies:detail", args=[self.pk])
