from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from ptdv.accounts.models import Role
from ptdv.factories import user_with_role
from ptdv.surveys.models import ResponseStatus

from .conftest import response_of

pytestmark = pytest.mark.django_db


def _client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_open_list_and_detail(tree, data, admin, today):
    client = _client(admin)
    answer = client.post(
        "/api/v1/surveys/",
        {
            "organisation": tree["province"].pk,
            "year": today.year,
            "due_date": (today + dt.timedelta(days=10)).isoformat(),
        },
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    pk = answer.json()["id"]
    assert answer.json()["plan_year"] == today.year + 1
    listed = client.get("/api/v1/surveys/", {"year": today.year}).json()
    assert [r["id"] for r in listed["results"]] == [pk]
    detail = client.get(f"/api/v1/surveys/{pk}/").json()
    assert detail["status_board"]["total"] == 4
    assert detail["rollup"][0]["organisation"] == tree["province"].pk
    under = client.get(f"/api/v1/surveys/{pk}/", {"under": tree["commune_a"].pk}).json()
    assert [row["organisation"] for row in under["rollup"]] == [
        tree["commune_a"].pk,
        tree["grassroots_a"].pk,
    ]
    again = client.post(
        "/api/v1/surveys/",
        {"organisation": tree["province"].pk, "year": today.year, "due_date": today.isoformat()},
        format="json",
    )
    assert again.status_code == 422
    assert "trùng phạm vi" in again.json()["error"]["fields"]["organisation"][0]


def test_fill_submit_return_accept_over_the_api(tree, survey, unit_clerk, commune_approver):
    response = response_of(survey, tree["grassroots_a"])
    base = f"/api/v1/surveys/{survey.pk}/responses/{response.pk}/"
    clerk = _client(unit_clerk)
    read = clerk.get(base).json()
    assert read["figures"]["members"] == 3 and read["status"] == "draft"
    refused = clerk.post(base + "submit/", {}, format="json")
    assert refused.status_code == 422
    patched = clerk.patch(
        base,
        {
            "pool_quality": "good",
            "quality_note": "Nguồn tốt.",
            "plan": {"train": 3, "admit": 2, "admit_women": 1},
            "version": read["version"],
        },
        format="json",
    )
    assert patched.status_code == 200, patched.json()
    assert patched.json()["plan"]["admit_women"] == 1
    stale = clerk.patch(base, {"reasons": "x", "version": read["version"]}, format="json")
    assert stale.status_code == 409
    too_many = clerk.patch(base, {"plan": {"admit_youth": 5}}, format="json")
    assert too_many.status_code == 422
    assert clerk.post(base + "submit/", {}, format="json").json()["status"] == "submitted"
    assert clerk.post(base + "accept/", {}, format="json").status_code == 403
    boss = _client(commune_approver)
    assert boss.post(base + "return/", {}, format="json").status_code == 400
    returned = boss.post(base + "return/", {"reason": "Bổ sung nguyên nhân."}, format="json")
    assert returned.json()["status"] == ResponseStatus.RETURNED
    assert returned.json()["return_reason"] == "Bổ sung nguyên nhân."
    clerk.post(base + "submit/", {}, format="json")
    assert boss.post(base + "accept/", {}, format="json").json()["status"] == "accepted"
    listed = boss.get(f"/api/v1/surveys/{survey.pk}/responses/", {"status": "accepted"}).json()
    assert [r["id"] for r in listed["results"]] == [response.pk]


def test_outside_the_scope_is_absent(tree, survey):
    response = response_of(survey, tree["grassroots_a"])
    other = _client(user_with_role(tree["commune_b"], Role.ADMINISTRATOR))
    base = f"/api/v1/surveys/{survey.pk}/responses/{response.pk}/"
    assert other.get(base).status_code == 404
    assert other.patch(base, {"reasons": "x"}, format="json").status_code == 404
    ids = [
        r["organisation"]
        for r in other.get(f"/api/v1/surveys/{survey.pk}/responses/").json()["results"]
    ]
    assert ids == [tree["commune_b"].pk, tree["grassroots_b"].pk]
    assert (
        other.get(f"/api/v1/surveys/{survey.pk}/responses/999999999999999999999/").status_code
        == 404
    )
