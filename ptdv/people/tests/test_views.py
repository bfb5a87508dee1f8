import datetime as dt

import pytest
from django.urls import reverse

from ptdv.accounts.models import Role
from ptdv.audit.models import AuditEntry
from ptdv.factories import (
    CandidacyFactory,
    LocalityFactory,
    MembershipFactory,
    PersonFactory,
    user_with_role,
)
from ptdv.members.models import MembershipStatus
from ptdv.people.crypto import national_id_encrypt, national_id_hash

pytestmark = pytest.mark.django_db

NATIONAL_ID = "042200001234"


@pytest.fixture
def clerk_a(tree, client):
    user = user_with_role(tree["commune_a"], Role.CLERK)
    client.force_login(user)
    return user


@pytest.fixture
def person(tree):
    cell = tree["cell_a1"]
    person = PersonFactory(
        family_name="Đặng",
        middle_name="Thị",
        given_name="Hòa",
        birth_date=dt.date(2001, 9, 5),
        gender="female",
        ethnicity="02",
        religion="buddhism",
        workplace="Trường THPT Mẫu",
        residence_locality=LocalityFactory(organisation=tree["commune_a"], name="Thôn Đông"),
        target_groups=["pupil_student", "ethnic_minority"],
        national_id_encrypted=national_id_encrypt(NATIONAL_ID),
        national_id_hash=national_id_hash(NATIONAL_ID),
        organisation=cell,
    )
    CandidacyFactory(person=person, organisation=cell, opened_on=dt.date(2025, 9, 1))
    return person


def test_person_page_shows_identity_with_masked_national_id(client, clerk_a, person):
    response = client.get(person.get_absolute_url())
    assert response.status_code == 200
    text = response.content.decode()
    assert "Đặng Thị Hòa" in text
    assert "05/09/2001" in text
    assert "Nữ" in text and "Tày" in text and "Phật giáo" in text
    assert "Trường THPT Mẫu" in text and "Thôn Đông" in text
    assert "Học sinh, sinh viên" in text and "Người dân tộc thiểu số" in text
    assert NATIONAL_ID not in text
    assert "•" * 9 + "234" in text
    assert "Quần chúng ưu tú (nguồn)" in text and "01/09/2025" in text
    assert "no-store" in response["Cache-Control"]


def test_person_page_lists_memberships(client, clerk_a, tree):
    cell = tree["cell_a1"]
    former = PersonFactory(organisation=cell)
    MembershipFactory(
        person=former,
        organisation=cell,
        status=MembershipStatus.REMOVED,
        exit_date=dt.date(2020, 1, 2),
    )
    text = client.get(former.get_absolute_url()).content.decode()
    assert "Xóa tên" in text and "20/03/2015" in text and "02/01/2020" in text


def test_every_view_writes_an_audit_entry(client, clerk_a, person):
    client.get(person.get_absolute_url())
    client.get(person.get_absolute_url())
    entries = AuditEntry.objects.filter(action="view", person=person)
    assert entries.count() == 2
    entry = entries.first()
    assert entry.actor == clerk_a
    assert entry.summary == "Xem hồ sơ công dân"
    assert entry.object_type == "people.person" and entry.object_id == str(person.pk)
    assert NATIONAL_ID not in str(entry.data)


def test_person_of_another_commune_is_404_and_not_audited(client, clerk_a, tree):
    other = PersonFactory(organisation=tree["cell_b1"])
    assert client.get(other.get_absolute_url()).status_code == 404
    assert client.get(reverse("people:detail", args=[999999])).status_code == 404
    assert not AuditEntry.objects.filter(action="view").exists()


def test_no_personal_data_in_logs(client, clerk_a, person, caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    client.get(person.get_absolute_url())
    assert NATIONAL_ID not in caplog.text and "Hòa" not in caplog.text
