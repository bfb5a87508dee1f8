"""The action specs: one per action, the transition table they declare, their rule lists,
their labels, and the derived-data hook every dossier write goes through."""

import datetime as dt

import pytest
from rest_framework import serializers

from ptdv.candidacies.actions import SPECS, DossierAction, field_help, field_label, spec_for
from ptdv.candidacies.counters import organisation_counter_mismatches
from ptdv.candidacies.derived import DossierSnapshot, dossier_changed, dossiers_changed
from ptdv.candidacies.models import POOL_STAGES, Candidacy, CandidacyEvent, Stage
from ptdv.candidacies.search import candidacy_search_mismatches
from ptdv.candidacies.tallies import aggregates_mismatches
from ptdv.candidacies.transitions import FACTS, TRANSITIONS
from ptdv.core.policies import Action
from ptdv.documents.official_forms import FORMS
from ptdv.factories import PersonFactory
from ptdv.members.localities import locality_counter_mismatches
from ptdv.rules import engine

S = Stage
PRE_VOTE = (S.SOURCE, S.TRAINED, S.APPLIED)
AFTER_BRANCH = (S.BRANCH_RESOLVED, S.COMMITTEE_RESOLVED)
INTAKE = (S.TRAINED, S.APPLIED)
C, A = Action.CHANGE, Action.APPROVE

# The transition table as it stood before the specs (action: sources, target, permission).
TABLE = {
    "record_certificate": (PRE_VOTE, S.TRAINED, C),
    "record_application": (INTAKE, S.APPLIED, C),
    "record_verification": (INTAKE, None, C),
    "record_introduction": (INTAKE, None, C),
    "record_opinions": (INTAKE, None, C),
    "branch_vote": ((S.APPLIED,), S.BRANCH_RESOLVED, C),
    "committee_vote": ((S.BRANCH_RESOLVED,), S.COMMITTEE_RESOLVED, C),
    "record_consent": ((*PRE_VOTE, *AFTER_BRANCH, S.DECIDED), None, C),
    "request_extension": (AFTER_BRANCH, None, A),
    "admission_decision": (AFTER_BRANCH, S.DECIDED, A),
    "ceremony": ((S.DECIDED,), S.PROBATIONARY, C),
    "record_member_file": ((S.PROBATIONARY,), None, C),
    "record_newmember_course": ((S.DECIDED, S.PROBATIONARY), None, C),
    "recognition_vote": ((S.PROBATIONARY,), None, C),
    "recognition_decision": ((S.PROBATIONARY,), S.OFFICIAL, A),
    "withdraw": (POOL_STAGES, S.CLOSED, C),
    "reject": (AFTER_BRANCH, S.CLOSED, A),
    "lapse": (POOL_STAGES, S.CLOSED, C),
    "remove": ((S.PROBATIONARY,), S.CLOSED, A),
    "death": ((S.PROBATIONARY,), S.CLOSED, C),  # issue 12: a probationary member's exits
    "transfer_out": ((S.PROBATIONARY,), S.CLOSED, C),
    "transfer": (POOL_STAGES, None, C),
    "amend": ((*POOL_STAGES, S.PROBATIONARY, S.OFFICIAL, S.CLOSED), None, C),
    "assign_helper": ((*POOL_STAGES, S.PROBATIONARY), None, C),
}


def test_every_action_has_one_spec_in_the_order_of_the_dossier():
    assert list(SPECS) == list(DossierAction)
    assert [str(a) for a in SPECS] == list(TABLE)
    for action, spec in SPECS.items():
        assert spec.action is action and spec_for(str(action)) is spec
    assert spec_for("fly") is None


@pytest.mark.parametrize("action", list(TABLE))
def test_the_specs_declare_the_old_transition_table(action):
    spec = SPECS[DossierAction(action)]
    assert (spec.sources, spec.target, spec.permission) == TABLE[action]
    assert TRANSITIONS[action] is spec and FACTS[action] is spec.facts
    assert spec.label == str(DossierAction(action).label)


def test_rule_lists_come_from_the_engine_plus_the_specs_own():
    for spec in SPECS.values():
        if spec.engine_action is not None:
            assert spec.rules[: len(engine.rules_for(spec.engine_action))] == engine.rules_for(
                spec.engine_action
            )
        assert set(spec.rules) <= set(engine.RULE_IDS)
    assert SPECS[DossierAction.RECORD_APPLICATION].rules == ("application.before_history",)
    assert SPECS[DossierAction.RECORD_MEMBER_FILE].rules == ("deadline.member_file",)
    assert SPECS[DossierAction.COMMITTEE_VOTE].rules == ("vote.committee_two_thirds",)
    engine_actions = {s.engine_action for s in SPECS.values() if s.engine_action}
    assert engine_actions == set(engine.EngineAction)
    votes = {str(a) for a, s in SPECS.items() if s.is_vote}
    assert votes == {
        "branch_vote", "committee_vote", "admission_decision", "recognition_vote",
        "recognition_decision",
    }  # fmt: skip
    assert {str(a): s.closes for a, s in SPECS.items() if s.closes} == {
        "withdraw": "withdrawn", "reject": "rejected", "lapse": "lapsed", "remove": "removed",
        "death": "deceased", "transfer_out": "transferred_out",
    }  # fmt: skip


def _fields(serializer):
    for name, field in serializer().fields.items():
        if isinstance(field, serializers.Serializer):
            yield from (f"{name}.{sub}" for sub in field.fields)
        else:
            yield name


def test_every_field_of_every_action_has_a_label_and_the_date_its_help():
    for action, spec in SPECS.items():
        for name in _fields(spec.facts):
            assert field_label(action, name) != name, (action, name)
        assert field_help(action, "date")
    assert str(field_label("record_consent", "kind")) == "Loại văn bản đồng ý"
    assert str(field_label("record_introduction", "kind")) == "Loại người giới thiệu"
    assert "chi bộ họp xét" in str(field_help("branch_vote", "date"))
    assert "mặc định là hôm nay" in str(field_help("record_opinions", "date"))


def test_the_official_forms_each_action_issues_are_known_form_codes():
    issued = [code for spec in SPECS.values() for code in spec.forms]
    assert set(issued) <= set(FORMS)
    assert SPECS[DossierAction.ADMISSION_DECISION].forms == ("9-knd",)


def _verify():
    assert organisation_counter_mismatches() == []
    assert locality_counter_mismatches() == []
    assert aggregates_mismatches() == []
    assert candidacy_search_mismatches() == 0


@pytest.mark.django_db
def test_the_hook_keeps_every_derived_store(tree):
    cell = tree["cell_a1"]
    candidacy = Candidacy.objects.create(
        person=PersonFactory(organisation=cell),
        organisation=cell,
        opened_on=dt.date(2025, 9, 1),
        stage_changed_on=dt.date(2025, 9, 1),
    )
    dossier_changed(candidacy, before=None)
    _verify()
    cell.refresh_from_db()
    assert cell.candidate_count == 1
    assert candidacy.next_action == "record_certificate" and not candidacy.next_stale
    # A dossier moved to another cell by hand: the hook follows it.
    before = DossierSnapshot.of(candidacy)
    candidacy.organisation = tree["cell_a2"]
    Candidacy.objects.filter(pk=candidacy.pk).update(organisation=tree["cell_a2"])
    event = CandidacyEvent.objects.create(
        candidacy=candidacy, action=DossierAction.TRANSFER, on=dt.date(2025, 9, 2),
        stage_before="source", stage_after="source", organisation=tree["cell_a2"],
        facts={"from": cell.code, "to": tree["cell_a2"].code},
    )  # fmt: skip
    dossier_changed(candidacy, before=before, event=event)
    _verify()


@pytest.mark.django_db
def test_the_bulk_hook_counts_rows_written_in_bulk(tree):
    cell = tree["cell_a1"]
    rows = [
        Candidacy(
            person=PersonFactory(organisation=cell),
            organisation=cell,
            stage=stage,
            is_open=stage != Stage.OFFICIAL,
            opened_on=dt.date(2025, 9, 1),
            stage_changed_on=dt.date(2025, 9, 1),
        )
        for stage in (Stage.SOURCE, Stage.APPLIED)
    ]
    Candidacy.objects.bulk_create(rows)
    dossiers_changed([c.pk for c in rows])
    _verify()
    cell.refresh_from_db()
    assert cell.candidate_count == 2
