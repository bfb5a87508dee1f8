"""The retention tally (`RetentionTally`): of the members admitted in each year, by age band
at the admission decision, how many were removed or expelled before the 1st, 2nd, 3rd and 5th
anniversary of their admission — subtree totals, one row per organisation, year and band, so
that the dashboard reads a handful of rows whatever the size of the subtree (README §5,
ptdv.targets.selectors.retention_for).

Definition (the grouped recount, `_grouped`, is the reference). A membership row counts when
it has an admission decision date and is not a transfer record (status TRANSFERRED_OUT: the
person's current row carries the same admission); its cohort is the decision's year, its band
the person's age in full years on the decision date (unknown: the last band); it has left
before the n-th anniversary when its status is removed or expelled and its tenure (full years
from the decision to the exit date) is below n. Cohorts before TALLY_FIRST_YEAR are not
tallied, as for the admission tallies: `retention_for` recounts those few from the rows.

Who keeps it. A row's contribution (`Contribution`) is a pure function of its organisation's
path, status, decision date, exit date and the person's birth date; every write that changes
one of these adds the difference to the ≤ depth ancestor rows with `F()` updates, inside its
transaction:

* the membership actions and the member import, through `ptdv.members.derived.
  membership_changed` (snapshots before and after: `retention_memberships_changed`);
* the dossier's steps on its membership (ceremony, removal, a corrected decision date, a
  voided step), in `ptdv.members.services` (`retention_follows` reads the rows before and
  after the step);
* rows written in bulk without those hooks (the replayed dossiers, an import's memberships
  without a dossier): `retention_rows_added`, called by ptdv.candidacies.tallies.
  aggregates_rows_added with the dossier tallies;
* a corrected birth date: `retention_birth_date_changed`, called by the "person_changed"
  listener (ptdv.candidacies.derived.person_changed);
* a moved subtree or an ended organisation: `retention_move` (ptdv.candidacies.tree).

Lock order. A single write takes this tally's rows before the organisation counters and the
dossier tallies (the dossier's membership step comes before `dossier_changed`; the membership
hook writes it first; the person listener before the admission tallies), and a bulk
write before the other tallies, so two writers do not wait for each other's rows in opposite
orders.

`retention_mismatches` recounts and compares, `retention_rebuild` writes the recount (both
run by `ptdv aggregates verify|rebuild` through ptdv.candidacies.tallies).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import groupby
from typing import Any, Protocol

from django.db.models import Case, Count, Q, QuerySet, Value, When
from django.db.models.functions import ExtractYear

from ptdv.core.ages import age_expression, full_years
from ptdv.members.models import (
    FORMER_MEMBER_STATUSES,
    RETENTION_BANDS,
    RETENTION_YEARS,
    MembershipStatus,
    PartyMembership,
    RetentionTally,
)
from ptdv.organisations.models import Organisation, ancestor_paths
from ptdv.organisations.tallies import tally_add

# Cohorts before this year are not tallied: the dashboard looks back six years, and a row per
# band for every year since the 1950s would multiply the table for nothing. The admission
# tallies (ptdv.candidacies.tallies) keep the same bound.
TALLY_FIRST_YEAR = 2010

RETENTION_FIELDS: tuple[str, ...] = ("size", *(f"left_{n}" for n in RETENTION_YEARS))
WIDTH = len(RETENTION_FIELDS)

Key = tuple[str, int, str]  # (organisation path, cohort year, band)


# --- One row's contribution -----------------------------------------------------------------


def retention_band(birth_date: dt.date | None, decided_on: dt.date) -> str:
    """The age band at the admission decision (the SQL `Case` of `_grouped`: an unknown age
    fails both comparisons and falls in the last band)."""
    if birth_date is None:
        return RETENTION_BANDS[2]
    age = full_years(birth_date, decided_on)
    if age <= 30:
        return RETENTION_BANDS[0]
    if age <= 45:
        return RETENTION_BANDS[1]
    return RETENTION_BANDS[2]


@dataclass(frozen=True)
class Contribution:
    """What one membership row adds to its organisation's row (and every ancestor's)."""

    path: str
    year: int
    band: str
    values: tuple[int, ...]  # RETENTION_FIELDS


def retention_contribution(
    *,
    path: str,
    status: str,
    decided_on: dt.date | None,
    exit_date: dt.date | None,
    birth_date: dt.date | None,
) -> Contribution | None:
    """None when the row is not tallied (no decision date, a transfer record, a cohort
    before TALLY_FIRST_YEAR)."""
    if (
        decided_on is None
        or status == MembershipStatus.TRANSFERRED_OUT
        or decided_on.year < TALLY_FIRST_YEAR
    ):
        return None
    former = status in FORMER_MEMBER_STATUSES and exit_date is not None
    tenure = full_years(decided_on, exit_date) if former and exit_date is not None else None
    left = tuple(int(tenure is not None and tenure < n) for n in RETENTION_YEARS)
    return Contribution(
        path=path,
        year=decided_on.year,
        band=retention_band(birth_date, decided_on),
        values=(1, *left),
    )


class _Snapshot(Protocol):
    """ptdv.members.derived.MembershipSnapshot, as far as the tally reads it."""

    @property
    def organisation_path(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def admission_decision_date(self) -> dt.date | None: ...
    @property
    def exit_date(self) -> dt.date | None: ...
    @property
    def birth_date(self) -> dt.date | None: ...


def _of_snapshot(snapshot: _Snapshot | None) -> Contribution | None:
    if snapshot is None:
        return None
    return retention_contribution(
        path=snapshot.organisation_path,
        status=snapshot.status,
        decided_on=snapshot.admission_decision_date,
        exit_date=snapshot.exit_date,
        birth_date=snapshot.birth_date,
    )


# --- The write path -------------------------------------------------------------------------


def retention_changed(changes: Iterable[tuple[Contribution | None, Contribution | None]]) -> None:
    """Take each row's contribution before out of its organisation and every ancestor, add
    the one after: all summed first, then one `F()` update per distinct change."""
    deltas: dict[Key, list[int]] = {}
    for before, after in changes:
        if before == after:
            continue
        for contribution, sign in ((before, -1), (after, 1)):
            if contribution is None:
                continue
            for prefix in ancestor_paths(contribution.path):
                row = deltas.setdefault((prefix, contribution.year, contribution.band), [0] * WIDTH)
                for index, value in enumerate(contribution.values):
                    row[index] += sign * value
    _apply(deltas)


def retention_memberships_changed(changes: Iterable[tuple[_Snapshot | None, _Snapshot]]) -> None:
    """The membership hook's changes (snapshot before, None for a new row; snapshot after)."""
    retention_changed((_of_snapshot(was), _of_snapshot(now)) for was, now in changes)


def retention_of(memberships: QuerySet[PartyMembership]) -> dict[int, Contribution | None]:
    """The contribution of each of these rows as they are now (one query)."""
    rows = memberships.order_by().values_list(
        "pk",
        "organisation__path",
        "status",
        "admission_decision_date",
        "exit_date",
        "person__birth_date",
    )
    return {
        pk: retention_contribution(
            path=path, status=status, decided_on=decided_on, exit_date=exit_date, birth_date=birth
        )
        for pk, path, status, decided_on, exit_date, birth in rows
    }


@contextmanager
def retention_follows(memberships: QuerySet[PartyMembership]) -> Iterator[None]:
    """Around a write to the rows `memberships` selects (before and after it: a filter on
    the dossier, say): the tally follows what the write changed, a deleted row included."""
    before = retention_of(memberships)
    yield
    after = retention_of(memberships)
    retention_changed((before.get(pk), after.get(pk)) for pk in before.keys() | after.keys())


def retention_rows_added(
    *, membership_ids: Iterable[int] = (), candidacy_ids: Iterable[int] = ()
) -> None:
    """Count rows written in bulk without the membership hook, inside the transaction that
    wrote them (ptdv.candidacies.tallies.aggregates_rows_added): the memberships
    `membership_ids` that have no dossier, and those of the dossiers `candidacy_ids` — the
    split of the admission tallies, so that a caller passing every new membership and every
    new dossier counts each row once. Grouped queries over just those rows, rolled up to the
    ancestors."""
    membership_ids, candidacy_ids = list(membership_ids), list(candidacy_ids)
    for ids, lookup in ((membership_ids, "pk__in"), (candidacy_ids, "candidacy_id__in")):
        for start in range(0, len(ids), 5000):
            rows = PartyMembership.objects.filter(**{lookup: ids[start : start + 5000]})
            if lookup == "pk__in":
                rows = rows.filter(candidacy__isnull=True)
            _apply(
                {
                    (path, year, band): values
                    for year, totals in _recount_by_year(rows)
                    for (path, band), values in totals.items()
                }
            )


def retention_birth_date_changed(*, person_id: int, was: dt.date, now: dt.date) -> None:
    """A corrected birth date (ptdv.people.services.person_update, through the
    "person_changed" listener in ptdv.candidacies.derived): the person's tallied memberships
    move between the age bands, their departures with them."""
    since = dt.date(TALLY_FIRST_YEAR, 1, 1)
    rows = (
        PartyMembership.objects.filter(person_id=person_id, admission_decision_date__gte=since)
        .exclude(status=MembershipStatus.TRANSFERRED_OUT)
        .values_list("organisation__path", "status", "admission_decision_date", "exit_date")
    )
    changes = []
    for path, status, decided_on, exit_date in rows:
        before, after = (
            retention_contribution(
                path=path,
                status=status,
                decided_on=decided_on,
                exit_date=exit_date,
                birth_date=birth_date,
            )
            for birth_date in (was, now)
        )
        changes.append((before, after))
    retention_changed(changes)


def retention_move(
    *, organisation_ids: Iterable[int], old: Iterable[str], new: Iterable[str]
) -> None:
    """Take the tallies of `organisation_ids` (their subtree totals summed) out of the
    organisations at the `old` paths and add them to those at the `new` paths (ancestors in
    both are left alone) — as ptdv.candidacies.tree.tallies_move does for the dossiers'."""
    old, new = set(old), set(new)
    gone, come = sorted(old - new), sorted(new - old)
    if not gone and not come:
        return
    totals: dict[tuple[int, str], list[int]] = {}
    for year, band, *values in RetentionTally.objects.filter(
        organisation_id__in=list(organisation_ids)
    ).values_list("year", "band", *RETENTION_FIELDS):
        total = totals.setdefault((year, band), [0] * WIDTH)
        for index, value in enumerate(values):
            total[index] += int(value)
    deltas: dict[Key, list[int]] = {}
    for paths, sign in ((gone, -1), (come, 1)):
        for path in paths:
            for (year, band), values in totals.items():
                deltas[(path, year, band)] = [sign * value for value in values]
    _apply(deltas)


def _apply(deltas: Mapping[Key, list[int]], ids: Mapping[str, int] | None = None) -> None:
    """Add `deltas` ((path, year, band) → values) to the stored rows (one upsert per 500
    rows, ptdv.organisations.tallies.tally_add, as the dossier tallies do)."""
    tally_add(
        RetentionTally,
        ("year", "band"),
        RETENTION_FIELDS,
        {key: dict(zip(RETENTION_FIELDS, values, strict=True)) for key, values in deltas.items()},
        dict(ids) if ids is not None else None,
    )


# --- The recount ----------------------------------------------------------------------------


def _grouped(memberships: QuerySet[PartyMembership], *by: str) -> Any:
    """(*by, cohort year, band, size, left_1, left_2, left_3, left_5) of the tallied rows
    among `memberships`: the definition the tally follows (and the dashboard's query before
    the tally existed, grouped by `by` too)."""
    age = age_expression("person__birth_date", "admission_decision_date")
    tenure = age_expression("admission_decision_date", "exit_date")
    left = {
        f"left_{n}": Count(
            "id", filter=Q(status__in=FORMER_MEMBER_STATUSES, tenure__isnull=False, tenure__lt=n)
        )
        for n in RETENTION_YEARS
    }
    return (
        memberships.filter(admission_decision_date__isnull=False)
        .exclude(status=MembershipStatus.TRANSFERRED_OUT)
        .order_by()
        .annotate(
            cohort=ExtractYear("admission_decision_date"),
            age=age,
            tenure=tenure,
            band=Case(
                When(age__lte=30, then=Value(RETENTION_BANDS[0])),
                When(age__lte=45, then=Value(RETENTION_BANDS[1])),
                default=Value(RETENTION_BANDS[2]),
            ),
        )
        .values(*by, "cohort", "band")
        .annotate(size=Count("id"), **left)
        .values_list(*by, "cohort", "band", *RETENTION_FIELDS)
    )


def retention_counted(path: str, years: Iterable[int]) -> dict[tuple[int, str], list[int]]:
    """(year, band) → values of the subtree at `path` for the cohorts `years`, straight from
    the membership rows (one grouped query over the subtree: the cohorts the tally does not
    keep, and the reference the tests compare it with)."""
    years = sorted(set(years))
    if not years:
        return {}
    rows = _grouped(
        PartyMembership.objects.filter(
            organisation__path__startswith=path,
            admission_decision_date__gte=dt.date(years[0], 1, 1),
            admission_decision_date__lte=dt.date(years[-1], 12, 31),
        )
    )
    return {
        (int(year), band): [int(v or 0) for v in values]
        for year, band, *values in rows
        if int(year) in years
    }


def _recount_by_year(
    memberships: QuerySet[PartyMembership] | None = None,
) -> Iterator[tuple[int, dict[tuple[str, str], list[int]]]]:
    """(year, (path, band) → subtree values) for each tallied cohort, one year in memory at
    a time (the grouped rows are streamed sorted by year, then rolled up by path prefix)."""
    if memberships is None:
        memberships = PartyMembership.objects.all()
    rows = (
        _grouped(
            memberships.filter(admission_decision_date__gte=dt.date(TALLY_FIRST_YEAR, 1, 1)),
            "organisation__path",
        )
        .order_by("cohort")
        .iterator(chunk_size=5000)
    )
    for year, group in groupby(rows, key=lambda row: int(row[1])):
        totals: dict[tuple[str, str], list[int]] = {}
        for path, _year, band, *values in group:
            for prefix in ancestor_paths(path):
                total = totals.get((prefix, band))
                if total is None:
                    totals[(prefix, band)] = [int(v or 0) for v in values]
                else:
                    for index in range(WIDTH):
                        total[index] += int(values[index] or 0)
        yield year, totals


def retention_recount() -> dict[Key, dict[str, int]]:
    """(path, year, band) → values straight from the rows (tests and small trees: the whole
    table in memory)."""
    return {
        (path, year, band): dict(zip(RETENTION_FIELDS, values, strict=True))
        for year, totals in _recount_by_year()
        for (path, band), values in totals.items()
    }


def retention_stored() -> dict[Key, dict[str, int]]:
    """The stored rows that are not all zero, keyed like `retention_recount`."""
    return {
        (path, year, band): dict(zip(RETENTION_FIELDS, values, strict=True))
        for path, year, band, *values in RetentionTally.objects.values_list(
            "organisation__path", "year", "band", *RETENTION_FIELDS
        )
        if any(values)
    }


def _stored_year(year: int) -> dict[tuple[str, str], list[int]]:
    return {
        (path, band): [int(v) for v in values]
        for path, band, *values in RetentionTally.objects.filter(year=year)
        .values_list("organisation__path", "band", *RETENTION_FIELDS)
        .iterator(chunk_size=5000)
    }


def _differences() -> Iterator[tuple[int, str, str, list[int], list[int]]]:
    """(year, path, band, stored, recount) of every row that differs, one year at a time."""
    zero = [0] * WIDTH
    stored_years = set(RetentionTally.objects.values_list("year", flat=True).distinct())
    for year, recount in _recount_by_year():
        stored_years.discard(year)
        stored = _stored_year(year)
        for path, band in sorted(stored.keys() | recount.keys()):
            have, want = stored.get((path, band), zero), recount.get((path, band), zero)
            if have != want:
                yield year, path, band, have, want
    for year in sorted(stored_years):
        for (path, band), have in sorted(_stored_year(year).items()):
            if any(have):
                yield year, path, band, have, zero


def retention_mismatches() -> list[dict[str, Any]]:
    """Every stored row that differs from a recount of the membership rows (as
    ptdv.candidacies.tallies.aggregates_mismatches reports them, with the band)."""
    found = list(_differences())
    codes = (
        dict(
            Organisation.objects.filter(path__in={row[1] for row in found}).values_list(
                "path", "code"
            )
        )
        if found
        else {}
    )
    result = []
    for year, path, band, have, want in found:
        changed = [i for i in range(WIDTH) if have[i] != want[i]]
        result.append(
            {
                "table": "retention",
                "code": codes.get(path, "?"),
                "year": year,
                "band": band,
                "stored": {RETENTION_FIELDS[i]: have[i] for i in changed},
                "recount": {RETENTION_FIELDS[i]: want[i] for i in changed},
            }
        )
    return result


def retention_rebuild() -> int:
    """Write the recount over the stored rows (inside the caller's transaction, the tallies
    locked: ptdv.candidacies.tallies.aggregates_rebuild); return how many rows changed. Rows
    of cohorts before TALLY_FIRST_YEAR are removed."""
    changed, _deleted = RetentionTally.objects.filter(year__lt=TALLY_FIRST_YEAR).delete()
    ids = dict(Organisation.objects.values_list("path", "id"))
    for year, rows in groupby(_differences(), key=lambda row: row[0]):
        differences = [row for row in rows if row[1] in ids]
        changed += len(differences)
        existing = {
            (organisation_id, band): pk
            for pk, organisation_id, band in RetentionTally.objects.filter(year=year).values_list(
                "pk", "organisation_id", "band"
            )
        }
        RetentionTally.objects.bulk_create(
            [
                RetentionTally(
                    organisation_id=ids[path],
                    year=year,
                    band=band,
                    **dict(zip(RETENTION_FIELDS, want, strict=True)),
                )
                for _year, path, band, _have, want in differences
                if (ids[path], band) not in existing
            ],
            batch_size=1000,
        )
        updates = [
            RetentionTally(
                pk=existing[(ids[path], band)],
                organisation_id=ids[path],
                year=year,
                band=band,
                **dict(zip(RETENTION_FIELDS, want, strict=True)),
            )
            for _year, path, band, _have, want in differences
            if (ids[path], band) in existing
        ]
        RetentionTally.objects.bulk_update(updates, list(RETENTION_FIELDS), batch_size=1000)
    return changed
