"""POST /api/v1/organisations/{id}/actions/{action}/: the answers of a dossier action."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from ptdv.accounts.models import Role
from ptdv.factories import MembershipFactory, bearer_key, user_with_role
from ptdv.organisations.models import Organisation, OrganisationChange

pytestmark = pytest.mark.django_db

DOCUMENT = {"number": "125-QĐ/TU", "date": "20/06/2025", "issuing_body": "BTV Tỉnh ủy"}


def client_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer_key(user)}")
    return client


def url(org, action):
    return f"/api/v1/organisations/{org.pk}/actions/{action}/"


@pytest.fixture
def admin(tree):
    return client_for(user_with_role(tree["province"], Role.ADMINISTRATOR))


def test_rename_then_stale_version_409(tree, admin):
    cell = tree["cell_a1"]
    answer = admin.post(
        url(cell, "rename"),
        {"name": "Chi bộ thôn Đông", "document": DOCUMENT, "date": "01/07/2025", "version": 0},
        format="json",
    )
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert body["kind"] == "rename" and body["version"] == 1
    assert body["successors"][0]["name"] == "Chi bộ thôn Đông"
    again = admin.post(
        url(cell, "rename"),
        {"name": "Chi bộ thôn Tây", "document": DOCUMENT, "version": 0},
        format="json",
    )
    assert again.status_code == 409 and again.json()["version"] == 1


def test_merge_new_commune_and_ended_409(tree, admin):
    MembershipFactory(organisation=tree["cell_b1"])
    answer = admin.post(
        url(tree["commune_a"], "merge"),
        {
            "others": [tree["commune_b"].pk],
            "new": {"code": "XC", "name": "Đảng bộ xã C"},
            "document": DOCUMENT,
            "date": "2025-07-01",
        },
        format="json",
    )
    assert answer.status_code == 200, answer.json()
    c = Organisation.objects.get(code="XC")
    assert c.member_count == 1
    assert {p["code"] for p in answer.json()["predecessors"]} == {"Xa", "Xb"}
    ended = admin.post(
        url(tree["commune_a"], "rename"), {"name": "X", "document": DOCUMENT}, format="json"
    )
    assert ended.status_code == 409 and ended.json()["error"]["code"] == "ended"


def test_refusals_400_422_403_404(tree, admin):
    cell = tree["cell_a1"]
    # Schema: the document is required; a rename needs a name.
    assert admin.post(url(cell, "rename"), {"name": "X"}, format="json").status_code == 400
    assert admin.post(url(cell, "rename"), {"document": DOCUMENT}, format="json").status_code == 400
    # A decision dated after today: 422 with the field named.
    future = {**DOCUMENT, "date": "01/01/2099"}
    answer = admin.post(url(cell, "rename"), {"name": "Y", "document": future}, format="json")
    assert answer.status_code == 422
    assert "decision_date" in answer.json()["error"]["fields"]
    # A cell with a member cannot be dissolved without a successor: 422.
    MembershipFactory(organisation=cell)
    answer = admin.post(url(cell, "dissolve"), {"document": DOCUMENT}, format="json")
    assert answer.status_code == 422 and "successor" in answer.json()["error"]["fields"]
    # A parent outside the scope: 400 "Không tìm thấy".
    commune_admin = client_for(user_with_role(tree["commune_a"], Role.ADMINISTRATOR))
    answer = commune_admin.post(
        url(tree["cell_a2"], "move"),
        {"parent": tree["grassroots_b"].pk, "document": DOCUMENT},
        format="json",
    )
    assert answer.status_code == 400 and "parent" in answer.json()["error"]["fields"]
    # The wrong role: 403; outside the subtree or an unknown action: 404.
    clerk = client_for(user_with_role(tree["commune_a"], Role.CLERK))
    assert (
        clerk.post(
            url(cell, "rename"), {"name": "Z", "document": DOCUMENT}, format="json"
        ).status_code
        == 403
    )
    assert (
        commune_admin.post(
            url(tree["cell_b1"], "rename"), {"name": "Z", "document": DOCUMENT}, format="json"
        ).status_code
        == 404
    )
    assert admin.post(url(cell, "explode"), {}, format="json").status_code == 404
    assert OrganisationChange.objects.count() == 0


def test_split_and_move(tree, admin):
    answer = admin.post(
        url(tree["grassroots_a"], "split"),
        {
            "parts": [
                {"code": "G1", "name": "Đảng bộ cơ sở 1", "children": [tree["cell_a1"].pk]},
                {"code": "G2", "name": "Đảng bộ cơ sở 2", "children": [tree["cell_a2"].pk]},
            ],
            "document": DOCUMENT,
        },
        format="json",
    )
    assert answer.status_code == 200, answer.json()
    g2 = Organisation.objects.get(code="G2")
    assert Organisation.objects.get(pk=tree["cell_a2"].pk).parent_id == g2.pk
    answer = admin.post(
        url(g2, "move"), {"parent": tree["commune_b"].pk, "document": DOCUMENT}, format="json"
    )
    assert answer.status_code == 200
    assert Organisation.objects.get(pk=tree["cell_a2"].pk).path.startswith(tree["commune_b"].path)
