"""Interim listener of the "person_changed" hook (fired by ptdv.people.services.person_update):
what the Django admin used to refresh by hand after a person edit — the candidacies' search
entries when the name changed, the locality counters when the residence changed.

To be replaced by ptdv.candidacies.derived.person_changed (issue 11, "actions" part), which
also keeps the next actions and the tallies.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol

from ptdv.candidacies.search import candidacy_search_refresh
from ptdv.members.localities import locality_residents_recount
from ptdv.people.models import Person


class PersonBefore(Protocol):
    """ptdv.people.services.PersonSnapshot, as far as this listener reads it."""

    family_name: str
    middle_name: str
    given_name: str
    residence_locality_id: int | None


def person_changed(*, person_ids: Iterable[int], before: Mapping[int, PersonBefore]) -> None:
    rows = Person.objects.filter(pk__in=list(person_ids)).values_list(
        "pk", "family_name", "middle_name", "given_name", "residence_locality_id"
    )
    renamed: list[int] = []
    localities: list[int | None] = []
    for pk, family, middle, given, locality in rows:
        was = before.get(pk)
        if was is None:
            continue
        if (was.family_name, was.middle_name, was.given_name) != (family, middle, given):
            renamed.append(pk)  # the candidate search reads the name from the entries
        if was.residence_locality_id != locality:
            # A member who moves may leave a village without members, or end one.
            localities += [was.residence_locality_id, locality]
    if localities:
        locality_residents_recount(localities)
    if renamed:
        candidacy_search_refresh(person_ids=renamed)
