"""Reads for monitoring (README §4 I, §5): progress, trend, retention, indicators.

The organisation passed in has already been fetched through the access policy by the caller
(view, API, command); lists of rows about people start from their own policy here. Every
number comes from the stored tallies and snapshots (one row per organisation) or from one
grouped query over a path prefix: the query count never depends on the size of the subtree,
and a table of children costs the same fixed number of queries as a single node.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, IntegerField, Q, QuerySet, Sum, Value

from ptdv.candidacies.measures import ADMISSION_FIELDS, TARGET_GROUP_FIELDS, breakdown_from
from ptdv.candidacies.models import AdmissionTally, Candidacy, PipelineTally
from ptdv.candidacies.policies import candidacy_policy
from ptdv.candidacies.tallies import PIPELINE_FIELDS, overdue_counts
from ptdv.core.plans import planned_admissions
from ptdv.core.policies import Actor
from ptdv.members import models as member_models
from ptdv.members.models import RetentionTally
from ptdv.members.retention import RETENTION_FIELDS, TALLY_FIRST_YEAR, retention_counted
from ptdv.organisations.history import TreeOn
from ptdv.organisations.localities import COUNTERS as LOCALITY_COUNTERS
from ptdv.organisations.models import Organisation, ancestor_paths
from ptdv.organisations.policies import organisation_policy
from ptdv.organisations.selectors import organisation_children
from ptdv.targets.forecast import Forecast, forecast
from ptdv.targets.history import admission_tallies_then, year_end
from ptdv.targets.measures import PriorityGroup, group_admitted
from ptdv.targets.models import (
    FORECAST_STAGES,
    ConversionRate,
    MemberSnapshot,
    PlanAssignment,
    SnapshotRun,
    Target,
    Term,
)
from ptdv.targets.policies import plan_policy, target_policy, term_policy

FIRST_YEAR = 1930  # the Party's founding: no admission is dated before it
LAST_YEAR = 2100


def floor_rate() -> float:
    return float(settings.PTDV_FLOOR_RATE)


def snapshot_date_for(year: int) -> dt.date:
    """The day of `year` on which members are counted (setting PTDV_SNAPSHOT_MONTH_DAY)."""
    month, day = (int(part) for part in str(settings.PTDV_SNAPSHOT_MONTH_DAY).split("-"))
    return dt.date(year, month, day)


def ratio(numerator: int | float, denominator: int | float | None) -> float | None:
    return numerator / denominator if denominator else None


# --- Members at start -----------------------------------------------------------------------


def snapshot_years(years: list[int]) -> set[int]:
    """Those of `years` whose members at start were counted (a snapshot run). One query."""
    return set(SnapshotRun.objects.filter(year__in=years).values_list("year", flat=True))


def members_at_start_many(
    organisations: list[Organisation], years: list[int], taken: set[int] | None = None
) -> dict[tuple[int, int], tuple[int, bool]]:
    """(organisation id, year) → (members at start, estimated). From the snapshot of the year
    when one was taken (an organisation without a row had no member then); otherwise the
    current member count, flagged as an estimate. Two queries; one when the caller passes
    `taken`, `snapshot_years` of (at least) `years` read earlier in the request."""
    if taken is None:
        taken = snapshot_years(years)
    taken = taken.intersection(years)
    rows = (
        {
            (org_id, year): members
            for org_id, year, members in MemberSnapshot.objects.filter(
                organisation__in=[o.pk for o in organisations], year__in=sorted(taken)
            ).values_list("organisation_id", "year", "members")
        }
        if taken
        else {}
    )
    result = {}
    for organisation in organisations:
        for year in years:
            if year in taken:
                result[(organisation.pk, year)] = (rows.get((organisation.pk, year), 0), False)
            else:
                result[(organisation.pk, year)] = (organisation.member_count, True)
    return result


def members_at_start(organisation: Organisation, year: int) -> tuple[int, bool]:
    return members_at_start_many([organisation], [year])[(organisation.pk, year)]


@dataclass(frozen=True)
class Suggestion:
    members_at_start: int
    estimated: bool
    floor_rate: float
    suggested: int


def suggested_target(members: int, rate: float) -> int:
    """ceil(rate × members), in decimal: 0.03 × 100 must give 3, not ceil(3.0000000000000004)."""
    return int((Decimal(str(rate)) * members).to_integral_value(rounding=ROUND_CEILING))


def target_suggestion(organisation: Organisation, year: int) -> Suggestion:
    """ceil(floor rate × members at start) — README §4 G."""
    members, estimated = members_at_start(organisation, year)
    rate = floor_rate()
    return Suggestion(members, estimated, rate, suggested_target(members, rate))


# --- Progress -------------------------------------------------------------------------------


@dataclass
class Progress:
    organisation: Organisation
    year: int
    members_at_start: int
    members_at_start_estimated: bool
    target: int | None
    target_state: str | None
    tally: dict[str, int]
    floor_rate: float
    pipeline: dict[str, int]
    localities: int
    white_localities: int
    localities_without_cell: int
    overdue: int
    forecast: Forecast
    group_targets: dict[str, int] = field(default_factory=dict)
    # What the accepted yearly pool surveys of the year before plan to admit (None: no plan).
    planned_admissions: int | None = None
    # The year's stored admission tally row as read ({}: none), before the correction of a
    # past year to the tree as it was, and the pipeline tally's target-group columns: what
    # the breakdown by target group shows (ptdv/targets/breakdowns.py), read with the rest.
    stored_tally: dict[str, int] = field(default_factory=dict)
    pipeline_groups: dict[str, int] = field(default_factory=dict)

    @property
    def suggested(self) -> int:
        """The floor suggestion: ceil(floor rate × members at start)."""
        return suggested_target(self.members_at_start, self.floor_rate)

    @property
    def admitted(self) -> int:
        return self.tally.get("admitted", 0)

    @property
    def admission_rate(self) -> float | None:
        return ratio(self.admitted, self.members_at_start)

    @property
    def achievement(self) -> float | None:
        return ratio(self.admitted, self.target)

    @property
    def breakdown(self) -> dict[str, Any]:
        return breakdown_from(self.tally)

    @property
    def below_floor(self) -> bool:
        rate = self.admission_rate
        return rate is not None and rate < self.floor_rate

    @property
    def at_risk(self) -> bool:
        return self.forecast.can_reach_target is False

    def group_progress(self) -> list[dict[str, Any]]:
        """Each priority-group sub-target with the admissions of that group."""
        return [
            {
                "group": group,
                "label": str(PriorityGroup(group).label),
                "target": number,
                "admitted": group_admitted(group, self.tally),
                "achievement": ratio(group_admitted(group, self.tally), number),
            }
            for group, number in sorted(self.group_targets.items())
        ]

    def to_dict(self) -> dict[str, Any]:
        """The API's shape (fractions 0–1, null when the denominator is 0)."""
        return {
            "id": self.organisation.pk,
            "code": self.organisation.code,
            "name": self.organisation.name,
            "year": self.year,
            "members_at_start": self.members_at_start,
            "members_at_start_estimated": self.members_at_start_estimated,
            "target": self.target,
            "admitted": self.admitted,
            "admission_rate": self.admission_rate,
            "floor_rate": self.floor_rate,
            "suggested": self.suggested,
            "planned_admissions": self.planned_admissions,
            "achievement": self.achievement,
            "pipeline": dict(self.pipeline),
            "breakdown": self.breakdown,
            "white_localities": self.white_localities,
            "localities_without_cell": self.localities_without_cell,
            "overdue": self.overdue,
            "forecast": self.forecast.to_dict(),
        }


@dataclass
class OwnHistory:
    """What the dashboard shows of the organisation besides its progress row, read by
    `progress_many` in the queries of that row (two queries less): its stored admissions
    and its target in each of `years` (the trend, `progress_trend`), and the sum of its
    children's targets of the year (`target_children_sum`)."""

    years: list[int]
    admitted: dict[int, int] = field(default_factory=dict)
    targets: dict[int, int] = field(default_factory=dict)
    children_targets: dict[str, int] = field(default_factory=dict)


def _rates_for(organisations: list[Organisation], month: int) -> dict[int, dict[str, float | None]]:
    """The conversion rate of each forecast stage for each organisation: its own when stored,
    else its nearest ancestor's (one query for all)."""
    paths = {p for o in organisations for p in ancestor_paths(o.path)}
    stored: dict[str, dict[str, float]] = defaultdict(dict)
    for path, stage, entered, converted in ConversionRate.objects.filter(
        organisation__path__in=paths, month=month
    ).values_list("organisation__path", "stage", "entered", "converted"):
        stored[path][stage] = converted / entered if entered else 0.0
    result: dict[int, dict[str, float | None]] = {}
    for organisation in organisations:
        chain = list(reversed(ancestor_paths(organisation.path)))  # nearest first
        result[organisation.pk] = {
            str(stage): next(
                (stored[p][str(stage)] for p in chain if str(stage) in stored.get(p, {})), None
            )
            for stage in FORECAST_STAGES
        }
    return result


def _admission_tallies(
    ids: list[int], year: int, history: OwnHistory | None
) -> dict[int, dict[str, int]]:
    """The stored admission tally rows of `year` (organisation id → row), and the first
    organisation's admissions in `history.years` (one query)."""
    own_pk = ids[0]
    earlier = [y for y in history.years if y != year] if history is not None else []
    rows = Q(organisation_id__in=ids, year=year)
    if earlier:
        rows |= Q(organisation_id=own_pk, year__in=earlier)
    tallies = {}
    for row in AdmissionTally.objects.filter(rows).values(
        "organisation_id", "year", *ADMISSION_FIELDS
    ):
        if row["year"] == year:
            tallies[row["organisation_id"]] = {name: row[name] for name in ADMISSION_FIELDS}
        elif history is not None:
            history.admitted[row["year"]] = row["admitted"]
    if history is not None and own_pk in tallies:
        history.admitted[year] = tallies[own_pk]["admitted"]
    return tallies


def _pipeline_tallies(
    ids: list[int],
) -> tuple[dict[int, dict[str, int]], dict[int, dict[str, int]]]:
    """The pipeline tally rows: organisation id → stages, and → target groups (one query)."""
    stages = len(PIPELINE_FIELDS)
    pipelines: dict[int, dict[str, int]] = {}
    groups: dict[int, dict[str, int]] = {}
    for org_id, *values in PipelineTally.objects.filter(organisation_id__in=ids).values_list(
        "organisation_id", *PIPELINE_FIELDS, *TARGET_GROUP_FIELDS
    ):
        pipelines[org_id] = dict(zip(PIPELINE_FIELDS, values[:stages], strict=True))
        groups[org_id] = dict(zip(TARGET_GROUP_FIELDS, values[stages:], strict=True))
    return pipelines, groups


def _targets_of(
    ids: list[int], year: int, history: OwnHistory | None
) -> tuple[dict[int, tuple[int, str]], dict[int, dict[str, int]]]:
    """The targets of `year` (organisation id → (number, state)) and the sub-targets by
    group; with `history`, the first organisation's targets in `history.years` and the sum
    of its children's targets of `year` — all its children, seen or not, closed or not, as
    `target_children_sum` counts them (one query)."""
    own_pk = ids[0]
    rows = Q(organisation_id__in=ids, year=year)
    if history is not None:
        rows |= Q(organisation__parent_id=own_pk, year=year, group="")
        earlier = [y for y in history.years if y != year]
        if earlier:
            rows |= Q(organisation_id=own_pk, year__in=earlier, group="")
    targets: dict[int, tuple[int, str]] = {}
    groups: dict[int, dict[str, int]] = defaultdict(dict)
    children_sum = children_count = 0
    # The parent (a join) only when the children's sum is asked for.
    parent = "organisation__parent_id" if history is not None else Value(None, IntegerField())
    for org_id, parent_id, row_year, group, number, state in Target.objects.filter(
        rows
    ).values_list("organisation_id", parent, "year", "group", "number", "state"):
        if row_year != year:
            if history is not None:
                history.targets[row_year] = number
            continue
        if history is not None and parent_id == own_pk and not group:
            children_sum += number
            children_count += 1
        if group:
            groups[org_id][group] = number
        else:
            targets[org_id] = (number, state)
    if history is not None:
        history.children_targets = {"total": children_sum, "count": children_count}
        if own_pk in targets:
            history.targets[year] = targets[own_pk][0]
    return targets, groups


def progress_many(
    organisations: list[Organisation],
    *,
    year: int,
    today: dt.date,
    scope_path: str,
    taken: set[int] | None = None,
    fresh: bool = False,
    history: OwnHistory | None = None,
) -> list[Progress]:
    """Progress of several organisations under `scope_path` (their parent, or the
    organisation itself when there is one), in a fixed number of queries: siblings, or an
    organisation with its children (the dashboard reads both in one pass).

    `taken`: the snapshot years (`snapshot_years`) when the caller has read them already.
    `fresh`: the organisations were read from the database in this request, so their
    locality counters are current and not read again. `history`: filled for the first
    organisation, from the same queries as its row."""
    if not organisations:
        return []
    if any(not o.path.startswith(scope_path) for o in organisations):
        raise ValueError("organisations must be under scope_path")
    ids = [o.pk for o in organisations]
    tallies = _admission_tallies(ids, year, history)
    stored = tallies
    if year < today.year:
        # A past year: the admissions of the tree as it was (ptdv/targets/history.py).
        tallies = admission_tallies_then(organisations, year, tallies, TreeOn(year_end(year)))
    pipelines, pipeline_groups = _pipeline_tallies(ids)
    starts = members_at_start_many(organisations, [year], taken)
    targets, groups = _targets_of(ids, year, history)
    month = today.month if year == today.year else 1
    rates = _rates_for(organisations, month)
    overdue = overdue_counts(ids, today)
    # Subtree counters kept by the services (ptdv/organisations/localities.py), read fresh:
    # an organisation object may be older than the counters (a test's, a command's).
    if fresh:
        places = {o.pk: [getattr(o, name) for name in LOCALITY_COUNTERS] for o in organisations}
    else:
        places = {
            pk: counters
            for pk, *counters in Organisation.objects.filter(pk__in=ids).values_list(
                "id", *LOCALITY_COUNTERS
            )
        }
    rate = floor_rate()
    planned = planned_admissions(ids, year, paths={o.pk: o.path for o in organisations})
    result = []
    for organisation in organisations:
        tally = tallies.get(organisation.pk, {name: 0 for name in ADMISSION_FIELDS})
        pipeline = pipelines.get(organisation.pk, {name: 0 for name in PIPELINE_FIELDS})
        members, estimated = starts[(organisation.pk, year)]
        target: int | None = None
        state: str | None = None
        if organisation.pk in targets:
            target, state = targets[organisation.pk]
        result.append(
            Progress(
                organisation=organisation,
                year=year,
                members_at_start=members,
                members_at_start_estimated=estimated,
                target=target,
                target_state=state,
                tally=tally,
                floor_rate=rate,
                pipeline=pipeline,
                localities=places[organisation.pk][0],
                localities_without_cell=places[organisation.pk][1],
                white_localities=places[organisation.pk][2],
                overdue=overdue.get(organisation.pk, 0),
                forecast=forecast(
                    admitted=tally.get("admitted", 0),
                    target=target,
                    pipeline=pipeline,
                    rates=rates[organisation.pk],
                    year=year,
                    today=today,
                ),
                group_targets=groups.get(organisation.pk, {}),
                planned_admissions=planned.get(organisation.pk),
                stored_tally=stored.get(organisation.pk, {}),
                pipeline_groups=pipeline_groups.get(organisation.pk, {}),
            )
        )
    return result


def progress_for(
    organisation: Organisation, year: int, today: dt.date, history: OwnHistory | None = None
) -> Progress:
    """Progress of one subtree in `year`, as of `today` (`history`: see `progress_many`)."""
    return progress_many(
        [organisation], year=year, today=today, scope_path=organisation.path, history=history
    )[0]


def progress_children(
    *, actor: Actor, organisation: Organisation, year: int, today: dt.date
) -> list[Progress]:
    """Progress of each child the user may see, by name; for a past year, the children of
    that year (the tree as it was on 31 December, ptdv/organisations/history.py)."""
    if year < today.year:
        tree = TreeOn(year_end(year))
        if tree.changed:
            then = list(organisation_policy.visible_to(actor, tree.children(organisation)))
            by_depth: dict[int, list[Organisation]] = defaultdict(list)
            for child in then:
                by_depth[len(child.path)].append(child)
            found = [
                progress
                for siblings in by_depth.values()
                for progress in progress_many(siblings, year=year, today=today, scope_path="")
            ]
            return sorted(found, key=lambda p: (p.organisation.name, p.organisation.pk))
    children = _children_in(actor=actor, organisation=organisation, year=year, today=today)
    return progress_many(children, year=year, today=today, scope_path=organisation.path)


def progress_with_children(
    *,
    actor: Actor,
    organisation: Organisation,
    year: int,
    today: dt.date,
    taken: set[int] | None = None,
    fresh: bool = False,
    history: OwnHistory | None = None,
) -> tuple[Progress, list[Progress]]:
    """`progress_for` and `progress_children` together — the dashboard's two tables — in
    one pass over the tallies when the children are today's (the current year, or a past
    one the tree has not changed since). `taken`, `fresh` and `history` (the
    organisation's) as for `progress_many`; the
    children are read here, so `fresh` says whether `organisation` was read in this
    request (the caller's policy fetch)."""
    if year < today.year and TreeOn(year_end(year)).changed:
        return (
            progress_for(organisation, year, today, history),
            progress_children(actor=actor, organisation=organisation, year=year, today=today),
        )
    children = _children_in(actor=actor, organisation=organisation, year=year, today=today)
    own, *rest = progress_many(
        [organisation, *children],
        year=year,
        today=today,
        scope_path=organisation.path,
        taken=taken,
        fresh=fresh,
        history=history,
    )
    return own, rest


def _children_in(
    *, actor: Actor, organisation: Organisation, year: int, today: dt.date
) -> list[Organisation]:
    """The children the user may see that existed in `year` (up to today)."""
    on = min(year_end(year), today)
    return [
        child
        for child in organisation_children(actor=actor, organisation=organisation)
        if (child.valid_from is None or child.valid_from <= on)
        and (child.valid_to is None or child.valid_to > on)
    ]


def target_children_sum(organisation: Organisation, year: int) -> dict[str, int]:
    """The sum of the children's targets (and how many children have one) for a year."""
    totals = Target.objects.filter(
        organisation__parent=organisation, year=year, group=""
    ).aggregate(total=Sum("number"), count=Count("id"))
    return {"total": totals["total"] or 0, "count": totals["count"] or 0}


# --- Trend ----------------------------------------------------------------------------------


def progress_trend(
    organisation: Organisation,
    years: list[int],
    taken: set[int] | None = None,
    history: OwnHistory | None = None,
) -> list[dict[str, Any]]:
    """Admitted, target, members at start and rate for each year (four queries; three with
    `taken`, the snapshot years read earlier in the request; one, or none, with `history`,
    the organisation's admissions and targets of those years read with its progress)."""
    if history is not None and set(years) <= {*history.years}:
        admitted, targets = history.admitted, history.targets
    else:
        admitted = dict(
            AdmissionTally.objects.filter(organisation=organisation, year__in=years).values_list(
                "year", "admitted"
            )
        )
        targets = dict(
            Target.objects.filter(organisation=organisation, year__in=years, group="").values_list(
                "year", "number"
            )
        )
    starts = members_at_start_many([organisation], years, taken)
    rows = []
    for year in years:
        members, estimated = starts[(organisation.pk, year)]
        count = admitted.get(year, 0)
        rows.append(
            {
                "year": year,
                "admitted": count,
                "target": targets.get(year),
                "members_at_start": members,
                "members_at_start_estimated": estimated,
                "admission_rate": ratio(count, members),
                "achievement": ratio(count, targets.get(year)),
            }
        )
    return rows


# --- Retention ------------------------------------------------------------------------------

# The tally's (ptdv.members.models), under the names the dashboard and the reports import.
AGE_BANDS = member_models.RETENTION_BANDS
RETENTION_YEARS = member_models.RETENTION_YEARS


@dataclass
class CohortBand:
    size: int = 0
    left: dict[int, int] = field(default_factory=dict)

    def share(self, years: int) -> float | None:
        return ratio(self.left.get(years, 0), self.size)


@dataclass
class Cohort:
    year: int
    bands: dict[str, CohortBand]
    complete: dict[int, bool]

    @property
    def total(self) -> CohortBand:
        band = CohortBand()
        for part in self.bands.values():
            band.size += part.size
            for years, n in part.left.items():
                band.left[years] = band.left.get(years, 0) + n
        return band


def retention_for(organisation: Organisation, cohorts: list[int], today: dt.date) -> list[Cohort]:
    """Of the members admitted (decision date) in each cohort year, how many were removed or
    expelled before the 1st, 2nd, 3rd and 5th anniversary of their admission, by age at
    admission (README §5; the definition: ptdv/members/retention.py).

    The cohorts from TALLY_FIRST_YEAR on are read from the stored retention tally: one query
    of at most (cohorts × bands) rows, whatever the size of the subtree. Earlier cohorts are
    not tallied; they are counted from the subtree's membership rows with the tally's own
    grouped query (one more query, only when such a cohort is asked for) — the same numbers,
    but a cost that grows with the subtree."""
    if not cohorts:
        return []
    found: dict[tuple[int, str], list[int]] = {}
    tallied = sorted(year for year in set(cohorts) if year >= TALLY_FIRST_YEAR)
    if tallied:
        for year, band, *values in RetentionTally.objects.filter(
            organisation_id=organisation.pk, year__in=tallied
        ).values_list("year", "band", *RETENTION_FIELDS):
            found[(year, band)] = [int(v) for v in values]
    older = [year for year in cohorts if year < TALLY_FIRST_YEAR]
    found.update(retention_counted(organisation.path, older))

    def band_of(year: int, band: str) -> CohortBand:
        size, *left = found.get((year, band), [0] * len(RETENTION_FIELDS))
        return CohortBand(size=size, left=dict(zip(RETENTION_YEARS, left, strict=True)))

    return [
        Cohort(
            year=year,
            bands={band: band_of(year, band) for band in AGE_BANDS},
            complete={n: dt.date(year + n, 12, 31) <= today for n in RETENTION_YEARS},
        )
        for year in sorted(cohorts)
    ]


def retention_rows(cohorts: list[Cohort]) -> list[dict[str, Any]]:
    """The cohorts as table rows: each age band, then the cohort's total."""
    return [
        {
            "year": cohort.year,
            "band": band,
            "first": index == 0,
            "size": part.size,
            "cells": [
                {
                    "left": part.left.get(n, 0),
                    "share": part.share(n),
                    "complete": cohort.complete[n],
                }
                for n in RETENTION_YEARS
            ],
        }
        for cohort in cohorts
        for index, (band, part) in enumerate([*cohort.bands.items(), ("Tổng số", cohort.total)])
    ]


# --- The directive's indicators -------------------------------------------------------------


@dataclass
class Indicators:
    organisation: Organisation
    term: Term
    year: int
    by_year: list[dict[str, Any]]
    admitted: int
    years_counted: int
    average_per_year: float | None
    congress_target: int
    congress_share: float | None
    congress_pro_rata: float | None
    programmes: list[dict[str, Any]]
    members_at_start_total: int
    average_rate: float | None
    year_rate: float | None
    floor_rate: float
    estimated: bool

    @property
    def last_year(self) -> int | None:
        return self.by_year[-1]["year"] if self.by_year else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "organisation": {"id": self.organisation.pk, "code": self.organisation.code},
            "term": {"id": self.term.pk, "name": self.term.name},
            "year": self.year,
            "by_year": self.by_year,
            "admitted": self.admitted,
            "years_counted": self.years_counted,
            "average_per_year": self.average_per_year,
            "congress_target": self.congress_target,
            "congress_share": self.congress_share,
            "congress_pro_rata": self.congress_pro_rata,
            "programmes": self.programmes,
            "average_rate": self.average_rate,
            "year_rate": self.year_rate,
            "floor_rate": self.floor_rate,
            "members_at_start_estimated": self.estimated,
        }


def indicators_for(*, organisation: Organisation, term: Term, year: int) -> Indicators:
    """The directive's figures for the term, counting its years up to `year`:

    * admitted over those years and the average per year;
    * share of the congress target: admitted / target of the whole term, and "pro rata" (what
      the directive reports, "bình quân đạt khoảng 80%"): the average per year against the
      term's target divided by its number of years;
    * the same two shares for each programme target;
    * share of members: admitted / members at start, for the year and averaged over the years
      (Σ admitted / Σ members at start), against the floor rate.
    """
    last = min(term.end_year, year)
    years = list(range(term.start_year, last + 1))
    trend = progress_trend(organisation, years) if years else []
    admitted = sum(row["admitted"] for row in trend)
    counted = len(years)
    average = admitted / counted if counted else None
    term_years = len(term.years)

    def shares(number: int) -> tuple[float | None, float | None]:
        pro_rata = number * counted / term_years if term_years else 0
        return ratio(admitted, number), ratio(admitted, pro_rata)

    congress_share, congress_pro_rata = shares(term.congress_target)
    programmes = []
    for programme in term.programmes.all():
        share, pro_rata = shares(programme.number)
        programmes.append(
            {
                "name": programme.name,
                "number": programme.number,
                "share": share,
                "pro_rata": pro_rata,
            }
        )
    members_total = sum(row["members_at_start"] for row in trend)
    year_row = next((row for row in trend if row["year"] == year), None)
    return Indicators(
        organisation=organisation,
        term=term,
        year=year,
        by_year=trend,
        admitted=admitted,
        years_counted=counted,
        average_per_year=average,
        congress_target=term.congress_target,
        congress_share=congress_share,
        congress_pro_rata=congress_pro_rata,
        programmes=programmes,
        members_at_start_total=members_total,
        average_rate=ratio(admitted, members_total),
        year_rate=year_row["admission_rate"] if year_row else None,
        floor_rate=floor_rate(),
        estimated=any(row["members_at_start_estimated"] for row in trend),
    )


# --- Lists ----------------------------------------------------------------------------------


def overdue_candidacies(
    *, actor: Actor, organisation: Organisation, today: dt.date, limit: int = 20
) -> list[Candidacy]:
    """The most overdue open dossiers of the subtree (earliest due date first), with the
    columns the dashboard names of them only (its stage and due date, the person's name, the
    cell's name): the three rows in full are some ninety columns to select and read."""
    return list(
        candidacy_policy.visible_to(actor)
        .filter(organisation__path__startswith=organisation.path, is_open=True, next_due__lt=today)
        .select_related("person", "organisation")
        .only(
            "stage",
            "next_due",
            "person__family_name",
            "person__middle_name",
            "person__given_name",
            "organisation__name",
        )
        .order_by("next_due", "id")[:limit]
    )


def term_list(*, actor: Actor, organisation: Organisation) -> QuerySet[Term]:
    return (
        term_policy.visible_to(actor)
        .filter(organisation=organisation)
        .prefetch_related("programmes")
        .order_by("-start_year", "id")
    )


def term_current(*, actor: Actor, organisation: Organisation, year: int) -> Term | None:
    """The organisation's term covering `year` (the latest starting one if several)."""
    return (
        term_list(actor=actor, organisation=organisation)
        .filter(start_year__lte=year, end_year__gte=year)
        .first()
    )


def plan_list(*, actor: Actor, organisation: Organisation, year: int) -> QuerySet[PlanAssignment]:
    return (
        plan_policy.visible_to(actor)
        .filter(organisation__path__startswith=organisation.path, year=year)
        .select_related(
            "organisation",
            "candidacy__person",
            "candidacy__organisation",
            "responsible_person",
            "member__person",
        )
        .order_by("candidacy__search_entry__sort_key", "id")
    )


def target_list(*, actor: Actor, organisation: Organisation, year: int) -> list[Target]:
    """The targets of the organisation and of its children for a year, with their
    sub-targets (two queries)."""
    return list(
        target_policy.visible_to(actor)
        .filter(
            Q(organisation=organisation) | Q(organisation__parent=organisation),
            year=year,
            group="",
        )
        .select_related("organisation")
        .prefetch_related("group_targets")
        .order_by("organisation__path")
    )
