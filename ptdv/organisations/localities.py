"""The locality counters: how many villages and residential groups a subtree has, how many
have no cell of their own, and how many are "white" — no party member lives there.

The progress of the national root covers some 60,000 localities; asking, for each, whether
an active member lives there cost a third of a second per request. So each locality keeps
`active_members` (members, probationary or official, whose residence it is) and each
organisation keeps subtree totals (`locality_count`, `locality_without_cell_count`,
`white_locality_count`), moved in the transaction that changes the rows:

- a locality created, moved to another commune, given or losing a cell: the services
  `locality_save` / `locality_delete` (ptdv/organisations/services.py) call
  `locality_counters_move` (bulk writes call `locality_counters_created`);
- a membership that starts or ends, a member's residence that changes: the service calls
  `locality_residents_recount` with the localities concerned — it locks them, recounts their
  resident members from the raw rows and moves the white count when a locality gains its
  first or loses its last one (two users acting at once in one village are serialised by
  the lock, and each recount sees what the other committed).

Counting resident members needs the memberships and the people, above this app: the recount,
`locality_residents_recount`, the rebuild `locality_counters_rebuild` (the generator's end of
load, `ptdv aggregates rebuild`) and the check `locality_counter_mismatches` (`ptdv aggregates
verify`) live in ptdv/members/localities.py.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import F

from ptdv.organisations.models import Locality, Organisation, ancestor_paths

COUNTERS = ("locality_count", "locality_without_cell_count", "white_locality_count")
CHUNK = 5000


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


def locality_counters_apply(deltas: dict[str, tuple[int, int, int]]) -> None:
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
        for start in range(0, len(paths), CHUNK):
            Organisation.objects.filter(path__in=paths[start : start + CHUNK]).update(**changes)


def _as_delta(state: LocalityState, sign: int) -> tuple[int, int, int]:
    return (sign, sign * state.without_cell, sign * state.white)


def locality_counters_move(before: LocalityState | None, after: LocalityState | None) -> None:
    """A locality appeared (before None), disappeared (after None) or changed."""
    deltas: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for state, sign in ((before, -1), (after, 1)):
        if state is not None:
            for index, value in enumerate(_as_delta(state, sign)):
                deltas[state.path][index] += value
    locality_counters_apply({path: (d[0], d[1], d[2]) for path, d in deltas.items()})


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
    locality_counters_apply({path: (d[0], d[1], d[2]) for path, d in deltas.items()})
