"""The dossier asks the dated competence who decides (QĐ 294, regulations §7): a village cell
directly under a commune is an ordinary cell before 1 July 2025 (the commune's committee votes,
the province decides) and a grassroots cell from that day (the commune's standing committee
decides at once)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ptdv.accounts.models import Role
from ptdv.candidacies.case import build_case, candidacy_next, candidacy_verdict
from ptdv.candidacies.models import Candidacy, Stage
from ptdv.candidacies.selectors import candidacy_attach_escalations
from ptdv.candidacies.workflow import WrongStage, candidacy_act, candidacy_checklist
from ptdv.factories import (
    CandidacyFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    user_with_role,
)
from ptdv.members.models import PartyMembership
from ptdv.organisations.competence import REFORM_DATE, DecisionRef, competence_record
from ptdv.organisations.models import CompetenceBasis, Kind, Organisation
from ptdv.rules import engine


def act(user: Any, candidacy: Candidacy, action: str, **data: Any) -> Any:
    return candidacy_act(actor=user, candidacy_id=candidacy.pk, action=action, data=data)


@pytest.fixture
def commune_tree(db: Any) -> dict[str, Organisation]:
    province = OrganisationFactory(name="Đảng bộ tỉnh Hà Tĩnh", code="P", kind=Kind.PROVINCE)
    commune = OrganisationFactory(
        parent=province, name="Đảng bộ xã Thiên Cầm", code="X1", kind=Kind.COMMUNE
    )
    village = OrganisationFactory(parent=commune, name="Chi bộ thôn Hạ Hương", code="V1")
    school = OrganisationFactory(
        parent=commune, name="Đảng bộ Trường THPT", code="G1", kind=Kind.GRASSROOTS_COMMITTEE
    )
    teachers = OrganisationFactory(parent=school, name="Chi bộ Giáo viên", code="G1C")
    for cell in (village, teachers):
        for _ in range(9):
            MembershipFactory(organisation=cell)
    competence_record(
        actor=None,
        subject=commune,
        decider=commune,
        valid_from=REFORM_DATE,
        decision=DecisionRef("294-QĐ/TW", None, "Ban Chấp hành Trung ương Đảng"),
    )
    return {
        "province": province,
        "commune": commune,
        "village": village,
        "school": school,
        "teachers": teachers,
    }


def branch_resolved(user: Any, cell: Organisation, branch: dt.date, given: str) -> Candidacy:
    """A dossier of `cell` taken through its preparation to the cell's vote on `branch`."""
    person = PersonFactory(
        organisation=cell,
        given_name=given,
        birth_date=dt.date(2000, 3, 5),
        education="university",
        youth_union_member=True,
    )
    helper = PartyMembership.objects.filter(organisation=cell, status="official").first()
    assert helper is not None
    candidacy = CandidacyFactory(
        person=person, organisation=cell, opened_on=branch - dt.timedelta(days=400), helper=helper
    )
    start = branch - dt.timedelta(days=200)
    act(user, candidacy, "record_certificate", date=str(start), certificate_date=str(start))
    day = str(start + dt.timedelta(days=30))
    act(user, candidacy, "record_application", date=day, application_date=day, history_date=day)
    day = str(branch - dt.timedelta(days=40))
    act(user, candidacy, "record_verification", date=day, concluded_on=day)
    act(user, candidacy, "record_opinions", date=day, opinions_date=day)
    act(
        user, candidacy, "record_introduction", date=day, kind="member",
        membership=helper.pk, months_together=14, introduced_on=day,
    )  # fmt: skip
    act(
        user, candidacy, "record_introduction", date=day, kind="youth_union_committee",
        introduced_on=day,
    )  # fmt: skip
    act(user, candidacy, "branch_vote", date=str(branch), vote={"agree": 8})
    candidacy.refresh_from_db()
    assert candidacy.stage == Stage.BRANCH_RESOLVED
    return candidacy


@pytest.fixture
def approver(commune_tree: dict[str, Organisation]) -> Any:
    return user_with_role(commune_tree["province"], Role.APPROVER)


def test_the_case_reads_the_competence_of_its_date(
    commune_tree: dict[str, Organisation], approver: Any
) -> None:
    candidacy = branch_resolved(approver, commune_tree["village"], dt.date(2025, 5, 5), "An")
    before = build_case(candidacy, "admission_decision", dt.date(2025, 6, 20))
    after = build_case(candidacy, "admission_decision", dt.date(2025, 7, 20))
    assert before.organisation is not None and after.organisation is not None
    assert not before.organisation.is_grassroots_cell
    assert after.organisation.is_grassroots_cell
    assert not before.organisation.grassroots_committee_authorised
    assert before.decider is after.decider is engine.Decider.STANDING_COMMITTEE_ABOVE


def test_decider_competent_follows_an_authorisation_from_its_date(
    commune_tree: dict[str, Organisation], approver: Any
) -> None:
    """Only an authorised grassroots committee may decide itself: the school's committee may
    not before its authorisation, may from its date; a village cell has none at all."""
    tree = commune_tree
    teachers = branch_resolved(approver, tree["teachers"], dt.date(2026, 1, 10), "Bình")
    act(approver, teachers, "committee_vote", date="2026-01-20", vote={"agree": 6, "body_size": 7})
    by_itself = {"decider": "authorised_grassroots_committee", "vote": {"agree": 6, "body_size": 7}}
    refused = candidacy_verdict(teachers, "admission_decision", dt.date(2026, 2, 2), by_itself)
    assert "decider.competent" in {v.rule for v in refused.violations}
    competence_record(
        actor=user_with_role(tree["commune"], Role.ADMINISTRATOR),
        subject=tree["school"],
        decider=tree["school"],
        basis=CompetenceBasis.AUTHORISED,
        valid_from=dt.date(2026, 2, 1),
        decision={"number": "15-QĐ/ĐU", "date": dt.date(2026, 1, 25)},
    )
    teachers.refresh_from_db()
    allowed = candidacy_verdict(teachers, "admission_decision", dt.date(2026, 2, 2), by_itself)
    assert allowed.allowed, allowed.violations
    earlier = candidacy_verdict(teachers, "admission_decision", dt.date(2026, 1, 30), by_itself)
    assert "decider.competent" in {v.rule for v in earlier.violations}
    village = branch_resolved(approver, tree["village"], dt.date(2026, 1, 10), "Cường")
    wrong = candidacy_verdict(village, "admission_decision", dt.date(2026, 2, 2), by_itself)
    assert "decider.competent" in {v.rule for v in wrong.violations}
    # Left empty, the decider is the competent one: the commune's standing committee.
    right = candidacy_verdict(
        village, "admission_decision", dt.date(2026, 2, 2), {"vote": {"agree": 5, "body_size": 9}}
    )
    assert right.allowed, right.violations


def test_before_the_reform_the_commune_votes_then_the_province_decides(
    commune_tree: dict[str, Organisation], approver: Any
) -> None:
    candidacy = branch_resolved(approver, commune_tree["village"], dt.date(2025, 3, 3), "Dũng")
    assert candidacy_next(candidacy, dt.date(2025, 3, 4)).action == "committee_vote"
    with pytest.raises(WrongStage):
        act(approver, candidacy, "admission_decision", date="2025-03-20",
            vote={"agree": 5, "body_size": 9})  # fmt: skip
    act(approver, candidacy, "committee_vote", date="2025-03-10", vote={"agree": 6, "body_size": 7})
    act(approver, candidacy, "admission_decision", date="2025-04-01",
        vote={"agree": 5, "body_size": 9})  # fmt: skip
    candidacy.refresh_from_db()
    assert candidacy.stage == Stage.DECIDED


def test_after_the_reform_the_village_cell_goes_straight_to_the_commune(
    commune_tree: dict[str, Organisation], approver: Any
) -> None:
    candidacy = branch_resolved(approver, commune_tree["village"], dt.date(2025, 9, 1), "Hà")
    assert candidacy_next(candidacy, dt.date(2025, 9, 2)).action == "admission_decision"
    with pytest.raises(WrongStage):
        act(approver, candidacy, "committee_vote", date="2025-09-05",
            vote={"agree": 6, "body_size": 7})  # fmt: skip
    act(approver, candidacy, "admission_decision", date="2025-09-15",
        vote={"agree": 5, "body_size": 9})  # fmt: skip
    candidacy.refresh_from_db()
    assert candidacy.stage == Stage.DECIDED and candidacy.committee_resolution_date is None


def test_a_dossier_voted_before_the_reform_is_decided_after_it_without_a_committee_vote(
    commune_tree: dict[str, Organisation], approver: Any
) -> None:
    candidacy = branch_resolved(approver, commune_tree["village"], dt.date(2025, 6, 16), "Lan")
    assert candidacy_next(candidacy, dt.date(2025, 6, 20)).action == "committee_vote"
    assert candidacy_next(candidacy, dt.date(2025, 7, 2)).action == "admission_decision"
    act(approver, candidacy, "admission_decision", date="2025-07-10",
        vote={"agree": 5, "body_size": 9})  # fmt: skip
    candidacy.refresh_from_db()
    assert candidacy.stage == Stage.DECIDED


def test_an_overdue_decision_escalates_above_the_competent_body(
    commune_tree: dict[str, Organisation], approver: Any
) -> None:
    """Today the commune decides for its village cell: an overdue decision is reported to the
    province (one level above it); an overdue ceremony to the commune (above the cell)."""
    candidacy = branch_resolved(approver, commune_tree["village"], dt.date(2025, 9, 1), "Mai")
    candidacy = Candidacy.objects.select_related("organisation").get(pk=candidacy.pk)
    candidacy.next_action, candidacy.next_due = "admission_decision", dt.date(2025, 12, 1)
    candidacy_attach_escalations([candidacy])
    assert candidacy.escalated_to == commune_tree["province"]  # type: ignore[attr-defined]
    candidacy.next_action = "ceremony"
    candidacy_attach_escalations([candidacy])
    assert candidacy.escalated_to == commune_tree["commune"]  # type: ignore[attr-defined]


def test_the_checklist_names_the_body_competent_on_the_day(
    commune_tree: dict[str, Organisation], approver: Any
) -> None:
    candidacy = branch_resolved(approver, commune_tree["village"], dt.date(2025, 6, 16), "Nga")

    def decider_row(today: dt.date) -> dict[str, Any]:
        rows = candidacy_checklist(candidacy, today)
        return next(r for r in rows if r["rule"] == "decider.competent")

    after = decider_row(dt.date(2025, 7, 2))
    assert after["ok"] and after["message"].endswith(": Ban Thường vụ Đảng ủy xã Thiên Cầm")
    # Before the reform the next step is the commune committee's vote: no decider row yet.
    assert all(
        r["rule"] != "decider.competent"
        for r in candidacy_checklist(candidacy, dt.date(2025, 6, 20))
    )
