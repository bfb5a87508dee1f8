"""Writes to the organisation tree. The path of a node is assigned here and nowhere else."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F

from ptdv.audit.services import audit_record
from ptdv.core.policies import Actor
from ptdv.core.text import title_sort_key
from ptdv.organisations.localities import locality_counters_move, locality_state
from ptdv.organisations.models import (
    PATH_ALPHABET,
    PATH_STEP,
    Kind,
    Locality,
    Organisation,
    Sector,
)


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
    actor: Actor | None = None,
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
def locality_save(locality: Locality, *, update_fields: list[str] | None = None) -> Locality:
    """Save a locality and move the subtree counters of the organisations above (a new
    locality, a change of commune or of cell). The resident count is never written from
    memory: it is kept by ptdv/members/localities.py."""
    before = None
    if not locality._state.adding:
        stored = (
            Locality.objects.select_for_update()
            .select_related("organisation")
            .filter(pk=locality.pk)
            .first()
        )
        if stored is not None:
            before = locality_state(stored)
            locality.active_members = stored.active_members
            if update_fields is None:
                update_fields = [
                    f.name
                    for f in Locality._meta.concrete_fields
                    if not f.primary_key and f.name != "active_members"
                ]
    locality.sort_key = title_sort_key(locality.name)
    if update_fields is not None and "name" in update_fields:
        update_fields = [*update_fields, "sort_key"]
    locality.save(update_fields=update_fields)
    locality_counters_move(before, locality_state(locality))
    return locality


@transaction.atomic
def locality_delete(locality: Locality) -> None:
    """Delete a locality and take it out of the counters of the organisations above."""
    before = locality_state(locality)
    locality.delete()
    locality_counters_move(before, None)
