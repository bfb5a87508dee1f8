"""person_update: one write path for a person's details, with the derived data kept by the
"person_changed" hook's listeners."""

from __future__ import annotations

import pytest

from ptdv.accounts.models import Role
from ptdv.audit.models import AuditEntry
from ptdv.candidacies.models import CandidacySearch
from ptdv.candidacies.search import candidacy_search_refresh
from ptdv.factories import (
    CandidacyFactory,
    LocalityFactory,
    MembershipFactory,
    PersonFactory,
    user_with_role,
)
from ptdv.people.services import PersonSnapshot, person_update


def test_a_move_recounts_both_villages(tree) -> None:
    cell = tree["cell_a1"]
    old, new = (LocalityFactory(organisation=tree["commune_a"]) for _ in range(2))
    member = MembershipFactory(
        organisation=cell, person=PersonFactory(organisation=cell, residence_locality=old)
    )
    old.refresh_from_db()
    assert old.active_members == 1
    actor = user_with_role(tree["commune_a"], Role.ADMINISTRATOR)

    person_update(person=member.person, changes={"residence_locality": new}, actor=actor)

    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.active_members, new.active_members) == (0, 1)
    entry = AuditEntry.objects.get(action="change", person=member.person)
    assert entry.data == {"fields": ["residence_locality"]}


def test_a_new_name_is_rekeyed_and_reaches_the_search_entries(tree) -> None:
    candidacy = CandidacyFactory(organisation=tree["cell_a1"])
    candidacy_search_refresh(candidacy_ids=[candidacy.pk])
    person = candidacy.person
    before = PersonSnapshot.of(person)
    actor = user_with_role(tree["commune_a"], Role.ADMINISTRATOR)

    person_update(person=person, changes={"given_name": "Đông"}, actor=actor)

    person.refresh_from_db()
    assert person.given_name == "Đông" and " dong" in person.search_text
    assert before.given_name != person.given_name
    entry = CandidacySearch.objects.get(candidacy=candidacy)
    assert (entry.search_text, entry.sort_key) == (person.search_text, person.sort_key)


def test_derived_and_identity_fields_are_not_written_here(tree) -> None:
    person = PersonFactory(organisation=tree["cell_a1"])
    actor = user_with_role(tree["commune_a"], Role.ADMINISTRATOR)
    for name in ("search_text", "national_id_hash", "no_such_field"):
        with pytest.raises(ValueError):
            person_update(person=person, changes={name: "x"}, actor=actor)
