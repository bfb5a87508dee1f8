"""GET /api/v1/organisations/: scoped by the policy, counters from the stored totals."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from ptdv.accounts.models import Role
from ptdv.factories import CandidacyFactory, MembershipFactory, bearer_key, user_with_role

pytestmark = pytest.mark.django_db

URL = "/api/v1/organisations/"


def client_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer_key(user)}")
    return client


@pytest.fixture
def clerk_a(tree):
    return client_for(user_with_role(tree["commune_a"], Role.CLERK))


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["code"] for row in response.json()["results"]]


def test_list_is_the_users_subtree_in_tree_order(tree, clerk_a) -> None:
    assert codes(clerk_a.get(URL)) == ["Xa", "Ga", "Ca1", "Ca2"]


def test_fields_and_counters(tree, clerk_a) -> None:
    MembershipFactory(organisation=tree["cell_a1"])
    MembershipFactory(organisation=tree["cell_a2"], status="probationary")
    MembershipFactory(organisation=tree["cell_a2"], status="removed")
    CandidacyFactory(organisation=tree["cell_a1"])
    CandidacyFactory(organisation=tree["cell_a1"], stage="probationary")

    response = clerk_a.get(f"{URL}{tree['commune_a'].pk}/")

    assert response.status_code == 200
    assert response.json() == {
        "id": tree["commune_a"].pk,
        "code": "Xa",
        "name": "Đảng bộ xã A",
        "kind": "commune",
        "sector": "rural_commune",
        "area_flags": [],
        "parent": tree["province"].pk,
        "depth": 2,
        "member_count": 2,
        "candidate_count": 1,
    }
    cell = clerk_a.get(f"{URL}{tree['cell_a2'].pk}/").json()
    assert (cell["member_count"], cell["candidate_count"]) == (1, 0)


def test_filters(tree, clerk_a) -> None:
    assert codes(clerk_a.get(URL, {"parent": tree["grassroots_a"].pk})) == ["Ca1", "Ca2"]
    assert codes(clerk_a.get(URL, {"kind": "grassroots_committee"})) == ["Ga"]
    assert codes(clerk_a.get(URL, {"search": "thôn A2"})) == ["Ca2"]
    assert codes(clerk_a.get(URL, {"search": "Ga"})) == ["Ga"]
    # A parent outside the subtree lists nothing rather than leaking its children.
    assert codes(clerk_a.get(URL, {"parent": tree["grassroots_b"].pk})) == []
    assert codes(clerk_a.get(URL, {"search": "xã B"})) == []


def test_bad_filter_is_a_vietnamese_field_error(tree, clerk_a) -> None:
    response = clerk_a.get(URL, {"kind": "galaxy", "parent": "x"})

    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert fields == {
        "kind": ["“galaxy” không phải là lựa chọn hợp lệ."],
        "parent": ["Cần một số nguyên hợp lệ."],
    }


def test_other_commune_is_404(tree, clerk_a) -> None:
    for key in ("commune_b", "cell_b1", "province"):
        response = clerk_a.get(f"{URL}{tree[key].pk}/")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    assert clerk_a.get(f"{URL}999999/").json() == clerk_a.get(f"{URL}{tree['cell_b1'].pk}/").json()


def test_province_user_sees_everything_and_pagination_shape(tree) -> None:
    client = client_for(user_with_role(tree["province"], Role.VIEWER))

    body = client.get(URL, {"page_size": 3}).json()

    assert body["count"] == 9
    assert len(body["results"]) == 3
    assert body["previous"] is None
    assert "page=2" in body["next"] and "page_size=3" in body["next"]


def test_user_without_assignment_sees_nothing(tree) -> None:
    from ptdv.factories import UserFactory

    client = client_for(UserFactory(is_superuser=True, is_staff=True))

    assert codes(client.get(URL)) == []
    assert client.get(f"{URL}{tree['province'].pk}/").status_code == 404


def test_list_query_count_is_fixed(tree, clerk_a, django_assert_num_queries) -> None:
    # Token and user, the user's assignments, the count, the page.
    with django_assert_num_queries(4):
        assert clerk_a.get(URL).status_code == 200
