"""Which step of the dossier feeds each form, and what a form prints of it.

`FORM_STEPS` is the one place naming the dossier actions the forms read: form slug → the
action whose event carries the document's facts (number, signer, issuing body, vote, date)
and the dossier's own date field of that step. A form reads the event when there is one,
else the dossier's date field, and prints blanks only when neither exists (`step`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ptdv.candidacies.models import Candidacy, CandidacyEvent, DossierAction, IntroducerKind
from ptdv.documents.dossier import Dossier


@dataclass(frozen=True)
class FormStep:
    action: str | None  # the dossier action whose event feeds the form
    # The dossier's own date of the step, printed when the step has no event (None where
    # the form's date is not the step's: a certificate prints its own date, a draft today's).
    date_field: str | None = None
    introducer: str | None = None  # a union's resolution: the event of that introducer


# The action strings below become `DossierAction` members (ptdv.candidacies.actions).
FORM_STEPS: dict[str, FormStep] = {
    "cn-ntvd": FormStep(DossierAction.RECORD_CERTIFICATE),
    "1-knd": FormStep(DossierAction.RECORD_APPLICATION),
    "2-knd": FormStep(DossierAction.RECORD_APPLICATION),
    "3-knd": FormStep(DossierAction.RECORD_INTRODUCTION),
    "3a-knd": FormStep(DossierAction.RECORD_INTRODUCTION),
    "4-knd": FormStep(
        DossierAction.RECORD_INTRODUCTION, introducer=IntroducerKind.YOUTH_UNION_COMMITTEE
    ),
    "4a-knd": FormStep(
        DossierAction.RECORD_INTRODUCTION, introducer=IntroducerKind.TRADE_UNION_COMMITTEE
    ),
    "5-knd": FormStep(DossierAction.RECORD_OPINIONS),
    "6-knd": FormStep(DossierAction.BRANCH_VOTE, "branch_resolution_date"),
    "7-knd": FormStep(None),
    "8-knd": FormStep(DossierAction.COMMITTEE_VOTE, "committee_resolution_date"),
    "9-knd": FormStep(DossierAction.ADMISSION_DECISION, "decision_date"),
    "10-knd": FormStep(None),
    "11-knd": FormStep(None),
    "12-knd": FormStep(None),
    "13-knd": FormStep(DossierAction.RECOGNITION_VOTE, "recognition_resolution_date"),
    "15-knd": FormStep(None),
    "recognition-decision": FormStep(
        DossierAction.RECOGNITION_DECISION, "recognition_decision_date"
    ),
}


def _introducer_event(d: Dossier, action: str, kind: str) -> CandidacyEvent | None:
    introducer = d.union_introducer(kind)
    if introducer is None:
        return None
    for event in reversed(d.events):
        if event.action == action and event.facts.get("introducer") == introducer.pk:
            return event
    return None


def step_event(d: Dossier, slug: str) -> CandidacyEvent | None:
    """The event of the step that feeds form `slug` (the latest that did not fail)."""
    form = FORM_STEPS[slug]
    if form.action is None:
        return None
    if form.introducer is not None:
        return _introducer_event(d, form.action, form.introducer)
    return d.event(form.action)


def _dossier_date(candidacy: Candidacy, field: str | None) -> dt.date | None:
    if field is None:
        return None
    value: dt.date | None = getattr(candidacy, field)
    return value


@dataclass(frozen=True)
class StepFacts:
    """What a form prints of the step behind form `slug`."""

    event: CandidacyEvent | None
    on: dt.date | None  # the event's date, else the dossier's date of the step
    number: str  # "Số 3-NQ/CB": the event's recorded number, else the register's; or ""

    @property
    def known(self) -> bool:
        """Whether the dossier holds the step at all (an event or its date)."""
        return self.event is not None or self.on is not None

    @property
    def vote(self) -> dict[str, Any]:
        """The vote's figures; empty (printed as blanks) without an event."""
        return dict(self.event.vote or {}) if self.event is not None else {}

    @property
    def signer(self) -> str:
        return self.event.signer if self.event is not None else ""


def step(d: Dossier, slug: str) -> StepFacts:
    """The facts of form `slug`'s step: from its event, else from the dossier's fields."""
    event = step_event(d, slug)
    on = event.on if event is not None else _dossier_date(d.candidacy, FORM_STEPS[slug].date_field)
    return StepFacts(event=event, on=on, number=d.number(slug, event))


def recognition_committee_date(d: Dossier) -> dt.date:
    """The date 15-KNĐ (the grassroots committee's recognition resolution) bears: no step of
    the dossier records it, so the recognition decision's date, else today."""
    return d.candidacy.recognition_decision_date or d.today
