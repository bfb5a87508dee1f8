"""What the requests add to "Việc của tôi" and to the candidate list's bulk actions."""

from __future__ import annotations

import datetime as dt

import pytest

from ptdv.accounts.models import Role
from ptdv.core.work import bulk_actions, work_sources
from ptdv.correspondence.models import OrganisationRequest
from ptdv.correspondence.services import requests_escalate
from ptdv.correspondence.tests.conftest import TODAY
from ptdv.factories import CandidacyFactory, user_with_role

pytestmark = pytest.mark.django_db


def items(kind, user):
    return list(work_sources()[kind](user, TODAY))


def test_incoming_requests_are_the_addressee_clerks_work(tree, clerk_a, clerk_b, verification):
    [item] = items("request_incoming", clerk_b)
    assert item.url == f"/requests/{verification.pk}/"
    assert item.due == verification.due_on
    assert item.object_key == f"request:{verification.pk}"
    assert items("request_incoming", clerk_a) == []
    viewer = user_with_role(tree["commune_b"], Role.VIEWER)
    assert items("request_incoming", viewer) == []


def test_overdue_outgoing_requests_are_the_sender_clerks_work(
    tree, clerk_a, clerk_b, verification, django_assert_max_num_queries
):
    assert items("request_outgoing_overdue", clerk_a) == []
    requests_escalate(today=verification.due_on + dt.timedelta(days=1))
    with django_assert_max_num_queries(2):
        [item] = items("request_outgoing_overdue", clerk_a)
    assert item.detail.endswith("Đảng bộ xã B")
    assert items("request_outgoing_overdue", clerk_b) == []
    # The escalated request is in both inboxes: still the addressee's, now its parent's too.
    province_clerk = user_with_role(tree["province"], Role.CLERK)
    assert [i.object_key for i in items("request_incoming", province_clerk)] == [
        f"request:{verification.pk}"
    ]
    assert items("request_incoming", clerk_b)[0].detail.startswith("Quá hạn")


def test_the_bulk_action_sends_one_request_per_dossier(tree, clerk_a, dossier):
    action = bulk_actions()["send_verification"]
    other = CandidacyFactory(organisation=tree["cell_a2"], stage="trained")
    facts = {"addressee": tree["commune_b"].pk, "place": "residence", "questions": "Thẩm tra."}
    assert action.apply(clerk_a, dossier, facts, TODAY) == []
    assert action.apply(clerk_a, other, facts, TODAY) == []
    refused = action.apply(clerk_a, dossier, facts, TODAY)  # already sent
    assert refused and refused[0]["rule"] == "kind"
    stranger = user_with_role(tree["commune_b"], Role.CLERK)
    assert action.apply(stranger, dossier, facts, TODAY)[0]["rule"] == "candidacy"
    assert OrganisationRequest.objects.count() == 2
