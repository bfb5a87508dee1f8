"""PATCH /api/v1/people/{id}/ and the person page's "Sửa thông tin" form: both through
person_update (200/422/409/404/403 on the API; errors next to the fields on the page)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from ptdv.accounts.models import Role
from ptdv.audit.models import AuditEntry
from ptdv.factories import PersonFactory, bearer_key, user_with_role
from ptdv.people.crypto import national_id_encrypt, national_id_hash
from ptdv.people.models import Person

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer_key(user)}")
    return client


def url(person) -> str:
    return f"/api/v1/people/{person.pk}/"


@pytest.fixture
def person(tree):
    return PersonFactory(
        organisation=tree["cell_a1"],
        national_id_hash=national_id_hash("001099000121"),
        national_id_encrypted=national_id_encrypt("001099000121"),
    )


def test_patch_corrects_and_answers_the_person(tree, person) -> None:
    client = client_for(user_with_role(tree["commune_a"], Role.CLERK))

    response = client.patch(
        url(person),
        {"given_name": "Hòa", "education": "university", "reason": "Sai chính tả", "version": 1},
        format="json",
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["given_name"], body["education"], body["version"]) == ("Hòa", "university", 2)
    assert body["full_name"].endswith("Hòa")
    entry = AuditEntry.objects.get(action="change", person=person)
    assert entry.channel == "api" and entry.data["reason"] == "Sai chính tả"


def test_patch_refusals(tree, person) -> None:
    PersonFactory(
        organisation=tree["cell_b1"],
        national_id_hash=national_id_hash("001099000555"),
        national_id_encrypted=national_id_encrypt("001099000555"),
    )
    client = client_for(user_with_role(tree["commune_a"], Role.CLERK))

    no_reason = client.patch(url(person), {"birth_date": "1999-03-04"}, format="json")
    duplicate = client.patch(
        url(person), {"national_id": "001099000555", "reason": "Nhầm"}, format="json"
    )
    bad = client.patch(url(person), {"education": "phd", "national_id": "12"}, format="json")
    stale = client.patch(url(person), {"workplace": "Xã", "version": 7}, format="json")

    assert no_reason.status_code == 422
    assert no_reason.json()["error"]["fields"]["reason"] == [
        "Lý do sửa: cần ghi lý do khi sửa ngày sinh."
    ]
    assert duplicate.status_code == 422
    assert "đã có" in duplicate.json()["error"]["fields"]["national_id"][0]
    assert bad.status_code == 400
    assert set(bad.json()["error"]["fields"]) == {"education", "national_id"}
    assert stale.status_code == 409
    assert stale.json()["version"] == 1
    person.refresh_from_db()
    assert (person.version, person.birth_date, person.workplace) == (1, dt.date(1998, 5, 17), "")


def test_patch_scope_and_role(tree, person) -> None:
    outside = client_for(user_with_role(tree["commune_b"], Role.ADMINISTRATOR))
    viewer = client_for(user_with_role(tree["commune_a"], Role.VIEWER))

    assert outside.patch(url(person), {"education": "none"}, format="json").status_code == 404
    assert viewer.patch(url(person), {"education": "none"}, format="json").status_code == 403
    assert viewer.put(url(person), {"education": "none"}, format="json").status_code == 405
    person.refresh_from_db()
    assert person.education == "upper_secondary"


def test_patch_is_in_the_schema(tree) -> None:
    client = client_for(user_with_role(tree["commune_a"], Role.CLERK))

    schema = client.get("/api/v1/schema/", {"format": "json"}).json()

    operation = schema["paths"]["/api/v1/people/{id}/"]["patch"]
    assert {"200", "400", "403", "404", "409", "422"} <= set(operation["responses"])
    body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    props = schema["components"]["schemas"][body.rsplit("/", 1)[1]]["properties"]
    assert {"reason", "version", "national_id", "residence_locality"} <= set(props)


def form_data(person, **overrides):
    data = {
        "family_name": person.family_name,
        "middle_name": person.middle_name,
        "given_name": person.given_name,
        "birth_date": person.birth_date.strftime("%d/%m/%Y"),
        "gender": person.gender,
        "ethnicity": person.ethnicity,
        "religion": person.religion,
        "education": person.education,
        "occupation": person.occupation,
        "workplace": person.workplace,
        "version": str(person.version),
        "reason": "",
    }
    data.update(overrides)
    return data


def test_the_page_offers_the_form_and_saves(client, tree, person) -> None:
    clerk = user_with_role(tree["cell_a1"], Role.CLERK)
    client.force_login(clerk)
    edit = reverse("people:edit", args=[person.pk])

    detail = client.get(person.get_absolute_url()).content.decode()
    page = client.get(edit)
    response = client.post(edit, form_data(person, education="college", youth_union_member="on"))

    assert edit in detail
    assert page.status_code == 200 and 'name="reason"' in page.content.decode()
    assert "001099000121" not in page.content.decode()
    assert response.status_code == 302 and response["Location"] == person.get_absolute_url()
    person.refresh_from_db()
    assert (person.education, person.youth_union_member, person.version) == ("college", True, 2)
    assert AuditEntry.objects.filter(action="view", person=person).count() == 2


def test_the_page_shows_the_service_errors_next_to_the_fields(client, tree, person) -> None:
    client.force_login(user_with_role(tree["cell_a1"], Role.CLERK))
    edit = reverse("people:edit", args=[person.pk])

    no_reason = client.post(edit, form_data(person, family_name="Phạm"))
    stale = client.post(edit, form_data(person, education="college", version="5"))

    form = no_reason.context["form"]
    assert form.errors["reason"] == ["Lý do sửa: cần ghi lý do khi sửa họ."]
    assert "Thông tin công dân đã bị người khác sửa" in stale.content.decode()
    person.refresh_from_db()
    assert (person.family_name, person.education) == ("Nguyễn", "upper_secondary")


def test_the_page_is_404_outside_and_403_for_a_viewer(client, tree, person) -> None:
    edit = reverse("people:edit", args=[person.pk])
    client.force_login(user_with_role(tree["commune_b"], Role.ADMINISTRATOR))
    assert client.get(edit).status_code == 404
    client.force_login(user_with_role(tree["commune_a"], Role.VIEWER))
    assert client.get(edit).status_code == 403
    assert client.post(edit, form_data(person, education="college")).status_code == 403
    assert edit not in client.get(person.get_absolute_url()).content.decode()
    assert Person.objects.get(pk=person.pk).education == "upper_secondary"


def test_query_counts_are_pinned(
    client, tree, person, django_assert_max_num_queries, django_assert_num_queries
) -> None:
    """The edit page and a correction cost a fixed number of queries (no per-row loops)."""
    clerk = user_with_role(tree["cell_a1"], Role.CLERK)
    client.force_login(clerk)
    api = client_for(clerk)
    edit = reverse("people:edit", args=[person.pk])
    client.get(edit)  # warm the session

    with django_assert_max_num_queries(QUERIES_EDIT_PAGE):
        assert client.get(edit).status_code == 200
    with django_assert_max_num_queries(QUERIES_PATCH):
        response = api.patch(url(person), {"education": "college"}, format="json")
    assert response.status_code == 200


QUERIES_EDIT_PAGE = 6
QUERIES_PATCH = 15
