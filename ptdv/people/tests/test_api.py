"""GET /api/v1/people/: scoped, accent-insensitive search, masked IDs, audited detail."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from ptdv.accounts.models import Role
from ptdv.audit.models import AuditEntry
from ptdv.factories import PersonFactory, bearer_key, user_with_role
from ptdv.people.services import PersonData, person_create

pytestmark = pytest.mark.django_db

URL = "/api/v1/people/"


def client_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer_key(user)}")
    return client


def person(family: str, middle: str, given: str, organisation):
    return PersonFactory(
        family_name=family, middle_name=middle, given_name=given, organisation=organisation
    )


@pytest.fixture
def people(tree):
    cell = tree["cell_a1"]
    return {
        "binh": person("Nguyễn", "Văn", "Bình", cell),
        "duc": person("Đặng", "Minh", "Đức", cell),
        "anh": person("Trần", "Thị", "Ánh", cell),
        "dung": person("Lê", "", "Dũng", tree["cell_a2"]),
        "an": person("Nguyễn", "Văn", "An", cell),
        "other": person("Nguyễn", "Văn", "Bê", tree["cell_b1"]),
    }


@pytest.fixture
def with_id(tree, db):
    data = PersonData(
        family_name="Phạm",
        middle_name="Thu",
        given_name="Hà",
        birth_date=dt.date(2000, 1, 2),
        gender="female",
        national_id="001200012345",
    )
    return person_create(data=data, organisation=tree["cell_a1"], actor=None)


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["full_name"] for row in response.json()["results"]]


def test_list_in_vietnamese_name_order_within_the_subtree(tree, people) -> None:
    client = client_for(user_with_role(tree["commune_a"], Role.VIEWER))

    assert names(client.get(URL)) == [
        "Nguyễn Văn An",
        "Trần Thị Ánh",
        "Nguyễn Văn Bình",
        "Lê Dũng",
        "Đặng Minh Đức",
    ]


def test_cell_user_sees_only_their_cell(tree, people) -> None:
    client = client_for(user_with_role(tree["cell_a2"], Role.CLERK))

    assert names(client.get(URL)) == ["Lê Dũng"]


def test_search_is_accent_insensitive(tree, people) -> None:
    client = client_for(user_with_role(tree["commune_a"], Role.VIEWER))

    assert names(client.get(URL, {"search": "nguyen van"})) == ["Nguyễn Văn An", "Nguyễn Văn Bình"]
    assert names(client.get(URL, {"search": "dang"})) == ["Đặng Minh Đức"]
    assert names(client.get(URL, {"search": "NGUYỄN bình"})) == ["Nguyễn Văn Bình"]
    assert names(client.get(URL, {"search": "be"})) == []  # commune B's person stays hidden


def test_list_fields_mask_the_national_id(tree, with_id) -> None:
    client = client_for(user_with_role(tree["commune_a"], Role.ADMINISTRATOR))

    row = client.get(URL).json()["results"][0]

    assert row == {
        "id": with_id.pk,
        "full_name": "Phạm Thu Hà",
        "family_name": "Phạm",
        "middle_name": "Thu",
        "given_name": "Hà",
        "birth_date": "2000-01-02",
        "gender": "female",
        "ethnicity": "01",
        "religion": "none",
        "education": "upper_secondary",
        "occupation": "other",
        "workplace": "",
        "residence_locality": None,
        "target_groups": [],
        "youth_union_member": False,
        "trade_union_member": False,
        "organisation": tree["cell_a1"].pk,
        "national_id_masked": "•••••••••345",
        "version": 1,
    }
    assert "001200012345" not in client.get(URL).content.decode()


def test_detail_shows_the_clear_id_to_a_clerk_and_is_audited(tree, with_id) -> None:
    user = user_with_role(tree["commune_a"], Role.CLERK)
    client = client_for(user)

    body = client.get(f"{URL}{with_id.pk}/").json()

    assert body["national_id"] == "001200012345"
    assert body["national_id_masked"] == "•••••••••345"
    entry = AuditEntry.objects.get(actor=user, action="view")
    assert entry.person == with_id
    assert entry.object_type == "people.person"
    assert entry.object_id == str(with_id.pk)
    assert entry.summary == "Xem hồ sơ công dân (API)"
    assert "001200012345" not in str(entry.data)
    client.get(f"{URL}{with_id.pk}/")
    assert AuditEntry.objects.filter(actor=user, action="view").count() == 2


def test_detail_hides_the_id_from_a_viewer(tree, with_id) -> None:
    user = user_with_role(tree["commune_a"], Role.VIEWER)

    response = client_for(user).get(f"{URL}{with_id.pk}/")

    assert response.json()["national_id"] is None
    assert "001200012345" not in response.content.decode()
    assert AuditEntry.objects.filter(actor=user, action="view", person=with_id).exists()


def test_clerk_elsewhere_does_not_see_the_clear_id(tree, with_id) -> None:
    # Viewer over the whole province, clerk only in commune B.
    user = user_with_role(tree["province"], Role.VIEWER)
    from ptdv.accounts.models import Assignment

    Assignment.objects.create(user=user, organisation=tree["commune_b"], role=Role.CLERK)

    assert client_for(user).get(f"{URL}{with_id.pk}/").json()["national_id"] is None


def test_person_of_another_commune_is_404_and_not_audited(tree, people) -> None:
    user = user_with_role(tree["commune_a"], Role.ADMINISTRATOR)

    response = client_for(user).get(f"{URL}{people['other'].pk}/")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert not AuditEntry.objects.filter(action="view").exists()


def test_list_query_count_is_fixed(tree, people, django_assert_num_queries) -> None:
    client = client_for(user_with_role(tree["commune_a"], Role.VIEWER))

    # ... and the one audit entry of the page read.
    with django_assert_num_queries(5):
        assert len(names(client.get(URL))) == 5
