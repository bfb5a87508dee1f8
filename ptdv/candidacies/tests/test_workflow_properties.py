"""Random sequences of actions never reach a state that skipped a gate, and the member and
candidate counters always equal a recount of the rows."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ptdv.accounts.models import Role
from ptdv.candidacies.counters import organisation_counter_mismatches
from ptdv.candidacies.models import Candidacy, CandidacyEvent, Stage
from ptdv.candidacies.workflow import RuleViolation, candidacy_act
from ptdv.factories import CandidacyFactory, MembershipFactory, PersonFactory, user_with_role
from ptdv.members.models import PartyMembership

STEPS = [
    ("record_certificate", {"date": "2025-06-01", "certificate_date": "2025-05-20"}),
    ("record_certificate", {"date": "2025-06-01", "certificate_date": "2019-05-20"}),
    (
        "record_application",
        {"date": "2025-10-06", "application_date": "2025-10-01", "history_date": "2025-10-05"},
    ),
    (
        "record_application",
        {"date": "2025-10-06", "application_date": "2025-10-09", "history_date": "2025-10-05"},
    ),
    ("record_verification", {"date": "2025-12-01", "concluded_on": "2025-12-01"}),
    ("record_opinions", {"date": "2025-12-15", "opinions_date": "2025-12-15"}),
    ("intro_member", {}),
    (
        "record_introduction",
        {"date": "2025-12-12", "kind": "youth_union_committee", "introduced_on": "2025-12-12"},
    ),
    ("branch_vote", {"date": "2026-03-02", "vote": {"agree": 7}}),
    ("branch_vote", {"date": "2026-03-02", "vote": {"agree": 2}}),
    ("committee_vote", {"date": "2026-03-10", "vote": {"agree": 5, "body_size": 7}}),
    ("committee_vote", {"date": "2026-03-10", "vote": {"agree": 1, "body_size": 7}}),
    ("admission_decision", {"date": "2026-04-01", "vote": {"agree": 5, "body_size": 9}}),
    ("admission_decision", {"date": "2026-04-01", "vote": {"agree": 4, "body_size": 9}}),
    ("ceremony", {"date": "2026-04-20", "decision_received_date": "2026-04-03"}),
    ("record_newmember_course", {"date": "2026-08-01"}),
    ("withdraw", {"date": "2026-04-02", "reason": "Rút"}),
    ("remove", {"date": "2026-09-01", "reason": "Không đủ tư cách"}),
    ("lapse", {"date": "2026-04-02", "reason": "Hết hạn"}),
    ("transfer_back_and_forth", {}),
]


@pytest.fixture
def world(tree):
    cell = tree["cell_a1"]
    helpers = [MembershipFactory(organisation=cell) for _ in range(9)]
    return {
        "tree": tree,
        "cell": cell,
        "user": user_with_role(tree["province"], Role.APPROVER),
        "helper": helpers[0],
    }


def check_invariants(candidacy):
    events = {
        e.action
        for e in CandidacyEvent.objects.filter(candidacy=candidacy)
        if e.outcome != "failed"
    }
    stage = candidacy.stage
    order = [
        Stage.SOURCE,
        Stage.TRAINED,
        Stage.APPLIED,
        Stage.BRANCH_RESOLVED,
        Stage.COMMITTEE_RESOLVED,
        Stage.DECIDED,
        Stage.PROBATIONARY,
        Stage.OFFICIAL,
    ]
    reached = {
        s for e in CandidacyEvent.objects.filter(candidacy=candidacy) for s in (e.stage_after,)
    }
    if stage in order:
        position = order.index(stage)
        if position >= order.index(Stage.TRAINED):
            assert candidacy.certificate_date is not None
        if position >= order.index(Stage.APPLIED):
            assert candidacy.application_date <= candidacy.history_date
        if position >= order.index(Stage.BRANCH_RESOLVED):
            assert "branch_vote" in events and candidacy.branch_resolution_date
        if position >= order.index(Stage.DECIDED):
            assert "admission_decision" in events and candidacy.decision_date
            assert Stage.BRANCH_RESOLVED in reached
    membership = PartyMembership.objects.filter(candidacy=candidacy).first()
    if stage == Stage.PROBATIONARY:
        assert membership is not None and membership.status == "probationary"
        assert "ceremony" in events
    elif candidacy.closed_reason == "removed":
        assert membership.status == "removed"
    elif stage != Stage.OFFICIAL:
        assert membership is None
    assert organisation_counter_mismatches() == []


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.sampled_from(range(len(STEPS))), min_size=1, max_size=18))
@pytest.mark.django_db
def test_random_sequences_never_skip_a_gate(world, steps):
    cell = world["cell"]
    person = PersonFactory(
        organisation=cell,
        birth_date=dt.date(2000, 3, 5),
        education="upper_secondary",
        youth_union_member=True,
    )
    candidacy = CandidacyFactory(person=person, organisation=cell, opened_on=dt.date(2025, 1, 10))
    for index in steps:
        action, data = STEPS[index]
        data = dict(data)
        if action == "intro_member":
            action = "record_introduction"
            data = {
                "date": "2025-12-10",
                "kind": "member",
                "membership": world["helper"].pk,
                "months_together": 14,
                "introduced_on": "2025-12-10",
            }
        if action == "transfer_back_and_forth":
            current = Candidacy.objects.get(pk=candidacy.pk).organisation
            target = world["tree"]["cell_a2"] if current == cell else cell
            action, data = "transfer", {"organisation": target.pk, "reason": "Chuyển"}
        try:
            candidacy_act(actor=world["user"], candidacy_id=candidacy.pk, action=action, data=data)
        except (RuleViolation, ValidationError, PermissionDenied):
            pass
        check_invariants(Candidacy.objects.get(pk=candidacy.pk))
