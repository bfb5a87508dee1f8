"""A legacy file's dossier row as the past steps it attests, for the replay of the action
specs (`ptdv.candidacies.actions.replay`). What only the legacy file knows stays here: the
date each step takes from the columns, the introducers as declared on paper, the documents,
the votes as passed (the file records what was decided), the size of the cell. Each step is
then judged by the replay with the rule set in force on its date, through its spec: a step
the rules of its day did not allow (a committee vote where none is needed, a decision
without the committee's resolution, an application after the personal history, a step
before 30/07/2021) is kept and flagged."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ptdv.candidacies.actions import DossierAction
from ptdv.candidacies.actions.replay import PastStep
from ptdv.candidacies.case import grassroots_authorised
from ptdv.candidacies.models import IntroducerKind, Outcome
from ptdv.organisations.models import Organisation
from ptdv.rules import engine

A = DossierAction
PASSED = str(Outcome.PASSED)  # a vote the file records was passed; the engine judges it
INTRODUCER_KINDS = {
    "members": IntroducerKind.MEMBER,
    "youth_union": IntroducerKind.YOUTH_UNION_COMMITTEE,
}


def declared_introducers(data: dict[str, Any]) -> list[engine.Introducer]:
    """The introducers as the legacy file declares them: it records that the introduction
    was made on the official form; the member introducers' standing (official, 12 months
    together) was checked on paper and is not linked to a membership record."""
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


def document(number: str | None, day: dt.date | None, signer: str | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if number:
        found["number"] = number
        found["date"] = day
    if signer:
        found["signer"] = signer
    return found


def _body_vote(data: dict[str, Any], prefix: str) -> dict[str, Any]:
    """A body's vote: who agreed out of its size."""
    return {"agree": data.get(f"{prefix}_agree"), "body_size": data.get(f"{prefix}_size")}


def past_steps(
    data: dict[str, Any], ancestors: list[Organisation], today: dt.date
) -> list[PastStep]:
    """The steps the row attests: the records before the votes in the order of their dates,
    then the collective steps in the only order they can happen (checked before)."""
    steps = sorted(_records(data, today), key=lambda s: s.on)
    return steps + _collective(data, ancestors)


def _records(data: dict[str, Any], today: dt.date) -> list[PastStep]:
    steps = []
    if data.get("certificate_date"):
        on = data["certificate_date"]
        steps.append(
            PastStep(
                A.RECORD_CERTIFICATE,
                on,
                {"certificate_date": on},
                document=document(data.get("certificate_number"), on),
            )
        )
    if data.get("application_date") and data.get("history_date"):
        application, history = data["application_date"], data["history_date"]
        steps.append(
            PastStep(
                A.RECORD_APPLICATION,
                max(application, history),
                {"application_date": application, "history_date": history},
            )
        )
    if data.get("verification_date") or data.get("verification_waived"):
        steps.append(
            PastStep(
                A.RECORD_VERIFICATION,
                data.get("verification_date") or data.get("application_date") or today,
                {
                    "concluded_on": data.get("verification_date"),
                    "waived": bool(data.get("verification_waived")),
                },
            )
        )
    introducers = declared_introducers(data)
    if introducers:
        form = data["introduction_form"]
        kind = INTRODUCER_KINDS.get(form, IntroducerKind.TRADE_UNION_COMMITTEE)
        steps.append(
            PastStep(
                A.RECORD_INTRODUCTION,
                data["introduction_date"],
                {"kind": str(kind), "form": form},
                introducers=introducers,
            )
        )
    if data.get("opinions_date"):
        on = data["opinions_date"]
        steps.append(PastStep(A.RECORD_OPINIONS, on, {"opinions_date": on}))
    return steps


def _collective(data: dict[str, Any], ancestors: list[Organisation]) -> list[PastStep]:
    steps = []
    if data.get("branch_date"):
        on = data["branch_date"]
        steps.append(
            PastStep(
                A.BRANCH_VOTE,
                on,
                vote={"agree": data.get("branch_agree")},
                outcome=PASSED,
                document=document(data.get("branch_number"), on),
            )
        )
    if data.get("committee_date"):
        on = data["committee_date"]
        steps.append(
            PastStep(
                A.COMMITTEE_VOTE,
                on,
                vote=_body_vote(data, "committee"),
                outcome=PASSED,
                document=document(data.get("committee_number"), on),
            )
        )
    if data.get("decision_date"):
        steps.append(_decision(data, ancestors))
    if data.get("ceremony_date"):
        received = data.get("decision_received_date") or data.get("decision_date")
        steps.append(
            PastStep(A.CEREMONY, data["ceremony_date"], {"decision_received_date": received})
        )
    if data.get("newmember_course_date"):
        steps.append(PastStep(A.RECORD_NEWMEMBER_COURSE, data["newmember_course_date"]))
    return steps + _recognition(data)


def _decision(data: dict[str, Any], ancestors: list[Organisation]) -> PastStep:
    on = data["decision_date"]
    decider = (
        "authorised_grassroots_committee"
        if grassroots_authorised(ancestors, on)
        else "standing_committee_above"
    )
    return PastStep(
        A.ADMISSION_DECISION,
        on,
        {"decider": decider},
        vote=_body_vote(data, "decision"),
        outcome=PASSED,
        document=document(data.get("decision_number"), on, data.get("decision_signer")),
    )


def _recognition(data: dict[str, Any]) -> list[PastStep]:
    steps = []
    if data.get("recognition_date"):
        on = data["recognition_date"]
        steps.append(
            PastStep(
                A.RECOGNITION_VOTE,
                on,
                vote={"agree": data.get("recognition_agree")},
                outcome=PASSED,
                document=document(data.get("recognition_number"), on),
            )
        )
    if data.get("recognition_decision_date"):
        on = data["recognition_decision_date"]
        steps.append(
            PastStep(
                A.RECOGNITION_DECISION,
                on,
                vote=_body_vote(data, "recognition_decision"),
                outcome=PASSED,
                document=document(data.get("recognition_decision_number"), on),
            )
        )
    return steps
