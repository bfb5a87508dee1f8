"""Voiding the last step (ptdv.candidacies.void): every kind of step walks back to the state
before it (dossier, introducers, consents, membership, counters, tallies, search), the event
stays marked void; replaying the steps that remain gives the same dossier; stale versions,
scope and roles answer as for an action; the derived data verify after any voids."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ptdv.accounts.models import Role
from ptdv.audit.models import AuditEntry
from ptdv.candidacies.actions import DossierAction
from ptdv.candidacies.actions.replay import PastStep, replay, replayed_write
from ptdv.candidacies.case import DossierContext, ancestors_of, candidacy_refresh_next
from ptdv.candidacies.counters import organisation_counter_mismatches
from ptdv.candidacies.models import (
    AdmissionTally,
    Candidacy,
    CandidacyEvent,
    PipelineTally,
    Stage,
)
from ptdv.candidacies.search import candidacy_search_mismatches
from ptdv.candidacies.tallies import aggregates_mismatches, aggregates_rebuild
from ptdv.candidacies.void import candidacy_void_last
from ptdv.candidacies.workflow import RuleViolation, StaleVersion, candidacy_act
from ptdv.documents.dossier import dossier_load
from ptdv.factories import CandidacyFactory, MembershipFactory, PersonFactory, user_with_role
from ptdv.members.localities import locality_counter_mismatches
from ptdv.members.models import PartyMembership
from ptdv.organisations.models import Organisation
from ptdv.rules.services import rules_calendar

pytestmark = pytest.mark.django_db

A = DossierAction
D = dt.date
# What a dossier row holds that a void does not put back: its version moves on.
_SKIPPED = {"version", "updated_at", "created_at", "next_checked_on", "next_stale"}


@pytest.fixture
def cell(tree):
    cell = tree["cell_a1"]
    for _ in range(9):
        MembershipFactory(organisation=cell)
    aggregates_rebuild()  # the factories write rows without the services
    return cell


@pytest.fixture
def approver(tree):
    return user_with_role(tree["commune_a"], Role.APPROVER)


@pytest.fixture
def candidacy(cell):
    person = PersonFactory(
        organisation=cell,
        birth_date=D(2000, 3, 5),
        education="upper_secondary",
        youth_union_member=True,
    )
    candidacy = CandidacyFactory(person=person, organisation=cell, opened_on=D(2024, 1, 10))
    aggregates_rebuild()
    candidacy_refresh_next(candidacy, timezone.localdate())
    return candidacy


def act(user, candidacy, action, **data):
    version = data.pop("version", None)
    return candidacy_act(
        actor=user, candidacy_id=candidacy.pk, action=action, data=data, version=version
    )


def void(user, candidacy, reason="Ghi nhầm", **kwargs):
    return candidacy_void_last(actor=user, candidacy_id=candidacy.pk, reason=reason, **kwargs)


def journey(cell):
    """(action, facts) of a dossier from the pool to an official member, dated so that the
    probation has ended by today."""
    introducer = PartyMembership.objects.filter(organisation=cell, status="official").first()
    return [
        ("record_certificate", {"date": "2024-06-01", "certificate_date": "2024-05-20"}),
        (
            "record_application",
            {"date": "2024-10-06", "application_date": "2024-10-01", "history_date": "2024-10-05"},
        ),
        ("record_verification", {"date": "2024-12-01", "concluded_on": "2024-12-01"}),
        (
            "record_introduction",
            {
                "date": "2024-12-10",
                "kind": "member",
                "membership": introducer.pk,
                "months_together": 14,
                "introduced_on": "2024-12-10",
            },
        ),
        (
            "record_introduction",
            {"date": "2024-12-12", "kind": "youth_union_committee", "introduced_on": "2024-12-12"},
        ),
        ("record_opinions", {"date": "2024-12-15", "opinions_date": "2024-12-15"}),
        (
            "branch_vote",
            {"date": "2025-03-03", "vote": {"agree": 8}, "document": {"number": "3-NQ/CB"}},
        ),
        ("committee_vote", {"date": "2025-03-10", "vote": {"agree": 5, "body_size": 7}}),
        (
            "admission_decision",
            {
                "date": "2025-04-01",
                "vote": {"agree": 5, "body_size": 9},
                "document": {"number": "12-QĐ/ĐU", "signer": "Nguyễn Văn Ký"},
            },
        ),
        ("ceremony", {"date": "2025-04-21", "decision_received_date": "2025-04-03"}),
        ("record_member_file", {"date": "2025-05-05"}),
        ("record_newmember_course", {"date": "2025-06-02"}),
        ("recognition_vote", {"date": "2026-04-22", "vote": {"agree": 9}}),
        ("recognition_decision", {"date": "2026-05-05", "vote": {"agree": 5, "body_size": 9}}),
    ]


def state(candidacy):
    """Everything a step may change, as stored."""
    row = Candidacy.objects.get(pk=candidacy.pk)
    return {
        "dossier": {
            f.attname: getattr(row, f.attname)
            for f in Candidacy._meta.concrete_fields
            if f.attname not in _SKIPPED
        },
        "person_organisation": row.person.organisation_id,
        "introducers": list(
            row.introducers.order_by("id").values(
                "id", "kind", "membership_id", "months_together", "replacement", "date"
            )
        ),
        "consents": list(row.consents.order_by("id").values("id", "kind", "date", "ref")),
        "memberships": list(
            PartyMembership.objects.filter(person=row.person_id)
            .order_by("id")
            .values(
                "id", "status", "organisation_id", "ceremony_date", "official_date", "exit_date"
            )
        ),
        "events": list(
            CandidacyEvent.objects.effective()
            .filter(candidacy=row)
            .order_by("id")
            .values("id", "vote", "document_number", "signer", "document_date")
        ),
        "counters": list(
            Organisation.objects.order_by("id").values("id", "member_count", "candidate_count")
        ),
        "pipeline": [
            counts
            for row in PipelineTally.objects.order_by("organisation_id").values()
            for counts in [{k: v for k, v in row.items() if k != "id"}]
            if any(v for k, v in counts.items() if k != "organisation_id")
        ],
        "admissions": list(
            # A row the action created stays at zero after the void (as after any decrement).
            AdmissionTally.objects.exclude(admitted=0)
            .order_by("organisation_id", "year")
            .values("organisation_id", "year", "admitted", "women")
        ),
    }


def changed(now, was):
    """What differs between two states (for the failure message)."""
    out = {}
    for key in was:
        if now[key] != was[key]:
            if isinstance(was[key], dict):
                out[key] = {
                    k: (now[key].get(k), v) for k, v in was[key].items() if now[key].get(k) != v
                }
            else:
                out[key] = (now[key], was[key])
    return out


def verified():
    assert organisation_counter_mismatches() == []
    assert locality_counter_mismatches() == []
    assert aggregates_mismatches() == []
    assert candidacy_search_mismatches() == 0
    return True


def test_voiding_each_step_of_a_journey_returns_the_dossier_to_the_state_before_it(
    cell, approver, candidacy
):
    """Each step of the whole journey (the ceremony and the recognition among them): take it,
    void it (the state is exactly as before), take it again."""
    for action, facts in journey(cell):
        before = state(candidacy)
        act(approver, candidacy, action, **facts)
        assert state(candidacy) != before, action
        result = void(approver, candidacy, reason=f"Ghi nhầm bước {action}")
        assert result.event.action == action and result.event.voided
        assert state(candidacy) == before, (action, changed(state(candidacy), before))
        assert verified()
        act(approver, candidacy, action, **facts)
    candidacy.refresh_from_db()
    assert candidacy.stage == Stage.OFFICIAL and not candidacy.is_open
    events = CandidacyEvent.objects.filter(candidacy=candidacy)
    assert events.filter(voided=True).count() == len(journey(cell))
    assert events.effective().count() == len(journey(cell))
    membership = PartyMembership.objects.get(candidacy=candidacy)
    assert membership.status == "official" and membership.official_date == D(2026, 4, 21)


def test_voiding_walks_the_history_back_step_by_step(cell, approver, candidacy):
    """Void from the official member back to the pool: every intermediate state is the one
    the dossier had on the way up; the memberships the ceremony started are gone."""
    states = []
    for action, facts in journey(cell):
        states.append(state(candidacy))
        act(approver, candidacy, action, **facts)
    for expected in reversed(states):
        void(approver, candidacy)
        assert state(candidacy) == expected
    candidacy.refresh_from_db()
    assert candidacy.stage == Stage.SOURCE and candidacy.is_open
    assert not PartyMembership.objects.filter(candidacy=candidacy).exists()
    assert verified()
    with pytest.raises(ValidationError) as refused:
        void(approver, candidacy)
    assert refused.value.message_dict == {"event": ["Hồ sơ chưa có bước nào để hủy."]}


def test_closing_steps_and_changes_are_voided(tree, cell, approver, candidacy):
    steps = journey(cell)
    for action, facts in steps[:6]:
        act(approver, candidacy, action, **facts)
    helper = PartyMembership.objects.filter(organisation=cell, status="official").last()
    other_cell = tree["cell_a2"]
    MembershipFactory(organisation=other_cell)
    helper_there = MembershipFactory(organisation=other_cell)
    aggregates_rebuild()
    for action, facts in [
        ("assign_helper", {"helper": helper.pk, "reason": "Chi bộ phân công"}),
        ("record_consent", {"kind": "provincial_education", "consent_date": "2024-12-20"}),
        ("amend", {"field": "opinions_date", "value": "2024-12-16", "reason": "Sai ngày"}),
        (
            "transfer",
            {"organisation": other_cell.pk, "helper": helper_there.pk, "reason": "Chuyển"},
        ),
        ("withdraw", {"reason": "Xin rút"}),
    ]:
        before = state(candidacy)
        act(approver, candidacy, action, **facts)
        void(approver, candidacy)
        assert state(candidacy) == before, (action, changed(state(candidacy), before))
        act(approver, candidacy, action, **facts)
    assert verified()
    candidacy.refresh_from_db()
    assert candidacy.organisation == other_cell and candidacy.helper == helper_there
    assert not candidacy.is_open


def test_voiding_a_removal_puts_the_probationary_member_back(cell, approver, candidacy):
    for action, facts in journey(cell)[:10]:
        act(approver, candidacy, action, **facts)
    before = state(candidacy)
    act(approver, candidacy, "remove", date="2025-09-01", reason="Không đủ tư cách")
    assert PartyMembership.objects.get(candidacy=candidacy).status == "removed"
    void(approver, candidacy)
    assert state(candidacy) == before
    assert PartyMembership.objects.get(candidacy=candidacy).status == "probationary"
    assert verified()


@pytest.mark.parametrize(
    ("action", "status"), [("death", "deceased"), ("transfer_out", "transferred_out")]
)
def test_a_probationary_member_dies_or_leaves_on_the_dossier_and_void_undoes_it(
    cell, approver, candidacy, action, status
):
    for step, facts in journey(cell)[:10]:
        act(approver, candidacy, step, **facts)
    before = state(candidacy)
    act(approver, candidacy, action, date="2025-09-01", reason="Giấy báo tử số 12/2025")
    membership = PartyMembership.objects.get(candidacy=candidacy)
    candidacy.refresh_from_db()
    assert (membership.status, membership.exit_date) == (status, dt.date(2025, 9, 1))
    assert (candidacy.is_open, candidacy.closed_reason) == (False, status)
    assert membership.events.filter(action=action).exists()
    assert verified()
    void(approver, candidacy)
    assert state(candidacy) == before
    assert PartyMembership.objects.get(candidacy=candidacy).status == "probationary"
    assert verified()


def test_a_closed_dossier_is_not_reopened_over_a_newer_one(tree, cell, approver, candidacy):
    act(approver, candidacy, "withdraw", date="2024-05-01", reason="Xin rút")
    CandidacyFactory(person=candidacy.person, organisation=cell)
    with pytest.raises(ValidationError) as refused:
        void(approver, candidacy)
    assert "đã có một hồ sơ khác đang mở" in refused.value.message_dict["event"][0]
    assert not CandidacyEvent.objects.filter(voided=True).exists()


def test_void_needs_a_reason_the_last_step_an_approver_and_a_fresh_version(
    tree, cell, approver, candidacy
):
    first = act(approver, candidacy, "record_certificate", **journey(cell)[0][1]).event
    with pytest.raises(ValidationError) as refused:
        void(approver, candidacy, reason="  ")
    assert refused.value.message_dict == {"reason": ["Cần nêu lý do hủy bước này."]}
    act(approver, candidacy, "record_application", **journey(cell)[1][1])
    with pytest.raises(ValidationError) as refused:
        void(approver, candidacy, event_id=first.pk)
    assert refused.value.message_dict == {"event": ["Chỉ hủy được bước ghi sau cùng của hồ sơ."]}
    with pytest.raises(StaleVersion):
        void(approver, candidacy, version=1)
    clerk = user_with_role(tree["commune_a"], Role.CLERK)
    with pytest.raises(PermissionDenied):
        void(clerk, candidacy)
    outsider = user_with_role(tree["commune_b"], Role.APPROVER)
    with pytest.raises(Http404):
        void(outsider, candidacy)
    candidacy.refresh_from_db()
    assert candidacy.stage == Stage.APPLIED and candidacy.version == 3
    assert not CandidacyEvent.objects.filter(voided=True).exists()
    result = void(approver, candidacy, version=3, reason="Đơn chưa ký")
    assert result.candidacy.version == 4 and result.candidacy.stage == Stage.TRAINED
    entry = AuditEntry.objects.filter(action="action").latest("id")
    assert entry.data["action"] == "void" and entry.data["reason"] == "Đơn chưa ký"
    assert entry.data["voided_action"] == "record_application"
    assert entry.data["before"]["stage"] == "applied" and entry.data["after"]["stage"] == "trained"


def test_voided_events_are_left_out_of_the_forms_and_the_next_steps(cell, approver, candidacy):
    for action, facts in journey(cell)[:9]:
        act(approver, candidacy, action, **facts)
    decision = void(approver, candidacy).event
    candidacy.refresh_from_db()
    dossier = dossier_load(candidacy, D(2025, 4, 2))
    assert decision.pk not in [event.pk for event in dossier.events]
    assert candidacy.decision_date is None and candidacy.next_action == "admission_decision"
    # The step is taken again, with other figures: the forms read the new event.
    again = act(
        approver, candidacy, *journey(cell)[8][:1], **{**journey(cell)[8][1], "date": "2025-04-02"}
    )
    dossier = dossier_load(Candidacy.objects.get(pk=candidacy.pk), D(2025, 4, 3))
    assert dossier.event("admission_decision").pk == again.event.pk


def _steps(events):
    """The effective events of a dossier as the past steps a replay takes."""
    steps = []
    for event in events:
        facts = {
            k: v
            for k, v in event.facts.items()
            if k not in ("introducer", "consent", "membership", "official_date", "from", "to")
        }
        for name in (
            "certificate_date",
            "application_date",
            "history_date",
            "concluded_on",
            "opinions_date",
            "introduced_on",
            "decision_received_date",
            "consent_date",
        ):
            if isinstance(facts.get(name), str):
                facts[name] = dt.date.fromisoformat(facts[name])
        vote = {k: v for k, v in event.vote.items() if k not in ("denominator",)}
        steps.append(
            PastStep(event.action, event.on, facts, vote=vote, outcome=event.outcome or None)
        )
    return steps


def test_after_voids_the_dossier_equals_the_replay_of_the_steps_that_remain(
    cell, approver, candidacy
):
    steps = journey(cell)
    for action, facts in steps[:10]:
        act(approver, candidacy, action, **facts)
    void(approver, candidacy)  # the ceremony
    void(approver, candidacy)  # the decision
    act(approver, candidacy, steps[8][0], **{**steps[8][1], "date": "2025-04-03"})
    live = Candidacy.objects.get(pk=candidacy.pk)
    fresh = Candidacy(
        person=live.person, organisation=cell, opened_on=live.opened_on, stage=Stage.SOURCE
    )
    context = DossierContext(
        ancestors=ancestors_of(cell), official_members=9, introducers=[], consents=[],
        previous_membership=None,
    )  # fmt: skip
    events = CandidacyEvent.objects.effective().filter(candidacy=live).order_by("id")
    done = replay(fresh, _steps(events), context, calendar=rules_calendar(), judge=False)
    names = [
        f.attname
        for f in Candidacy._meta.concrete_fields
        if f.attname not in _SKIPPED and not f.attname.startswith("next_") and f.attname != "id"
    ]
    assert {n: getattr(done.candidacy, n) for n in names} == {n: getattr(live, n) for n in names}
    assert live.decision_date == D(2025, 4, 3)


VOID = -1


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.one_of(st.just(VOID), st.sampled_from(range(14 + 3))), min_size=1, max_size=16))
def test_random_steps_and_voids_walk_back_exactly_and_verify(tree, cell, approver, moves):
    """Random steps (lawful or refused) and voids: each void gives back exactly the state
    before the step it cancels, and the derived data always verify."""
    person = PersonFactory(
        organisation=cell, birth_date=D(2000, 3, 5), education="upper_secondary",
        youth_union_member=True,
    )  # fmt: skip
    candidacy = CandidacyFactory(person=person, organisation=cell, opened_on=D(2024, 1, 10))
    aggregates_rebuild()
    candidacy_refresh_next(candidacy, timezone.localdate())
    steps = [
        *journey(cell),
        ("withdraw", {"date": "2024-05-01", "reason": "Rút"}),
        ("transfer", {"organisation": tree["cell_a2"].pk, "reason": "Chuyển"}),
        ("amend", {"field": "certificate_date", "value": "2024-05-21", "reason": "Sai"}),
    ]
    taken = []
    for move in moves:
        if move == VOID:
            if not taken:
                continue
            void(approver, candidacy)
            assert state(candidacy) == taken.pop()
            continue
        action, facts = steps[move]
        before = state(candidacy)
        try:
            act(approver, candidacy, action, **facts)
        except (RuleViolation, ValidationError):
            continue
        taken.append(before)
    assert verified()


def test_a_replayed_history_can_be_voided_unless_loaded_without_its_before_states(cell, approver):
    def replayed(name, keep_before):
        dossier = Candidacy(
            person=PersonFactory(organisation=cell, given_name=name, birth_date=D(2000, 3, 5)),
            organisation=cell,
            opened_on=D(2024, 1, 10),
        )
        steps = [
            PastStep(A.RECORD_CERTIFICATE, D(2024, 6, 1), {"certificate_date": D(2024, 5, 20)}),
            PastStep(
                A.RECORD_APPLICATION,
                D(2024, 10, 6),
                {"application_date": D(2024, 10, 1), "history_date": D(2024, 10, 5)},
            ),
        ]
        context = DossierContext(
            ancestors=ancestors_of(cell), official_members=9, introducers=[], consents=[],
            previous_membership=None,
        )  # fmt: skip
        done = replay(
            dossier, steps, context, calendar=rules_calendar(), imported=True,
            keep_before=keep_before,
        )  # fmt: skip
        replayed_write([done])
        return dossier

    kept = replayed("Giữ", True)
    void(approver, kept)
    kept.refresh_from_db()
    assert kept.stage == Stage.TRAINED and kept.application_date is None
    assert verified()
    bare = replayed("Gọn", False)
    with pytest.raises(ValidationError) as refused:
        void(approver, bare)
    assert "chưa lưu trạng thái trước đó" in refused.value.message_dict["event"][0]
