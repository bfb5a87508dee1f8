"""The locality counters: how many villages and residential groups a subtree has, how many
have no cell of their own, and how many are "white" — no party member lives there.

The progress of the national root covers some 60,000 localities; asking, for each, whether
an active member lives there cost a third of a second per request. So each locality keeps
`active_members` (members, probationary or official, whose residence it is) and each
organisation keeps subtree totals (`locality_count`, `locality_without_cell_count`,
`white_locality_count`), moved in the transaction that changes the rows:

- a locality created, moved to another commune, given or losing a cell: `Locality.save`
  calls `locality_counters_move` (bulk writes call `locality_counters_created`);
- a membership that starts or ends, a member's residence that changes: the service calls
  `locality_residents_recount` with the localities concerned — it locks them, recounts their
  resident members from the raw rows and moves the white count when a locality gains its
  first or loses its last one (two users acting at once in one village are serialised by
  the lock, and each recount sees what the other committed).

`locality_counters_rebuild` recomputes everything (the generator's end of load, `ptdv
aggregates rebuild`); `locality_counter_mismatches` is the check (`ptdv aggregates verify`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, F

from ptdv.organisations.models import Locality, Organisation, ancestor_paths

COUNTERS = ("locality_count", "locality_without_cell_count", "white_locality_count")
_CHUNK = 5000


@dataclass(frozen=True)
class LocalityState:
    """What the counters see of a locality: its commune's path and two flags."""

    path: str
    without_cell: bool
    white: bool


def locality_state(locality: Locality) -> LocalityState:
    return LocalityState(
        path=locality.organisation.path,
        without_cell=locality.cell_id is None or locality.cell_is_shared,
        white=locality.active_members == 0,
    )


def _apply(deltas: dict[str, tuple[int, int, int]]) -> None:
    """Add (localities, without cell, white) deltas given per commune path to the commune
    and every organisation above it: one UPDATE per distinct delta."""
    per_node: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for path, delta in deltas.items():
        for ancestor in ancestor_paths(path):
            node = per_node[ancestor]
            for index, value in enumerate(delta):
                node[index] += value
    by_delta: dict[tuple[int, ...], list[str]] = defaultdict(list)
    for path, node in per_node.items():
        if any(node):
            by_delta[tuple(node)].append(path)
    for node_delta, paths in by_delta.items():
        changes = {
            name: F(name) + value for name, value in zip(COUNTERS, node_delta, strict=True) if value
        }
        for start in range(0, len(paths), _CHUNK):
            Organisation.objects.filter(path__in=paths[start : start + _CHUNK]).update(**changes)


def _as_delta(state: LocalityState, sign: int) -> tuple[int, int, int]:
    return (sign, sign * state.without_cell, sign * state.white)


def locality_counters_move(before: LocalityState | None, after: LocalityState | None) -> None:
    """A locality appeared (before None), disappeared (after None) or changed."""
    deltas: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for state, sign in ((before, -1), (after, 1)):
        if state is not None:
            for index, value in enumerate(_as_delta(state, sign)):
                deltas[state.path][index] += value
    _apply({path: (d[0], d[1], d[2]) for path, d in deltas.items()})


def locality_counters_created(localities: Iterable[Locality]) -> None:
    """Localities just written in bulk (no resident yet: each one is white)."""
    paths = dict(
        Organisation.objects.filter(pk__in={loc.organisation_id for loc in localities}).values_list(
            "id", "path"
        )
    )
    deltas: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for locality in localities:
        delta = deltas[paths[locality.organisation_id]]
        delta[0] += 1
        delta[1] += locality.cell_id is None or locality.cell_is_shared
        delta[2] += locality.active_members == 0
    _apply({path: (d[0], d[1], d[2]) for path, d in deltas.items()})


def _resident_counts(locality_ids: list[int] | None) -> dict[int, int]:
    from ptdv.members.models import ACTIVE_STATUSES, PartyMembership

    members = PartyMembership.objects.filter(
        status__in=ACTIVE_STATUSES, person__residence_locality__isnull=False
    )
    if locality_ids is not None:
        members = members.filter(person__residence_locality__in=locality_ids)
    return dict(
        members.order_by()
        .values_list("person__residence_locality")
        .annotate(n=Count("id"))
        .values_list("person__residence_locality", "n")
    )


def locality_residents_recount(locality_ids: Iterable[int | None]) -> None:
    """Recount the resident members of `locality_ids` after memberships or residences
    changed (inside that transaction) and move the white counts of the organisations above."""
    ids = sorted({pk for pk in locality_ids if pk})
    if not ids:
        return
    with transaction.atomic():
        for start in range(0, len(ids), _CHUNK):
            part = ids[start : start + _CHUNK]
            locked = Locality.objects.filter(pk__in=part).order_by("pk")
            if connection.features.has_select_for_update_of:
                locked = locked.select_for_update(of=("self",))
            stored = list(locked.values_list("id", "active_members", "organisation__path"))
            counts = _resident_counts(part)
            changed = []
            deltas: Counter[str] = Counter()
            for pk, before, path in stored:
                after = counts.get(pk, 0)
                if after != before:
                    changed.append(Locality(pk=pk, active_members=after))
                if (before == 0) != (after == 0):
                    deltas[path] += 1 if after == 0 else -1
            Locality.objects.bulk_update(changed, ["active_members"], batch_size=1000)
            _apply({path: (0, 0, delta) for path, delta in deltas.items() if delta})


def _recount() -> tuple[dict[int, int], dict[str, list[int]]]:
    """Resident members per locality, and the three counters per organisation path."""
    residents = _resident_counts(None)
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    rows = Locality.objects.values_list(
        "id", "organisation__path", "cell_id", "cell_is_shared"
    ).iterator(chunk_size=10000)
    for pk, path, cell_id, shared in rows:
        without_cell = cell_id is None or shared
        white = residents.get(pk, 0) == 0
        for ancestor in ancestor_paths(path):
            node = totals[ancestor]
            node[0] += 1
            node[1] += without_cell
            node[2] += white
    return residents, totals


def locality_counters_rebuild() -> int:
    """Recompute every locality's resident members and every organisation's locality
    counters from the raw rows; returns how many rows changed."""
    with transaction.atomic():
        residents, totals = _recount()
        changed_localities = [
            Locality(pk=pk, active_members=residents.get(pk, 0))
            for pk, stored in Locality.objects.values_list("id", "active_members").iterator(
                chunk_size=10000
            )
            if stored != residents.get(pk, 0)
        ]
        Locality.objects.bulk_update(changed_localities, ["active_members"], batch_size=1000)
        changed = [
            Organisation(pk=pk, **dict(zip(COUNTERS, totals.get(path, [0, 0, 0]), strict=True)))
            for pk, path, *stored in Organisation.objects.values_list("id", "path", *COUNTERS)
            if list(stored) != totals.get(path, [0, 0, 0])
        ]
        Organisation.objects.bulk_update(changed, list(COUNTERS), batch_size=1000)
    return len(changed_localities) + len(changed)


def locality_counter_mismatches() -> list[dict[str, Any]]:
    """Every organisation whose locality counters differ from a recount, and every locality
    whose resident count does (as organisations, with the locality's code)."""
    residents, totals = _recount()
    found: list[dict[str, Any]] = []
    for code, stored_count, pk in Locality.objects.values_list(
        "code", "active_members", "id"
    ).iterator(chunk_size=10000):
        if stored_count != residents.get(pk, 0):
            found.append(
                {
                    "code": code,
                    "stored": {"active_members": stored_count},
                    "recount": {"active_members": residents.get(pk, 0)},
                }
            )
    for code, path, *stored in Organisation.objects.values_list("code", "path", *COUNTERS):
        expected = totals.get(path, [0, 0, 0])
        if list(stored) != expected:
            found.append(
                {
                    "code": code,
                    "stored": dict(zip(COUNTERS, stored, strict=True)),
                    "recount": dict(zip(COUNTERS, expected, strict=True)),
                }
            )
    return found
