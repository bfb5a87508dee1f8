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


class DossierAction(models.TextChoices):
    """The dossier's actions; each is declared once in ptdv/candidacies/actions/ (its spec),
    which re-exports this enum."""

    RECORD_CERTIFICATE = (
        "record_certificate",
        _("Ghi nhận giấy chứng nhận lớp bồi dưỡng nhận thức về Đảng"),
    )
    RECORD_APPLICATION = "record_application", _("Ghi nhận đơn xin vào Đảng và lý lịch")
    RECORD_VERIFICATION = "record_verification", _("Ghi nhận kết quả thẩm tra lý lịch")
    RECORD_INTRODUCTION = "record_introduction", _("Ghi nhận người giới thiệu")
    RECORD_OPINIONS = (
        "record_opinions",
        _("Ghi nhận ý kiến của đoàn thể và chi ủy nơi cư trú"),
    )
    BRANCH_VOTE = "branch_vote", _("Chi bộ biểu quyết đề nghị kết nạp")
    COMMITTEE_VOTE = "committee_vote", _("Đảng ủy cơ sở biểu quyết đề nghị kết nạp")
    RECORD_CONSENT = "record_consent", _("Ghi nhận văn bản đồng ý của cấp ủy cấp trên")
    REQUEST_EXTENSION = (
        "request_extension",
        _("Gia hạn thời hạn xem xét quyết định kết nạp"),
    )
    ADMISSION_DECISION = "admission_decision", _("Quyết định kết nạp đảng viên")
    CEREMONY = "ceremony", _("Tổ chức lễ kết nạp")
    RECORD_MEMBER_FILE = "record_member_file", _("Hoàn thành hồ sơ đảng viên")
    RECORD_NEWMEMBER_COURSE = (
        "record_newmember_course",
        _("Ghi nhận chứng nhận lớp bồi dưỡng đảng viên mới"),
    )
    RECOGNITION_VOTE = (
        "recognition_vote",
        _("Chi bộ biểu quyết đề nghị công nhận đảng viên chính thức"),
    )
    RECOGNITION_DECISION = (
        "recognition_decision",
        _("Quyết định công nhận đảng viên chính thức"),
    )
    WITHDRAW = "withdraw", _("Rút hồ sơ")
    REJECT = "reject", _("Không kết nạp (cấp có thẩm quyền từ chối)")
    LAPSE = "lapse", _("Hồ sơ hết hiệu lực")
    REMOVE = "remove", _("Xóa tên khỏi danh sách đảng viên dự bị")
    DEATH = "death", _("Đảng viên dự bị từ trần")
    TRANSFER_OUT = "transfer_out", _("Đảng viên dự bị chuyển sinh hoạt ra ngoài đảng bộ")
    TRANSFER = "transfer", _("Chuyển hồ sơ sang tổ chức đảng khác")
    AMEND = "amend", _("Đính chính thông tin đã ghi")
    ASSIGN_HELPER = (
        "assign_helper",
        _("Phân công đảng viên giúp đỡ, người chịu trách nhiệm bồi dưỡng"),
    )


class ClosedReason(models.TextChoices):
    WITHDRAWN = "withdrawn", _("Rút hồ sơ")
    REJECTED = "rejected", _("Không được kết nạp")
    LAPSED = "lapsed", _("Hồ sơ hết hiệu lực")
    REMOVED = "removed", _("Xóa tên khỏi danh sách dự bị")
    DECEASED = "deceased", _("Đảng viên dự bị từ trần")
    TRANSFERRED_OUT = "transferred_out", _("Chuyển sinh hoạt ra ngoài đảng bộ")


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
    # Where the candidate came from (issue 14 §4): the movement, forum or club and the mass
    # organisation that referred them; `source_channel` stays the generic channel.
    movement = models.ForeignKey(
        "movements.Movement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="candidacies",
        verbose_name=_("phong trào, câu lạc bộ"),
    )
    referring_body = models.ForeignKey(
        "movements.MassOrganisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referred_candidacies",
        verbose_name=_("đoàn thể giới thiệu"),
    )
    opened_on = models.DateField(_("ngày đưa vào nguồn"))
    closed_on = models.DateField(_("ngày đóng hồ sơ"), null=True, blank=True, editable=False)
    stage_changed_on = models.DateField(_("ngày chuyển giai đoạn"), editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    # Dossier facts, written only by the action services (each with its event and audit).
    certificate_date = models.DateField(
        _("ngày cấp giấy chứng nhận CN-NTVĐ"), null=True, editable=False
    )
    application_date = models.DateField(_("ngày đơn xin vào Đảng"), null=True, editable=False)
    history_date = models.DateField(_("ngày khai lý lịch"), null=True, editable=False)
    verification_concluded_on = models.DateField(
        _("ngày kết luận thẩm tra lý lịch"), null=True, editable=False
    )
    verification_waived = models.BooleanField(
        _("miễn thẩm tra lý lịch"), default=False, editable=False
    )
    opinions_date = models.DateField(_("ngày tổng hợp ý kiến (5-KNĐ)"), null=True, editable=False)
    branch_resolution_date = models.DateField(
        _("ngày nghị quyết chi bộ đề nghị kết nạp"), null=True, editable=False
    )
    committee_resolution_date = models.DateField(
        _("ngày nghị quyết đảng ủy cơ sở"), null=True, editable=False
    )
    decision_date = models.DateField(_("ngày quyết định kết nạp"), null=True, editable=False)
    decision_received_date = models.DateField(
        _("ngày nhận quyết định kết nạp"), null=True, editable=False
    )
    extension_working_days = models.PositiveSmallIntegerField(
        _("số ngày làm việc được gia hạn"), default=0, editable=False
    )
    ceremony_date = models.DateField(_("ngày lễ kết nạp"), null=True, editable=False)
    member_file_date = models.DateField(
        _("ngày hoàn thành hồ sơ đảng viên"), null=True, editable=False
    )
    newmember_course_date = models.DateField(
        _("ngày cấp chứng nhận lớp đảng viên mới"), null=True, editable=False
    )
    recognition_resolution_date = models.DateField(
        _("ngày nghị quyết chi bộ đề nghị công nhận chính thức"), null=True, editable=False
    )
    failed_recognition_votes = models.PositiveSmallIntegerField(default=0, editable=False)
    recognition_decision_date = models.DateField(
        _("ngày quyết định công nhận chính thức"), null=True, editable=False
    )

    # The next lawful action, recomputed by the services and `ptdv pipeline refresh`.
    next_action = models.CharField(_("việc tiếp theo"), max_length=40, blank=True, editable=False)
    next_earliest = models.DateField(_("sớm nhất từ ngày"), null=True, editable=False)
    next_due = models.DateField(_("hạn"), null=True, editable=False, db_index=True)
    next_missing = models.JSONField(default=list, editable=False)
    next_expiring = models.JSONField(default=list, editable=False)
    next_checked_on = models.DateField(null=True, editable=False)
    # The first date on which the computed next action may change by the calendar alone
    # (a period ends, a document expires): the nightly refresh re-checks only those rows
    # and the ones whose facts changed (`next_stale`).
    next_valid_until = models.DateField(null=True, editable=False, db_index=True)
    next_stale = models.BooleanField(default=True, editable=False, db_index=True)

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
        from ptdv.core.links import object_url

        return object_url("candidacies:detail", self.pk)

    def get_stage_display(self) -> str:  # type: ignore[no-redef]  # Django's, replaced
        """The stage's label, as Django's own method gives it. Django's rebuilds a dict of
        every choice at each call, translating each of the labels to hash them: a quarter of
        the candidate list's rows' rendering, where it is called once a row."""
        try:
            return str(Stage(self.stage).label)
        except ValueError:
            return str(self.stage)  # not a stage (Django's shows the value itself)


class CandidacySearch(models.Model):
    """The candidate search's narrow table: per candidacy, its organisation's path and its
    person's folded name (`people.Person.search_text`) and Vietnamese sort key.

    Searching and ordering dossiers by name through the person joined millions of people
    (most of them members with no dossier) and read wide dossier rows; this table holds only
    what the search filters, orders and counts on, written in name order, so a search reads a
    few pages (ptdv/candidacies/search.py). It is derived data: `candidacy_search_refresh`
    keeps it equal to the candidacy, its person and its organisation (creation, imports,
    transfers, name corrections, the generator's end of load), and `ptdv aggregates verify`
    checks it.
    """

    candidacy = models.OneToOneField(
        Candidacy, on_delete=models.CASCADE, primary_key=True, related_name="search_entry"
    )
    path = models.CharField(max_length=255)
    search_text = models.CharField(max_length=255)
    sort_key = models.CharField(max_length=400)

    class Meta:
        verbose_name = _("mục tìm kiếm hồ sơ")
        verbose_name_plural = _("mục tìm kiếm hồ sơ")
        indexes = [
            models.Index(fields=["sort_key", "candidacy"], name="candidacy_search_order"),
            models.Index(
                fields=["path"], name="candidacy_search_path", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return self.search_text


class IntroducerKind(models.TextChoices):
    MEMBER = "member", _("Đảng viên chính thức")
    YOUTH_UNION_COMMITTEE = "youth_union_committee", _("Ban Chấp hành Đoàn cơ sở")
    TRADE_UNION_COMMITTEE = "trade_union_committee", _("Ban Chấp hành Công đoàn cơ sở")


class Introducer(models.Model):
    """An introduction of the applicant (3-KNĐ, 4-KNĐ, 4A-KNĐ)."""

    candidacy = models.ForeignKey(Candidacy, on_delete=models.CASCADE, related_name="introducers")
    kind = models.CharField(_("người giới thiệu"), max_length=30, choices=IntroducerKind.choices)
    membership = models.ForeignKey(
        "members.PartyMembership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="introductions",
        verbose_name=_("đảng viên giới thiệu"),
    )
    months_together = models.PositiveSmallIntegerField(
        _("số tháng cùng công tác, học tập, cư trú"), null=True, blank=True
    )
    replacement = models.BooleanField(_("người giới thiệu thay thế"), default=False)
    declared_official = models.BooleanField(
        _("là đảng viên chính thức (theo hồ sơ nhập từ dữ liệu cũ)"),
        null=True,
        blank=True,
        help_text=_("Chỉ dùng khi người giới thiệu không gắn với một quá trình sinh hoạt đảng."),
    )
    date = models.DateField(_("ngày giới thiệu"))
    withdrawn = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("người giới thiệu")
        verbose_name_plural = _("người giới thiệu")
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return self.get_kind_display()


class ConsentKind(models.TextChoices):
    PROVINCIAL_OVER_60 = "provincial_over_60", _("Ban Thường vụ Tỉnh ủy đồng ý (trên 60 tuổi)")
    PROVINCIAL_EDUCATION = (
        "provincial_education",
        _("Ban Thường vụ Tỉnh ủy đồng ý (trình độ học vấn)"),
    )
    PROVINCIAL_READMISSION = (
        "provincial_readmission",
        _("Ban Thường vụ Tỉnh ủy đồng ý (kết nạp lại)"),
    )
    HIGHER_COMMITTEE_LATE_CEREMONY = (
        "higher_committee_late_ceremony",
        _("Cấp ủy cấp trên đồng ý tổ chức lễ kết nạp quá hạn"),
    )


class Consent(models.Model):
    candidacy = models.ForeignKey(Candidacy, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(_("loại văn bản đồng ý"), max_length=40, choices=ConsentKind.choices)
    date = models.DateField(_("ngày văn bản"))
    ref = models.CharField(_("số, ký hiệu"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("văn bản đồng ý")
        verbose_name_plural = _("văn bản đồng ý")
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.ref}"


class Outcome(models.TextChoices):
    PASSED = "passed", _("Đạt")
    FAILED = "failed", _("Không đạt")


class CandidacyEventQuerySet(models.QuerySet["CandidacyEvent"]):
    def effective(self) -> CandidacyEventQuerySet:
        """The events that count: a voided event stays in the timeline (struck through) but
        no rule, form, tally or rate reads it."""
        return self.filter(voided=False)


class CandidacyEvent(models.Model):
    """One row per action taken on a dossier, written in the action's transaction.

    `before` keeps what the action changed as it stood before it (the dossier's fields, the
    person's, an amended event's or introducer's), so that the last action can be voided
    (ptdv.candidacies.void): the event is then kept, marked `voided`, with who, when and why.
    """

    candidacy = models.ForeignKey(Candidacy, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("thao tác"), max_length=40, choices=DossierAction.choices)
    on = models.DateField(_("ngày"))
    at = models.DateTimeField(_("thời điểm ghi"), auto_now_add=True)
    actor = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, related_name="+"
    )
    stage_before = models.CharField(max_length=30, choices=Stage.choices)
    stage_after = models.CharField(max_length=30, choices=Stage.choices)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    facts = models.JSONField(default=dict, blank=True)
    vote = models.JSONField(default=dict, blank=True)
    rule_set_id = models.CharField(max_length=40, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    reason = models.TextField(_("lý do"), blank=True)
    document_number = models.CharField(_("số, ký hiệu văn bản"), max_length=60, blank=True)
    document_date = models.DateField(_("ngày văn bản"), null=True, blank=True)
    issuing_body = models.CharField(_("cơ quan ban hành"), max_length=255, blank=True)
    signer = models.CharField(_("người ký"), max_length=150, blank=True)
    flagged = models.BooleanField(
        default=False, help_text=_("Bước nhập từ dữ liệu cũ không đúng quy định tại thời điểm đó.")
    )
    before = models.JSONField(default=dict, blank=True, editable=False)
    voided = models.BooleanField(_("đã hủy"), default=False, editable=False)
    voided_at = models.DateTimeField(_("thời điểm hủy"), null=True, blank=True, editable=False)
    voided_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("người hủy"),
    )
    void_reason = models.TextField(_("lý do hủy"), blank=True, editable=False)

    objects = CandidacyEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("sự kiện hồ sơ")
        verbose_name_plural = _("sự kiện hồ sơ")
        ordering = ["on", "id"]
        indexes = [models.Index(fields=["candidacy", "on"], name="event_candidacy_on")]

    def __str__(self) -> str:
        return f"{self.action} {self.on:%d/%m/%Y}"


# --- Tallies --------------------------------------------------------------------------------
# Subtree totals the dashboards and reports read (ptdv.targets, ptdv.reports): the row of an
# organisation already counts everything below it, so the progress of any node (the national
# root included) is read from one row. Written by ptdv.candidacies.tallies only, checked
# against a recount by `ptdv aggregates verify`.

# Open candidacies in these stages are the pipeline the dashboards show (stage → count).
PIPELINE_STAGES: tuple[Stage, ...] = (
    Stage.SOURCE,
    Stage.TRAINED,
    Stage.APPLIED,
    Stage.BRANCH_RESOLVED,
    Stage.COMMITTEE_RESOLVED,
    Stage.DECIDED,
    Stage.PROBATIONARY,
)


class AdmissionTally(models.Model):
    """Admissions decided in `year` in the subtree of `organisation`, with the breakdown of
    README §5 (columns named as in `measures.ADMISSION_FIELDS`). Kept current inside the
    write transaction of every candidacy action; signed, so a stray write shows up in
    `aggregates verify` rather than failing someone else's transaction."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    admitted = models.IntegerField(default=0)
    age_18_30 = models.IntegerField(default=0)
    age_sum = models.IntegerField(default=0)
    women = models.IntegerField(default=0)
    ethnic_minority = models.IntegerField(default=0)
    religious = models.IntegerField(default=0)
    youth_union = models.IntegerField(default=0)
    upper_secondary_plus = models.IntegerField(default=0)
    college_plus = models.IntegerField(default=0)
    occ_civil_servant = models.IntegerField(default=0)
    occ_public_service = models.IntegerField(default=0)
    occ_enterprise_manager = models.IntegerField(default=0)
    occ_farmer = models.IntegerField(default=0)
    occ_worker = models.IntegerField(default=0)
    occ_armed_forces = models.IntegerField(default=0)
    occ_pupil_student = models.IntegerField(default=0)
    occ_other = models.IntegerField(default=0)
    ent_private = models.IntegerField(default=0)
    ent_foreign = models.IntegerField(default=0)

    # One column per target group (ptdv.candidacies.measures.TARGET_GROUP_FIELDS).
    tg_pupil_student = models.IntegerField(default=0)
    tg_worker = models.IntegerField(default=0)
    tg_business_owner = models.IntegerField(default=0)
    tg_union_leader = models.IntegerField(default=0)
    tg_village_head = models.IntegerField(default=0)
    tg_discharged_soldier = models.IntegerField(default=0)
    tg_returning_worker = models.IntegerField(default=0)
    tg_public_service = models.IntegerField(default=0)
    tg_ethnic_minority = models.IntegerField(default=0)
    tg_religious = models.IntegerField(default=0)

    class Meta:
        db_table = "targets_admissiontally"  # created by the targets app, moved here
        verbose_name = _("số kết nạp theo năm (cộng dồn cây)")
        verbose_name_plural = _("số kết nạp theo năm (cộng dồn cây)")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="admission_org_year")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.year}: {self.admitted}"


class DueTally(models.Model):
    """Open dossiers in the subtree of `organisation` whose next lawful action falls due on
    `due` (their stored `next_due`). A deadline passes without any write, so the overdue
    count of a subtree cannot be a counter: it is the sum of its rows due before the day
    asked about — a few hundred rows at the national root, however many dossiers are late
    (ptdv/candidacies/tallies.py keeps them)."""

    # The unique constraint's index (organisation, due) serves the lookups by organisation.
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    due = models.DateField(_("hạn"))
    dossiers = models.IntegerField(_("số hồ sơ"), default=0)

    class Meta:
        verbose_name = _("số hồ sơ đang mở theo hạn (cộng dồn cây)")
        verbose_name_plural = _("số hồ sơ đang mở theo hạn (cộng dồn cây)")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "due"], name="duetally_org_due")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.due}: {self.dossiers}"


class YieldTally(models.Model):
    """Dossiers of the subtree of `organisation` that came through `channel` and were, in
    `year`: found (put into the pool, `opened_on`), trained (awareness-course certificate)
    and admitted (admission decision) — the yield of the movements page and the dashboard,
    read in one row per channel whatever the size of the subtree."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    year = models.IntegerField()
    channel = models.CharField(max_length=30, choices=SourceChannel.choices)
    found = models.IntegerField(default=0)
    trained = models.IntegerField(default=0)
    admitted = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("số quần chúng phát hiện, bồi dưỡng, kết nạp theo nguồn (cộng dồn cây)")
        verbose_name_plural = _(
            "số quần chúng phát hiện, bồi dưỡng, kết nạp theo nguồn (cộng dồn cây)"
        )
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "channel"], name="yieldtally_org_year_channel"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.year}/{self.channel}: {self.found}"


class PipelineTally(models.Model):
    """Open candidacies per stage in the subtree of `organisation` (now)."""

    organisation = models.OneToOneField(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    source = models.IntegerField(default=0)
    trained = models.IntegerField(default=0)
    applied = models.IntegerField(default=0)
    branch_resolved = models.IntegerField(default=0)
    committee_resolved = models.IntegerField(default=0)
    decided = models.IntegerField(default=0)
    probationary = models.IntegerField(default=0)
    # Open dossiers of the pipeline per target group of their person (a person may be in
    # several groups, or none).
    tg_pupil_student = models.IntegerField(default=0)
    tg_worker = models.IntegerField(default=0)
    tg_business_owner = models.IntegerField(default=0)
    tg_union_leader = models.IntegerField(default=0)
    tg_village_head = models.IntegerField(default=0)
    tg_discharged_soldier = models.IntegerField(default=0)
    tg_returning_worker = models.IntegerField(default=0)
    tg_public_service = models.IntegerField(default=0)
    tg_ethnic_minority = models.IntegerField(default=0)
    tg_religious = models.IntegerField(default=0)

    class Meta:
        db_table = "targets_pipelinetally"  # created by the targets app, moved here
        verbose_name = _("số hồ sơ đang mở theo giai đoạn (cộng dồn cây)")
        verbose_name_plural = _("số hồ sơ đang mở theo giai đoạn (cộng dồn cây)")

    def __str__(self) -> str:
        return str(self.organisation_id)
