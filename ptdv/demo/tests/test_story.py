"""The demo's dossiers tell a true story: every timeline, replayed through the rule engine.

The smallest demo the other demo tests use is loaded once; then every dossier's events are
replayed in order on a blank copy of the dossier: each collective step is judged by the rule
set in force on its date, with the cell's official members as the step's vote recorded them;
none breaks a rule unless the step is flagged (deliberately, with the rule it breaks), and
the copy ends with the dossier's stage and every dated fact.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
from collections import Counter
from io import StringIO
from typing import Any

import docx
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from ptdv.accounts.models import Role
from ptdv.audit.models import AuditEntry
from ptdv.candidacies.case import DossierContext, build_case, dossier_context
from ptdv.candidacies.models import (
    Candidacy,
    CandidacyEvent,
    Consent,
    Introducer,
    IntroducerKind,
    Outcome,
    Stage,
)
from ptdv.candidacies.transitions import TRANSITIONS
from ptdv.documents.models import DocumentNumber, Signer, SignerCapacity
from ptdv.documents.services import document_render
from ptdv.factories import user_with_role
from ptdv.members.models import MembershipStatus, PartyMembership
from ptdv.organisations.models import Kind, Organisation
from ptdv.rules import engine
from ptdv.rules.services import rules_calendar

TINY = ("--members", "1500")
TODAY = dt.date(2026, 11, 29)
FIELDS = (
    "stage", "is_open", "closed_reason", "closed_on", "certificate_date", "application_date",
    "history_date", "verification_concluded_on", "verification_waived", "opinions_date",
    "branch_resolution_date", "committee_resolution_date", "decision_date",
    "decision_received_date", "extension_working_days", "ceremony_date", "member_file_date",
    "newmember_course_date", "recognition_resolution_date", "failed_recognition_votes",
    "recognition_decision_date",
)  # fmt: skip
DELIBERATE = {
    "branch.min_official_members",
    "vote.branch_two_thirds",
    "introducers.valid",
    "outcome passed",  # recorded as it happened, against the engine's verdict
}
# What each recorded step sets on the dossier (the workflow's effects, read back).
SETS: dict[str, dict[str, str]] = {
    "record_certificate": {"certificate_date": "certificate_date"},
    "record_application": {"application_date": "application_date", "history_date": "history_date"},
    "record_verification": {
        "verification_concluded_on": "concluded_on",
        "verification_waived": "waived",
    },
    "record_opinions": {"opinions_date": "opinions_date"},
    "request_extension": {"extension_working_days": "working_days"},
    "ceremony": {"decision_received_date": "decision_received_date"},
}
ON_PASS = {
    "branch_vote": "branch_resolution_date",
    "committee_vote": "committee_resolution_date",
    "admission_decision": "decision_date",
    "ceremony": "ceremony_date",
    "record_member_file": "member_file_date",
    "record_newmember_course": "newmember_course_date",
    "recognition_vote": "recognition_resolution_date",
    "recognition_decision": "recognition_decision_date",
}


@pytest.fixture
def demo(db: Any) -> None:
    """The tiny demo the other demo tests load (~2 s)."""
    call_command("demo", "load", *TINY, "--seed", "1", stdout=StringIO())


def _value(raw: Any) -> Any:
    if isinstance(raw, str) and len(raw) == 10 and raw[4] == "-":
        return dt.date.fromisoformat(raw)
    return raw


def _engine_facts(event: CandidacyEvent) -> dict[str, Any]:
    vote = event.vote
    if event.action in ("branch_vote", "recognition_vote"):
        return {"vote": {"agree": vote["agree"]}}
    if event.action == "ceremony":
        return {"decision_received_date": _value(event.facts["decision_received_date"])}
    facts: dict[str, Any] = {"vote": {"agree": vote["agree"], "body_size": vote["body_size"]}}
    if "decider" in event.facts:
        facts["decider"] = event.facts["decider"]
    return facts


class Replay:
    """A blank copy of one dossier, taken through its events."""

    def __init__(self, candidacy: Candidacy, calendar: engine.WorkingCalendar) -> None:
        self.original = candidacy
        self.copy = Candidacy(
            person=candidacy.person,
            organisation=candidacy.organisation,
            stage=Stage.SOURCE,
            is_readmission=candidacy.is_readmission,
            opened_on=candidacy.opened_on,
            stage_changed_on=candidacy.opened_on,
        )
        context = dossier_context(candidacy)
        self.context = DossierContext(
            ancestors=context.ancestors,
            official_members=0,
            introducers=[],
            consents=[],
            previous_membership=context.previous_membership,
        )
        self.calendar = calendar
        self.violations: list[tuple[str, str]] = []
        # Where the dossier is as its events go: where it began, until a transfer moves it.
        first = CandidacyEvent.objects.filter(candidacy=candidacy).order_by("on", "id").first()
        self.organisation_id = first.organisation_id if first else candidacy.organisation_id

    def judge(self, event: CandidacyEvent) -> None:
        action = TRANSITIONS[event.action].engine_action
        if action is None:
            return
        self.context.official_members = event.vote.get("official_members", 0)
        case = build_case(self.copy, action, event.on, _engine_facts(event), self.context)
        verdict = engine.evaluate(case, self.calendar)
        assert verdict.rule_set_id == event.rule_set_id
        broken = [v.rule for v in verdict.violations if v.rule != verdict.outcome_rule]
        if verdict.outcome_rule is not None:
            passed = Outcome.PASSED if verdict.outcome_passed else Outcome.FAILED
            if passed != event.outcome:
                broken.append(f"outcome {event.outcome}")
        if broken and not event.flagged:
            self.violations.append((event.action, ", ".join(broken)))
        if event.flagged:
            # Deliberately: a cell too small to vote, or with too few official members to
            # introduce the applicant (the vote kept as it happened, flagged).
            assert set(broken) <= DELIBERATE, broken
            members = [i for i in self.context.introducers if i.official]
            assert event.vote["official_members"] < 3 or len(members) < 2, event.vote

    def apply(self, event: CandidacyEvent) -> None:
        copy, facts = self.copy, event.facts
        transition = TRANSITIONS[event.action]
        assert event.stage_before == copy.stage, (event.action, event.stage_before, copy.stage)
        passed = event.outcome != Outcome.FAILED
        for name, key in SETS.get(event.action, {}).items():
            setattr(copy, name, _value(facts[key]))
        if passed and event.action in ON_PASS:
            setattr(copy, ON_PASS[event.action], event.on)
        if event.action == "recognition_vote" and not passed:
            copy.failed_recognition_votes += 1
        if event.action == "record_introduction":
            self.context.introducers.append(self._introducer(facts))
        if event.action == "amend":
            assert _value(facts["before"]) == getattr(copy, facts["field"])
            setattr(copy, facts["field"], _value(facts["value"]))
        if event.action == "transfer":
            # To a sibling cell of the same grassroots organisation, before the cell records
            # anything of its own.
            before = Organisation.objects.get(pk=self.organisation_id)
            after = Organisation.objects.get(pk=facts["organisation"])
            assert (facts["from"], facts["to"]) == (before.code, after.code)
            assert before.parent_id == after.parent_id and before.pk != after.pk
            assert not self.context.introducers
            self.organisation_id = after.pk
        if event.action == "record_consent":
            consent = Consent.objects.get(pk=facts["consent"])
            assert (consent.kind, consent.date, consent.ref) == (
                facts["kind"], _value(facts["consent_date"]), event.document_number,
            )  # fmt: skip
            assert consent.ref
            self.context.consents.append(
                engine.Consent(kind=engine.ConsentKind(consent.kind), date=consent.date)
            )
        if transition.closes or event.action == "recognition_decision":
            copy.is_open, copy.closed_on = False, event.on
            copy.closed_reason = transition.closes
        if (
            transition.target is not None
            and passed
            and not (event.action == "record_certificate" and copy.stage != Stage.SOURCE)
        ):
            copy.stage = transition.target
        assert event.stage_after == copy.stage

    def _introducer(self, facts: dict[str, Any]) -> engine.Introducer:
        introducer = Introducer.objects.select_related("membership").get(pk=facts["introducer"])
        assert introducer.candidacy_id == self.original.pk
        assert introducer.date == _value(facts["introduced_on"])
        if introducer.kind != IntroducerKind.MEMBER:
            kind = engine.IntroducerKind(introducer.kind)
            return engine.Introducer(kind=kind, date=introducer.date)
        membership = introducer.membership
        assert membership is not None
        # An official member of the dossier's own cell, official before introducing.
        assert membership.organisation_id == self.original.organisation_id
        assert membership.status == MembershipStatus.OFFICIAL
        assert membership.official_date is not None
        assert membership.official_date <= introducer.date
        assert membership.person_id != self.original.person_id
        return engine.Introducer(
            kind=engine.IntroducerKind.MEMBER,
            date=introducer.date,
            official=True,
            months_together=introducer.months_together,
        )


@pytest.mark.django_db
def test_every_timeline_replays_through_the_engine_to_its_dossier(demo: Any) -> None:
    calendar = rules_calendar()
    candidacies = Candidacy.objects.exclude(stage=Stage.SOURCE, is_open=True).select_related(
        "person__residence_locality", "organisation"
    )
    events: dict[int, list[CandidacyEvent]] = {}
    for event in CandidacyEvent.objects.order_by("on", "id"):
        events.setdefault(event.candidacy_id, []).append(event)
    walked, judged, flagged = 0, Counter[str](), 0
    violations: list[tuple[int, str, str]] = []
    for candidacy in candidacies:
        replay = Replay(candidacy, calendar)
        timeline = events.get(candidacy.pk, [])
        assert timeline, candidacy.stage  # past the pool or closed: a story
        for event in timeline:
            assert event.on <= TODAY
            replay.judge(event)
            replay.apply(event)
            # (A transfer's event is the new cell's: the dossier is there once it is recorded.)
            assert event.organisation_id == replay.organisation_id
            judged[event.action] += 1
            flagged += event.flagged
        violations += [(candidacy.pk, a, r) for a, r in replay.violations]
        for name in FIELDS:
            assert getattr(replay.copy, name) == getattr(candidacy, name), (candidacy.pk, name)
        assert replay.organisation_id == candidacy.organisation_id
        if candidacy.stage in (Stage.PROBATIONARY, Stage.OFFICIAL):
            ceremony = next(e for e in timeline if e.action == "ceremony")
            assert ceremony.facts["membership"] == candidacy.membership.pk
        walked += 1
    assert violations == []
    assert walked > 100 and judged["branch_vote"] > 50 and judged["record_introduction"] > 100
    # A few dossiers were transferred from a neighbouring cell, a few had a date corrected.
    assert judged["transfer"] >= 1 and judged["amend"] >= 1, judged
    # Deliberately flagged steps (a cell too small to vote) stay a small share.
    assert flagged < 0.05 * sum(judged.values())
    # Numbers come from each issuing body's register: unique, growing with the dates.
    numbers = list(
        DocumentNumber.objects.order_by("organisation", "year", "number").values_list(
            "organisation", "year", "number", "issued_on", "symbol"
        )
    )
    assert len({n[:3] for n in numbers}) == len(numbers)
    for before, after in itertools.pairwise(numbers):
        if before[:2] == after[:2]:
            assert before[3] <= after[3] and after[2] == before[2] + 1
    recorded = set(
        CandidacyEvent.objects.exclude(document_number="").values_list("document_number", flat=True)
    )
    assert recorded <= {n[4] for n in numbers}


@pytest.mark.django_db
def test_a_dossier_at_branch_resolved_shows_its_steps_and_introducers(demo: Any) -> None:
    candidacy = Candidacy.objects.filter(stage=Stage.BRANCH_RESOLVED, is_open=True).first()
    assert candidacy is not None
    root = Organisation.objects.get(parent__isnull=True)
    client = Client()
    client.force_login(user_with_role(root, Role.VIEWER))
    html = client.get(reverse("candidacies:detail", args=[candidacy.pk])).content.decode()
    assert "Chưa có bước nào được ghi nhận" not in html
    assert TRANSITIONS["branch_vote"].label in html
    assert TRANSITIONS["record_introduction"].label in html
    assert 'id="introducers"' in html
    for introducer in candidacy.introducers.select_related("membership__person"):
        if introducer.membership is not None:
            assert introducer.membership.person.full_name in html
    # The staff's trail names the event each step wrote.
    entries = AuditEntry.objects.filter(action="action", object_id=str(candidacy.pk))
    events = {e.pk: e for e in candidacy.events.all()}
    assert entries.exists()
    for entry in entries:
        event = events[entry.data["event"]]
        assert event.action == entry.data["action"]


@pytest.mark.django_db
def test_the_admission_decision_of_a_probationary_member_prints_its_dates(demo: Any) -> None:
    candidacy = (
        Candidacy.objects.filter(stage=Stage.PROBATIONARY)
        .exclude(events__flagged=True)
        .select_related("organisation")
        .first()
    )
    assert candidacy is not None and candidacy.decision_date is not None
    decision = candidacy.events.get(action="admission_decision")
    branch = candidacy.events.get(action="branch_vote", outcome=Outcome.PASSED)
    root = Organisation.objects.get(parent__isnull=True)
    admin = user_with_role(root, Role.ADMINISTRATOR)
    result = document_render(actor=admin, candidacy_id=candidacy.pk, slug="9-knd", fmt="docx")
    document = docx.Document(io.BytesIO(result.content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    text = " ".join(" ".join(parts).split())
    assert f"Số {decision.document_number}" in text
    day = candidacy.decision_date
    assert f"ngày {day:%d} tháng {day:%m} năm {day.year}" in text
    assert f"{branch.document_number}".replace("Số ", "") in text
    assert f"{candidacy.branch_resolution_date:%d/%m/%Y}" in text
    assert "……" not in text.split("Điều 1")[0]
    assert not PartyMembership.objects.filter(
        candidacy=candidacy, admission_decision_date__isnull=True
    ).exists()


def _docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return " ".join(" ".join(parts).split())


@pytest.mark.django_db
def test_the_signing_bodies_have_their_signers_and_forms_print_them(demo: Any) -> None:
    # One default signer per organisation: the name its documents were signed with.
    organisations = Organisation.objects.exclude(kind=Kind.NATIONAL)
    signers = {s.organisation_id: s for s in Signer.objects.filter(is_default=True, active=True)}
    assert set(signers) == set(organisations.values_list("pk", flat=True))
    assert Signer.objects.count() == len(signers)
    issuer = {
        (candidacy, symbol): organisation
        for candidacy, symbol, organisation in DocumentNumber.objects.values_list(
            "candidacy", "symbol", "organisation"
        )
    }
    numbered = CandidacyEvent.objects.exclude(document_number="").exclude(signer="")
    assert numbered.exists()
    for event in numbered:
        body = issuer[(event.candidacy_id, event.document_number)]
        assert signers[body].name == event.signer, event.action
    province = Organisation.objects.get(kind=Kind.PROVINCE)
    assert signers[province.pk].capacity == SignerCapacity.DEPUTY
    # A form whose step records no signer (the cell's summary of the opinions, 5-KNĐ) prints
    # the cell's default signer.
    root = Organisation.objects.get(parent__isnull=True)
    admin = user_with_role(root, Role.ADMINISTRATOR)
    candidacy = Candidacy.objects.filter(opinions_date__isnull=False, is_open=True).first()
    assert candidacy is not None
    result = document_render(actor=admin, candidacy_id=candidacy.pk, slug="5-knd", fmt="docx")
    text = _docx_text(result.content)
    assert f"T/M CHI ỦY BÍ THƯ {signers[candidacy.organisation_id].name}" in text
