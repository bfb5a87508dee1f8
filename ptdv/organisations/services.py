"""Writes to the organisation tree. The path of a node is assigned here and nowhere else."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import F

from ptdv.audit.services import audit_record
from ptdv.organisations.models import PATH_ALPHABET, PATH_STEP, Kind, Organisation, Sector


def path_step(number: int) -> str:
    """The fixed-width base-36 step for the `number`-th child (1-based)."""
    if number <= 0 or number >= len(PATH_ALPHABET) ** PATH_STEP:
        raise ValueError("child number out of range")
    digits = []
    for _ in range(PATH_STEP):
        number, remainder = divmod(number, len(PATH_ALPHABET))
        digits.append(PATH_ALPHABET[remainder])
    return "".join(reversed(digits))


@transaction.atomic
def organisation_create(
    *,
    parent: Organisation | None,
    code: str,
    name: str,
    kind: Kind | str,
    sector: Sector | str = Sector.OTHER,
    area_flags: list[str] | None = None,
    admin_unit_code: str = "",
    abbreviation: str = "",
    authorised_to_admit: bool = False,
    valid_from: dt.date | None = None,
    actor: Any = None,
) -> Organisation:
    if parent is not None:
        # Lock the parent so two concurrent creations never get the same path.
        parent = Organisation.objects.select_for_update().get(pk=parent.pk)
        parent.child_seq += 1
        Organisation.objects.filter(pk=parent.pk).update(child_seq=F("child_seq") + 1)
        path = parent.path + path_step(parent.child_seq)
    else:
        roots = Organisation.objects.filter(depth=1).order_by("-path").first()
        seq = 1 if roots is None else int(roots.path, 36) + 1
        path = path_step(seq)
    organisation = Organisation(
        parent=parent,
        code=code,
        name=name,
        kind=kind,
        sector=sector,
        area_flags=sorted(set(area_flags or [])),
        admin_unit_code=admin_unit_code,
        abbreviation=abbreviation,
        authorised_to_admit=authorised_to_admit,
        valid_from=valid_from,
        path=path,
        depth=len(path) // PATH_STEP,
    )
    organisation.full_clean()
    organisation.save()
    if actor is not None:
        audit_record(actor=actor, action="create", obj=organisation, summary=name)
    return organisation


def organisation_counters_adjust(
    *, organisation: Organisation, members: int = 0, candidates: int = 0
) -> None:
    """Add to the subtree counters of `organisation` and all its ancestors in one UPDATE.

    Call it inside the transaction that changes the rows being counted.
    """
    if not members and not candidates:
        return
    Organisation.objects.filter(path__in=organisation.ancestor_paths).update(
        member_count=F("member_count") + members,
        candidate_count=F("candidate_count") + candidates,
    )


@transaction.atomic
def organisation_counters_rebuild() -> int:
    """Recompute every subtree counter from the raw rows (the locality counters too: see
    ptdv/organisations/localities.py); return how many rows changed.

    Two grouped queries give each organisation's own counts; the subtree sums are rolled up
    in memory by path prefix and only the rows that differ are written, in batches. The
    organisations are locked first (PostgreSQL): a concurrent write that already adjusted a
    counter has committed before we count, and one that comes later waits for us, so no
    adjustment is lost or counted twice.
    """
    from django.db.models import Count

    from ptdv.candidacies.models import POOL_STAGES, Candidacy
    from ptdv.members.models import ACTIVE_STATUSES, PartyMembership

    stored = list(
        Organisation.objects.select_for_update()
        .order_by()
        .values_list("id", "path", "member_count", "candidate_count")
    )
    path_of = {org_id: path for org_id, path, _m, _c in stored}
    totals: dict[str, list[int]] = {}
    own_members = (
        PartyMembership.objects.filter(status__in=ACTIVE_STATUSES)
        .order_by()
        .values_list("organisation_id")
        .annotate(n=Count("id"))
    )
    own_candidates = (
        Candidacy.objects.filter(is_open=True, stage__in=POOL_STAGES)
        .order_by()
        .values_list("organisation_id")
        .annotate(n=Count("id"))
    )
    for rows, index in ((own_members, 0), (own_candidates, 1)):
        for org_id, n in rows:
            path = path_of[org_id]
            for end in range(PATH_STEP, len(path) + 1, PATH_STEP):
                totals.setdefault(path[:end], [0, 0])[index] += n
    changed = []
    for org_id, path, members, candidates in stored:
        expected = totals.get(path, [0, 0])
        if expected != [members, candidates]:
            changed.append(
                Organisation(id=org_id, member_count=expected[0], candidate_count=expected[1])
            )
    Organisation.objects.bulk_update(changed, ["member_count", "candidate_count"], batch_size=500)
    from ptdv.organisations.localities import locality_counters_rebuild

    return len(changed) + locality_counters_rebuild()
