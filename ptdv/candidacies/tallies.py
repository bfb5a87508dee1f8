"""The subtree tallies the dashboards read (ptdv.targets, ptdv.reports only read them), kept
current by the candidacy write path.

Design. A candidacy contributes to two tallies:

* `PipelineTally` — one open candidacy in its stage (PIPELINE_STAGES), for its cell and
  every ancestor;
* `AdmissionTally` — one admission in the year of its decision date, with the person's
  breakdown values (`measures.admission_values`), for its cell and every ancestor.

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
≤ depth ancestor rows with `F()` updates in the same transaction — like
`organisation_counters_adjust`. Reading the progress of any subtree is then one row per
table, whatever the size of the subtree.

`aggregates_mismatches` recounts from the raw rows (grouped queries, rolled up by path
prefix in memory) and compares; `aggregates_rebuild` writes the recount.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, F
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
    Outcome,
    PipelineTally,
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
) -> None:
    """Bring the tallies up to date after one write to `candidacy` (`event` is the action's
    event; None for a newly registered candidacy, or for a voided step, whose `previous`
    (path, stage, is_open, decision date) says what the dossier counted before). Call it
    inside the write transaction."""
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
    pipeline_deltas = _nonzero({(path,): deltas for path, deltas in pipeline.items()})
    admission_deltas = _nonzero(admissions)
    touched = {key[0] for key in (*pipeline_deltas, *admission_deltas)}
    if not touched:
        return
    ids = dict(Organisation.objects.filter(path__in=touched).values_list("path", "id"))
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


def _nonzero(deltas: dict[Any, dict[str, int]]) -> dict[Any, dict[str, int]]:
    kept = {
        key: {name: value for name, value in columns.items() if value}
        for key, columns in deltas.items()
    }
    return {key: columns for key, columns in kept.items() if columns}


def _apply(
    model: Any, deltas: dict[Any, dict[str, int]], ids: dict[str, int] | None = None
) -> None:
    """Add `deltas` (key → column → amount; key = (path,) or (path, year)) to the rows of
    `model`, creating missing rows at zero first so concurrent writers never lose an add.
    `ids`: organisation id by path, when the caller has them."""
    deltas = _nonzero(deltas)
    if not deltas:
        return
    if ids is None:
        ids = dict(
            Organisation.objects.filter(path__in={key[0] for key in deltas}).values_list(
                "path", "id"
            )
        )
    with_year = model is AdmissionTally
    model.objects.bulk_create(
        [
            model(organisation_id=ids[key[0]], **({"year": key[1]} if with_year else {}))
            for key in deltas
        ],
        ignore_conflicts=True,
    )
    # Rows that get the same change are updated together (a typical action: ≤ 2 UPDATEs).
    groups: dict[tuple[Any, ...], list[Any]] = defaultdict(list)
    for key, columns in deltas.items():
        signature = (key[1] if with_year else None, tuple(sorted(columns.items())))
        groups[signature].append(ids[key[0]])
    if len(groups) > 1 and connection.vendor == "postgresql":
        # Several UPDATEs (a transfer: the old chain, then the new one) would lock rows in an
        # order that depends on the action; lock them all first, by id, so that two opposite
        # transfers wait for each other instead of deadlocking.
        locked = model.objects.select_for_update().filter(organisation_id__in=ids.values())
        if with_year:
            locked = locked.filter(year__in={key[1] for key in deltas})
        list(locked.order_by("organisation_id", *(["year"] if with_year else [])).values("pk"))
    for (year, columns), org_ids in groups.items():
        rows = model.objects.filter(organisation_id__in=org_ids)
        if with_year:
            rows = rows.filter(year=year)
        rows.update(**{name: F(name) + value for name, value in columns})


def aggregates_rows_added(
    *,
    candidacy_ids: Iterable[int] = (),
    membership_ids: Iterable[int] = (),
    retention: bool = True,
) -> None:
    """Count rows written in bulk (an import) into the tallies, inside the transaction that
    wrote them: the new candidacies (their stage and decision) and the new membership rows
    without a candidacy (older admissions). Grouped queries over just those rows, rolled up
    to the ancestors and added with `F()` updates. The members' retention tally too (the
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
    stored: dict[str, list[int]], recount: dict[str, list[int]], width: int
) -> list[tuple[str, list[int], list[int]]]:
    zero = [0] * width
    return [
        (path, stored.get(path, zero), recount.get(path, zero))
        for path in sorted(set(stored) | set(recount))
        if stored.get(path, zero) != recount.get(path, zero)
    ]


def aggregates_mismatches() -> list[dict[str, Any]]:
    """Every tally row that differs from a recount of the raw rows (empty when all agree)."""
    found: list[tuple[str, str, int | None, dict[str, int], dict[str, int]]] = []
    for model, year, fields, stored, recount in _comparisons():
        for path, have, want in _differences(stored, recount, len(fields)):
            changed = [i for i in range(len(fields)) if have[i] != want[i]]
            found.append(
                (
                    "admissions" if model is AdmissionTally else "pipeline",
                    path,
                    year,
                    {fields[i]: have[i] for i in changed},
                    {fields[i]: want[i] for i in changed},
                )
            )
    codes = (
        dict(
            Organisation.objects.filter(path__in={path for _t, path, *_rest in found}).values_list(
                "path", "code"
            )
        )
        if found
        else {}
    )
    return [
        *(
            {
                "table": table,
                "code": codes.get(path, "?"),
                "year": year,
                "stored": have,
                "recount": want,
            }
            for table, path, year, have, want in found
        ),
        # The members' retention tally (ptdv.members.retention), with its age band.
        *retention_mismatches(),
    ]


def _lock_tallies() -> None:
    """Make concurrent candidacy (and membership) writes wait while the recount is written
    (PostgreSQL; on SQLite the IMMEDIATE transaction already serialises writers)."""
    if connection.vendor == "postgresql":
        tables = ", ".join(
            connection.ops.quote_name(m._meta.db_table)
            for m in (AdmissionTally, PipelineTally, RetentionTally)
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
    changed += retention_rebuild()
    return changed


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
