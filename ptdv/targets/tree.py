"""Listeners of the tree-change hooks fired by ptdv/organisations/changes.py (the
organisations app lies below the apps whose rows hang on an organisation, so it fires and
this module, above them all, answers):

- `organisation_subtree_moved`: a node moved whole; its tallies leave the old ancestors and
  join the new ones, the search entries follow the re-keyed paths;
- `organisation_rows_moved`: an organisation ends and what hangs directly on it goes to its
  successor — people it manages, memberships (current and past), the members' temporary
  attachments to it (`attachments_follow`), dossiers, the targets and plan assignments of
  the year of the change and later (a target already set at the successor for that year is
  added to), the tallies of those rows, and the users' roles on it (`assignments_follow`:
  the clerks of a merged commune keep working, audited);
- `organisation_holds_rows`: whether anything still hangs on an organisation (members
  attached to it included);
- `locality_residents_moved`: the residents of a locality moved to another one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import F

from ptdv.accounts.services import assignments_follow
from ptdv.candidacies.models import Candidacy
from ptdv.candidacies.tree import candidacies_reassign, search_paths_rekey, tallies_move
from ptdv.core.policies import Actor
from ptdv.members.localities import locality_residents_recount
from ptdv.members.models import PartyMembership
from ptdv.members.services import attachments_follow
from ptdv.organisations.models import Organisation, OrganisationChange, ancestor_paths
from ptdv.people.models import Person
from ptdv.targets.models import PlanAssignment, Target


def subtree_moved(
    *,
    moves: list[tuple[int, str, str]],
    old_ancestors: list[str],
    new_ancestors: list[str],
    **_: Any,
) -> None:
    """Siblings moved whole (id, old path, new path) from one parent to another."""
    tallies_move(
        organisation_ids=[pk for pk, _old, _new in moves], old=old_ancestors, new=new_ancestors
    )
    for _pk, old_path, new_path in moves:
        search_paths_rekey(old_path=old_path, new_path=new_path)


def rows_moved(
    *,
    source_id: int,
    target_id: int,
    source_path: str,
    target_path: str,
    date: dt.date,
    change: OrganisationChange | None = None,
    actor: Actor | None = None,
    **_: Any,
) -> None:
    # The tallies first: they are the source's own rows, read before anything moves.
    tallies_move(
        organisation_ids=[source_id],
        old=ancestor_paths(source_path),
        new=ancestor_paths(target_path),
    )
    Person.objects.filter(organisation_id=source_id).update(organisation_id=target_id)
    PartyMembership.objects.filter(organisation_id=source_id).update(organisation_id=target_id)
    decision: dict[str, Any] = (
        {
            "number": change.decision_number,
            "date": change.decision_date,
            "issuing_body": change.issuing_body,
        }
        if change is not None
        else {}
    )
    attachments_follow(
        source_id=source_id,
        target_id=target_id,
        date=date,
        decision=decision,
        actor_id=change.actor_id if change is not None else None,
    )
    source, target = Organisation.objects.get(pk=source_id), Organisation.objects.get(pk=target_id)
    assignments_follow(
        source=source,
        target=target,
        actor=actor,
        reason=(
            f"{change.get_kind_display()} theo {change.decision_number}"
            if change is not None
            else "Thay đổi tổ chức"
        ),
    )
    candidacies_reassign(source_id=source_id, target_id=target_id, target_path=target_path)
    PlanAssignment.objects.filter(organisation_id=source_id, year__gte=date.year).update(
        organisation_id=target_id
    )
    _targets_move(source_id, target_id, date.year)


def _targets_move(source_id: int, target_id: int, year: int) -> None:
    """The source's targets of `year` and later: taken over where the successor has none,
    added to the successor's where it has one (general target first, then the groups)."""
    rows = list(
        Target.objects.select_for_update()
        .filter(organisation_id__in=[source_id, target_id], year__gte=year)
        .order_by("group", "year", "organisation_id")
    )
    kept = {(t.year, t.group): t for t in rows if t.organisation_id == target_id}
    for row in rows:
        if row.organisation_id != source_id:
            continue
        existing = kept.get((row.year, row.group))
        if existing is not None:
            Target.objects.filter(pk=existing.pk).update(
                number=F("number") + row.number,
                suggested=F("suggested") + row.suggested,
                members_at_start=F("members_at_start") + row.members_at_start,
            )
            if not row.group:
                # The source's group targets now belong under the successor's general one.
                Target.objects.filter(parent=row).update(parent=existing)
            Target.objects.filter(pk=row.pk).delete()
        else:
            row.organisation_id = target_id
            if row.group:
                general = kept.get((row.year, ""))
                if general is not None:
                    row.parent = general
            row.save(update_fields=["organisation", "parent"])
            kept[(row.year, row.group)] = row


def holds_rows(*, organisation_id: int, answers: list[bool], **_: Any) -> None:
    answers.append(
        Person.objects.filter(organisation_id=organisation_id).exists()
        or PartyMembership.objects.filter(organisation_id=organisation_id).exists()
        or PartyMembership.objects.filter(attached_to_id=organisation_id).exists()
        or Candidacy.objects.filter(organisation_id=organisation_id).exists()
    )


def residents_moved(
    *, source_id: int, target_id: int, person_ids: list[int] | None = None, **_: Any
) -> None:
    """The people living in locality `source_id` (all, or those of `person_ids`) now live in
    `target_id`; both localities' resident counts and white flags follow."""
    people = Person.objects.filter(residence_locality_id=source_id)
    if person_ids is not None:
        people = people.filter(pk__in=person_ids)
    people.update(residence_locality_id=target_id)
    locality_residents_recount([source_id, target_id])


def residents_of(*, locality_id: int, answers: list[int], **_: Any) -> None:
    answers.extend(
        Person.objects.filter(residence_locality_id=locality_id).values_list("pk", flat=True)
    )


def register() -> None:
    from ptdv.core import hooks

    hooks.register("organisation_subtree_moved", subtree_moved)
    hooks.register("organisation_rows_moved", rows_moved)
    hooks.register("organisation_holds_rows", holds_rows)
    hooks.register("locality_residents_moved", residents_moved)
    hooks.register("locality_residents", residents_of)
