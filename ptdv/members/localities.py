"""The resident members of each locality (members, probationary or official, whose residence
it is) and the locality counters that depend on them: the recount after memberships or
residences change, the rebuild and the check (`ptdv aggregates rebuild|verify`). The counters
themselves and their moves are the organisations app's (ptdv/organisations/localities.py);
counting residents needs the memberships and the people, so it lives here, above both.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import Count

from ptdv.members.models import ACTIVE_STATUSES, PartyMembership
from ptdv.organisations.localities import CHUNK, COUNTERS, locality_counters_apply
from ptdv.organisations.models import Locality, Organisation, ancestor_paths


def _resident_counts(locality_ids: list[int] | None) -> dict[int, int]:
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
        for start in range(0, len(ids), CHUNK):
            part = ids[start : start + CHUNK]
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
            locality_counters_apply(
                {path: (0, 0, delta) for path, delta in deltas.items() if delta}
            )


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
