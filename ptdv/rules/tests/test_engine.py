"""Targeted tests of the engine: results, messages, sources, next action, case errors."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ptdv.rules.engine import (
    OUTCOME_RULES,
    RULE_IDS,
    RULE_SETS,
    Applicant,
    Case,
    CaseError,
    Consent,
    ConsentKind,
    Decider,
    Dossier,
    EngineAction,
    Introducer,
    IntroducerKind,
    Organisation,
    Previous,
    Verdict,
    Verification,
    Vote,
    WorkingCalendar,
    evaluate,
    list_parameters,
    list_rules,
    load_case_json,
    parameter_details,
    parse_case,
    ruleset_by_id,
    ruleset_for,
    validate_case,
)

D = dt.date
CAL = WorkingCalendar()
PROPERTY = settings(database=None, deadline=None, max_examples=200)

# The case of docs/rule-cases.md "A case" (allowed as it stands).
BASE: dict[str, Any] = {
    "action": "branch_vote",
    "date": "2026-03-02",
    "applicant": {
        "birth_date": "2000-03-05",
        "education": "upper_secondary",
        "area_flags": [],
        "roles": [],
        "youth_union_member": True,
        "trade_union_member": False,
        "previous_membership": None,
    },
    "organisation": {
        "has_youth_union": True,
        "has_trade_union": True,
        "is_grassroots_cell": False,
        "grassroots_committee_authorised": False,
        "official_members": 9,
        "temporarily_attached_elsewhere": 1,
        "exempted_absent": 0,
    },
    "dossier": {
        "certificate_date": "2022-05-10",
        "application_date": "2025-10-01",
        "history_date": "2025-10-05",
        "verification": {"concluded_on": "2025-12-01", "waived": False},
        "opinions_date": "2025-12-15",
        "introducers": [
            {
                "kind": "member",
                "official": True,
                "months_together": 14,
                "replacement": False,
                "date": "2025-12-10",
            },
            {"kind": "youth_union_committee", "date": "2025-12-12"},
        ],
        "consents": [],
    },
    "vote": {"agree": 6, "body_size": None},
    "previous": {},
}


def base(**top: Any) -> dict[str, Any]:
    case = copy.deepcopy(BASE)
    case.update(top)
    return case


def run(data: dict[str, Any], calendar: WorkingCalendar = CAL) -> Verdict:
    return evaluate(parse_case(data), calendar)


def ids(verdict: Verdict) -> set[str]:
    return set(verdict.violation_ids)


def decision(**extra: Any) -> dict[str, Any]:
    case: dict[str, Any] = {
        "action": "admission_decision",
        "date": "2026-06-15",
        "decider": "standing_committee_above",
        "applicant": {"birth_date": "1965-06-01"},
        "vote": {"agree": 5, "body_size": 7},
        "previous": {"branch_resolution_date": "2026-05-04"},
    }
    case.update(extra)
    return case


# --- The worked examples, exactly -------------------------------------------------------------


def test_worked_example_1_result_object_exactly() -> None:
    data = base()
    data["dossier"]["certificate_date"] = "2020-05-10"
    assert run(data).to_dict() == {
        "action": "branch_vote",
        "date": "2026-03-02",
        "rule_set_id": "qd294-2025-07-01",
        "rule_set": "QĐ 294-QĐ/TW, HD 06-HD/TW (từ 01/07/2025)",
        "allowed": False,
        "violations": [
            {
                "rule": "certificate.valid",
                "message": (
                    "Giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng cấp ngày 10/05/2020 "
                    "đã quá 60 tháng."
                ),
                "source": "HD 06-HD/TW §5.4",
            }
        ],
        "warnings": [],
        "next": {
            "action": "branch_vote",
            "earliest": None,
            "due": None,
            "missing": ["certificate.valid"],
            "expiring": [],
        },
    }


def test_worked_example_2_vote_short_of_two_thirds_names_the_count() -> None:
    data = base()
    data["vote"]["agree"] = 5
    verdict = run(data)
    assert verdict.violation_ids == ("vote.branch_two_thirds",)
    message = verdict.violations[0].message
    assert "5/8" in message and "cần ít nhất 6" in message
    assert verdict.gates_passed and verdict.outcome_passed is False


def test_worked_example_3_ceremony_across_tet() -> None:
    verdict = run(
        {
            "action": "ceremony",
            "date": "2026-03-20",
            "applicant": {"birth_date": "2000-03-05"},
            "previous": {"decision_received_date": "2026-02-02"},
        }
    )
    assert verdict.allowed
    assert verdict.outcome_rule is None and verdict.outcome_passed is None


def test_worked_example_4_over_60_consent() -> None:
    verdict = run(decision())
    assert verdict.violation_ids == ("age.over_60_consent",)
    assert "01/06/1965" in verdict.violations[0].message
    assert "731 tháng" in verdict.violations[0].message
    consent = {"kind": "provincial_over_60", "date": "2026-06-15", "ref": "12-CV/TU"}
    assert run(decision(dossier={"consents": [consent]})).allowed


# --- Messages name the failed fact; sources come from the rule set ------------------------------


def test_every_violation_has_the_rule_sets_source() -> None:
    data = base(date="2026-03-02")
    data["applicant"]["birth_date"] = "2010-03-10"
    data["applicant"]["education"] = "primary"
    data["dossier"]["certificate_date"] = None
    data["dossier"]["verification"] = None
    data["organisation"]["official_members"] = 2
    data["organisation"]["temporarily_attached_elsewhere"] = 0
    data["vote"]["agree"] = 1
    verdict = run(data)
    assert ids(verdict) == {
        "age.minimum",
        "education.minimum",
        "certificate.valid",
        "verification.done",
        "branch.min_official_members",
        "vote.branch_two_thirds",
    }
    rule_set = ruleset_by_id(verdict.rule_set_id)
    for finding in verdict.violations:
        assert finding.source == rule_set.rule_source(finding.rule)
        assert finding.message.endswith(".")
    assert len(verdict.violation_ids) == len(set(verdict.violation_ids))


def test_messages_write_dates_as_dd_mm_yyyy() -> None:
    data = base()
    data["dossier"]["verification"]["concluded_on"] = "2025-03-01"
    data["dossier"]["introducers"][0]["months_together"] = 11
    verdict = run(data)
    assert ids(verdict) == {"verification.valid", "introducers.valid"}
    messages = {f.rule: f.message for f in verdict.violations}
    assert "01/03/2025" in messages["verification.valid"]
    assert "11 tháng" in messages["introducers.valid"]


def test_age_message_names_the_birth_date_and_the_day_it_is_reached() -> None:
    data = base()
    data["applicant"]["birth_date"] = "2008-04-15"
    verdict = run(data)
    assert verdict.violation_ids == ("age.minimum",)
    assert "15/04/2008" in verdict.violations[0].message
    assert "215 tháng" in verdict.violations[0].message
    assert verdict.next.earliest == D(2026, 4, 1)


def test_late_consent_is_named_in_the_message() -> None:
    consent = {"kind": "provincial_over_60", "date": "2026-06-16", "ref": "12-CV/TU"}
    verdict = run(decision(dossier={"consents": [consent]}))
    assert "12-CV/TU" in verdict.violations[0].message
    assert "16/06/2026" in verdict.violations[0].message


def test_rule_sets_cite_their_own_documents() -> None:
    data = base(date="2023-06-15")
    data["dossier"]["certificate_date"] = "2018-06-14"
    verdict = run(data)
    assert verdict.rule_set_id == "qd24-2021-07-30"
    assert verdict.violations[0].source == "HD 01-HD/TW (2021) §3"
    data = decision(date="2025-03-14", vote={"agree": 3, "body_size": 7})
    data["previous"]["branch_resolution_date"] = "2025-02-03"
    data["applicant"]["birth_date"] = "1960-01-01"  # 781 months at the branch vote
    verdict = run(data)
    assert verdict.rule_set_id == "qd232-2025-01-20"
    sources = {f.rule: f.source for f in verdict.violations}
    assert sources == {
        "age.over_60_consent": "QĐ 232-QĐ/TW §1.1.2; HD 01-HD/TW (2021) §1.1",
        "vote.standing_majority": "Điều lệ Đảng Điều 9 khoản 5; QĐ 232-QĐ/TW §9.3",
    }


# --- Rule sets as data ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2021, 7, 29), None),
        (D(2021, 7, 30), "qd24-2021-07-30"),
        (D(2025, 1, 19), "qd24-2021-07-30"),
        (D(2025, 1, 20), "qd232-2025-01-20"),
        (D(2025, 6, 30), "qd232-2025-01-20"),
        (D(2025, 7, 1), "qd294-2025-07-01"),
        (D(2031, 1, 1), "qd294-2025-07-01"),
    ],
)
def test_ruleset_for(day: dt.date, expected: str | None) -> None:
    rule_set = ruleset_for(day)
    assert (rule_set.id if rule_set else None) == expected


def test_parameters_are_listed_with_labels_and_sources() -> None:
    for rule_set in RULE_SETS:
        rows = {row.key: row for row in list_parameters(rule_set)}
        expected = {
            "min_age_months": 216,
            "over_60_months": 720,
            "certificate_valid_months": 60,
            "introducer_cowork_months": 12,
            "verification_valid_months": 12,
            "youth_min_months": 192,
            "youth_max_months": 371,
            "decision_deadline_working_days": 60,
            "decision_max_extension_working_days": 30,
            "ceremony_deadline_working_days": 30,
            "member_file_deadline_working_days": 30,
            "probation_months": 12,
            "recognition_vote_deadline_working_days": 30,
            "recognition_decision_deadline_working_days": 30,
            "recognition_decision_max_extension_working_days": 30,
            "max_failed_recognition_votes": 3,
            "readmission_wait_months": 36,
            "readmission_expunged_wait_months": 60,
            "branch_min_official_members": 3,
            "branch_vote_numerator": 2,
            "branch_vote_denominator": 3,
            "committee_vote_numerator": 2,
            "committee_vote_denominator": 3,
            "standing_majority_numerator": 1,
            "standing_majority_denominator": 2,
            "education_minimum": "lower_secondary",
        }
        for key, value in expected.items():
            assert rows[key].value == value, key
        for row in rows.values():
            assert row.label and row.source
            key, value, label, source = row  # a plain 4-tuple for the admin screen
            assert (key, value, label, source) == tuple(row)
    qd294 = ruleset_by_id("qd294-2025-07-01")
    rows294 = {row.key: row for row in list_parameters(qd294)}
    assert rows294["certificate_valid_months"].source == "HD 06-HD/TW §5.4"
    notes = {p.key: p.note for p in parameter_details(qd294)}
    assert "12 tháng" in notes["verification_valid_months"]


def test_every_rule_of_workflow_section_2_has_a_label_and_source_in_every_set() -> None:
    assert len(RULE_IDS) == 30 and len(set(RULE_IDS)) == 30
    for rule_set in RULE_SETS:
        rows = list_rules(rule_set)
        assert [row.rule_id for row in rows] == list(RULE_IDS)
        assert all(row.label and row.source for row in rows)


def test_rule_set_labels() -> None:
    assert ruleset_by_id("qd294-2025-07-01").label == "QĐ 294-QĐ/TW, HD 06-HD/TW (từ 01/07/2025)"
    with pytest.raises(KeyError):
        ruleset_by_id("qd29-2016")


# --- Rules around their boundaries (beyond the conformance files) -----------------------------


def test_introducer_dated_after_the_vote_does_not_count() -> None:
    data = base()
    data["dossier"]["introducers"][1]["date"] = "2026-03-03"
    verdict = run(data)
    assert verdict.violation_ids == ("introducers.valid",)
    assert "03/03/2026" in verdict.violations[0].message


def test_dossier_documents_dated_after_the_vote_are_not_yet_present() -> None:
    data = base()
    data["dossier"]["opinions_date"] = "2026-03-03"
    data["dossier"]["verification"]["concluded_on"] = "2026-03-05"
    data["dossier"]["history_date"] = "2026-03-04"
    assert ids(run(data)) == {"opinions.done", "verification.done", "application.before_history"}


def test_empty_dossier_fails_every_document_rule() -> None:
    data = base(dossier={})
    assert ids(run(data)) == {
        "certificate.valid",
        "application.before_history",
        "introducers.valid",
        "verification.done",
        "opinions.done",
    }


def test_no_voter_left_after_exclusions_fails_the_vote() -> None:
    data = base()
    data["organisation"].update(official_members=3, temporarily_attached_elsewhere=2)
    data["organisation"]["exempted_absent"] = 1
    data["vote"]["agree"] = 0
    verdict = run(data)
    assert verdict.violation_ids == ("vote.branch_two_thirds",)


def test_readmission_for_a_less_serious_crime_needs_both_waits() -> None:
    data = base()
    data["applicant"]["previous_membership"] = {
        "left_on": "2024-01-01",
        "reason": "less_serious_crime_conviction",
        "expunged_on": "2020-01-01",
    }
    verdict = run(data)
    assert verdict.violation_ids == ("readmission.wait",)
    assert verdict.next.earliest == D(2027, 1, 1)


def test_adjustment_moves_the_ceremony_deadline() -> None:
    late = {
        "action": "ceremony",
        "date": "2026-03-24",
        "applicant": {"birth_date": "2000-03-05"},
        "previous": {"decision_received_date": "2026-02-02"},
    }
    assert not run(late).allowed
    adjusted = WorkingCalendar([(D(2026, 3, 9), False)])  # one more day off
    assert run(late, adjusted).allowed


def test_authorised_committee_is_judged_by_two_thirds_and_standing_by_majority() -> None:
    data = decision(
        applicant={"birth_date": "2000-03-05"},
        vote={"agree": 5, "body_size": 8},
    )
    assert run(data).allowed  # 5 of 8 is more than half
    data.update(
        decider="authorised_grassroots_committee",
        organisation={"grassroots_committee_authorised": True},
    )
    verdict = run(data)
    assert verdict.violation_ids == ("vote.committee_two_thirds",)
    assert verdict.outcome_rule == "vote.committee_two_thirds"


def test_a_vote_with_another_failing_gate_cannot_be_held() -> None:
    data = base()
    data["vote"]["agree"] = 5
    data["dossier"]["opinions_date"] = None
    verdict = run(data)
    assert set(verdict.violation_ids) == {"opinions.done", "vote.branch_two_thirds"}
    assert not verdict.gates_passed and verdict.outcome_passed is False


# --- Next lawful action -----------------------------------------------------------------------


def test_next_after_branch_vote_is_committee_vote_due_in_60_working_days() -> None:
    verdict = run(base())
    assert verdict.next.action is EngineAction.COMMITTEE_VOTE
    assert verdict.next.due == CAL.add_working_days(D(2026, 3, 2), 60)
    assert verdict.next.earliest is None and verdict.next.missing == ()


@pytest.mark.parametrize("flag", ["is_grassroots_cell", "grassroots_committee_authorised"])
def test_next_after_branch_vote_skips_the_committee(flag: str) -> None:
    data = base()
    data["organisation"][flag] = True
    data["previous"] = {"extension_working_days": 10}
    verdict = run(data)
    assert verdict.next.action is EngineAction.ADMISSION_DECISION
    assert verdict.next.due == CAL.add_working_days(D(2026, 3, 2), 70)


def test_next_after_committee_vote_is_the_decision_due_from_the_branch_vote() -> None:
    verdict = run(
        {
            "action": "committee_vote",
            "date": "2026-01-20",
            "applicant": {"birth_date": "2000-03-05"},
            "vote": {"agree": 6, "body_size": 9},
            "previous": {"branch_resolution_date": "2025-12-15"},
        }
    )
    assert verdict.next.action is EngineAction.ADMISSION_DECISION
    assert verdict.next.due == D(2026, 3, 17)


def test_next_after_a_failed_decision_is_the_decision_again() -> None:
    data = decision(applicant={"birth_date": "2000-03-05"}, vote={"agree": 3, "body_size": 7})
    data["previous"]["branch_resolution_date"] = "2025-12-15"
    data["date"] = "2026-02-02"
    verdict = run(data)
    assert verdict.next.action is EngineAction.ADMISSION_DECISION
    assert verdict.next.due == D(2026, 3, 17)
    assert verdict.next.missing == ("vote.standing_majority",)


def test_next_after_decision_is_the_ceremony() -> None:
    data = decision(applicant={"birth_date": "2000-03-05"})
    verdict = run(data)
    assert verdict.next.action is EngineAction.CEREMONY
    assert verdict.next.due == CAL.add_working_days(D(2026, 6, 15), 30)


def test_next_after_ceremony_is_recognition_vote_after_12_months() -> None:
    verdict = run(
        {
            "action": "ceremony",
            "date": "2026-03-20",
            "applicant": {"birth_date": "2000-03-05"},
            "previous": {"decision_received_date": "2026-02-02"},
        }
    )
    assert verdict.next.action is EngineAction.RECOGNITION_VOTE
    assert verdict.next.earliest == D(2027, 3, 20)
    assert verdict.next.due == CAL.add_working_days(D(2027, 3, 20), 30)


def test_next_after_late_ceremony_without_consent_is_the_ceremony_overdue() -> None:
    verdict = run(
        {
            "action": "ceremony",
            "date": "2026-04-01",
            "applicant": {"birth_date": "2000-03-05"},
            "previous": {"decision_received_date": "2026-02-02"},
        }
    )
    assert verdict.next.action is EngineAction.CEREMONY
    assert verdict.next.due == D(2026, 3, 23)
    assert verdict.next.missing == ("deadline.ceremony",)


def recognition_vote(**previous: Any) -> dict[str, Any]:
    prev = {"ceremony_date": "2025-03-03", "newmember_course_date": "2025-09-01"}
    prev.update(previous)
    return {
        "action": "recognition_vote",
        "date": "2026-03-03",
        "applicant": {"birth_date": "2000-03-05"},
        "organisation": {"official_members": 9},
        "vote": {"agree": 6},
        "previous": prev,
    }


def test_next_after_recognition_vote_is_the_recognition_decision() -> None:
    verdict = run(recognition_vote())
    assert verdict.allowed
    assert verdict.next.action is EngineAction.RECOGNITION_DECISION
    assert verdict.next.due == CAL.add_working_days(D(2026, 3, 3), 30)


def test_early_recognition_vote_shows_when_probation_ends() -> None:
    verdict = run(recognition_vote(ceremony_date="2025-03-20"))
    assert verdict.violation_ids == ("probation.complete",)
    assert verdict.next.action is EngineAction.RECOGNITION_VOTE
    assert verdict.next.earliest == D(2026, 3, 20)
    assert verdict.next.due == CAL.add_working_days(D(2026, 3, 20), 30)


def test_after_the_recognition_decision_nothing_is_next() -> None:
    verdict = run(
        {
            "action": "recognition_decision",
            "date": "2026-03-20",
            "decider": "standing_committee_above",
            "applicant": {"birth_date": "2000-03-05"},
            "vote": {"agree": 5, "body_size": 9},
            "previous": {
                "ceremony_date": "2025-03-03",
                "recognition_resolution_date": "2026-03-05",
                "newmember_course_date": "2025-09-01",
            },
        }
    )
    assert verdict.allowed
    assert verdict.next.to_dict() == {
        "action": None,
        "earliest": None,
        "due": None,
        "missing": [],
        "expiring": [],
    }


def test_documents_expiring_before_the_applicant_can_be_admitted() -> None:
    data = base()
    data["applicant"]["birth_date"] = "2008-09-15"  # 18 from 01/09/2026
    data["dossier"]["certificate_date"] = "2021-06-01"  # valid until 01/06/2026
    verdict = run(data)
    assert verdict.violation_ids == ("age.minimum",)
    assert verdict.next.earliest == D(2026, 9, 1)
    expiring = {item.item: item for item in verdict.next.expiring}
    assert expiring["certificate"].valid_until == D(2026, 6, 1)
    assert expiring["certificate"].rule == "certificate.valid"
    assert "introducers[0]" not in expiring  # valid until 10/12/2026
    assert verdict.next.expiring[0].to_dict()["valid_until"] == "2026-06-01"


# --- Cases built directly, as the Django services will ------------------------------------------


def direct_case() -> Case:
    return Case(
        action=EngineAction.BRANCH_VOTE,
        date=D(2026, 3, 2),
        applicant=Applicant(birth_date=D(2000, 3, 5), youth_union_member=True),
        organisation=Organisation(
            has_youth_union=True,
            has_trade_union=True,
            official_members=9,
            temporarily_attached_elsewhere=1,
        ),
        dossier=Dossier(
            certificate_date=D(2022, 5, 10),
            application_date=D(2025, 10, 1),
            history_date=D(2025, 10, 5),
            verification=Verification(concluded_on=D(2025, 12, 1)),
            opinions_date=D(2025, 12, 15),
            introducers=(
                Introducer(IntroducerKind.MEMBER, D(2025, 12, 10), True, 14),
                Introducer(IntroducerKind.YOUTH_UNION_COMMITTEE, D(2025, 12, 12)),
            ),
        ),
        vote=Vote(agree=6),
    )


def test_a_case_built_directly_gets_the_same_verdict_as_its_json() -> None:
    data = base()
    data["applicant"]["education"] = "none"
    direct = direct_case()
    assert evaluate(direct, CAL).to_dict() == run(data).to_dict()


def test_validate_case_refuses_a_directly_built_case_missing_a_field() -> None:
    case = Case(
        action=EngineAction.ADMISSION_DECISION,
        date=D(2026, 6, 15),
        applicant=Applicant(birth_date=D(2000, 1, 1)),
        vote=Vote(agree=5),
        previous=Previous(branch_resolution_date=D(2026, 5, 4), extension_working_days=31),
    )
    with pytest.raises(CaseError) as info:
        evaluate(case, CAL)
    paths = {e.path for e in info.value.errors}
    assert paths == {"decider", "vote.body_size", "previous.extension_working_days"}


def test_a_directly_built_case_without_birth_date_is_refused_not_a_crash() -> None:
    case = Case(
        action=EngineAction.CEREMONY,
        date=D(2026, 3, 20),
        applicant=Applicant(birth_date=None),  # type: ignore[arg-type]
        previous=Previous(decision_received_date=D(2026, 2, 2)),
    )
    with pytest.raises(CaseError) as info:
        validate_case(case)
    assert info.value.path == "applicant.birth_date"


def test_consents_built_directly_count_on_or_before_the_decision() -> None:
    consent = Consent(ConsentKind.PROVINCIAL_OVER_60, D(2026, 6, 15), "12-CV/TU")
    case = Case(
        action=EngineAction.ADMISSION_DECISION,
        date=D(2026, 6, 15),
        decider=Decider.STANDING_COMMITTEE_ABOVE,
        applicant=Applicant(birth_date=D(1965, 6, 1)),
        dossier=Dossier(consents=(consent,)),
        vote=Vote(agree=5, body_size=7),
        previous=Previous(branch_resolution_date=D(2026, 5, 4)),
    )
    assert evaluate(case, CAL).allowed
    validate_case(case)


# --- Malformed cases ---------------------------------------------------------------------------


def errors_of(data: object) -> list[tuple[str, str]]:
    with pytest.raises(CaseError) as info:
        parse_case(data)
    return [(e.path, e.message) for e in info.value.errors]


def test_error_paths_are_dotted_with_indexes_and_messages_name_the_field() -> None:
    data = base()
    data["dossier"]["introducers"][1]["date"] = "2026-02-30"
    [(path, message)] = errors_of(data)
    assert path == "dossier.introducers[1].date"
    assert "dossier.introducers[1].date" in message and "không tồn tại" in message


def test_every_problem_of_a_case_is_reported() -> None:
    data = base(extra=1)
    data["applicant"]["education"] = "high_school"
    data["vote"]["agree"] = "6"
    data["dossier"]["opinions_date"] = "15/12/2025"
    paths = [path for path, _ in errors_of(data)]
    assert paths == [
        "extra",
        "applicant.education",
        "dossier.opinions_date",
        "vote.agree",
    ]


def test_case_error_body_for_http() -> None:
    with pytest.raises(CaseError) as info:
        parse_case(base(date="2021-07-29"))
    body = info.value.to_dict()
    assert body["error"] == "malformed_case"
    assert body["field"] == "date"
    assert "30/07/2021" in str(body["message"])


def test_duplicated_keys_are_refused() -> None:
    text = '{"action": "ceremony", "action": "ceremony", "date": "2026-03-20"}'
    paths = [path for path, _ in errors_of(load_case_json(text))]
    assert "action" in paths


def test_nan_is_not_json() -> None:
    with pytest.raises(ValueError):
        load_case_json('{"vote": {"agree": NaN}}')


@pytest.mark.parametrize("value", [True, 6.0, "6", None, [6]])
def test_agree_must_be_an_integer(value: object) -> None:
    data = base()
    data["vote"]["agree"] = value
    [(path, _)] = errors_of(data)
    assert path == "vote.agree"


def test_dates_outside_the_calendar_years_are_refused() -> None:
    data = base(date="2100-01-04")
    assert [path for path, _ in errors_of(data)] == ["date"]
    data = base()
    data["applicant"]["birth_date"] = "1900-12-31"
    assert [path for path, _ in errors_of(data)] == ["applicant.birth_date"]


# --- Properties ---------------------------------------------------------------------------------


@PROPERTY
@given(st.integers(min_value=1, max_value=80), st.data())
def test_cell_vote_outcome_flips_exactly_at_two_thirds(voters: int, data: st.DataObject) -> None:
    agree = data.draw(st.integers(min_value=0, max_value=voters))
    case = base()
    case["organisation"].update(
        official_members=voters + 2, temporarily_attached_elsewhere=1, exempted_absent=1
    )
    case["vote"]["agree"] = agree
    verdict = run(case)
    assert verdict.allowed == (3 * agree >= 2 * voters)
    assert set(verdict.violation_ids) <= {"vote.branch_two_thirds"}


@PROPERTY
@given(st.integers(min_value=1, max_value=40), st.data())
def test_standing_committee_needs_strictly_more_than_half(body: int, data: st.DataObject) -> None:
    agree = data.draw(st.integers(min_value=0, max_value=body))
    case = decision(
        applicant={"birth_date": "2000-03-05"}, vote={"agree": agree, "body_size": body}
    )
    assert run(case).allowed == (2 * agree > body)


@PROPERTY
@given(st.integers(min_value=1, max_value=40), st.data())
def test_committee_vote_flips_at_two_thirds_of_all_members(body: int, data: st.DataObject) -> None:
    agree = data.draw(st.integers(min_value=0, max_value=body))
    case = {
        "action": "committee_vote",
        "date": "2026-03-20",
        "applicant": {"birth_date": "2000-03-05"},
        "vote": {"agree": agree, "body_size": body},
        "previous": {"branch_resolution_date": "2026-03-02"},
    }
    assert run(case).allowed == (3 * agree >= 2 * body)


@PROPERTY
@given(st.dates(min_value=D(1950, 1, 1), max_value=D(2012, 12, 31)))
def test_age_minimum_flips_exactly_at_216_months(birth: dt.date) -> None:
    case = base()
    case["applicant"]["birth_date"] = birth.isoformat()
    case["dossier"]["introducers"] = [
        {"kind": "member", "official": True, "months_together": 20, "date": "2025-12-10"},
        {"kind": "member", "official": True, "months_together": 20, "date": "2025-12-11"},
    ]
    case["organisation"].update(has_youth_union=False, has_trade_union=False)
    months = (2026 - birth.year) * 12 + 3 - birth.month
    verdict = run(case)
    assert ("age.minimum" in verdict.violation_ids) == (months < 216)


@PROPERTY
@given(
    st.sampled_from(list(EngineAction)),
    st.dates(min_value=D(2021, 7, 30), max_value=D(2030, 12, 31)),
    st.integers(min_value=0, max_value=30),
)
def test_every_verdict_uses_known_ids_once_and_is_deterministic(
    action: EngineAction, day: dt.date, extension: int
) -> None:
    case = base(action=action.value, date=day.isoformat(), decider="standing_committee_above")
    case["dossier"]["consents"] = []
    case["vote"] = {"agree": 5, "body_size": 9}
    case["previous"] = {
        "branch_resolution_date": "2021-07-30",
        "decision_received_date": "2021-07-30",
        "ceremony_date": "2021-07-30",
        "recognition_resolution_date": "2021-07-30",
        "extension_working_days": extension,
    }
    first, second = run(case), run(case)
    assert first.to_dict() == second.to_dict()
    found = first.violation_ids + first.warning_ids
    assert set(found) <= set(RULE_IDS)
    assert len(first.violation_ids) == len(set(first.violation_ids))
    assert first.allowed == (not first.violations)
    if first.outcome_rule is not None:
        assert first.outcome_rule in {OUTCOME_RULES[action], "vote.committee_two_thirds"}
    next_action = first.to_dict()["next"]
    assert isinstance(next_action, dict)
    if not first.allowed:
        assert next_action["action"] == action.value
        assert next_action["missing"] == list(first.violation_ids)
