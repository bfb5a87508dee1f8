"""Who decides admission for which organisations, from when (ptdv/organisations/competence.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from ptdv.accounts.models import Role
from ptdv.audit.models import AuditEntry
from ptdv.factories import OrganisationFactory, user_with_role
from ptdv.organisations.competence import (
    REFORM_DATE,
    DecisionRef,
    competence_move,
    competence_on,
    competence_record,
    competent_on,
)
from ptdv.organisations.models import (
    Competence,
    CompetenceBasis,
    Kind,
    Locality,
    LocalityKind,
    Organisation,
)

BEFORE = dt.date(2025, 6, 30)


@pytest.fixture
def province_tree(db: Any) -> dict[str, Organisation]:
    """A province; a commune with a village cell directly under it and a school's grassroots
    committee with its cell; a second commune; a bloc with a grassroots cell."""
    province = OrganisationFactory(name="Đảng bộ tỉnh Hà Tĩnh", code="P", kind=Kind.PROVINCE)
    commune = OrganisationFactory(
        parent=province, name="Đảng bộ xã Thiên Cầm", code="X1", kind=Kind.COMMUNE
    )
    other = OrganisationFactory(
        parent=province, name="Đảng bộ xã Cẩm Bình", code="X2", kind=Kind.COMMUNE
    )
    village = OrganisationFactory(parent=commune, name="Chi bộ thôn Hạ Hương", code="V1")
    school = OrganisationFactory(
        parent=commune, name="Đảng bộ Trường THPT", code="G1", kind=Kind.GRASSROOTS_COMMITTEE
    )
    teachers = OrganisationFactory(parent=school, name="Chi bộ Giáo viên", code="G1C")
    bloc = OrganisationFactory(parent=province, name="Đảng bộ Khối", code="B", kind=Kind.BLOC)
    office = OrganisationFactory(
        parent=bloc, name="Chi bộ Văn phòng", code="BC", kind=Kind.GRASSROOTS_CELL
    )
    return {
        "province": province,
        "commune": commune,
        "other": other,
        "village": village,
        "school": school,
        "teachers": teachers,
        "bloc": bloc,
        "office": office,
    }


def reform(tree: dict[str, Organisation], commune: str = "commune") -> Competence:
    return competence_record(
        actor=None,
        subject=tree[commune],
        decider=tree[commune],
        valid_from=REFORM_DATE,
        decision=DecisionRef("294-QĐ/TW", None, "Ban Chấp hành Trung ương Đảng"),
    )


def test_without_a_record_todays_rule_applies(province_tree: dict[str, Organisation]) -> None:
    t = province_tree
    # A village cell under a commune: the commune acts as its grassroots committee and the
    # province decides; a grassroots committee's cell: the committee above it decides.
    village = competent_on(t["village"], BEFORE)
    assert village.decider == t["province"] and village.grassroots == t["commune"]
    assert village.committee_step and not village.authorised
    teachers = competent_on(t["teachers"], BEFORE)
    assert teachers.decider == t["commune"] and teachers.grassroots == t["school"]
    office = competent_on(t["office"], BEFORE)
    assert office.decider == t["bloc"] and office.cell_is_grassroots
    assert not office.committee_step


def test_the_reform_moves_the_decision_to_the_commune_from_its_date(
    province_tree: dict[str, Organisation],
) -> None:
    t = province_tree
    reform(t)
    assert competence_on(t["village"], BEFORE) == t["province"]
    after = competent_on(t["village"], REFORM_DATE)
    assert after.decider == t["commune"] and after.cell_is_grassroots
    assert not after.committee_step and after.rule is not None
    # A grassroots committee under the commune keeps its own vote; the commune decides.
    teachers = competent_on(t["teachers"], REFORM_DATE)
    assert teachers.decider == t["commune"] and teachers.grassroots == t["school"]
    assert teachers.committee_step
    # Another commune without a record is unchanged.
    other_cell = OrganisationFactory(parent=t["other"], code="V2")
    assert competence_on(other_cell, dt.date(2026, 1, 1)) == t["province"]


def test_an_authorisation_moves_the_competence_from_its_date(
    province_tree: dict[str, Organisation],
) -> None:
    t = province_tree
    reform(t)
    admin = user_with_role(t["commune"], Role.ADMINISTRATOR)
    since = dt.date(2026, 3, 1)
    competence_record(
        actor=admin,
        subject=t["school"],
        decider=t["school"],
        basis=CompetenceBasis.AUTHORISED,
        valid_from=since,
        decision={"number": "15-QĐ/ĐU", "date": dt.date(2026, 2, 20), "issuing_body": "ĐU"},
    )
    assert competence_on(t["teachers"], since - dt.timedelta(days=1)) == t["commune"]
    authorised = competent_on(t["teachers"], since)
    assert authorised.decider == t["school"] and authorised.authorised
    assert not authorised.committee_step
    # The village cell of the same commune is not concerned.
    assert competence_on(t["village"], since) == t["commune"]
    entry = AuditEntry.objects.get(object_type="organisations.competence")
    assert entry.actor == admin and entry.data["decision_number"] == "15-QĐ/ĐU"


def test_a_new_record_ends_the_one_in_force_the_day_before(
    province_tree: dict[str, Organisation],
) -> None:
    t = province_tree
    first = reform(t)
    later = competence_record(
        actor=None,
        subject=t["commune"],
        decider=t["province"],
        valid_from=dt.date(2027, 1, 1),
    )
    first.refresh_from_db()
    assert first.valid_to == dt.date(2026, 12, 31) and later.valid_to is None
    assert competence_on(t["village"], dt.date(2026, 12, 31)) == t["commune"]
    assert competence_on(t["village"], dt.date(2027, 1, 1)) == t["province"]
    with pytest.raises(ValidationError) as refused:
        competence_record(
            actor=None, subject=t["commune"], decider=t["commune"], valid_from=dt.date(2026, 5, 1)
        )
    assert "valid_from" in refused.value.message_dict


def test_the_authorised_flag_without_a_record_counts_all_along(
    province_tree: dict[str, Organisation],
) -> None:
    t = province_tree
    reform(t)
    Organisation.objects.filter(pk=t["school"].pk).update(authorised_to_admit=True)
    teachers = Organisation.objects.get(pk=t["teachers"].pk)
    assert competent_on(teachers, BEFORE).authorised
    assert competence_on(teachers, dt.date(2026, 1, 1)) == t["school"]


def test_records_are_checked_and_scoped(province_tree: dict[str, Organisation]) -> None:
    t = province_tree
    with pytest.raises(ValidationError) as shape:
        competence_record(
            actor=None,
            subject=t["village"],
            decider=t["village"],
            basis=CompetenceBasis.AUTHORISED,
            valid_from=REFORM_DATE,
        )
    assert "Chỉ đảng ủy cơ sở" in shape.value.message_dict["decider"][0]
    with pytest.raises(ValidationError) as outside:
        competence_record(
            actor=None, subject=t["village"], decider=t["other"], valid_from=REFORM_DATE
        )
    assert "cấp trên" in outside.value.message_dict["decider"][0]
    # A commune's administrator may not decide who decides for its own commune (the province
    # does), nor name an organisation outside its subtree (answered like an absent one).
    commune_admin = user_with_role(t["commune"], Role.ADMINISTRATOR)
    with pytest.raises(PermissionDenied):
        competence_record(
            actor=commune_admin, subject=t["commune"], decider=t["commune"], valid_from=REFORM_DATE
        )
    with pytest.raises(ValidationError) as absent:
        competence_record(
            actor=commune_admin, subject=t["other"], decider=t["other"], valid_from=REFORM_DATE
        )
    assert absent.value.message_dict == {"subject": ["Không tìm thấy tổ chức."]}
    assert not Competence.objects.exists()


def test_a_merger_hands_the_competence_to_the_new_organisation(
    province_tree: dict[str, Organisation],
) -> None:
    t = province_tree
    reform(t)
    Organisation.objects.filter(pk=t["school"].pk).update(authorised_to_admit=False)
    competence_record(
        actor=None,
        subject=t["school"],
        decider=t["school"],
        basis=CompetenceBasis.AUTHORISED,
        valid_from=dt.date(2026, 1, 1),
    )
    merged = OrganisationFactory(
        parent=t["province"], name="Đảng bộ xã Thiên Cầm mới", code="X3", kind=Kind.COMMUNE
    )
    day = dt.date(2026, 9, 1)
    created = competence_move(
        t["commune"], merged, day, DecisionRef("88-QĐ/TU", dt.date(2026, 8, 20), "Tỉnh ủy")
    )
    assert [(c.subject_id, c.decider_id, c.valid_from) for c in created] == [
        (merged.pk, merged.pk, day)
    ]
    assert created[0].decision_number == "88-QĐ/TU"
    ended = Competence.objects.get(subject=t["commune"])
    assert ended.valid_to == day - dt.timedelta(days=1)
    # The village cell, now under the merged commune, is decided by it from the merger on;
    # before, by the old commune.
    Organisation.objects.filter(pk=t["village"].pk).update(parent=merged, path=merged.path + "0001")
    village = Organisation.objects.get(pk=t["village"].pk)
    assert competence_on(village, day) == merged
    # An authorisation does not pass on to a new committee.
    school_move = competence_move(t["school"], merged, day)
    assert school_move == []
    assert Competence.objects.get(subject=t["school"]).valid_to == day - dt.timedelta(days=1)


def test_the_admin_page_records_an_authorisation_through_the_service(
    province_tree: dict[str, Organisation],
) -> None:
    t = province_tree
    admin = user_with_role(t["commune"], Role.ADMINISTRATOR, is_staff=True)
    client = Client()
    client.force_login(admin)
    url = reverse("admin:organisations_competence_add")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "subject": t["school"].pk,
            "decider": t["school"].pk,
            "basis": CompetenceBasis.AUTHORISED,
            "valid_from": "01/03/2026",
            "decision_number": "15-QĐ/ĐU",
            "decision_date": "20/02/2026",
            "issuing_body": "Đảng ủy xã Thiên Cầm",
            "note": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    row = Competence.objects.get()
    assert row.subject == t["school"] and row.basis == CompetenceBasis.AUTHORISED
    assert competence_on(t["teachers"], dt.date(2026, 3, 1)) == t["school"]
    # A village cell cannot be authorised: the form says why, nothing is written.
    response = client.post(
        url,
        {
            "subject": t["village"].pk,
            "decider": t["village"].pk,
            "basis": CompetenceBasis.AUTHORISED,
            "valid_from": "01/03/2026",
        },
    )
    assert response.status_code == 200
    assert "Chỉ đảng ủy cơ sở mới được ủy quyền" in response.content.decode()
    assert Competence.objects.count() == 1
    assert client.get(reverse("admin:organisations_competence_changelist")).status_code == 200


def test_a_locality_is_named_with_its_kind_once(db: Any) -> None:
    commune = OrganisationFactory(name="Đảng bộ xã Thiên Cầm", code="X9", kind=Kind.COMMUNE)
    assert Locality(name="Thôn 9", kind=LocalityKind.VILLAGE, organisation=commune).full_name == (
        "Thôn 9"
    )
    assert (
        Locality(name="Hạ Hương", kind=LocalityKind.VILLAGE, organisation=commune).full_name
        == "Thôn Hạ Hương"
    )
    assert (
        Locality(name="tổ dân phố 2", kind=LocalityKind.RESIDENTIAL_GROUP).full_name
        == "tổ dân phố 2"
    )


def test_a_split_hands_the_competence_to_each_new_organisation(
    province_tree: dict[str, Organisation],
) -> None:
    t = province_tree
    reform(t)
    # The province decides for the school's committee (a row the commune names as decider).
    competence_record(
        actor=None, subject=t["school"], decider=t["commune"], valid_from=dt.date(2026, 1, 1)
    )
    north = OrganisationFactory(parent=t["province"], code="XN", kind=Kind.COMMUNE)
    south = OrganisationFactory(parent=t["province"], code="XS", kind=Kind.COMMUNE)
    Organisation.objects.filter(pk=t["school"].pk).update(path=south.path + "0001")
    school = Organisation.objects.get(pk=t["school"].pk)
    day = dt.date(2026, 9, 1)
    created = competence_move(t["commune"], [north, south], day, {"number": "90-QĐ/TU"})
    pairs = sorted((c.subject_id, c.decider_id) for c in created)
    assert pairs == sorted([(north.pk, north.pk), (south.pk, south.pk), (school.pk, south.pk)])
    assert all(c.valid_from == day and c.decision_number == "90-QĐ/TU" for c in created)
    assert Competence.objects.filter(valid_to=day - dt.timedelta(days=1)).count() == 2
