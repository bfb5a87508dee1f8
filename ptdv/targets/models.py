"""Targets, terms, plans, the yearly member snapshot and the aggregates the dashboards read.

Two kinds of tables live here:

* what people decide — terms and their targets, yearly targets per organisation (with
  sub-targets for priority groups), plan assignments — written only by `services.py`;
* what the system keeps for reading fast — the frozen yearly member snapshot and the
  historical conversion rates — written by `services.snapshot_take` and `rates.py`.

The subtree tallies of admissions and of the open pipeline (`AdmissionTally`,
`PipelineTally`) live with the data they count, in ptdv.candidacies (models and
`tallies.py`, which writes them); targets only reads them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ptdv.candidacies.models import PIPELINE_STAGES, Stage
from ptdv.targets.measures import PriorityGroup

# Stages from which a candidate can still become an admission of the year (the forecast).
FORECAST_STAGES: tuple[Stage, ...] = PIPELINE_STAGES[:5]


# --- Snapshots ------------------------------------------------------------------------------


class SnapshotRun(models.Model):
    """One taken snapshot of a year: its date and who took it. Organisations without a row in
    `MemberSnapshot` had no member on that date."""

    year = models.PositiveSmallIntegerField(_("năm"), unique=True)
    snapshot_date = models.DateField(_("ngày chốt số liệu"))
    taken_at = models.DateTimeField(_("thời điểm lấy số liệu"), auto_now_add=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người lấy số liệu"),
    )
    replaced = models.PositiveSmallIntegerField(_("số lần lấy lại"), default=0)
    members = models.PositiveIntegerField(_("tổng số đảng viên"), default=0)

    class Meta:
        verbose_name = _("lần chốt số đảng viên đầu năm")
        verbose_name_plural = _("các lần chốt số đảng viên đầu năm")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year} ({self.snapshot_date:%d/%m/%Y})"


class MemberSnapshot(models.Model):
    """Members (official + probationary) in an organisation's subtree on the snapshot date of
    a year: README §5 "members at start". Frozen once taken."""

    run = models.ForeignKey(SnapshotRun, on_delete=models.CASCADE, related_name="rows")
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("tổ chức đảng"),
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    members = models.PositiveIntegerField(_("số đảng viên"))
    official = models.PositiveIntegerField(_("đảng viên chính thức"))
    probationary = models.PositiveIntegerField(_("đảng viên dự bị"))

    class Meta:
        verbose_name = _("số đảng viên đầu năm")
        verbose_name_plural = _("số đảng viên đầu năm")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="snapshot_org_year")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.year}: {self.members}"


# --- Terms and targets ----------------------------------------------------------------------


class Term(models.Model):
    """A congress term (nhiệm kỳ) of an organisation, with the admissions its congress set."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="terms",
        verbose_name=_("tổ chức đảng"),
    )
    name = models.CharField(_("nhiệm kỳ"), max_length=40, help_text=_("Ví dụ: 2020–2025."))
    start_year = models.PositiveSmallIntegerField(_("năm đầu"))
    end_year = models.PositiveSmallIntegerField(_("năm cuối"))
    congress_target = models.PositiveIntegerField(
        _("chỉ tiêu Nghị quyết Đại hội (số kết nạp cả nhiệm kỳ)")
    )
    congress_resolution = models.CharField(
        _("nghị quyết đại hội"), max_length=255, blank=True, help_text=_("Ví dụ: Đại hội XIX.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("nhiệm kỳ")
        verbose_name_plural = _("nhiệm kỳ")
        ordering = ["organisation_id", "-start_year"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="term_org_name"),
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")),
                name="term_years_ordered",
                violation_error_message=_("Năm cuối không được trước năm đầu."),
            ),
        ]

    def __str__(self) -> str:
        return str(_("Nhiệm kỳ %(name)s") % {"name": self.name})

    @property
    def years(self) -> range:
        return range(self.start_year, self.end_year + 1)


class ProgrammeTarget(models.Model):
    """A programme's number of admissions over the term (e.g. Chương trình hành động
    18-CTr/TU)."""

    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="programmes")
    name = models.CharField(_("chương trình"), max_length=255)
    number = models.PositiveIntegerField(_("chỉ tiêu kết nạp cả nhiệm kỳ"))

    class Meta:
        verbose_name = _("chỉ tiêu chương trình")
        verbose_name_plural = _("chỉ tiêu chương trình")
        ordering = ["term_id", "id"]
        constraints = [models.UniqueConstraint(fields=["term", "name"], name="programme_term_name")]

    def __str__(self) -> str:
        return self.name


class TargetState(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    APPROVED = "approved", _("Đã duyệt")
    LOCKED = "locked", _("Đã khóa")


class Target(models.Model):
    """An organisation's admission target for a year (chỉ tiêu kết nạp), set by the
    administrators of its parent; a row with a `group` is a sub-target of the row `parent`
    for a priority group."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="targets",
        verbose_name=_("tổ chức đảng"),
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    group = models.CharField(
        _("nhóm đối tượng"), max_length=30, choices=PriorityGroup.choices, blank=True
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="group_targets",
        verbose_name=_("chỉ tiêu chung"),
    )
    number = models.PositiveIntegerField(_("chỉ tiêu"))
    suggested = models.PositiveIntegerField(_("chỉ tiêu gợi ý"), default=0, editable=False)
    members_at_start = models.PositiveIntegerField(
        _("số đảng viên đầu năm"), default=0, editable=False
    )
    floor_rate = models.DecimalField(
        _("tỷ lệ tối thiểu"), max_digits=5, decimal_places=4, default=0, editable=False
    )
    state = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=TargetState.choices,
        default=TargetState.DRAFT,
        editable=False,
    )
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, editable=False)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    locked_at = models.DateTimeField(null=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("chỉ tiêu kết nạp")
        verbose_name_plural = _("chỉ tiêu kết nạp")
        ordering = ["year", "organisation_id", "group"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "group"], name="target_org_year_group"
            ),
            models.CheckConstraint(
                condition=models.Q(group="", parent__isnull=True)
                | (~models.Q(group="") & models.Q(parent__isnull=False)),
                name="target_group_has_parent",
            ),
        ]
        indexes = [models.Index(fields=["year", "organisation"], name="target_year_org")]

    def __str__(self) -> str:
        label = self.get_group_display() if self.group else str(_("chung"))
        return f"{self.year} — {label}: {self.number}"


class TargetAmendment(models.Model):
    """A change to a locked target, with its reason (the only way a locked target changes)."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="amendments")
    number_before = models.PositiveIntegerField(_("chỉ tiêu trước"))
    number_after = models.PositiveIntegerField(_("chỉ tiêu sau"))
    reason = models.TextField(_("lý do"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True)

    class Meta:
        verbose_name = _("điều chỉnh chỉ tiêu")
        verbose_name_plural = _("điều chỉnh chỉ tiêu")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.number_before} → {self.number_after}"


class PlanAssignment(models.Model):
    """Who is responsible for bringing a candidate in this year (directive task 4): a
    leader (a person) and/or a member (a membership)."""

    year = models.PositiveSmallIntegerField(_("năm"))
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("tổ chức giao"),
    )
    candidacy = models.ForeignKey(
        "candidacies.Candidacy",
        on_delete=models.CASCADE,
        related_name="plan_assignments",
        verbose_name=_("hồ sơ"),
    )
    responsible_person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cán bộ lãnh đạo phụ trách"),
    )
    member = models.ForeignKey(
        "members.PartyMembership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("đảng viên được giao"),
    )
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phân công trong kế hoạch")
        verbose_name_plural = _("phân công trong kế hoạch")
        ordering = ["year", "id"]
        constraints = [
            models.UniqueConstraint(fields=["year", "candidacy"], name="plan_year_candidacy"),
            models.CheckConstraint(
                condition=models.Q(responsible_person__isnull=False)
                | models.Q(member__isnull=False),
                name="plan_someone_responsible",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "year"], name="plan_org_year")]

    def __str__(self) -> str:
        return f"{self.year}: {self.candidacy_id}"


# --- Forecast -------------------------------------------------------------------------------


class ConversionRate(models.Model):
    """Of the candidacies of a subtree that entered `stage` in `month` of past years, how many
    had their admission decision in the same calendar year. Rebuilt nightly from the event
    history (`ptdv targets rates`); only subtrees with enough history get rows, the others
    read their nearest ancestor's."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    stage = models.CharField(max_length=30, choices=Stage.choices)
    month = models.PositiveSmallIntegerField()
    entered = models.PositiveIntegerField()
    converted = models.PositiveIntegerField()
    computed_on = models.DateField()

    class Meta:
        verbose_name = _("tỷ lệ chuyển thành kết nạp trong năm")
        verbose_name_plural = _("tỷ lệ chuyển thành kết nạp trong năm")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "stage", "month"], name="rate_org_stage_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.stage} {self.month}: {self.converted}/{self.entered}"

    @property
    def rate(self) -> float:
        return self.converted / self.entered if self.entered else 0.0


# --- Responsibility per person (directive tasks 3, 4) ---------------------------------------


class ResponsibilityQuota(models.Model):
    """How many candidates an organisation asks one person to nurture to admission in a year
    (a committee member or leader: a person; a member: a membership). The plan assignments
    name the candidates; the quota is the number to reach."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("tổ chức giao"),
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cấp ủy viên, cán bộ lãnh đạo"),
    )
    member = models.ForeignKey(
        "members.PartyMembership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("đảng viên"),
    )
    number = models.PositiveSmallIntegerField(_("số quần chúng phải bồi dưỡng, kết nạp"))
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("chỉ tiêu cá nhân phụ trách quần chúng")
        verbose_name_plural = _("chỉ tiêu cá nhân phụ trách quần chúng")
        ordering = ["year", "organisation_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(person__isnull=False) & models.Q(member__isnull=True))
                | (models.Q(person__isnull=True) & models.Q(member__isnull=False)),
                name="quota_one_holder",
            ),
            models.UniqueConstraint(
                fields=["organisation", "year", "person"],
                condition=models.Q(person__isnull=False),
                name="quota_org_year_person",
            ),
            models.UniqueConstraint(
                fields=["organisation", "year", "member"],
                condition=models.Q(member__isnull=False),
                name="quota_org_year_member",
            ),
        ]
        indexes = [models.Index(fields=["year", "organisation"], name="quota_year_org")]

    def __str__(self) -> str:
        return f"{self.year}: {self.number}"
