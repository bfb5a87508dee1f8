"""Reads of party memberships, scoped by the access policy: the person page's memberships,
the member roster of a subtree (page, API, Excel export) with its filters and breakdowns,
and a member's page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ptdv.core.breakdowns import BreakdownRow, field_counts, labelled, list_field_counts
from ptdv.core.policies import Actor
from ptdv.core.search import person_search_filter
from ptdv.members.models import ACTIVE_STATUSES, MembershipEvent, PartyMembership
from ptdv.members.policies import membership_policy
from ptdv.organisations.models import AreaFlag, Locality, Organisation, Sector
from ptdv.people.choices import TargetGroup
from ptdv.people.models import Person


def person_memberships(*, actor: Actor, person: Person) -> QuerySet[PartyMembership]:
    """The person's membership records the user may see, newest first: the columns the
    person page shows (building the query with every column took longer than reading it)."""
    return (
        membership_policy.visible_to(
            actor, PartyMembership.objects.filter(person=person).select_related("organisation")
        )
        .only(
            "status",
            "readmitted",
            "ceremony_date",
            "official_date",
            "exit_date",
            "exit_reason",
            "organisation__name",
        )
        .order_by("-ceremony_date", "-id")
    )


# Age bands of the roster (age in full years today): code, label, youngest, oldest.
AGE_BANDS: tuple[tuple[str, Any, int, int | None], ...] = (
    ("18_30", _("18–30 tuổi"), 0, 30),
    ("31_45", _("31–45 tuổi"), 31, 45),
    ("46_60", _("46–60 tuổi"), 46, 60),
    ("61_plus", _("Trên 60 tuổi"), 61, None),
)
AGE_BAND_CHOICES = [(code, label) for code, label, _low, _high in AGE_BANDS]
# The status filter's extra value: every membership, current or ended.
ALL_STATUSES = "all"


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def age_band_bounds(code: str, today: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """(born after, born on or before) for the age band `code` on `today`."""
    for band, _label, low, high in AGE_BANDS:
        if band == code:
            latest = _years_before(today, low)
            earliest = _years_before(today, high + 1) if high is not None else None
            return earliest, latest
    raise ValueError(code)


@dataclass(frozen=True)
class MemberFilters:
    """The roster's filters (every one optional). `organisation` is the subtree, already
    fetched through the policy; `locality` the residence, likewise."""

    organisation: Organisation | None = None
    status: str | None = None  # a MembershipStatus, ALL_STATUSES, or None: the current ones
    search: str | None = None
    locality: Locality | None = None
    gender: str | None = None
    ethnicity: str | None = None
    age_band: str | None = None
    year_admitted: int | None = None
    exempt: bool | None = None
    sector: str | None = None
    area_flag: str | None = None
    target_group: str | None = None

    @classmethod
    def of(cls, values: dict[str, Any]) -> MemberFilters:
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in values.items() if k in known and v not in ("", None)})

    def as_audit(self) -> dict[str, Any]:
        """The filters as the audit trail records them (objects by id, the search as given
        or not, never its text: ptdv.audit.services.audit_filters)."""
        return {
            name: getattr(self, name)
            for name in self.__dataclass_fields__
            if getattr(self, name) is not None
        }


def _json_has(field: str, code: str) -> dict[str, str]:
    # JSON containment is not portable to SQLite; the stored lists are JSON arrays of codes,
    # so the quoted code is a safe substring (as the candidate list's target-group filter).
    return {f"{field}__icontains": f'"{code}"'}


def member_list(
    *, actor: Actor, filters: MemberFilters | None = None, today: dt.date | None = None
) -> QuerySet[PartyMembership]:
    """The member roster: memberships the user may see, in Vietnamese name order (given
    name, middle name, family name: `Person.sort_key`), with person, organisation and
    residence joined (one query per page)."""
    f = filters or MemberFilters()
    qs = membership_policy.visible_to(actor).select_related(
        "person__residence_locality__organisation", "organisation", "attached_to"
    )
    if f.organisation is not None:
        qs = qs.filter(organisation__path__startswith=f.organisation.path)
    if f.status == ALL_STATUSES:
        pass
    elif f.status:
        qs = qs.filter(status=f.status)
    else:
        qs = qs.filter(status__in=ACTIVE_STATUSES)
    if f.search:
        qs = person_search_filter(qs, f.search, prefix="person__")
    if f.locality is not None:
        qs = qs.filter(person__residence_locality=f.locality)
    if f.gender:
        qs = qs.filter(person__gender=f.gender)
    if f.ethnicity:
        qs = qs.filter(person__ethnicity=f.ethnicity)
    if f.age_band:
        born_after, born_by = age_band_bounds(f.age_band, today or dt.date.today())
        qs = qs.filter(person__birth_date__lte=born_by)
        if born_after is not None:
            qs = qs.filter(person__birth_date__gt=born_after)
    if f.year_admitted:
        qs = qs.filter(
            admission_decision_date__gte=dt.date(f.year_admitted, 1, 1),
            admission_decision_date__lte=dt.date(f.year_admitted, 12, 31),
        )
    if f.exempt is not None:
        qs = qs.filter(**exempt_condition(f.exempt))
    if f.sector:
        qs = qs.filter(organisation__sector=f.sector)
    if f.area_flag:
        qs = qs.filter(**_json_has("organisation__area_flags", f.area_flag))
    if f.target_group:
        qs = qs.filter(**_json_has("person__target_groups", f.target_group))
    return qs.order_by("person__sort_key", "id")


def exempt_condition(exempt: bool) -> dict[str, Any]:
    """The filter "exempt from activity" (miễn công tác và sinh hoạt đảng) or not."""
    return {"exempt_from__isnull": not exempt}


@dataclass(frozen=True)
class Breakdown:
    """A list's counts by sector (of the organisation), by area flag (of the organisation)
    and by target group (of the person)."""

    total: int
    sector: list[BreakdownRow]
    area_flag: list[BreakdownRow]
    target_group: list[BreakdownRow]

    def tables(self) -> list[tuple[str, list[BreakdownRow]]]:
        return [
            (str(_("Theo lĩnh vực")), self.sector),
            (str(_("Theo đặc điểm địa bàn")), self.area_flag),
            (str(_("Theo đối tượng")), self.target_group),
        ]

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "sector": [row.to_dict() for row in self.sector],
            "area_flag": [row.to_dict() for row in self.area_flag],
            "target_group": [row.to_dict() for row in self.target_group],
        }


def breakdown_of(
    queryset: QuerySet[Any], *, organisation_prefix: str, person_prefix: str
) -> Breakdown:
    """The breakdown of any list whose rows reach an organisation and a person (the roster,
    the candidate list): four grouped queries."""
    sectors = field_counts(queryset, f"{organisation_prefix}sector")
    return Breakdown(
        total=sum(sectors.values()),
        sector=labelled(sectors, Sector.choices),
        area_flag=labelled(
            list_field_counts(queryset, f"{organisation_prefix}area_flags"), AreaFlag.choices
        ),
        target_group=labelled(
            list_field_counts(queryset, f"{person_prefix}target_groups"), TargetGroup.choices
        ),
    )


def member_breakdown(queryset: QuerySet[PartyMembership]) -> Breakdown:
    return breakdown_of(queryset, organisation_prefix="organisation__", person_prefix="person__")


def member_detail_queryset() -> QuerySet[PartyMembership]:
    """What a member page shows, joined in one query (scope it with the policy)."""
    return PartyMembership.objects.select_related(
        "person__residence_locality__organisation", "organisation", "attached_to"
    )


def member_history(*, membership: PartyMembership) -> list[MembershipEvent]:
    """The whole history of the membership, oldest first — admission, recognition,
    transfers, attachments, exemptions, exit — with the organisations each step names and
    who recorded it (one query)."""
    return list(
        membership.events.select_related("from_organisation", "to_organisation", "actor").order_by(
            "date", "id"
        )
    )
