"""The subtree tallies the dashboards read (ptdv.targets, ptdv.reports only read them), kept
current by the candidacy write path.

Design. A candidacy contributes to two tallies:

* `PipelineTally` — one open candidacy in its stage (PIPELINE_STAGES), for its cell and
  every ancestor;
* `AdmissionTally` — one admission in the year of its decision date, with the person's
  breakdown values (`measures.admission_values`), for its cell and every ancestor;
* `DueTally` — one open dossier with a stored deadline (`next_due`), on that date, for its
  cell and every ancestor: the overdue count of a subtree is the sum of its rows due
  before today. `dossier_changed` and the person hook move a dossier's date when its next
  action is recomputed, the pipeline refresh moves those of each chunk it writes
  (`tallies_due_changed`), and the tree moves carry the rows like the others.

Admissions decided before the system was in use exist only as membership rows: a membership
without a candidacy, with an admission decision date and not a transfer record (whose
person has another row), counts as an admission of its organisation. Those rows are not
written by the candidacy path: an import calls `aggregates_rows_added` for the rows it wrote
(or `ptdv aggregates rebuild` runs afterwards). Admissions before TALLY_FIRST_YEAR are not
tallied at all.

The breakdown uses the person's attributes as they are: a correction of a person's gender,
ethnicity, birth date… through `ptdv.people.services.person_update` moves their tallied
admissions between the columns at once (`tallies_person_changed`, called by the
"person_changed" listener in `ptdv.candidacies.derived`); a write that bypassed it would
show up in `ptdv aggregates verify` and be absorbed by `ptdv aggregates rebuild`.

`tallies_candidacy_changed` is called once at the end of `candidacy_act`'s transaction
(and of `candidacy_register`). It reconstructs the candidacy's contribution before the action
from the event (the stage before, the cell before a transfer, the decision date before a
decision or an amendment), computes the contribution now, and adds the difference to the
≤ depth ancestor rows with one upsert per table in the same transaction (like
`organisation_counters_adjust`, it adds to what is stored). Reading the progress of any
subtree is then one row per table, whatever the size of the subtree.

`aggregates_mismatches` recounts from the raw rows (grouped queries, rolled up by path
prefix in memory) and compares; `aggregates_rebuild` writes the recount.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Sum
from django.db.models.functions import ExtractYear

from ptdv.candidacies.measures import (
    ADMISSION_FIELDS,
    TARGET_GROUP_FIELDS,
    admission_aggregates,
    admission_values,
    age_expression,
    target_group_values,
)
from ptdv.candidacies.models import (
    PIPELINE_STAGES,
    AdmissionTally,
    Candidacy,
    CandidacyEvent,
    DossierAction,
    DueTally,
    Outcome,
    PipelineTally,
    YieldTally,
)
from ptdv.core.breakdowns import json_codes
from ptdv.members.models import MembershipStatus, PartyMembership, RetentionTally
from ptdv.members.retention import TALLY_FIRST_YEAR as TALLY_FIRST_YEAR
from ptdv.members.retention import (
    retention_mismatches,
    retention_rebuild,
    retention_rows_added,
)
from ptdv.organisations.models import Organisation, ancestor_paths
from ptdv.organisations.tallies import nonzero, tally_add

PIPELINE_FIELDS: tuple[str, ...] = tuple(str(s) for s in PIPELINE_STAGES)
# Every stored column of a pipeline tally: the stages, then the target groups.
PIPELINE_COLUMNS: tuple[str, ...] = (*PIPELINE_FIELDS, *TARGET_GROUP_FIELDS)


# --- The write hook -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Contribution:
    path: str
    stage: str | None  # the pipeline column, None when not in the pipeline
    decided_on: dt.date | None
    groups: tuple[str, ...] = ()  # the target-group columns it adds to while in the pipeline


def _contribution(
    path: str, stage: str, is_open: bool, decided_on: Any, groups: tuple[str, ...] = ()
) -> _Contribution:
    if isinstance(decided_on, str):
        decided_on = dt.date.fromisoformat(decided_on)
    in_pipeline = is_open and stage in PIPELINE_FIELDS
    return _Contribution(
        path=path,
        stage=stage if in_pipeline else None,
        decided_on=decided_on,
        groups=groups if in_pipeline else (),
    )


def _group_columns(person: Any) -> tuple[str, ...]:
    return tuple(name for name, value in target_group_values(person).items() if value)


def _decision_before(candidacy: Candidacy, event: CandidacyEvent) -> Any:
    """The decision date the candidacy had before `event`."""
    if event.action == "amend" and event.facts.get("field") == "decision_date":
        return event.facts.get("before")
    if event.action == DossierAction.ADMISSION_DECISION and event.outcome != Outcome.FAILED:
        # Only an earlier amendment can have set a decision date before the decision.
        amendments = (
            CandidacyEvent.objects.effective()
            .filter(candidacy_id=candidacy.pk, action="amend", pk__lt=event.pk)
            .order_by("-pk")
        )
        for amendment in amendments:
            if amendment.facts.get("field") == "decision_date":
                return amendment.facts.get("after")
        return None
    return candidacy.decision_date


def _contribution_before(
    candidacy: Candidacy, event: CandidacyEvent, groups: tuple[str, ...]
) -> _Contribution:
    path = candidacy.organisation.path
    if event.action == "transfer" and event.facts.get("from"):
        path = Organisation.objects.values_list("path", flat=True).get(code=event.facts["from"])
    stage = event.stage_before
    # Only closing moves a dossier out of the open ones, and it always ends in `closed`.
    return _contribution(path, stage, stage != "closed", _decision_before(candidacy, event), groups)


def tallies_candidacy_changed(
    *,
    candidacy: Candidacy,
    event: CandidacyEvent | None = None,
    previous: tuple[str, str, bool, dt.date | None] | None = None,
    ids: Mapping[str, int] | None = None,
) -> None:
    """Bring the tallies up to date after one write to `candidacy` (`event` is the action's
    event; None for a newly registered candidacy, or for a voided step, whose `previous`
    (path, stage, is_open, decision date) says what the dossier counted before). Call it
    inside the write transaction. `ids`: organisation id by path, when the caller has them
    (read here when they miss a path the change touches)."""
    # An action does not change the person: the same groups before and after it.
    groups = _group_columns(candidacy.person)
    after = _contribution(
        candidacy.organisation.path,
        candidacy.stage,
        candidacy.is_open,
        candidacy.decision_date,
        groups,
    )
    before = _contribution_before(candidacy, event, groups) if event is not None else None
    if event is None and previous is not None:
        before = _contribution(*previous, groups)
    if before == after:
        return
    pipeline: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    admissions: dict[tuple[str, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for contribution, sign in ((before, -1), (after, 1)):
        if contribution is None:
            continue
        paths = ancestor_paths(contribution.path)
        if contribution.stage is not None:
            for path in paths:
                pipeline[path][contribution.stage] += sign
                for column in contribution.groups:
                    pipeline[path][column] += sign
        if contribution.decided_on is not None and contribution.decided_on.year >= TALLY_FIRST_YEAR:
            values = admission_values(candidacy.person, contribution.decided_on)
            for path in paths:
                row = admissions[(path, contribution.decided_on.year)]
                for name, value in values.items():
                    row[name] += sign * value
    pipeline_deltas = nonzero({(path,): deltas for path, deltas in pipeline.items()})
    admission_deltas = nonzero(admissions)
    touched = {key[0] for key in (*pipeline_deltas, *admission_deltas)}
    if not touched:
        return
    if ids is None or not touched <= ids.keys():
        ids = dict(Organisation.objects.filter(path__in=touched).values_list("path", "id"))
    else:
        # Only the rows touched: `_apply` locks the rows of every id it is given.
        ids = {path: ids[path] for path in touched}
    _apply(PipelineTally, pipeline_deltas, ids)
    _apply(AdmissionTally, admission_deltas, ids)


def tallies_person_changed(*, person: Any, before: Any) -> None:
    """A correction of a person's attributes (`before`: the person as it was, with the same
    attributes as `person`): each admission of theirs that is tallied — a dossier with a
    decision, or an older membership without a dossier — moves from the breakdown columns of
    the old values to those of the new, in its cell and every ancestor, for its year."""
    since = dt.date(TALLY_FIRST_YEAR, 1, 1)
    admissions = [
        *Candidacy.objects.filter(person_id=person.pk, decision_date__gte=since).values_list(
            "organisation__path", "decision_date"
        ),
        *PartyMembership.objects.filter(
            person_id=person.pk, candidacy__isnull=True, admission_decision_date__gte=since
        )
        .exclude(status=MembershipStatus.TRANSFERRED_OUT)
        .values_list("organisation__path", "admission_decision_date"),
    ]
    deltas: dict[Any, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    # Their open dossiers in the pipeline move between the target-group columns.
    was_in, now_in = target_group_values(before), target_group_values(person)
    moved = {name: now_in[name] - was_in[name] for name in now_in if now_in[name] != was_in[name]}
    pipeline: dict[Any, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    if moved:
        open_paths = Candidacy.objects.filter(
            person_id=person.pk, is_open=True, stage__in=PIPELINE_FIELDS
        ).values_list("organisation__path", flat=True)
        for path in open_paths:
            for ancestor in ancestor_paths(path):
                for name, value in moved.items():
                    pipeline[(ancestor,)][name] += value
    _apply(PipelineTally, pipeline)
    for path, decided_on in admissions:
        if decided_on is None:  # filtered out above; for the type checker
            continue
        was, now = admission_values(before, decided_on), admission_values(person, decided_on)
        for ancestor in ancestor_paths(path):
            row = deltas[(ancestor, decided_on.year)]
            for name, value in now.items():
                row[name] += value - was[name]
    _apply(AdmissionTally, deltas)


def _apply(
    model: Any, deltas: dict[Any, dict[str, int]], ids: Mapping[str, int] | None = None
) -> None:
    """Add `deltas` (key → column → amount; key = (path,) or (path, year)) to the rows of
    `model`: one upsert (`tally_add`), which adds to a row or creates it atomically, so that
    concurrent writers never lose an add, and takes the rows in id order, so that two
    opposite transfers wait for each other instead of deadlocking. `ids`: organisation id by
    path, when the caller has them."""
    with_year = model is AdmissionTally
    fields = ADMISSION_FIELDS if with_year else PIPELINE_COLUMNS
    unknown = {name for columns in deltas.values() for name in columns} - set(fields)
    if unknown:  # the upsert writes only `fields`: never drop a change silently
        raise ValueError(f"{model.__name__} has no columns {sorted(unknown)}")
    tally_add(model, ("year",) if with_year else (), fields, deltas, dict(ids) if ids else None)


def aggregates_rows_added(
    *,
    candidacy_ids: Iterable[int] = (),
    membership_ids: Iterable[int] = (),
    retention: bool = True,
) -> None:
    """Count rows written in bulk (an import) into the tallies, inside the transaction that
    wrote them: the new candidacies (their stage and decision) and the new membership rows
    without a candidacy (older admissions). Grouped queries over just those rows, rolled up
    to the ancestors and added with upserts. The members' retention tally too (the
    memberships without a dossier and those of the dossiers), first, as in every write path
    (ptdv.members.retention) — unless `retention` is False: rows that went through the
    membership hook, which counted them."""
    candidacy_ids, membership_ids = list(candidacy_ids), list(membership_ids)
    if retention:
        retention_rows_added(membership_ids=membership_ids, candidacy_ids=candidacy_ids)
    if candidacy_ids:
        _apply(
            PipelineTally,
            {(path,): _named(PIPELINE_COLUMNS, v) for path, v in _pipeline_recount(candidacy_ids)},
        )
        due: dict[tuple[str, dt.date], int] = defaultdict(int)
        for path, next_due, n in (
            Candidacy.objects.filter(pk__in=candidacy_ids, is_open=True, next_due__isnull=False)
            .order_by()
            .values_list("organisation__path", "next_due")
            .annotate(n=Count("id"))
        ):
            for prefix in ancestor_paths(path):
                due[(prefix, next_due)] += n
        _due_apply(due)
        tally_add(
            YieldTally,
            ("year", "channel"),
            YIELD_FIELDS,
            {
                (path, year, channel): _named(YIELD_FIELDS, values)
                for year, totals in _yield_recount_by_year(candidacy_ids)
                for (path, channel), values in totals.items()
            },
        )
    if candidacy_ids or membership_ids:
        for year, totals in _admission_recount_by_year(candidacy_ids, membership_ids):
            _apply(
                AdmissionTally,
                {(path, year): _named(ADMISSION_FIELDS, v) for path, v in totals.items()},
            )


def tallies_memberships_moved(
    moves: Iterable[tuple[Any, dt.date, str | None, str | None]],
) -> None:
    """Move the admissions of memberships without a dossier whose organisation or status
    changed (a membership action): each move is (person, admission decision date, the
    organisation path it was counted under before or None, the path now or None)."""
    admissions: dict[tuple[str, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for person, decided_on, was, now in moves:
        if was == now or decided_on.year < TALLY_FIRST_YEAR:
            continue
        values = admission_values(person, decided_on)
        for path, sign in ((was, -1), (now, 1)):
            if path is None:
                continue
            for prefix in ancestor_paths(path):
                row = admissions[(prefix, decided_on.year)]
                for name, value in values.items():
                    row[name] += sign * value
    _apply(AdmissionTally, admissions)


# --- Deadlines ------------------------------------------------------------------------------

# How a dossier counts in the deadline tally: (cell path, open, stored next_due).
DueState = tuple[str, bool, "dt.date | None"]


def due_state(candidacy: Candidacy) -> DueState:
    """How `candidacy` counts in the deadline tally as it stands in memory."""
    return (candidacy.organisation.path, candidacy.is_open, candidacy.next_due)


def tallies_due_changed(
    changes: Iterable[tuple[DueState | None, DueState | None]],
    ids: dict[str, int] | None = None,
) -> None:
    """Dossiers whose cell, openness or deadline changed, each as (state before, state now)
    (None: not stored before, or deleted): an open dossier with a deadline leaves the date
    it was counted on, in its old cell and every ancestor, and joins its new one. Call it in
    the transaction that wrote the dossiers, with `before` read under their row locks.
    `ids`: organisation id by path, when the caller has them."""
    deltas: dict[tuple[str, dt.date], int] = defaultdict(int)
    for before, after in changes:
        if before == after:
            continue
        for state, sign in ((before, -1), (after, 1)):
            if state is None:
                continue
            path, is_open, due = state
            if not is_open or due is None:
                continue
            for prefix in ancestor_paths(path):
                deltas[(prefix, due)] += sign
    _due_apply(deltas, ids)


def _due_apply(deltas: dict[tuple[str, dt.date], int], ids: dict[str, int] | None = None) -> None:
    """Add `deltas` ((path, due) → dossiers) to the deadline tally."""
    tally_add(
        DueTally, ("due",), ("dossiers",), {key: {"dossiers": n} for key, n in deltas.items()}, ids
    )


def overdue_counts(organisation_ids: Iterable[int], today: dt.date) -> dict[int, int]:
    """Open dossiers past their deadline in the subtree of each organisation (one query
    over their tally rows due before `today`)."""
    return {
        org_id: int(n or 0)
        for org_id, n in DueTally.objects.filter(
            organisation_id__in=list(organisation_ids), due__lt=today
        )
        .order_by()
        .values_list("organisation_id")
        .annotate(n=Sum("dossiers"))
        .values_list("organisation_id", "n")
    }


# --- Yield ----------------------------------------------------------------------------------

YIELD_FIELDS: tuple[str, ...] = ("found", "trained", "admitted")
# The date each yield column counts a dossier in (its year).
YIELD_DATES: tuple[str, ...] = ("opened_on", "certificate_date", "decision_date")

# How a dossier counts in the yield tally: (cell path, channel, put into the pool on,
# awareness-course certificate date, admission decision date).
YieldState = tuple[str, str, "dt.date | None", "dt.date | None", "dt.date | None"]


def yield_state(candidacy: Candidacy) -> YieldState:
    """How `candidacy` counts in the yield tally as it stands in memory."""
    return (
        candidacy.organisation.path,
        candidacy.source_channel,
        candidacy.opened_on,
        candidacy.certificate_date,
        candidacy.decision_date,
    )


def tallies_yield_changed(
    changes: Iterable[tuple[YieldState | None, YieldState | None]],
    ids: dict[str, int] | None = None,
) -> None:
    """Dossiers whose cell, channel or one of the three dates changed, each as (state before,
    state now) (None: not stored before): each leaves the (year, channel) rows it counted in,
    in its old cell and every ancestor, and joins the new ones. Call it in the transaction
    that wrote the dossiers, with `before` read under their row locks."""
    deltas: dict[tuple[Any, ...], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for before, after in changes:
        if before == after:
            continue
        for state, sign in ((before, -1), (after, 1)):
            if state is None:
                continue
            path, channel, *dates = state
            for name, date in zip(YIELD_FIELDS, dates, strict=True):
                if date is None or date.year < TALLY_FIRST_YEAR:
                    continue
                for prefix in ancestor_paths(path):
                    deltas[(prefix, date.year, channel)][name] += sign
    tally_add(YieldTally, ("year", "channel"), YIELD_FIELDS, deltas, ids)


def yield_counts(organisation_id: int, year: int) -> dict[str, tuple[int, int, int]] | None:
    """Channel → (found, trained, admitted) in `year` in the subtree of the organisation,
    from its tally rows (one query); None for a year before TALLY_FIRST_YEAR (not tallied)."""
    if year < TALLY_FIRST_YEAR:
        return None
    return {
        channel: (found, trained, admitted)
        for channel, found, trained, admitted in YieldTally.objects.filter(
            organisation_id=organisation_id, year=year
        ).values_list("channel", *YIELD_FIELDS)
        if found or trained or admitted
    }


def dossier_yield(*, organisation: Organisation, year: int, answers: list[Any], **_: Any) -> None:
    """The listener of the "dossier_yield" hook (asked by ptdv.movements.selectors, which
    lies below this app): the tallied yield of the subtree, when the year is tallied."""
    counts = yield_counts(organisation.pk, year)
    if counts is not None:
        answers.append(counts)


def _yield_groups(
    candidacy_ids: list[int] | None = None,
) -> Iterator[tuple[int, str, str, int, int]]:
    """(year, cell path, channel, column index, dossiers) in year order: one grouped query
    per date (found, trained, admitted), streamed side by side."""
    since = dt.date(TALLY_FIRST_YEAR, 1, 1)
    streams = []
    for index, date_field in enumerate(YIELD_DATES):
        rows = Candidacy.objects.filter(**{f"{date_field}__gte": since})
        if candidacy_ids is not None:
            rows = rows.filter(pk__in=candidacy_ids)
        grouped = (
            rows.order_by()
            .annotate(tally_year=ExtractYear(date_field))
            .values_list("tally_year", "organisation__path", "source_channel")
            .annotate(n=Count("id"))
            .order_by("tally_year")
        )
        streams.append(_tagged(grouped.iterator(chunk_size=5000), index))
    yield from heapq.merge(*streams, key=lambda row: row[0])


def _tagged(rows: Iterable[Any], index: int) -> Iterator[tuple[int, str, str, int, int]]:
    for year, path, channel, n in rows:
        yield int(year), path, channel, index, int(n)


def _yield_recount_by_year(
    candidacy_ids: list[int] | None = None,
) -> Iterator[tuple[int, dict[tuple[str, str], list[int]]]]:
    """(year, (path, channel) → subtree values) for each year with a found, trained or
    admitted dossier."""
    width = len(YIELD_FIELDS)
    for year, rows in groupby(_yield_groups(candidacy_ids), key=lambda row: row[0]):
        totals: dict[tuple[str, str], list[int]] = {}
        for _year, path, channel, index, n in rows:
            for prefix in ancestor_paths(path):
                totals.setdefault((prefix, channel), [0] * width)[index] += n
        yield year, totals


def _yield_stored(year: int) -> dict[tuple[str, str], list[int]]:
    return {
        (path, channel): [int(v) for v in values]
        for path, channel, *values in YieldTally.objects.filter(year=year)
        .values_list("organisation__path", "channel", *YIELD_FIELDS)
        .iterator(chunk_size=5000)
    }


def _yield_comparisons() -> Iterator[
    tuple[int, dict[tuple[str, str], list[int]], dict[tuple[str, str], list[int]]]
]:
    """(year, stored, recount) for every year either side has, one year at a time."""
    stored_years = set(YieldTally.objects.values_list("year", flat=True).distinct())
    for year, recount in _yield_recount_by_year():
        stored_years.discard(year)
        yield year, _yield_stored(year), recount
    for year in sorted(stored_years):
        yield year, _yield_stored(year), {}


# --- Recount --------------------------------------------------------------------------------
#
# Memory stays bounded at national scale (~310,000 organisations): admissions are recounted
# one year at a time from a single pass over grouped rows sorted by year, and values are
# kept as plain lists of ints.

# Admissions decided before TALLY_FIRST_YEAR are not tallied (nor corrected into it): the
# dashboards, reports and terms look back a decade or two, and tallying every member's
# admission since the 1950s would multiply the rows by five for nothing. The bound is defined
# with the retention tally (ptdv.members.retention), the lower layer, so that both agree.


def _named(fields: tuple[str, ...], values: list[int]) -> dict[str, int]:
    return dict(zip(fields, values, strict=True))


def roll_up(
    own: Iterable[tuple[str, Any, dict[str, int]]],
) -> dict[tuple[str, Any], dict[str, int]]:
    """Own-organisation rows (path, key, values) summed into every ancestor (small inputs:
    snapshots, rates)."""
    totals: dict[tuple[str, Any], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for path, key, values in own:
        for prefix in ancestor_paths(path):
            row = totals[(prefix, key)]
            for name, value in values.items():
                row[name] += value or 0
    return totals


def roll_up_lists(rows: Iterable[tuple[str, list[int]]], width: int) -> dict[str, list[int]]:
    totals: dict[str, list[int]] = {}
    for path, values in rows:
        for prefix in ancestor_paths(path):
            row = totals.get(prefix)
            if row is None:
                totals[prefix] = list(values)
            else:
                for index in range(width):
                    row[index] += values[index]
    return totals


def _admission_groups(
    candidacy_ids: list[int] | None, membership_ids: list[int] | None
) -> Iterator[tuple[int, str, list[int]]]:
    """(year, cell path, tally values) sorted by year, from two grouped queries streamed
    side by side: the candidacies with a decision and the older members without a
    candidacy (not their transfer records, whose person has another row)."""
    since = dt.date(TALLY_FIRST_YEAR, 1, 1)
    candidacies = Candidacy.objects.filter(decision_date__gte=since)
    memberships = PartyMembership.objects.filter(
        candidacy__isnull=True, admission_decision_date__gte=since
    ).exclude(status=MembershipStatus.TRANSFERRED_OUT)
    if candidacy_ids is not None or membership_ids is not None:
        candidacies = candidacies.filter(pk__in=candidacy_ids or [])
        memberships = memberships.filter(pk__in=membership_ids or [])
    streams = []
    for queryset, date_field in (
        (candidacies, "decision_date"),
        (memberships, "admission_decision_date"),
    ):
        grouped = (
            queryset.order_by()
            .annotate(
                tally_year=ExtractYear(date_field),
                age=age_expression("person__birth_date", date_field),
            )
            .values("tally_year", "organisation__path")
            .annotate(**admission_aggregates("person__"))
            .values_list("tally_year", "organisation__path", *ADMISSION_FIELDS)
            .order_by("tally_year")
        )
        streams.append(
            (int(row[0]), row[1], [int(v or 0) for v in row[2:]])
            for row in grouped.iterator(chunk_size=5000)
        )
    yield from heapq.merge(*streams, key=lambda row: row[0])


def _admission_recount_by_year(
    candidacy_ids: list[int] | None = None, membership_ids: list[int] | None = None
) -> Iterator[tuple[int, dict[str, list[int]]]]:
    """(year, path → subtree tally values) for each year with an admission."""
    width = len(ADMISSION_FIELDS)
    for year, rows in groupby(_admission_groups(candidacy_ids, membership_ids), key=_year_of):
        yield year, roll_up_lists(((path, values) for _y, path, values in rows), width)


def _year_of(row: tuple[int, str, list[int]]) -> int:
    return row[0]


def _pipeline_recount(candidacy_ids: list[int] | None = None) -> list[tuple[str, list[int]]]:
    """(path, open candidacies per pipeline stage) of every subtree with one."""
    candidacies = Candidacy.objects.filter(is_open=True, stage__in=PIPELINE_FIELDS)
    if candidacy_ids is not None:
        candidacies = candidacies.filter(pk__in=candidacy_ids)
    position = {name: index for index, name in enumerate(PIPELINE_COLUMNS)}
    width = len(PIPELINE_COLUMNS)
    own: dict[str, list[int]] = {}
    grouped = (
        candidacies.order_by()
        .values_list("organisation__path", "stage", "person__target_groups")
        .annotate(n=Count("id"))
        .iterator(chunk_size=5000)
    )
    for path, stage, groups, n in grouped:
        row = own.setdefault(path, [0] * width)
        row[position[stage]] += n
        for code in set(json_codes(groups)):
            column = position.get(f"tg_{code}")
            if column is not None:
                row[column] += n
    return list(roll_up_lists(own.items(), width).items())


def admission_recount() -> dict[tuple[str, int], dict[str, int]]:
    """(path, year) → tally values, straight from the raw rows (for tests and small trees:
    the whole history in memory)."""
    return {
        (path, year): _named(ADMISSION_FIELDS, values)
        for year, totals in _admission_recount_by_year()
        for path, values in totals.items()
    }


def pipeline_recount() -> dict[str, dict[str, int]]:
    return {path: _named(PIPELINE_COLUMNS, values) for path, values in _pipeline_recount()}


def _stored(model: Any, fields: tuple[str, ...], year: int | None = None) -> dict[str, list[int]]:
    rows = model.objects.all() if year is None else model.objects.filter(year=year)
    return {
        row[0]: [int(v) for v in row[1:]]
        for row in rows.values_list("organisation__path", *fields).iterator(chunk_size=5000)
    }


def _comparisons() -> Iterator[
    tuple[Any, int | None, tuple[str, ...], dict[str, list[int]], dict[str, list[int]]]
]:
    """(model, year, fields, stored, recount) for the pipeline and for each tallied year,
    one year in memory at a time."""
    yield (
        PipelineTally,
        None,
        PIPELINE_COLUMNS,
        _stored(PipelineTally, PIPELINE_COLUMNS),
        dict(_pipeline_recount()),
    )
    stored_years = set(AdmissionTally.objects.values_list("year", flat=True).distinct())
    for year, totals in _admission_recount_by_year():
        stored_years.discard(year)
        yield (
            AdmissionTally,
            year,
            ADMISSION_FIELDS,
            _stored(AdmissionTally, ADMISSION_FIELDS, year),
            totals,
        )
    for year in sorted(stored_years):
        yield (
            AdmissionTally,
            year,
            ADMISSION_FIELDS,
            _stored(AdmissionTally, ADMISSION_FIELDS, year),
            {},
        )


def _differences(
    stored: Mapping[Any, list[int]], recount: Mapping[Any, list[int]], width: int
) -> list[tuple[Any, list[int], list[int]]]:
    """(key, stored, recount) of every key whose values differ (a missing key counts as
    zeros); keys are paths, or (path, channel) for the yield."""
    zero = [0] * width
    return [
        (key, stored.get(key, zero), recount.get(key, zero))
        for key in sorted(set(stored) | set(recount))
        if stored.get(key, zero) != recount.get(key, zero)
    ]


def _due_groups(rows: Iterable[tuple[Any, str, int]]) -> Iterator[tuple[dt.date, list[Any]]]:
    for due, group in groupby(rows, key=lambda row: row[0]):
        yield due, [(path, n) for _due, path, n in group]


def _due_comparisons() -> Iterator[tuple[dt.date, dict[str, list[int]], dict[str, list[int]]]]:
    """(due date, stored, recount) for every date either side has, one date in memory at a
    time: the stored rows and the open dossiers grouped by date and cell, both in date
    order, walked side by side."""
    stored_rows = _due_groups(
        DueTally.objects.order_by("due")
        .values_list("due", "organisation__path", "dossiers")
        .iterator(chunk_size=5000)
    )
    recount_rows = _due_groups(
        Candidacy.objects.filter(is_open=True, next_due__isnull=False)
        .order_by()
        .values_list("next_due", "organisation__path")
        .annotate(n=Count("id"))
        .order_by("next_due")
        .iterator(chunk_size=5000)
    )
    stored = next(stored_rows, None)
    recount = next(recount_rows, None)
    while stored is not None or recount is not None:
        due = min(part[0] for part in (stored, recount) if part is not None)
        have: dict[str, list[int]] = {}
        want: dict[str, list[int]] = {}
        if stored is not None and stored[0] == due:
            have = {path: [int(n)] for path, n in stored[1]}
            stored = next(stored_rows, None)
        if recount is not None and recount[0] == due:
            want = roll_up_lists(((path, [int(n)]) for path, n in recount[1]), 1)
            recount = next(recount_rows, None)
        yield due, have, want


def aggregates_mismatches() -> list[dict[str, Any]]:
    """Every tally row that differs from a recount of the raw rows (empty when all agree).
    Each: table ("admissions", "pipeline", "deadlines", "yield" or "retention"), code, year
    (admissions, yield, retention), due (deadlines), channel (yield), band (retention), the
    stored and the recounted values of the columns that differ."""
    found: list[dict[str, Any]] = []
    for model, year, fields, stored, recount in _comparisons():
        for path, have, want in _differences(stored, recount, len(fields)):
            changed = [i for i in range(len(fields)) if have[i] != want[i]]
            found.append(
                {
                    "table": "admissions" if model is AdmissionTally else "pipeline",
                    "path": path,
                    "year": year,
                    "due": None,
                    "channel": None,
                    "stored": {fields[i]: have[i] for i in changed},
                    "recount": {fields[i]: want[i] for i in changed},
                }
            )
    for due, stored, recount in _due_comparisons():
        found += [
            {
                "table": "deadlines",
                "path": path,
                "year": None,
                "due": due,
                "channel": None,
                "stored": {"dossiers": have[0]},
                "recount": {"dossiers": want[0]},
            }
            for path, have, want in _differences(stored, recount, 1)
        ]
    for year, stored_yield, recount_yield in _yield_comparisons():
        width = len(YIELD_FIELDS)
        for (path, channel), have, want in _differences(stored_yield, recount_yield, width):
            changed = [i for i in range(len(YIELD_FIELDS)) if have[i] != want[i]]
            found.append(
                {
                    "table": "yield",
                    "path": path,
                    "year": year,
                    "due": None,
                    "channel": channel,
                    "stored": {YIELD_FIELDS[i]: have[i] for i in changed},
                    "recount": {YIELD_FIELDS[i]: want[i] for i in changed},
                }
            )
    codes = (
        dict(
            Organisation.objects.filter(path__in={item["path"] for item in found}).values_list(
                "path", "code"
            )
        )
        if found
        else {}
    )
    return [
        *({"code": codes.get(item.pop("path"), "?"), "band": None, **item} for item in found),
        # The members' retention tally (ptdv.members.retention), with its age band.
        *({"due": None, "channel": None, **item} for item in retention_mismatches()),
    ]


def _lock_tallies() -> None:
    """Make concurrent candidacy (and membership) writes wait while the recount is written
    (PostgreSQL; on SQLite the IMMEDIATE transaction already serialises writers)."""
    if connection.vendor == "postgresql":
        tables = ", ".join(
            connection.ops.quote_name(m._meta.db_table)
            for m in (AdmissionTally, PipelineTally, DueTally, YieldTally, RetentionTally)
        )
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE")


@transaction.atomic
def aggregates_rebuild() -> int:
    """Recompute every tally from the raw rows; return how many rows changed. Rows of
    admissions before TALLY_FIRST_YEAR are removed."""
    _lock_tallies()
    ids = dict(Organisation.objects.values_list("path", "id"))
    changed, _deleted = AdmissionTally.objects.filter(year__lt=TALLY_FIRST_YEAR).delete()
    for model, year, fields, stored, recount in _comparisons():
        differences = _differences(stored, recount, len(fields))
        changed += len(differences)
        extra = {} if year is None else {"year": year}
        model.objects.bulk_create(
            [
                model(organisation_id=ids[path], **extra, **_named(fields, want))
                for path, _have, want in differences
                if path not in stored and path in ids
            ],
            batch_size=1000,
        )
        wanted = {ids[path]: want for path, _have, want in differences if path in stored}
        for chunk in _chunks(sorted(wanted), 1000):
            rows = list(model.objects.filter(organisation_id__in=chunk, **extra))
            for row in rows:
                for name, value in zip(fields, wanted[row.organisation_id], strict=True):
                    setattr(row, name, value)
            model.objects.bulk_update(rows, list(fields))
    for due, stored, recount in _due_comparisons():
        changed += _rewrite(DueTally, {"due": due}, (), ("dossiers",), stored, recount, ids)
    for year, stored_yield, recount_yield in _yield_comparisons():
        changed += _rewrite(
            YieldTally, {"year": year}, ("channel",), YIELD_FIELDS, stored_yield, recount_yield, ids
        )
    changed += retention_rebuild()
    return changed


def _rewrite(
    model: Any,
    part: dict[str, Any],
    keys: tuple[str, ...],
    fields: tuple[str, ...],
    stored: Mapping[Any, list[int]],
    recount: Mapping[Any, list[int]],
    ids: Mapping[str, int],
) -> int:
    """One part of a keyed tally (the rows of a date, of a year) written again from its
    recount when they differ or hold a row left at zero; returns how many rows differed.
    Recount keys are a path, or (path, *values of `keys`)."""
    differences = _differences(stored, recount, len(fields))
    if not differences and all(any(values) for values in stored.values()):
        return 0
    model.objects.filter(**part).delete()
    rows = []
    for key, values in recount.items():
        path, *rest = key if isinstance(key, tuple) else (key,)
        if path in ids:
            rows.append(
                model(
                    organisation_id=ids[path],
                    **part,
                    **dict(zip(keys, rest, strict=True)),
                    **_named(fields, values),
                )
            )
    model.objects.bulk_create(rows, batch_size=1000)
    return len(differences)


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
