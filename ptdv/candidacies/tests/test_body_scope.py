"""Every object a registration or a dossier action names is resolved through the actor's
scope inside the service: outside the scope answers exactly like absent, and nothing is
written (issue 10 §1)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from ptdv.accounts.models import Assignment, Role
from ptdv.candidacies.models import Stage
from ptdv.candidacies.services import candidacy_register
from ptdv.candidacies.workflow import candidacy_act
from ptdv.core.tests.state import db_state
from ptdv.factories import (
    CandidacyFactory,
    LocalityFactory,
    MembershipFactory,
    PersonFactory,
    user_with_role,
)
from ptdv.members.models import PartyMembership
from ptdv.organisations.models import Locality
from ptdv.people.models import Person
from ptdv.people.services import PersonData

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(tree):
    return user_with_role(tree["commune_a"], Role.CLERK)


def person_data(**overrides):
    values = {
        "family_name": "Nguyễn",
        "middle_name": "Văn",
        "given_name": "An",
        "birth_date": dt.date(2000, 3, 5),
        "gender": "male",
    }
    values.update(overrides)
    return PersonData(**values)


def refused(call):
    """The field errors of a refused call, after checking that nothing was written."""
    before = db_state()
    with pytest.raises(ValidationError) as info:
        call()
    assert db_state() == before
    return info.value.message_dict


# --- Registration ----------------------------------------------------------------------------


def test_a_cell_outside_the_scope_is_not_found(tree, clerk):
    def register(organisation):
        return lambda: candidacy_register(
            actor=clerk, organisation=organisation, person_data=person_data()
        )

    outside = refused(register(tree["cell_b1"]))
    assert outside == {"organisation": ["Không tìm thấy tổ chức."]}
    absent = tree["cell_b1"].__class__(pk=987654, path="ZZZZ")
    assert refused(register(absent)) == outside


def test_a_helper_outside_the_scope_is_not_found(tree, clerk):
    outside = MembershipFactory(organisation=tree["cell_b1"])

    def register(helper):
        return lambda: candidacy_register(
            actor=clerk, organisation=tree["cell_a1"], person_data=person_data(), helper=helper
        )

    errors = refused(register(outside))
    assert errors == {"helper": ["Không tìm thấy đảng viên giúp đỡ."]}
    assert refused(register(PartyMembership(pk=987654))) == errors


def test_a_responsible_leader_outside_the_scope_is_not_found(tree, clerk):
    outside = PersonFactory(organisation=tree["cell_b1"])

    def register(leader):
        return lambda: candidacy_register(
            actor=clerk,
            organisation=tree["cell_a1"],
            person_data=person_data(),
            responsible_leader=leader,
        )

    errors = refused(register(outside))
    assert errors == {"responsible_leader": ["Không tìm thấy người chịu trách nhiệm bồi dưỡng."]}
    assert refused(register(Person(pk=987654))) == errors
    inside = PersonFactory(organisation=tree["cell_a2"])
    candidacy = register(inside)()
    assert candidacy.responsible_leader == inside


def test_a_residence_in_another_commune_is_not_found(tree, clerk):
    elsewhere = LocalityFactory(organisation=tree["commune_b"])

    def register(locality):
        return lambda: candidacy_register(
            actor=clerk,
            organisation=tree["cell_a1"],
            person_data=person_data(residence_locality=locality),
        )

    errors = refused(register(elsewhere))
    assert errors == {"residence_locality": ["Không tìm thấy thôn, tổ dân phố."]}
    assert refused(register(Locality(pk=987654))) == errors


def test_the_api_answers_the_residence_as_a_person_field(tree, clerk):
    elsewhere = LocalityFactory(organisation=tree["commune_b"])
    client = APIClient()
    client.force_authenticate(clerk)
    before = db_state()
    response = client.post(
        "/api/v1/candidacies/",
        {
            "organisation": tree["cell_a1"].pk,
            "person": {
                "family_name": "Lê",
                "given_name": "Hoa",
                "birth_date": "2001-02-03",
                "gender": "female",
                "residence_locality": elsewhere.pk,
            },
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "person.residence_locality": ["Không tìm thấy thôn, tổ dân phố."]
    }
    assert db_state() == before


def test_a_person_the_actor_may_only_read_is_not_moved_into_their_cell(tree, clerk):
    """Registering moves the person into the cell: reading them elsewhere is not enough."""
    read_only = PersonFactory(organisation=tree["cell_b1"])
    Assignment.objects.create(user=clerk, organisation=tree["commune_b"], role=Role.VIEWER)
    clerk = type(clerk).objects.get(pk=clerk.pk)
    errors = refused(
        lambda: candidacy_register(actor=clerk, organisation=tree["cell_a1"], person=read_only)
    )
    assert errors == {"person": ["Không tìm thấy công dân."]}


# --- Dossier actions -------------------------------------------------------------------------


def test_an_introducer_outside_the_scope_is_not_found(tree, clerk):
    cell = tree["cell_a1"]
    candidacy = CandidacyFactory(
        person=PersonFactory(organisation=cell), organisation=cell, stage=Stage.TRAINED
    )
    outside = MembershipFactory(organisation=tree["cell_b1"])

    def introduce(membership):
        return lambda: candidacy_act(
            actor=clerk,
            candidacy_id=candidacy.pk,
            action="record_introduction",
            data={
                "kind": "member",
                "membership": membership,
                "months_together": 14,
                "introduced_on": "2025-12-10",
            },
        )

    errors = refused(introduce(outside.pk))
    assert errors == {"membership": ["Không tìm thấy đảng viên này."]}
    assert refused(introduce(987654)) == errors
    inside = MembershipFactory(organisation=tree["cell_a2"])
    introduce(inside.pk)()
    assert candidacy.introducers.get().membership == inside
