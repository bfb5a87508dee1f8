"""Locality changes by a dated decision: residents follow, counters verify."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from ptdv.accounts.models import Role
from ptdv.factories import LocalityFactory, MembershipFactory, PersonFactory, user_with_role
from ptdv.organisations.locality_changes import (
    NewLocality,
    locality_merge,
    locality_move,
    locality_rename,
    locality_split,
)
from ptdv.organisations.models import Locality, LocalityChange, Organisation
from ptdv.organisations.tests.test_changes import DECISION, settle, verify_clean
from ptdv.people.models import Person

pytestmark = pytest.mark.django_db


def counters(org):
    org = Organisation.objects.get(pk=org.pk)
    return (org.locality_count, org.locality_without_cell_count, org.white_locality_count)


@pytest.fixture
def villages(tree):
    commune = tree["commune_a"]
    east = LocalityFactory(organisation=commune, name="Thôn Đông", cell=tree["cell_a1"])
    west = LocalityFactory(organisation=commune, name="Thôn Tây")
    members = [
        MembershipFactory(organisation=tree["cell_a1"], person__residence_locality=east)
        for _ in range(2)
    ] + [MembershipFactory(organisation=tree["cell_a2"], person__residence_locality=west)]
    settle()  # the factories write no tallies
    return east, west, members


@pytest.fixture
def commune_admin(tree):
    return user_with_role(tree["commune_a"], Role.ADMINISTRATOR)


def test_merge_moves_residents_and_removes_the_merged(tree, villages, commune_admin):
    east, west, members = villages
    empty = LocalityFactory(organisation=tree["commune_a"], name="Thôn Trắng")
    assert counters(tree["commune_a"]) == (3, 2, 1)
    change = locality_merge(
        actor=commune_admin,
        sources=[east, west, empty],
        new=NewLocality(code="TH-MOI", name="Thôn Hợp Nhất"),
        decision=DECISION,
    )
    merged = change.successors.get()
    assert merged.active_members == 3 and merged.cell_id == tree["cell_a1"].pk
    assert set(Person.objects.filter(residence_locality=merged).values_list("pk", flat=True)) == {
        m.person_id for m in members
    }
    assert not Locality.objects.filter(pk__in=[east.pk, west.pk, empty.pk]).exists()
    assert [m["name"] for m in change.data["merged"]] == ["Thôn Đông", "Thôn Tây", "Thôn Trắng"]
    assert counters(tree["commune_a"]) == counters(tree["province"]) == (1, 0, 0)
    verify_clean()


def test_split_rename_move(tree, villages, commune_admin):
    east, west, members = villages
    mover = members[0].person
    change = locality_split(
        actor=commune_admin,
        locality=east,
        parts=[NewLocality(code="TH-BAC", name="Thôn Bắc", residents=[mover.pk])],
        decision=DECISION,
    )
    north = Locality.objects.get(code="TH-BAC")
    assert Person.objects.get(pk=mover.pk).residence_locality_id == north.pk
    assert north.active_members == 1 and Locality.objects.get(pk=east.pk).active_members == 1
    assert change.successors.count() == 2
    locality_rename(actor=commune_admin, locality=west, name="Thôn Tây Mới", decision=DECISION)
    assert Locality.objects.get(pk=west.pk).name == "Thôn Tây Mới"
    # Moving to commune B needs an administrator of both communes.
    with pytest.raises(Http404):
        locality_move(
            actor=commune_admin, locality=west, organisation=tree["commune_b"], decision=DECISION
        )
    admin = user_with_role(tree["province"], Role.ADMINISTRATOR)
    locality_move(actor=admin, locality=east, organisation=tree["commune_b"], decision=DECISION)
    moved = Locality.objects.get(pk=east.pk)
    assert moved.organisation_id == tree["commune_b"].pk and moved.cell_id is None
    assert counters(tree["commune_b"]) == (1, 1, 0)
    assert LocalityChange.objects.count() == 3
    verify_clean()


def test_refusals(tree, villages, commune_admin):
    east, _west, _members = villages
    clerk = user_with_role(tree["commune_a"], Role.CLERK)
    with pytest.raises(PermissionDenied):
        locality_rename(actor=clerk, locality=east, name="X", decision=DECISION)
    other = PersonFactory(organisation=tree["cell_a1"])
    with pytest.raises(ValidationError) as refused:
        locality_split(
            actor=commune_admin,
            locality=east,
            parts=[NewLocality(code=east.code, name="", residents=[other.pk])],
            decision=DECISION,
        )
    assert set(refused.value.message_dict) == {"parts.0.code", "parts.0.name", "parts.0.residents"}
    b_village = LocalityFactory(organisation=tree["commune_b"])
    admin = user_with_role(tree["province"], Role.ADMINISTRATOR)
    with pytest.raises(ValidationError):
        locality_merge(actor=admin, sources=[b_village], into=east, decision=DECISION)
    assert not LocalityChange.objects.exists()
