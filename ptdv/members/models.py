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

# The retention figures (README §5, ptdv/members/retention.py): the anniversaries of the
# admission before which a departure counts, and the age bands at the admission decision (an
# unknown age counts in the last band).
RETENTION_YEARS = (1, 2, 3, 5)
RETENTION_BANDS = ("18–30", "31–45", "46+")


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


class RemovalGrounds(models.TextChoices):
    """Why the committee removes a member from the rolls (Charter Art. 8 cl. 2; QĐ 29 §8.1)."""

    NOT_ATTENDING = "not_attending", _("Bỏ sinh hoạt đảng hoặc không đóng đảng phí 3 tháng")
    CARD_RETURNED = "card_returned", _("Trả lại hoặc hủy thẻ đảng viên")
    NO_PROGRESS = "no_progress", _("Không tiến bộ sau 12 tháng giáo dục")
    BREACH_TWO_YEARS = "breach_two_years", _("Vi phạm tư cách đảng viên 2 năm liền")
    POLITICAL_STANDARDS = "political_standards", _("Không bảo đảm tiêu chuẩn chính trị")
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
    # Temporary attachment elsewhere (sinh hoạt đảng tạm thời): the member stays on this
    # organisation's rolls and votes there (QĐ §9.3.2 takes them out of the denominator here).
    attached_to = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attached_memberships",
        verbose_name=_("sinh hoạt tạm thời tại"),
    )
    attached_from = models.DateField(_("sinh hoạt tạm thời từ ngày"), null=True, blank=True)
    attached_note = models.CharField(
        _("nơi sinh hoạt tạm thời (ngoài hệ thống)"), max_length=255, blank=True
    )
    # Exemption from party work and activity (miễn công tác và sinh hoạt đảng).
    exempt_from = models.DateField(_("miễn công tác và sinh hoạt từ ngày"), null=True, blank=True)
    exit_grounds = models.CharField(
        _("căn cứ xóa tên"), max_length=40, choices=RemovalGrounds.choices, blank=True
    )
    version = models.PositiveIntegerField(default=1, editable=False)
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

    @property
    def is_attached_elsewhere(self) -> bool:
        return self.attached_from is not None

    @property
    def is_exempt(self) -> bool:
        return self.exempt_from is not None


class MembershipAction(models.TextChoices):
    """What happened to a membership; one `MembershipEvent` per step (the member page's
    history). `admit` and `recognise` come from the dossier (or the backfill)."""

    ADMIT = "admit", _("Kết nạp")
    RECOGNISE = "recognise", _("Công nhận đảng viên chính thức")
    TRANSFER = "transfer", _("Chuyển sinh hoạt đảng chính thức")
    ATTACH = "attach", _("Sinh hoạt đảng tạm thời nơi khác")
    END_ATTACHMENT = "end_attachment", _("Kết thúc sinh hoạt tạm thời")
    EXEMPT = "exempt", _("Miễn công tác và sinh hoạt đảng")
    END_EXEMPTION = "end_exemption", _("Thôi miễn công tác và sinh hoạt đảng")
    REMOVE = "remove", _("Xóa tên")
    EXPEL = "expel", _("Khai trừ")
    DEATH = "death", _("Từ trần")
    TRANSFER_OUT = "transfer_out", _("Chuyển sinh hoạt ra ngoài tỉnh")
    AMEND = "amend", _("Sửa thông tin")


class MembershipEvent(models.Model):
    """One row per step of a membership, written in the step's transaction."""

    membership = models.ForeignKey(PartyMembership, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("thao tác"), max_length=30, choices=MembershipAction.choices)
    date = models.DateField(_("ngày"))
    document_number = models.CharField(_("số, ký hiệu văn bản"), max_length=60, blank=True)
    document_date = models.DateField(_("ngày văn bản"), null=True, blank=True)
    issuing_body = models.CharField(_("cơ quan ban hành"), max_length=255, blank=True)
    signer = models.CharField(_("người ký"), max_length=150, blank=True)
    facts = models.JSONField(default=dict, blank=True)
    reason = models.TextField(_("lý do"), blank=True)
    from_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("từ tổ chức"),
    )
    to_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("đến tổ chức"),
    )
    actor = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("thời điểm ghi"), auto_now_add=True)

    class Meta:
        verbose_name = _("sự kiện sinh hoạt đảng")
        verbose_name_plural = _("sự kiện sinh hoạt đảng")
        ordering = ["date", "id"]
        indexes = [models.Index(fields=["membership", "date"], name="mevent_membership_date")]

    def __str__(self) -> str:
        return f"{self.action} {self.date:%d/%m/%Y}"


class RetentionTally(models.Model):
    """The members admitted (admission decision) in `year` in the subtree of `organisation`
    whose age at the decision falls in `band` (RETENTION_BANDS): how many (`size`), and how
    many of them were removed or expelled before the 1st, 2nd, 3rd and 5th anniversary of
    the decision (`left_n`). A member's transfer record is not counted (their current row
    carries the same admission). Kept current inside the write transaction of every
    membership write (ptdv/members/retention.py); signed, so a stray write shows up in
    `ptdv aggregates verify` rather than failing someone else's transaction."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    band = models.CharField(max_length=8)
    size = models.IntegerField(default=0)
    left_1 = models.IntegerField(default=0)
    left_2 = models.IntegerField(default=0)
    left_3 = models.IntegerField(default=0)
    left_5 = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("số đảng viên còn lại theo khóa kết nạp (cộng dồn cây)")
        verbose_name_plural = _("số đảng viên còn lại theo khóa kết nạp (cộng dồn cây)")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "band"], name="retention_org_year_band"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.year}/{self.band}: {self.size}"
