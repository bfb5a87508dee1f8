"""person_update: one write path for a person's corrections — scope and role resolved inside,
a row lock and `version`, a reason for a change of identity, the national ID re-keyed, the
audit entry with the values before and after, and the derived data kept by the
"person_changed" hook's listeners."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from ptdv.accounts.models import Role
from ptdv.audit.models import AuditEntry
from ptdv.candidacies.models import AdmissionTally, CandidacySearch, Stage
from ptdv.candidacies.search import candidacy_search_refresh
from ptdv.candidacies.tallies import aggregates_mismatches, aggregates_rebuild
from ptdv.core.refusals import UNPROCESSABLE
from ptdv.factories import (
    CandidacyFactory,
    LocalityFactory,
    MembershipFactory,
    PersonFactory,
    user_with_role,
)
from ptdv.people.crypto import national_id_decrypt, national_id_encrypt, national_id_hash
from ptdv.people.models import Person
from ptdv.people.services import PersonSnapshot, StalePerson, person_update

pytestmark = pytest.mark.django_db


def with_number(organisation, number: str, **kwargs) -> Person:
    return PersonFactory(
        organisation=organisation,
        national_id_hash=national_id_hash(number),
        national_id_encrypted=national_id_encrypt(number),
        **kwargs,
    )


def codes(exc: ValidationError, field: str) -> set[str | None]:
    return {error.code for error in exc.error_dict[field]}


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
    assert entry.data["fields"] == ["residence_locality"]
    assert entry.data["before"] == {"residence_locality": old.pk}
    assert entry.data["after"] == {"residence_locality": new.pk}


def test_a_new_name_is_rekeyed_and_reaches_the_search_entries(tree) -> None:
    candidacy = CandidacyFactory(organisation=tree["cell_a1"])
    candidacy_search_refresh(candidacy_ids=[candidacy.pk])
    person = candidacy.person
    before = PersonSnapshot.of(person)
    actor = user_with_role(tree["commune_a"], Role.CLERK)

    person_update(
        person=person,
        changes={"given_name": "Đông"},
        actor=actor,
        reason="Sai chính tả khi nhập",
    )

    person.refresh_from_db()
    assert person.given_name == "Đông" and " dong" in person.search_text
    assert before.given_name != person.given_name
    entry = CandidacySearch.objects.get(candidacy=candidacy)
    assert (entry.search_text, entry.sort_key) == (person.search_text, person.sort_key)


def test_names_are_stored_nfc(tree) -> None:
    person = PersonFactory(organisation=tree["cell_a1"])
    actor = user_with_role(tree["cell_a1"], Role.CLERK)
    decomposed = "Nguye\u0302\u0303n"  # "Nguyễn" typed with combining marks

    person_update(
        actor=actor, person=person.pk, changes={"family_name": decomposed}, reason="Sửa họ"
    )

    person.refresh_from_db()
    assert person.family_name == "Nguyễn"


def test_derived_and_identity_fields_are_not_written_here(tree) -> None:
    person = PersonFactory(organisation=tree["cell_a1"])
    actor = user_with_role(tree["commune_a"], Role.ADMINISTRATOR)
    for name in ("search_text", "national_id_hash", "version", "organisation", "no_such_field"):
        with pytest.raises(ValueError):
            person_update(person=person, changes={name: "x"}, actor=actor)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("family_name", "Phạm"),
        ("middle_name", "Thị"),
        ("given_name", "Hoa"),
        ("birth_date", dt.date(1999, 1, 2)),
        ("national_id", "001199000777"),
    ],
)
def test_a_change_of_identity_needs_a_reason(tree, field, value) -> None:
    person = PersonFactory(organisation=tree["cell_a1"])
    actor = user_with_role(tree["cell_a1"], Role.CLERK)

    with pytest.raises(ValidationError) as caught:
        person_update(actor=actor, person=person.pk, changes={field: value}, reason="  ")

    assert codes(caught.value, "reason") == {UNPROCESSABLE}
    assert "Lý do sửa" in caught.value.message_dict["reason"][0]
    person.refresh_from_db()
    assert person.version == 1
    assert not AuditEntry.objects.filter(action="change").exists()


def test_other_fields_need_no_reason_and_unchanged_values_are_no_change(tree) -> None:
    person = PersonFactory(organisation=tree["cell_a1"], education="lower_secondary")
    actor = user_with_role(tree["cell_a1"], Role.CLERK)

    person_update(
        actor=actor,
        person=person.pk,
        changes={
            "education": "university",
            "family_name": person.family_name,  # the same: no reason asked
            "youth_union_member": True,
            "target_groups": ["worker", "worker"],
        },
    )

    person.refresh_from_db()
    assert (person.education, person.youth_union_member) == ("university", True)
    assert person.target_groups == ["worker"]
    assert person.version == 2
    entry = AuditEntry.objects.get(action="change", person=person)
    assert entry.data["fields"] == ["education", "target_groups", "youth_union_member"]
    assert entry.data["before"]["education"] == "lower_secondary"
    assert entry.data["after"]["education"] == "university"
    assert "reason" not in entry.data


def test_the_national_id_is_rekeyed_and_only_masked_in_the_trail(tree, caplog) -> None:
    person = with_number(tree["cell_a1"], "001199000121")
    actor = user_with_role(tree["cell_a1"], Role.CLERK)
    caplog.set_level(logging.DEBUG)

    person_update(
        actor=actor,
        person=person.pk,
        changes={"national_id": "001199000999"},
        reason="Số CCCD cấp lại",
    )

    person.refresh_from_db()
    assert person.national_id_hash == national_id_hash("001199000999")
    assert national_id_decrypt(person.national_id_encrypted) == "001199000999"
    entry = AuditEntry.objects.get(action="change", person=person)
    assert entry.data["before"] == {"national_id": "•••••••••121"}
    assert entry.data["after"] == {"national_id": "•••••••••999"}
    assert entry.data["reason"] == "Số CCCD cấp lại"
    assert "001199000" not in str(entry.data) + entry.summary
    assert "001199000" not in caplog.text


def test_a_duplicate_national_id_is_refused_in_vietnamese(tree) -> None:
    with_number(tree["cell_b1"], "001199000555")  # another commune: still one number, one person
    person = with_number(tree["cell_a1"], "001199000121")
    actor = user_with_role(tree["cell_a1"], Role.CLERK)

    with pytest.raises(ValidationError) as caught:
        person_update(
            actor=actor,
            person=person.pk,
            changes={"national_id": "001199000555"},
            reason="Nhập nhầm",
        )

    assert codes(caught.value, "national_id") == {UNPROCESSABLE}
    message = caught.value.message_dict["national_id"][0]
    assert message.startswith("Số định danh cá nhân (CCCD):") and "đã có" in message
    person.refresh_from_db()
    assert person.national_id_hash == national_id_hash("001199000121")


def test_values_are_checked_and_the_message_names_the_field(tree) -> None:
    person = PersonFactory(organisation=tree["cell_a1"])
    actor = user_with_role(tree["cell_a1"], Role.CLERK)
    tomorrow = dt.date.today() + dt.timedelta(days=2)

    with pytest.raises(ValidationError) as caught:
        person_update(
            actor=actor,
            person=person.pk,
            changes={
                "given_name": "Lan2",
                "education": "phd",
                "birth_date": tomorrow,
                "national_id": "12345",
            },
            reason="Sửa",
        )

    errors = caught.value.message_dict
    assert errors["given_name"][0].startswith("Tên: ")
    assert errors["education"][0].startswith("Trình độ học vấn: ")
    assert errors["birth_date"][0] == "Ngày sinh: không được sau ngày hôm nay."
    assert errors["national_id"][0] == "Số định danh cá nhân (CCCD): phải gồm đúng 12 chữ số."


def test_a_residence_out_of_reach_reads_as_absent(tree) -> None:
    person = PersonFactory(organisation=tree["cell_a1"])
    elsewhere = LocalityFactory(organisation=tree["commune_b"])
    actor = user_with_role(tree["cell_a1"], Role.CLERK)

    with pytest.raises(ValidationError) as caught:
        person_update(actor=actor, person=person.pk, changes={"residence_locality": elsewhere})

    assert caught.value.message_dict == {"residence_locality": ["Không tìm thấy thôn, tổ dân phố."]}
    assert codes(caught.value, "residence_locality") != {UNPROCESSABLE}  # a 400, not a 422


def test_scope_outside_is_absent_and_a_viewer_may_not(tree) -> None:
    person = PersonFactory(organisation=tree["cell_a1"])

    with pytest.raises(Http404):
        person_update(
            actor=user_with_role(tree["commune_b"], Role.ADMINISTRATOR),
            person=person.pk,
            changes={"education": "university"},
        )
    with pytest.raises(PermissionDenied):
        person_update(
            actor=user_with_role(tree["commune_a"], Role.VIEWER),
            person=person.pk,
            changes={"education": "university"},
        )
    with pytest.raises(Http404):
        person_update(
            actor=user_with_role(tree["commune_a"], Role.CLERK),
            person=999_999,
            changes={"education": "university"},
        )
    person.refresh_from_db()
    assert person.education != "university" and person.version == 1


def test_a_stale_version_is_refused(tree) -> None:
    person = PersonFactory(organisation=tree["cell_a1"])
    actor = user_with_role(tree["cell_a1"], Role.CLERK)
    person_update(actor=actor, person=person.pk, changes={"workplace": "UBND xã"}, version=1)

    with pytest.raises(StalePerson) as caught:
        person_update(actor=actor, person=person.pk, changes={"workplace": "Trường"}, version=1)

    assert caught.value.current == 2
    person.refresh_from_db()
    assert person.workplace == "UBND xã"


def test_the_admission_tallies_follow_a_correction(tree) -> None:
    member = MembershipFactory(
        organisation=tree["cell_a1"],
        person=PersonFactory(organisation=tree["cell_a1"], gender="male"),
        admission_decision_date=dt.date(2015, 3, 1),
    )
    aggregates_rebuild()
    actor = user_with_role(tree["commune_a"], Role.CLERK)

    person_update(
        actor=actor,
        person=member.person.pk,
        changes={"gender": "female", "education": "university", "birth_date": dt.date(1990, 1, 1)},
        reason="Sai ngày sinh trong lý lịch",
    )

    tally = AdmissionTally.objects.get(organisation=tree["province"], year=2015)
    assert (tally.women, tally.college_plus, tally.age_sum) == (1, 1, 25)
    assert aggregates_mismatches() == []


def test_the_next_action_of_an_open_dossier_follows(tree) -> None:
    candidacy = CandidacyFactory(
        organisation=tree["cell_a1"],
        stage=Stage.SOURCE,
        person=PersonFactory(organisation=tree["cell_a1"], birth_date=dt.date(1990, 1, 1)),
    )
    assert candidacy.next_checked_on is None
    actor = user_with_role(tree["cell_a1"], Role.CLERK)

    person_update(actor=actor, person=candidacy.person.pk, changes={"education": "primary"})

    candidacy.refresh_from_db()
    assert candidacy.next_checked_on == dt.date.today()
    assert candidacy.next_stale is False
