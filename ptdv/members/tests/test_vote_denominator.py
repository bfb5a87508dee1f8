"""The branch vote's denominator follows the members recorded as attached elsewhere
(QĐ 294 §9.3.2) when the clerk does not give the number."""

from __future__ import annotations

import pytest

from ptdv.accounts.models import Role
from ptdv.candidacies.models import CandidacyEvent
from ptdv.candidacies.tests.test_api_actions import applied_dossier, post
from ptdv.candidacies.tests.test_api_actions import setup as setup  # the fixture
from ptdv.factories import user_with_role
from ptdv.members.actions import membership_act

pytestmark = pytest.mark.django_db


def attach(setup, count):
    approver = user_with_role(setup["tree"]["commune_a"], Role.APPROVER)
    for member in setup["members"][-count:]:
        membership_act(
            actor=approver,
            membership_id=member.pk,
            action="attach",
            data={"date": "2026-01-15", "place": "Chi bộ Công ty X, Hà Nội"},
        )


def test_attached_members_leave_the_denominator(setup):
    c = applied_dossier(setup)
    # 9 official members; 3 attached elsewhere since January: 6 count, 4 agree is 2/3.
    attach(setup, 3)
    answer = post(setup["clerk"], c, "branch_vote", {"date": "2026-03-02", "vote": {"agree": 4}})
    assert answer.status_code == 200, answer.json()
    assert answer.json()["outcome"] == "passed"
    event = CandidacyEvent.objects.get(pk=answer.json()["event"])
    assert event.vote["temporarily_attached_elsewhere"] == 3
    assert event.vote["denominator"] == 6


def test_without_attachments_the_same_vote_fails(setup):
    c = applied_dossier(setup)
    answer = post(setup["clerk"], c, "branch_vote", {"date": "2026-03-02", "vote": {"agree": 4}})
    assert answer.json()["outcome"] == "failed"


def test_a_number_given_by_the_clerk_is_kept(setup):
    c = applied_dossier(setup)
    attach(setup, 3)
    answer = post(
        setup["clerk"],
        c,
        "branch_vote",
        {"date": "2026-03-02", "vote": {"agree": 4}, "temporarily_attached_elsewhere": 0},
    )
    assert answer.json()["outcome"] == "failed"
