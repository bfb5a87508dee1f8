"""Relatives declared for form 2-KNĐ: through the API, scoped by the person policy."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from ptdv.accounts.models import Role
from ptdv.audit.models import AuditEntry
from ptdv.documents.models import Relative
from ptdv.factories import PersonFactory, user_with_role

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_crud_through_the_api(tree):
    person = PersonFactory(organisation=tree["cell_a1"])
    clerk = user_with_role(tree["commune_a"], Role.CLERK)
    url = f"/api/v1/people/{person.pk}/relatives/"
    created = api(clerk).post(
        url,
        {"relation": "father", "full_name": "Nguyễn Văn Bố", "birth_year": 1965,
         "political_history": "Bộ đội xuất ngũ.", "party_member": True},
        format="json",
    )  # fmt: skip
    assert created.status_code == 201, created.content
    relative_id = created.json()["id"]
    again = api(clerk).post(url, {"relation": "father", "full_name": "Ai Khác"}, format="json")
    assert again.status_code == 409
    assert again.json()["error"]["fields"]["relation"]
    assert api(clerk).get(url).json()[0]["full_name"] == "Nguyễn Văn Bố"
    patched = api(clerk).patch(
        f"/api/v1/relatives/{relative_id}/", {"occupation": "Nông dân"}, format="json"
    )
    assert patched.status_code == 200 and patched.json()["occupation"] == "Nông dân"
    outsider = user_with_role(tree["commune_b"], Role.ADMINISTRATOR)
    assert api(outsider).get(url).status_code == 404
    assert api(outsider).delete(f"/api/v1/relatives/{relative_id}/").status_code == 404
    viewer = user_with_role(tree["cell_a1"], Role.VIEWER)
    assert (
        api(viewer).post(url, {"relation": "mother", "full_name": "X"}, format="json").status_code
        == 403
    )
    assert api(clerk).delete(f"/api/v1/relatives/{relative_id}/").status_code == 204
    assert not Relative.objects.exists()
    assert AuditEntry.objects.filter(object_type="documents.relative").count() == 3


def test_document_number_endpoint(tree):
    clerk = user_with_role(tree["commune_a"], Role.CLERK)
    body = {"organisation": tree["commune_a"].pk, "document_kind": "QĐ", "date": "12/04/2026"}
    first = api(clerk).post("/api/v1/document-numbers/", body, format="json")
    second = api(clerk).post("/api/v1/document-numbers/", body, format="json")
    assert first.status_code == 201
    assert (first.json()["symbol"], second.json()["symbol"]) == ("1-QĐ/ĐU", "2-QĐ/ĐU")
    body["organisation"] = tree["commune_b"].pk
    assert api(clerk).post("/api/v1/document-numbers/", body, format="json").status_code == 400


def test_person_page_lists_relatives_in_the_order_of_form_2_knd(client, tree):
    """Parents first, then the in-laws, guardian, spouse and children, whatever order they
    were entered in (sorted in Python since the page stopped ordering in SQL)."""
    person = PersonFactory(organisation=tree["cell_a1"])
    for relation, name in (
        ("child", "Con Một"),
        ("spouse", "Vợ Hai"),
        ("mother", "Mẹ Ba"),
        ("father", "Cha Bốn"),
        ("child", "Con Năm"),
    ):
        Relative.objects.create(person=person, relation=relation, full_name=name)
    client.force_login(user_with_role(tree["commune_a"], Role.VIEWER))
    text = client.get(person.get_absolute_url()).content.decode()
    shown = [text.index(name) for name in ("Cha Bốn", "Mẹ Ba", "Vợ Hai", "Con Một", "Con Năm")]
    assert shown == sorted(shown)
