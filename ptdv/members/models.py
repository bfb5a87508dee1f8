"""Party membership records: member counts and introducer/helper eligibility come from here."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class MembershipStatus(models.TextChoices):
    PROBATIONARY = "probationary", _("Dự bị")
    OFFICIAL = "official", _("Chính thức")
    TRANSFERRED_OUT = "transferred_out", _("Đã chuyển đi")
    REMOVED = "removed", _("Xóa tên")
    EXPELLED = "expelled", _("Khai trừ")
    DECEASED = "deceased", _("Từ trần")


# Statuses that count as a member of the organisation.
ACTIVE_STATUSES = (MembershipStatus.PROBATIONARY, MembershipStatus.OFFICIAL)
# Statuses after which a person coming back is a re-admission (kết nạp lại).
FORMER_MEMBER_STATUSES = (MembershipStatus.REMOVED, MembershipStatus.EXPELLED)


class ExitReason(models.TextChoices):
    """Why a membership ended; the re-admission rules read it (docs/rule-cases.md)."""

    REMOVED = "removed", _("Xóa tên")
    ABANDONED_ACTIVITIES = "abandoned_activities", _("Tự bỏ sinh hoạt đảng")
    RESIGNED = "resigned", _("Xin ra khỏi Đảng")
    RESIGNED_FAMILY_HARDSHIP = (
        "resigned_family_hardship",
        _("Xin ra khỏi Đảng vì hoàn cảnh gia đình đặc biệt khó khăn"),
    )
    EXPELLED_DISUNITY = "expelled_disunity", _("Gây mất đoàn kết nội bộ nghiêm trọng")
    CORRUPTION_CONVICTION = "corruption_conviction", _("Bị kết án về tội tham nhũng")
    SERIOUS_CRIME_CONVICTION = (
        "serious_crime_conviction",
        _("Bị kết án về tội nghiêm trọng trở lên"),
    )
    LESS_SERIOUS_CRIME_CONVICTION = (
        "less_serious_crime_conviction",
        _("Bị kết án về tội ít nghiêm trọng"),
    )
    TRANSFER = "transfer", _("Chuyển sinh hoạt đảng")
    DEATH = "death", _("Từ trần")
    OTHER = "other", _("Lý do khác")


class PartyMembership(models.Model):
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("công dân"),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("chi bộ sinh hoạt"),
    )
    status = models.CharField(_("tình trạng"), max_length=20, choices=MembershipStatus.choices)
    admission_decision_date = models.DateField(_("ngày quyết định kết nạp"), null=True, blank=True)
    ceremony_date = models.DateField(_("ngày kết nạp"), null=True, blank=True)
    official_date = models.DateField(_("ngày chính thức"), null=True, blank=True)
    exit_date = models.DateField(_("ngày ra khỏi tổ chức"), null=True, blank=True)
    exit_reason = models.CharField(
        _("lý do"), max_length=40, choices=ExitReason.choices, blank=True
    )
    expunged_on = models.DateField(_("ngày xóa án tích"), null=True, blank=True)
    readmitted = models.BooleanField(_("là đảng viên kết nạp lại"), default=False)
    candidacy = models.OneToOneField(
        "candidacies.Candidacy",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="membership",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("quá trình sinh hoạt đảng")
        verbose_name_plural = _("quá trình sinh hoạt đảng")
        indexes = [
            models.Index(fields=["organisation", "status"], name="membership_org_status"),
            models.Index(fields=["person", "status"], name="membership_person_status"),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES
