"""POST /api/v1/members/{id}/actions/{action}/: the answers of a dossier action."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from ptdv.members.models import MembershipStatus, PartyMembership

pytestmark = pytest.mark.django_db


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def post(user, membership_id, action, body):
    return client_for(user).post(
        f"/api/v1/members/{membership_id}/actions/{action}/", body, format="json"
    )


def test_remove_answers_the_new_state_and_the_step(world):
    member = world["members"][1]
    answer = post(
        world["approver"],
        member.pk,
        "remove",
        {
            "version": 1,
            "date": "2026-03-05",
            "grounds": "not_attending",
            "reason": "Bỏ sinh hoạt 4 tháng",
            "document": {
                "number": "15-QĐ/ĐU",
                "date": "2026-03-05",
                "issuing_body": "Đảng ủy xã A",
                "signer": "Trần C",
            },
        },
    )
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert body["status"] == "removed"
    assert body["version"] == 2
    assert body["exit_grounds"] == "not_attending"
    assert body["event"]["action"] == "remove"
    assert body["event"]["document_number"] == "15-QĐ/ĐU"
    assert body["event"]["from_organisation"] == world["cell"].code


def test_transfer_by_api(world):
    member = world["members"][1]
    target = world["tree"]["cell_a2"]
    answer = post(world["clerk"], member.pk, "transfer", {"organisation": target.pk})
    assert answer.status_code == 200, answer.json()
    assert answer.json()["organisation"] == target.code


def test_stale_version_is_a_409(world):
    member = world["members"][1]
    answer = post(world["clerk"], member.pk, "death", {"version": 7})
    assert answer.status_code == 409
    assert answer.json()["version"] == 1


def test_wrong_state_is_a_409(world):
    member = world["members"][1]
    assert post(world["clerk"], member.pk, "end_exemption", {}).status_code == 409


def test_date_rule_is_a_422(world):
    member = world["members"][1]
    answer = post(world["clerk"], member.pk, "death", {"date": "2099-01-01"})
    assert answer.status_code == 422
    assert "date" in answer.json()["error"]["fields"]


def test_schema_error_is_a_400(world):
    member = world["members"][1]
    answer = post(world["approver"], member.pk, "remove", {"grounds": "bogus", "reason": "x"})
    assert answer.status_code == 400
    assert "grounds" in answer.json()["error"]["fields"]
    answer = post(world["clerk"], member.pk, "death", {"colour": "blue"})
    assert answer.status_code == 400


def test_role_is_a_403_and_scope_a_404(world):
    member = world["members"][1]
    assert post(world["clerk"], member.pk, "expel", {"reason": "x"}).status_code == 403
    assert post(world["outsider"], member.pk, "death", {}).status_code == 404
    assert post(world["clerk"], member.pk, "fly", {}).status_code == 404
    assert post(world["clerk"], 10**9, "death", {}).status_code == 404
    member.refresh_from_db()
    assert member.status == MembershipStatus.OFFICIAL
    assert PartyMembership.objects.filter(status=MembershipStatus.OFFICIAL).count() == 4


def test_anonymous_is_refused(world):
    answer = APIClient().post(
        f"/api/v1/members/{world['members'][1].pk}/actions/death/", {}, format="json"
    )
    assert answer.status_code in (401, 403)


def test_an_action_takes_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    # 17 today: the token-less session, the lock, the history, the counters, the village and
    # the cells' dossiers, the event and the audit entry.
    member = world["members"][0]  # resident of a village: the locality counters move too
    client = client_for(world["approver"])
    with django_assert_max_num_queries(20):
        answer = client.post(
            f"/api/v1/members/{member.pk}/actions/remove/",
            {"date": "2026-03-05", "grounds": "not_attending", "reason": "Bỏ sinh hoạt"},
            format="json",
        )
    assert answer.status_code == 200
