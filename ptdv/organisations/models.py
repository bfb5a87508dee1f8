"""The party tree (any depth, levels as data) and the localities of each commune.

The tree is a materialised path: each node's `path` is its parent's path plus a fixed-width
step, so a whole subtree is one indexed prefix query and the ancestors are the prefixes of a
path. `member_count` and `candidate_count` are subtree totals kept current by the services
(`organisation_counters_adjust`) and checked against a recount by `ptdv aggregates verify`.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

PATH_STEP = 4
PATH_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class Kind(models.TextChoices):
    PROVINCE = "province", _("Đảng bộ tỉnh")
    COMMUNE = "commune", _("Đảng bộ xã, phường, đặc khu")
    BLOC = "bloc", _("Đảng bộ khối trực thuộc tỉnh")
    GRASSROOTS_COMMITTEE = "grassroots_committee", _("Đảng bộ cơ sở")
    GRASSROOTS_CELL = "grassroots_cell", _("Chi bộ cơ sở")
    PARTIAL_COMMITTEE = "partial_committee", _("Đảng bộ bộ phận")
    CELL = "cell", _("Chi bộ")
    NATIONAL = "national", _("Toàn quốc")


# Kinds whose members meet and vote: a candidacy belongs to one of these.
CELL_KINDS = (Kind.CELL, Kind.GRASSROOTS_CELL)

# The commune-level units directly under a province: a commune, ward or special zone, or a
# bloc of provincial bodies. A dossier never leaves its unit by a plain transfer.
COMMUNE_LEVEL_KINDS = (Kind.COMMUNE, Kind.BLOC)


class Sector(models.TextChoices):
    RURAL_COMMUNE = "rural_commune", _("Xã")
    URBAN_WARD = "urban_ward", _("Phường, thị trấn")
    STATE_ENTERPRISE = "state_enterprise", _("Doanh nghiệp nhà nước")
    NON_STATE_ENTERPRISE = "non_state_enterprise", _("Doanh nghiệp ngoài nhà nước")
    FDI_ENTERPRISE = "fdi_enterprise", _("Doanh nghiệp có vốn đầu tư nước ngoài")
    EDUCATION = "education", _("Giáo dục")
    HEALTH = "health", _("Y tế")
    AGENCY = "agency", _("Cơ quan hành chính")
    PARTY_AGENCY = "party_agency", _("Cơ quan Đảng, đoàn thể")
    ARMED_FORCES = "armed_forces", _("Quân đội")
    POLICE = "police", _("Công an")
    OTHER = "other", _("Khác")


class AreaFlag(models.TextChoices):
    MOUNTAINOUS = "mountainous", _("Miền núi")
    BORDER = "border", _("Biên giới")
    ISLAND = "island", _("Hải đảo")
    COASTAL = "coastal", _("Ven biển")
    ETHNIC_MINORITY_AREA = "ethnic_minority_area", _("Vùng đồng bào dân tộc thiểu số")
    RELIGIOUS_AREA = "religious_area", _("Vùng đồng bào có đạo")
    EXTREME_HARDSHIP = "extreme_hardship", _("Vùng đặc biệt khó khăn")


class Organisation(models.Model):
    code = models.CharField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    abbreviation = models.CharField(_("tên viết tắt"), max_length=40, blank=True)
    # What official documents print (Hướng dẫn 36-HD/VPTW): the superior body above the
    # issuing body's name, and the place before the date ("Hà Tĩnh, ngày …").
    superior_name = models.CharField(
        _("tên cấp trên (in trên văn bản)"), max_length=255, blank=True
    )
    place_name = models.CharField(_("địa danh (in trên văn bản)"), max_length=100, blank=True)
    kind = models.CharField(_("loại"), max_length=30, choices=Kind.choices)
    sector = models.CharField(
        _("lĩnh vực"), max_length=30, choices=Sector.choices, default=Sector.OTHER
    )
    area_flags = models.JSONField(_("đặc điểm địa bàn"), default=list, blank=True)
    admin_unit_code = models.CharField(
        _("mã đơn vị hành chính"), max_length=10, blank=True, db_index=True
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("tổ chức cấp trên"),
    )
    path = models.CharField(max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(editable=False)
    child_seq = models.PositiveIntegerField(default=0, editable=False)
    authorised_to_admit = models.BooleanField(
        _("được ủy quyền kết nạp"),
        default=False,
        help_text=_(
            "Đảng ủy cơ sở được cấp ủy cấp trên ủy quyền quyết định kết nạp đảng viên từ khi "
            "thành lập. Ủy quyền từ một ngày nhất định: ghi nhận tại mục “Thẩm quyền quyết "
            "định kết nạp”."
        ),
    )
    has_youth_union = models.BooleanField(
        _("có tổ chức Đoàn"),
        default=True,
        help_text=_("Nơi có tổ chức Đoàn: người trong độ tuổi thanh niên phải là đoàn viên."),
    )
    has_trade_union = models.BooleanField(_("có tổ chức Công đoàn"), default=False)
    valid_from = models.DateField(_("ngày thành lập"), null=True, blank=True)
    valid_to = models.DateField(_("ngày giải thể, sáp nhập"), null=True, blank=True)
    member_count = models.PositiveIntegerField(_("số đảng viên"), default=0, editable=False)
    candidate_count = models.PositiveIntegerField(_("số quần chúng"), default=0, editable=False)
    # Subtree counters of the localities (villages, residential groups) of the communes in
    # the subtree: all of them, those without a cell of their own (none, or a shared one) and
    # the "white" ones where no party member lives. Kept by ptdv/organisations/localities.py.
    locality_count = models.PositiveIntegerField(
        _("số thôn, tổ dân phố"), default=0, editable=False
    )
    locality_without_cell_count = models.PositiveIntegerField(
        _("số thôn, tổ dân phố chưa có chi bộ riêng"), default=0, editable=False
    )
    white_locality_count = models.PositiveIntegerField(
        _("số thôn, tổ dân phố chưa có đảng viên"), default=0, editable=False
    )
    # Optimistic concurrency for the tree changes (ptdv/organisations/changes.py).
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("tổ chức đảng")
        verbose_name_plural = _("tổ chức đảng")
        ordering = ["path"]
        indexes = [
            models.Index(
                fields=["path"], name="org_path_prefix", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["parent", "name"], name="org_parent_name"),
            models.Index(fields=["kind"], name="org_kind"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from ptdv.core.links import object_url

        return object_url("organisations:detail", self.pk)

    @property
    def is_active(self) -> bool:
        return self.valid_to is None

    @property
    def ancestor_paths(self) -> list[str]:
        """Paths of this node and every ancestor, root first."""
        return ancestor_paths(self.path)


def ancestor_paths(path: str) -> list[str]:
    """Paths of the node at `path` and of every ancestor, root first."""
    return [path[:end] for end in range(PATH_STEP, len(path) + 1, PATH_STEP)]


def commune_level_unit(lineage: list[Organisation]) -> Organisation | None:
    """The commune-level unit a node belongs to, given the node and all its ancestors (in any
    order): the ancestor directly under the nearest province; without a province above, the
    outermost commune or bloc; else the root itself (a separate tree is a separate unit).
    None only for an empty lineage; a province or the national root is its own unit."""
    chain = sorted(lineage, key=lambda o: len(o.path))
    if not chain:
        return None
    provinces = [i for i, o in enumerate(chain) if o.kind == Kind.PROVINCE]
    if provinces:
        below = provinces[-1] + 1
        return chain[below] if below < len(chain) else chain[provinces[-1]]
    communes = [o for o in chain if o.kind in COMMUNE_LEVEL_KINDS]
    return communes[0] if communes else chain[0]


class LocalityKind(models.TextChoices):
    VILLAGE = "village", _("Thôn")
    HAMLET = "hamlet", _("Bản")
    RESIDENTIAL_GROUP = "residential_group", _("Tổ dân phố")


class Locality(models.Model):
    """A village or residential group of a commune-level organisation."""

    code = models.CharField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    kind = models.CharField(_("loại"), max_length=30, choices=LocalityKind.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="localities",
        verbose_name=_("đảng bộ xã, phường"),
    )
    cell = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="covered_localities",
        verbose_name=_("chi bộ phụ trách"),
        help_text=_("Để trống khi thôn, tổ dân phố chưa có chi bộ riêng."),
    )
    cell_is_shared = models.BooleanField(_("chi bộ ghép"), default=False)
    area_flags = models.JSONField(_("đặc điểm địa bàn"), default=list, blank=True)
    # The name's place in Vietnamese order (ptdv.core.text.title_sort_key), written with the
    # name by the services that write it.
    sort_key = models.CharField(max_length=400, default="", editable=False)
    # Party members (probationary or official) whose residence is here: a locality with none
    # is "white". Kept by ptdv/members/localities.py, never by a form.
    active_members = models.PositiveIntegerField(
        _("số đảng viên cư trú"), default=0, editable=False
    )

    class Meta:
        verbose_name = _("thôn, tổ dân phố")
        verbose_name_plural = _("thôn, tổ dân phố")
        ordering = ["organisation_id", "sort_key"]
        indexes = [models.Index(fields=["organisation", "sort_key"], name="locality_sorted")]

    def __str__(self) -> str:
        return self.name

    @property
    def full_name(self) -> str:
        """The kind and the name ("Thôn Hạ Hương", "Tổ dân phố 2"); a name that already
        starts with its kind ("Thôn 9") is not given it twice."""
        kind = str(self.get_kind_display())
        if self.name.casefold().startswith(kind.casefold() + " ") or not kind:
            return self.name
        return f"{kind} {self.name}"


class CompetenceBasis(models.TextChoices):
    """Why a body decides admission and recognition for an organisation (QĐ §4.3.2)."""

    # (b) the standing committee of the committee directly above the grassroots organisation
    # (or of a committee given above-grassroots powers).
    ABOVE = "above", _("Ban thường vụ cấp ủy cấp trên trực tiếp của tổ chức cơ sở đảng")
    # (a) a grassroots committee authorised by the committee above decides itself.
    AUTHORISED = "authorised", _("Đảng ủy cơ sở được ủy quyền kết nạp")


class Competence(models.Model):
    """Who decides admission and recognition for an organisation and its subtree, from when
    to when, by which decision. The row whose subject is nearest to a cell and valid on a
    day wins; without one, today's rule applies (`ptdv/organisations/competence.py`)."""

    subject = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="competences",
        verbose_name=_("tổ chức (và các tổ chức trực thuộc)"),
    )
    decider = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="competences_held",
        verbose_name=_("cấp quyết định"),
    )
    basis = models.CharField(
        _("căn cứ thẩm quyền"),
        max_length=20,
        choices=CompetenceBasis.choices,
        default=CompetenceBasis.ABOVE,
    )
    # Kept history only: the grassroots organisation of that time when it is no longer on
    # the subject's way up (the subject has moved since; ptdv/organisations/competence.py
    # `competence_pin`). Empty otherwise: the tree says which it is.
    grassroots = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tổ chức cơ sở khi đó"),
    )
    valid_from = models.DateField(_("từ ngày"), null=True, blank=True)
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)
    decision_number = models.CharField(_("số, ký hiệu quyết định"), max_length=60, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    issuing_body = models.CharField(_("cơ quan ban hành"), max_length=255, blank=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("ngày ghi nhận"), auto_now_add=True)

    class Meta:
        verbose_name = _("thẩm quyền quyết định kết nạp")
        verbose_name_plural = _("thẩm quyền quyết định kết nạp")
        ordering = ["subject_id", "valid_from"]
        indexes = [models.Index(fields=["subject", "valid_from"], name="competence_subject")]

    def __str__(self) -> str:
        since = self.valid_from.strftime("%d/%m/%Y") if self.valid_from else "…"
        return f"{self.subject} → {self.decider} (từ {since})"

    def valid_on(self, day: dt.date) -> bool:
        """In force on `day` (both ends included; an empty end is open)."""
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


# --- Changes of the tree over time (ptdv/organisations/changes.py) ----------------------------


class ChangeKind(models.TextChoices):
    CREATE = "create", _("Thành lập")
    RENAME = "rename", _("Đổi tên")
    MOVE = "move", _("Chuyển trực thuộc")
    MERGE = "merge", _("Hợp nhất, sáp nhập")
    SPLIT = "split", _("Chia tách")
    DISSOLVE = "dissolve", _("Giải thể")


class Decision(models.Model):
    """The decision a dated change rests on (number and symbol, date, issuing body)."""

    decision_number = models.CharField(_("số quyết định"), max_length=60)
    decision_date = models.DateField(_("ngày quyết định"))
    issuing_body = models.CharField(_("cơ quan ban hành"), max_length=255)
    date = models.DateField(_("ngày có hiệu lực"))
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    data = models.JSONField(default=dict, blank=True, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người thực hiện"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class OrganisationChange(Decision):
    """One change of the tree by a dated decision: which organisations it ended or changed
    (`predecessors`) and which it founded or kept (`successors`); `data` holds what a later
    reader needs (a name before and after, the counts moved)."""

    kind = models.CharField(_("loại thay đổi"), max_length=20, choices=ChangeKind.choices)
    predecessors = models.ManyToManyField(
        Organisation, related_name="changes_as_predecessor", blank=True
    )
    successors = models.ManyToManyField(
        Organisation, related_name="changes_as_successor", blank=True
    )

    class Meta:
        verbose_name = _("thay đổi tổ chức đảng")
        verbose_name_plural = _("thay đổi tổ chức đảng")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%d/%m/%Y} ({self.decision_number})"


class OrganisationMove(models.Model):
    """A node that changed parent on `date` (its subtree with it): what the tree of a past
    date is rebuilt from (ptdv/organisations/history.py)."""

    change = models.ForeignKey(OrganisationChange, on_delete=models.CASCADE, related_name="moves")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="moves")
    from_parent = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, related_name="+"
    )
    to_parent = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, related_name="+"
    )
    from_path = models.CharField(max_length=255)
    to_path = models.CharField(max_length=255)
    date = models.DateField()

    class Meta:
        verbose_name = _("chuyển trực thuộc")
        verbose_name_plural = _("chuyển trực thuộc")
        ordering = ["date", "id"]
        indexes = [models.Index(fields=["date"], name="org_move_date")]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.date:%d/%m/%Y}"


class LocalityChangeKind(models.TextChoices):
    MERGE = "merge", _("Sáp nhập")
    SPLIT = "split", _("Chia tách")
    RENAME = "rename", _("Đổi tên")
    MOVE = "move", _("Chuyển sang xã, phường khác")


class LocalityChange(Decision):
    """One change of the localities by a dated decision. A locality merged into another is
    removed (its residents follow); its code and name stay here, in `data`."""

    kind = models.CharField(_("loại thay đổi"), max_length=20, choices=LocalityChangeKind.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="locality_changes"
    )
    successors = models.ManyToManyField(Locality, related_name="changes", blank=True)

    class Meta:
        verbose_name = _("thay đổi thôn, tổ dân phố")
        verbose_name_plural = _("thay đổi thôn, tổ dân phố")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%d/%m/%Y} ({self.decision_number})"
