import datetime as dt
import logging

import pytest
from django.core.exceptions import ValidationError

from ptdv.accounts.models import Role
from ptdv.audit.models import AuditEntry
from ptdv.candidacies.counters import organisation_counter_mismatches
from ptdv.candidacies.models import Candidacy, Stage
from ptdv.candidacies.services import candidacy_register
from ptdv.factories import MembershipFactory, PersonFactory, user_with_role
from ptdv.people.crypto import national_id_decrypt
from ptdv.people.models import Person
from ptdv.people.services import PersonData

pytestmark = pytest.mark.django_db


def data(**overrides):
    values = {
        "family_name": "Nguyễn",
        "middle_name": "Văn",
        "given_name": "An",
        "birth_date": dt.date(2000, 3, 5),
        "gender": "male",
        "national_id": "042200001234",
    }
    values.update(overrides)
    return PersonData(**values)


@pytest.fixture
def clerk(tree):
    return user_with_role(tree["commune_a"], Role.CLERK)


def test_register_creates_person_candidacy_counters_and_audit(tree, clerk, caplog):
    caplog.set_level(logging.DEBUG)
    candidacy = candidacy_register(
        actor=clerk, organisation=tree["cell_a1"], person_data=data(), opened_on=dt.date(2026, 1, 5)
    )
    assert candidacy.stage == Stage.SOURCE and candidacy.is_open
    person = candidacy.person
    assert person.full_name == "Nguyễn Văn An"
    assert person.organisation == tree["cell_a1"]
    assert person.national_id_encrypted and "042200001234" not in person.national_id_encrypted
    assert national_id_decrypt(person.national_id_encrypted) == "042200001234"
    tree["province"].refresh_from_db()
    assert tree["province"].candidate_count == 1
    assert organisation_counter_mismatches() == []
    entry = AuditEntry.objects.get(object_type="candidacies.candidacy")
    assert entry.actor == clerk and entry.person == person
    assert "042200001234" not in str(entry.data) + entry.summary
    assert "042200001234" not in caplog.text


def test_existing_person_is_found_by_national_id_and_reused(tree, clerk):
    first = candidacy_register(actor=clerk, organisation=tree["cell_a1"], person_data=data())
    Candidacy.objects.filter(pk=first.pk).update(is_open=False, stage=Stage.CLOSED)
    again = candidacy_register(
        actor=clerk,
        organisation=tree["cell_a2"],
        person_data=data(given_name="Ân", family_name="Nguyen"),
    )
    assert again.person_id == first.person_id
    assert Person.objects.count() == 1


def test_without_national_id_found_by_folded_name_and_birth_date(tree, clerk):
    person = PersonFactory(
        family_name="Đặng", middle_name="Thị", given_name="Hòa", organisation=tree["cell_a1"]
    )
    candidacy = candidacy_register(
        actor=clerk,
        organisation=tree["cell_a1"],
        person_data=data(
            family_name="Đặng",
            middle_name="Thị",
            given_name="Hòa",
            birth_date=person.birth_date,
            national_id="",
        ),
    )
    assert candidacy.person_id == person.pk


def test_second_open_candidacy_is_refused_and_nothing_written(tree, clerk):
    candidacy_register(actor=clerk, organisation=tree["cell_a1"], person_data=data())
    entries = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as info:
        candidacy_register(actor=clerk, organisation=tree["cell_a2"], person_data=data())
    assert "person" in info.value.message_dict
    assert Candidacy.objects.count() == 1
    assert AuditEntry.objects.count() == entries
    tree["province"].refresh_from_db()
    assert tree["province"].candidate_count == 1


def test_current_member_cannot_be_a_candidate(tree, clerk):
    member = MembershipFactory(organisation=tree["cell_a1"])
    with pytest.raises(ValidationError) as info:
        candidacy_register(actor=clerk, organisation=tree["cell_a1"], person=member.person)
    assert "đảng viên" in info.value.message_dict["person"][0]


def test_former_member_is_a_readmission(tree, clerk):
    former = MembershipFactory(
        organisation=tree["cell_a1"], status="removed", exit_date=dt.date(2020, 1, 1)
    )
    candidacy = candidacy_register(actor=clerk, organisation=tree["cell_a1"], person=former.person)
    assert candidacy.is_readmission


def test_bad_national_id_names_the_field(tree, clerk):
    with pytest.raises(ValidationError) as info:
        candidacy_register(
            actor=clerk, organisation=tree["cell_a1"], person_data=data(national_id="12345")
        )
    assert "12 chữ số" in info.value.message_dict["national_id"][0]
    assert not Person.objects.exists()


def test_candidacy_must_belong_to_a_cell(tree, clerk):
    with pytest.raises(ValidationError) as info:
        candidacy_register(actor=clerk, organisation=tree["grassroots_a"], person_data=data())
    assert "organisation" in info.value.message_dict


def test_outside_subtree_is_not_found_and_viewer_is_refused(tree, clerk):
    from django.core.exceptions import PermissionDenied

    # A body-named cell outside the subtree is a field error, the same as an absent one.
    with pytest.raises(ValidationError) as info:
        candidacy_register(actor=clerk, organisation=tree["cell_b1"], person_data=data())
    assert info.value.message_dict == {"organisation": ["Không tìm thấy tổ chức."]}
    viewer = user_with_role(tree["commune_a"], Role.VIEWER)
    with pytest.raises(PermissionDenied):
        candidacy_register(actor=viewer, organisation=tree["cell_a1"], person_data=data())
    assert not Candidacy.objects.exists()


def test_helper_must_be_official_member_of_the_cell(tree, clerk):
    probationary = MembershipFactory(organisation=tree["cell_a1"], status="probationary")
    elsewhere = MembershipFactory(organisation=tree["cell_a2"])
    for helper in (probationary, elsewhere):
        with pytest.raises(ValidationError) as info:
            candidacy_register(
                actor=clerk, organisation=tree["cell_a1"], person_data=data(), helper=helper
            )
        assert "helper" in info.value.message_dict
    good = MembershipFactory(organisation=tree["cell_a1"])
    candidacy = candidacy_register(
        actor=clerk, organisation=tree["cell_a1"], person_data=data(), helper=good
    )
    assert candidacy.helper == good


def test_future_opening_date_refused(tree, clerk):
    with pytest.raises(ValidationError) as info:
        candidacy_register(
            actor=clerk,
            organisation=tree["cell_a1"],
            person_data=data(),
            opened_on=dt.date(2999, 1, 1),
        )
    assert "opened_on" in info.value.message_dict
