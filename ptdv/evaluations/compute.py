"""The figures of every organisation of a subtree for a year, in a fixed number of queries.

Subtree figures that PTĐV already keeps per organisation are read as they are: the
admissions of the year (`candidacies.AdmissionTally`, a subtree tally), the target
(`targets.Target`), the members at the start of the year (`targets.MemberSnapshot` when the
year's snapshot was taken, else the current `Organisation.member_count`) and the locality
counters (`Organisation.white_locality_count`, `locality_count`). The rest is counted once per
organisation with a grouped query over the subtree and added up to every ancestor in Python:
probationary members due for recognition and those recognised on time, early removals, open
and overdue dossiers, grassroots units that admitted anyone. No query depends on the number
of organisations.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, DateField, ExpressionWrapper, F, Q

from ptdv.candidacies.models import AdmissionTally, Candidacy
from ptdv.evaluations.formula import DEFAULT_RECOGNITION_DAYS, EARLY_REMOVAL_DAYS
from ptdv.members.models import FORMER_MEMBER_STATUSES, MembershipStatus, PartyMembership
from ptdv.organisations.models import PATH_STEP, Kind, Organisation
from ptdv.targets.models import MemberSnapshot, SnapshotRun, Target

GRASSROOTS_KINDS = (Kind.GRASSROOTS_COMMITTEE, Kind.GRASSROOTS_CELL)
BELOW_GRASSROOTS = (Kind.PARTIAL_COMMITTEE, Kind.CELL)


@dataclass
class OrgFigures:
    id: int
    path: str
    name: str
    kind: str
    sector: str
    admitted: int = 0
    admitted_previous: int = 0
    target: int | None = None
    members_at_start: int = 0
    members_estimated: bool = False
    localities: int = 0
    white_localities: int = 0
    due: int = 0
    on_time: int = 0
    removed_early: int = 0
    open: int = 0
    overdue: int = 0
    grassroots_units: int = 0
    grassroots_admitting: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def _plus_days(name: str, days: int) -> ExpressionWrapper[Any]:
    return ExpressionWrapper(F(name) + dt.timedelta(days=days), output_field=DateField())


def _ancestors_within(path: str, root_length: int) -> Iterable[str]:
    """The paths of the node and its ancestors down to the root of the computation."""
    return (path[:end] for end in range(root_length, len(path) + 1, PATH_STEP))


def subtree_figures(
    root: Organisation, year: int, today: dt.date, *, recognition_days: int | None = None
) -> list[OrgFigures]:
    """Figures of every active organisation of `root`'s subtree (root included)."""
    days = recognition_days or DEFAULT_RECOGNITION_DAYS
    prefix = root.path
    figures: dict[str, OrgFigures] = {}
    for pk, path, name, kind, sector, members, localities, white in (
        Organisation.objects.filter(path__startswith=prefix, valid_to__isnull=True)
        .order_by()
        .values_list(
            "id", "path", "name", "kind", "sector", "member_count", "locality_count",
            "white_locality_count",
        )
    ):  # fmt: skip
        figures[path] = OrgFigures(
            id=pk, path=path, name=name, kind=kind, sector=sector, members_at_start=members,
            members_estimated=True, localities=localities, white_localities=white,
        )  # fmt: skip
    _read_stored(figures, prefix, year)
    _roll_up(figures, _own_counts(prefix, year, today, days), len(prefix))
    return list(figures.values())


def _read_stored(figures: dict[str, OrgFigures], prefix: str, year: int) -> None:
    """Admissions (subtree tallies), targets and members at start, as stored."""
    by_id = {f.id: f for f in figures.values()}
    for org_id, tally_year, admitted in AdmissionTally.objects.filter(
        organisation__path__startswith=prefix, year__in=[year - 1, year]
    ).values_list("organisation_id", "year", "admitted"):
        found = by_id.get(org_id)
        if found is None:
            continue
        if tally_year == year:
            found.admitted = admitted
        else:
            found.admitted_previous = admitted
    for org_id, number in Target.objects.filter(
        organisation__path__startswith=prefix, year=year, group=""
    ).values_list("organisation_id", "number"):
        if org_id in by_id:
            by_id[org_id].target = number
    if SnapshotRun.objects.filter(year=year).exists():
        for f in figures.values():
            f.members_at_start, f.members_estimated = 0, False
        for org_id, members in MemberSnapshot.objects.filter(
            organisation__path__startswith=prefix, year=year
        ).values_list("organisation_id", "members"):
            if org_id in by_id:
                by_id[org_id].members_at_start = members


def _own_counts(prefix: str, year: int, today: dt.date, days: int) -> dict[str, dict[str, int]]:
    """Counts of each organisation's own rows (by path), one grouped query each."""
    own: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    for path, due, on_time in (
        PartyMembership.objects.filter(
            organisation__path__startswith=prefix,
            ceremony_date__gte=dt.date(year - 1, 1, 1),
            ceremony_date__lte=dt.date(year - 1, 12, 31),
        )
        .exclude(status=MembershipStatus.TRANSFERRED_OUT)
        .exclude(
            status__in=[*FORMER_MEMBER_STATUSES, MembershipStatus.DECEASED],
            official_date__isnull=True,
        )
        .order_by()
        .values("organisation__path")
        .annotate(
            due=Count("id"),
            on_time=Count(
                "id",
                filter=Q(
                    official_date__isnull=False,
                    official_date__lte=_plus_days("ceremony_date", days),
                ),
            ),
        )
        .values_list("organisation__path", "due", "on_time")
    ):
        own[path]["due"] += due
        own[path]["on_time"] += on_time
    for path, removed in (
        PartyMembership.objects.filter(
            organisation__path__startswith=prefix,
            status__in=FORMER_MEMBER_STATUSES,
            exit_date__gte=start,
            exit_date__lte=end,
            admission_decision_date__isnull=False,
            exit_date__lt=_plus_days("admission_decision_date", EARLY_REMOVAL_DAYS),
        )
        .order_by()
        .values("organisation__path")
        .annotate(n=Count("id"))
        .values_list("organisation__path", "n")
    ):
        own[path]["removed_early"] += removed
    for path, open_count, overdue in (
        Candidacy.objects.filter(organisation__path__startswith=prefix, is_open=True)
        .order_by()
        .values("organisation__path")
        .annotate(n=Count("id"), late=Count("id", filter=Q(next_due__lt=today)))
        .values_list("organisation__path", "n", "late")
    ):
        own[path]["open"] += open_count
        own[path]["overdue"] += overdue
    return own


def _roll_up(
    figures: dict[str, OrgFigures], own: dict[str, dict[str, int]], root_length: int
) -> None:
    """Add each organisation's own counts to it and every ancestor; count grassroots units."""
    for path, counts in own.items():
        for ancestor in _ancestors_within(path, root_length):
            target = figures.get(ancestor)
            if target is None:
                continue
            for name, value in counts.items():
                setattr(target, name, getattr(target, name) + value)
    for unit in figures.values():
        if unit.kind not in GRASSROOTS_KINDS:
            continue
        for ancestor in _ancestors_within(unit.path[:-PATH_STEP], root_length):
            above = figures.get(ancestor)
            if above is None:
                continue
            above.grassroots_units += 1
            above.grassroots_admitting += 1 if unit.admitted > 0 else 0


def component_figures(
    f: OrgFigures, floor_rate: float | None = None
) -> dict[str, tuple[float, dict[str, Any]] | None]:
    """Each component's value and its source figures (None where it does not apply)."""
    floor = float(settings.PTDV_FLOOR_RATE) if floor_rate is None else floor_rate
    result: dict[str, tuple[float, dict[str, Any]] | None] = {}
    result["target_achievement"] = (
        (f.admitted / f.target, {"admitted": f.admitted, "target": f.target}) if f.target else None
    )
    if f.members_at_start and floor:
        rate = f.admitted / f.members_at_start
        result["floor_rate"] = (
            rate / floor,
            {
                "admitted": f.admitted,
                "members_at_start": f.members_at_start,
                "members_estimated": f.members_estimated,
                "admission_rate": round(rate, 4),
                "floor_rate": floor,
            },
        )
    else:
        result["floor_rate"] = None
    result["recognition_on_time"] = (
        (f.on_time / f.due, {"due": f.due, "on_time": f.on_time}) if f.due else None
    )
    base = f.admitted + f.admitted_previous
    result["early_removal"] = (
        (
            f.removed_early / base,
            {
                "removed_early": f.removed_early,
                "admitted": f.admitted,
                "admitted_previous": f.admitted_previous,
            },
        )
        if base
        else None
    )
    result["white_localities"] = (
        (
            f.white_localities / f.localities,
            {"white_localities": f.white_localities, "localities": f.localities},
        )
        if f.localities
        else None
    )
    result["grassroots_admitting"] = (
        (
            f.grassroots_admitting / f.grassroots_units,
            {"units": f.grassroots_units, "admitting": f.grassroots_admitting},
        )
        if f.grassroots_units
        else None
    )
    result["overdue"] = (
        (f.overdue / f.open, {"overdue": f.overdue, "open": f.open}) if f.open else None
    )
    return result
