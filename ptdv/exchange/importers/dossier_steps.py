"""A legacy file's dossier row as the past steps it attests, each judged by the rule set in
force on its date. What only the legacy file knows stays here: the introducers as declared
on paper, the dates, and the findings of steps that the rules of their day did not allow."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ptdv.candidacies.models import Candidacy, IntroducerKind, Outcome, Stage
from ptdv.candidacies.workflow import (
    DossierContext,
    build_case,
    committee_step_needed,
    grassroots_authorised,
)
from ptdv.exchange.importers.people import PersonRow, person_build
from ptdv.organisations.models import Organisation
from ptdv.rules import engine

RULES_START = dt.date(2021, 7, 30)
NO_COMMITTEE_STEP = "Chi bộ này không qua bước đảng ủy cơ sở."
NO_COMMITTEE_RESOLUTION = "Chưa có nghị quyết đảng ủy cơ sở (8-KNĐ) trước quyết định."


@dataclass
class Step:
    action: str
    on: dt.date
    stage_before: str
    stage_after: str
    facts: dict[str, Any] = field(default_factory=dict)
    vote: dict[str, Any] = field(default_factory=dict)
    document: dict[str, Any] = field(default_factory=dict)
    outcome: str = ""
    rule_set_id: str = ""
    findings: list[dict[str, str]] = field(default_factory=list)
    flagged: bool = False

    def flag(self, rule: str, message: str) -> None:
        self.flagged = True
        self.findings.append({"rule": rule, "message": message, "source": ""})


def declared_introducers(data: dict[str, Any]) -> list[engine.Introducer]:
    """The introducers as the legacy file declares them: it records that the introduction
    was made on the official form; the introducers' standing (official, 12 months together)
    was checked on paper."""
    form = data.get("introduction_form")
    day = data.get("introduction_date")
    if not form or not day:
        return []
    member = engine.Introducer(
        kind=engine.IntroducerKind.MEMBER, date=day, official=True, months_together=12
    )
    if form == "members":
        return [member, member]
    kind = (
        engine.IntroducerKind.YOUTH_UNION_COMMITTEE
        if form == "youth_union"
        else engine.IntroducerKind.TRADE_UNION_COMMITTEE
    )
    return [engine.Introducer(kind=kind, date=day), member]


def introducer_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The Introducer rows of the dossier, as it will be judged later (the branch vote): the
    member introducers' standing is as declared (official, 12 months together), not linked
    to a record."""
    form = data.get("introduction_form")
    day = data.get("introduction_date")
    if not form or not day:
        return []
    member_row = {
        "kind": IntroducerKind.MEMBER,
        "declared_official": True,
        "months_together": 12,
        "date": day,
    }
    if form == "members":
        return [member_row, dict(member_row)]
    kind = {"youth_union": IntroducerKind.YOUTH_UNION_COMMITTEE}.get(
        form, IntroducerKind.TRADE_UNION_COMMITTEE
    )
    return [{"kind": kind, "date": day}, member_row]


def document(number: str | None, day: dt.date | None, signer: str | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if number:
        found["number"] = number
        found["date"] = day
    if signer:
        found["signer"] = signer
    return found


def _vote(data: dict[str, Any], prefix: str) -> dict[str, Any]:
    """A body's vote: who agreed out of its size."""
    return {"agree": data.get(f"{prefix}_agree"), "body_size": data.get(f"{prefix}_size")}


class LegacySteps:
    """The steps of one dossier row, in order, and the candidacy they leave (unsaved)."""

    def __init__(
        self,
        item: PersonRow,
        ancestors: list[Organisation],
        official_members: int,
        calendar: engine.WorkingCalendar,
        today: dt.date,
    ) -> None:
        data = self.data = item.data
        self.ancestors = ancestors
        self.cell = ancestors[0]
        person = person_build(data, self.cell.pk, item.extra.get("locality"))
        self.candidacy = Candidacy(person=person, organisation=self.cell, stage=Stage.SOURCE)
        official = data.get("branch_official")
        self.context = DossierContext(
            ancestors=ancestors,
            official_members=official if official is not None else official_members,
            introducers=declared_introducers(data),
            consents=[],
            previous_membership=None,
        )
        self.calendar = calendar
        self.today = today
        self.steps: list[Step] = []
        self.stage = Stage.SOURCE.value

    def build(self) -> list[Step]:
        self._certificate()
        self._application()
        self._verification()
        self._introduction()
        self._opinions()
        self.steps.sort(key=lambda s: s.on)
        self._branch()
        self._committee()
        self._decision()
        self._ceremony()
        self._course()
        self._recognition()
        self._recognition_decision()
        return self.steps

    # --- Recording and judging a step ----------------------------------------------------

    def add(self, action: str, on: dt.date, after: str | None = None, **kwargs: Any) -> Step:
        step = Step(action, on, self.stage, after or self.stage, **kwargs)
        rule_set = engine.ruleset_for(on)
        step.rule_set_id = rule_set.id if rule_set else ""
        if rule_set is None:
            step.flag("case", f"Bước ngày {on:%d/%m/%Y} trước bộ quy định cũ nhất (30/07/2021).")
        self.stage = step.stage_after
        self.steps.append(step)
        return step

    def judge(self, step: Step, engine_action: str, facts: dict[str, Any]) -> None:
        case = build_case(self.candidacy, engine_action, step.on, facts, self.context)
        try:
            engine.validate_case(case)
        except engine.CaseError as exc:
            step.flagged = True
            if not any(f["rule"] == "case" for f in step.findings):
                step.findings.append({"rule": "case", "message": exc.message, "source": ""})
            return
        verdict = engine.evaluate(case, self.calendar)
        step.rule_set_id = verdict.rule_set_id
        if not verdict.allowed:
            step.flagged = True
            step.findings += [v.to_dict() for v in verdict.violations]
        step.findings += [w.to_dict() for w in verdict.warnings]

    # --- The individual steps, in the legacy file's columns ------------------------------

    def _certificate(self) -> None:
        data, candidacy = self.data, self.candidacy
        if data.get("certificate_date"):
            self.add(
                "record_certificate",
                data["certificate_date"],
                Stage.TRAINED,
                facts={"certificate_date": data["certificate_date"]},
                document=document(data.get("certificate_number"), data["certificate_date"]),
            )
            candidacy.certificate_date = data["certificate_date"]

    def _application(self) -> None:
        data, candidacy = self.data, self.candidacy
        if not (data.get("application_date") and data.get("history_date")):
            return
        step = self.add(
            "record_application",
            max(data["application_date"], data["history_date"]),
            Stage.APPLIED,
            facts={
                "application_date": data["application_date"],
                "history_date": data["history_date"],
            },
        )
        if data["application_date"] > data["history_date"]:
            step.flag("application.before_history", "Đơn xin vào Đảng có sau lý lịch.")
        candidacy.application_date = data["application_date"]
        candidacy.history_date = data["history_date"]

    def _verification(self) -> None:
        data, candidacy = self.data, self.candidacy
        if not (data.get("verification_date") or data.get("verification_waived")):
            return
        on = data.get("verification_date") or data.get("application_date") or self.today
        self.add(
            "record_verification",
            on,
            facts={
                "concluded_on": data.get("verification_date"),
                "waived": bool(data.get("verification_waived")),
            },
        )
        candidacy.verification_concluded_on = data.get("verification_date")
        candidacy.verification_waived = bool(data.get("verification_waived"))

    def _introduction(self) -> None:
        data = self.data
        form = data.get("introduction_form")
        if not (form and data.get("introduction_date")):
            return
        introducer_kind = {
            "members": IntroducerKind.MEMBER,
            "youth_union": IntroducerKind.YOUTH_UNION_COMMITTEE,
        }.get(form, IntroducerKind.TRADE_UNION_COMMITTEE)
        self.add(
            "record_introduction",
            data["introduction_date"],
            facts={"kind": str(introducer_kind), "form": form},
        )

    def _opinions(self) -> None:
        data = self.data
        if data.get("opinions_date"):
            self.add(
                "record_opinions",
                data["opinions_date"],
                facts={"opinions_date": data["opinions_date"]},
            )
            self.candidacy.opinions_date = data["opinions_date"]

    def _branch(self) -> None:
        data = self.data
        if not data.get("branch_date"):
            return
        agree = data.get("branch_agree")
        official = self.context.official_members
        step = self.add(
            "branch_vote",
            data["branch_date"],
            Stage.BRANCH_RESOLVED,
            vote={"agree": agree, "official_members": official, "denominator": official},
            outcome=Outcome.PASSED,
            document=document(data.get("branch_number"), data["branch_date"]),
        )
        self.judge(step, "branch_vote", {"vote": {"agree": agree}})
        self.candidacy.branch_resolution_date = data["branch_date"]

    def _committee(self) -> None:
        data = self.data
        if not data.get("committee_date"):
            # Without a committee step where one was needed, the decision is flagged.
            return
        vote = {"agree": data.get("committee_agree"), "body_size": data.get("committee_size")}
        step = self.add(
            "committee_vote",
            data["committee_date"],
            Stage.COMMITTEE_RESOLVED,
            vote={**vote, "denominator": vote["body_size"]},
            outcome=Outcome.PASSED,
            document=document(data.get("committee_number"), data["committee_date"]),
        )
        if not committee_step_needed(self.cell, self.ancestors):
            step.flag("case", NO_COMMITTEE_STEP)
        else:
            self.judge(step, "committee_vote", {"vote": vote})
        self.candidacy.committee_resolution_date = data["committee_date"]

    def _decision(self) -> None:
        data = self.data
        if not data.get("decision_date"):
            return
        vote = _vote(data, "decision")
        decider = (
            "authorised_grassroots_committee"
            if grassroots_authorised(self.ancestors)
            else "standing_committee_above"
        )
        step = self.add(
            "admission_decision",
            data["decision_date"],
            Stage.DECIDED,
            vote={**vote, "denominator": vote["body_size"]},
            outcome=Outcome.PASSED,
            facts={"decider": decider},
            document=document(
                data.get("decision_number"), data["decision_date"], data.get("decision_signer")
            ),
        )
        if committee_step_needed(self.cell, self.ancestors) and not data.get("committee_date"):
            step.flag("case", NO_COMMITTEE_RESOLUTION)
        self.judge(step, "admission_decision", {"vote": vote})
        self.candidacy.decision_date = data["decision_date"]

    def _ceremony(self) -> None:
        data, candidacy = self.data, self.candidacy
        if not data.get("ceremony_date"):
            return
        received = data.get("decision_received_date") or data.get("decision_date")
        step = self.add(
            "ceremony",
            data["ceremony_date"],
            Stage.PROBATIONARY,
            facts={"decision_received_date": received},
        )
        self.judge(step, "ceremony", {"decision_received_date": received})
        candidacy.decision_received_date = received
        candidacy.ceremony_date = data["ceremony_date"]

    def _course(self) -> None:
        data = self.data
        if data.get("newmember_course_date"):
            self.add("record_newmember_course", data["newmember_course_date"])
            self.candidacy.newmember_course_date = data["newmember_course_date"]

    def _recognition(self) -> None:
        data = self.data
        if not data.get("recognition_date"):
            return
        agree = data.get("recognition_agree")
        official = self.context.official_members
        step = self.add(
            "recognition_vote",
            data["recognition_date"],
            vote={"agree": agree, "official_members": official, "denominator": official},
            outcome=Outcome.PASSED,
            document=document(data.get("recognition_number"), data["recognition_date"]),
        )
        self.judge(step, "recognition_vote", {"vote": {"agree": agree}})
        self.candidacy.recognition_resolution_date = data["recognition_date"]

    def _recognition_decision(self) -> None:
        data = self.data
        if not data.get("recognition_decision_date"):
            return
        vote = _vote(data, "recognition_decision")
        step = self.add(
            "recognition_decision",
            data["recognition_decision_date"],
            Stage.OFFICIAL,
            vote={**vote, "denominator": vote["body_size"]},
            outcome=Outcome.PASSED,
            document=document(
                data.get("recognition_decision_number"), data["recognition_decision_date"]
            ),
        )
        self.judge(step, "recognition_decision", {"vote": vote})
        self.candidacy.recognition_decision_date = data["recognition_decision_date"]
