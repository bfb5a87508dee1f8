"""The rule engine's view of a dossier: its case, its verdict and its next lawful action.

`build_case` serves the action, the checklist, the next action, the import and the replay,
so a dossier and its case always get the same verdict.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from ptdv.candidacies.models import (
    Candidacy,
    Consent,
    DossierAction,
    Introducer,
    IntroducerKind,
    Stage,
)
from ptdv.core.refusals import unprocessable
from ptdv.members.models import FORMER_MEMBER_STATUSES, MembershipStatus, PartyMembership
from ptdv.organisations.competence import Competent, competence_rows, competent_for
from ptdv.organisations.models import Competence, Locality, Organisation
from ptdv.people.models import Person
from ptdv.rules import engine
from ptdv.rules.services import rules_calendar

# --- Reading the dossier ---------------------------------------------------------------------

_LEAVING_REASONS = {reason.value for reason in engine.LeavingReason}


def ancestors_of(organisation: Organisation) -> list[Organisation]:
    """The organisation and its ancestors, nearest first (one query)."""
    rows = Organisation.objects.filter(path__in=organisation.ancestor_paths)
    return sorted(rows, key=lambda o: -len(o.path))


def competent(
    ancestors: list[Organisation],
    on: dt.date | None = None,
    competences: list[Competence] | None = None,
) -> Competent:
    """Who acts for the cell `ancestors[0]` on `on` (today when not given): the competence
    recorded for the tree on that day, else today's rule (ptdv/organisations/competence.py).
    Without `competences` the rows of the chain are read (one query)."""
    rows = competence_rows(ancestors) if competences is None else competences
    return competent_for(ancestors, on or timezone.localdate(), rows)


def committee_step_needed(
    organisation: Organisation,
    ancestors: list[Organisation],
    on: dt.date | None = None,
    competences: list[Competence] | None = None,
) -> bool:
    """The grassroots committee votes (8-KNĐ) unless the cell is itself a grassroots cell on
    that day, or the grassroots committee is authorised to admit (it decides in one vote)."""
    return competent(ancestors, on, competences).committee_step


def grassroots_authorised(
    ancestors: list[Organisation],
    on: dt.date | None = None,
    competences: list[Competence] | None = None,
) -> bool:
    """The decision on `on` is taken by a grassroots committee authorised to admit."""
    return competent(ancestors, on, competences).authorised


def _area_flags(person: Person, ancestors: list[Organisation]) -> frozenset[engine.AreaFlag]:
    """Where the applicant lives: the residence locality's flags, else the nearest
    organisation (the cell, then upward) that carries any."""
    flags: list[str] = []
    locality: Locality | None = person.residence_locality
    if locality is not None and locality.area_flags:
        flags = list(locality.area_flags)
    else:
        for organisation in ancestors:
            if organisation.area_flags:
                flags = list(organisation.area_flags)
                break
    return frozenset(engine.AreaFlag(f) for f in flags if f in engine.AreaFlag._value2member_map_)


def previous_membership_from(
    memberships: list[PartyMembership],
) -> engine.PreviousMembership | None:
    """The engine's view of a former member's latest exit, from their former memberships."""
    former = sorted(
        (m for m in memberships if m.status in FORMER_MEMBER_STATUSES and m.exit_date),
        key=lambda m: (m.exit_date, m.pk),
        reverse=True,
    )
    if not former:
        return None
    latest = former[0]
    assert latest.exit_date is not None  # filtered above
    reason = latest.exit_reason if latest.exit_reason in _LEAVING_REASONS else "other"
    if latest.status == MembershipStatus.REMOVED and not latest.exit_reason:
        reason = "removed"
    return engine.PreviousMembership(
        left_on=latest.exit_date,
        reason=engine.LeavingReason(reason),
        expunged_on=latest.expunged_on,
        readmitted_before=any(m.readmitted for m in memberships),
    )


def _previous_membership(person: Person) -> engine.PreviousMembership | None:
    return previous_membership_from(
        list(PartyMembership.objects.filter(person=person, status__in=FORMER_MEMBER_STATUSES))
    )


def official_member_count(organisation: Organisation) -> int:
    return PartyMembership.objects.filter(
        organisation=organisation, status=MembershipStatus.OFFICIAL
    ).count()


@dataclass
class DossierContext:
    """Everything the case needs beyond the candidacy row itself. `dossier_context` loads it
    for one dossier; the pipeline refresh loads it for thousands at once."""

    ancestors: list[Organisation]
    official_members: int
    introducers: list[engine.Introducer]
    consents: list[engine.Consent]
    previous_membership: engine.PreviousMembership | None
    # The competence rows of the chain (who decides, dated); None: read them once, on first use.
    competences: list[Competence] | None = None
    # Answers already worked out, by (cell, day): the pipeline shares one between the dossiers
    # of a refresh, most of which ask about the same cells on the same day.
    answers: dict[tuple[int, dt.date], Competent] | None = None
    # The working calendar; None: read once, on first use (`working_calendar`).
    calendar: engine.WorkingCalendar | None = None

    def working_calendar(self) -> engine.WorkingCalendar:
        if self.calendar is None:
            self.calendar = rules_calendar()
        return self.calendar

    def competent(self, on: dt.date) -> Competent:
        key = (self.ancestors[0].pk, on)
        if self.answers is not None and key in self.answers:
            return self.answers[key]
        if self.competences is None:
            self.competences = competence_rows(self.ancestors)
        answer = competent(self.ancestors, on, self.competences)
        if self.answers is not None:
            self.answers[key] = answer
        return answer


class _CountOnUse(DossierContext):
    """A dossier's context whose cell's official members are counted when first read: only a
    case for the engine asks for them, and most dossiers a page shows (official, closed, not
    yet trained) ask the engine nothing."""

    _official_members: int | None

    @property
    def official_members(self) -> int:
        if self._official_members is None:
            self._official_members = official_member_count(self.ancestors[0])
        return self._official_members

    @official_members.setter
    def official_members(self, value: int | None) -> None:
        self._official_members = value


def engine_introducer(introducer: Introducer) -> engine.Introducer:
    is_member = introducer.kind == IntroducerKind.MEMBER
    return engine.Introducer(
        kind=engine.IntroducerKind(introducer.kind),
        date=introducer.date,
        official=(
            introducer.membership.status == MembershipStatus.OFFICIAL
            if introducer.membership is not None
            else bool(introducer.declared_official)
        )
        if is_member
        else None,
        months_together=introducer.months_together if is_member else None,
        replacement=introducer.replacement,
    )


def engine_consent(consent: Consent) -> engine.Consent:
    return engine.Consent(
        kind=engine.ConsentKind(consent.kind), date=consent.date, ref=consent.ref or None
    )


def dossier_context(
    candidacy: Candidacy,
    ancestors: list[Organisation] | None = None,
    *,
    introducers: list[Introducer] | None = None,
    consents: list[Consent] | None = None,
) -> DossierContext:
    """The dossier's context read from the database. A page that shows the dossier's
    `introducers` (all of them, with their membership; the withdrawn ones are left out here)
    and `consents` already passes them instead of having them read again. The cell's
    official members are counted, and the working calendar read, only if the engine asks."""
    if introducers is None:
        introducers = list(
            candidacy.introducers.filter(withdrawn=False).select_related("membership")
        )
    if consents is None:
        consents = list(candidacy.consents.all())
    return _CountOnUse(
        ancestors=ancestors if ancestors is not None else ancestors_of(candidacy.organisation),
        official_members=None,  # type: ignore[arg-type]  # counted on first read
        introducers=[engine_introducer(i) for i in introducers if not i.withdrawn],
        consents=[engine_consent(c) for c in consents],
        previous_membership=_previous_membership(candidacy.person)
        if candidacy.is_readmission
        else None,
    )


def build_case(
    candidacy: Candidacy,
    action: str,
    on: dt.date,
    facts: dict[str, Any] | None = None,
    context: DossierContext | None = None,
) -> engine.Case:
    """The rule engine's case for `action` on this dossier, as of `on`, with the facts the
    user is recording. The same function serves the action, the checklist and the next
    action, so a dossier and its case always get the same verdict."""
    facts = facts or {}
    person = candidacy.person
    organisation = candidacy.organisation
    ctx = context if context is not None else dossier_context(candidacy)
    ancestors = ctx.ancestors
    applicant = engine.Applicant(
        birth_date=person.birth_date,
        education=engine.Education(person.education),
        area_flags=_area_flags(person, ancestors),
        roles=frozenset(
            engine.Role(r) for r in person.roles if r in engine.Role._value2member_map_
        ),
        youth_union_member=person.youth_union_member,
        trade_union_member=person.trade_union_member,
        previous_membership=ctx.previous_membership,
    )
    # Who decides, and whether the cell is a grassroots cell, as the tree stood on the day.
    who = ctx.competent(on)
    org = engine.Organisation(
        has_youth_union=organisation.has_youth_union,
        has_trade_union=organisation.has_trade_union,
        is_grassroots_cell=who.cell_is_grassroots,
        grassroots_committee_authorised=who.authorised,
        official_members=ctx.official_members,
        temporarily_attached_elsewhere=facts.get("temporarily_attached_elsewhere", 0),
        exempted_absent=facts.get("exempted_absent", 0),
    )
    verification = None
    if candidacy.verification_concluded_on or candidacy.verification_waived:
        verification = engine.Verification(
            concluded_on=candidacy.verification_concluded_on,
            waived=candidacy.verification_waived,
        )
    dossier = engine.Dossier(
        certificate_date=candidacy.certificate_date,
        application_date=candidacy.application_date,
        history_date=candidacy.history_date,
        verification=verification,
        opinions_date=candidacy.opinions_date,
        introducers=tuple(ctx.introducers),
        consents=tuple(ctx.consents),
    )
    vote_facts = facts.get("vote") or {}
    vote = engine.Vote(agree=vote_facts.get("agree"), body_size=vote_facts.get("body_size"))
    decider = None
    if action in (DossierAction.ADMISSION_DECISION, DossierAction.RECOGNITION_DECISION):
        decider = engine.Decider(facts.get("decider") or who.engine_decider)
    in_recognition = action in (DossierAction.RECOGNITION_VOTE, DossierAction.RECOGNITION_DECISION)
    previous = engine.Previous(
        branch_resolution_date=candidacy.branch_resolution_date,
        committee_resolution_date=candidacy.committee_resolution_date,
        decision_date=candidacy.decision_date,
        decision_received_date=facts.get("decision_received_date")
        or candidacy.decision_received_date,
        ceremony_date=candidacy.ceremony_date,
        recognition_resolution_date=candidacy.recognition_resolution_date,
        newmember_course_date=candidacy.newmember_course_date,
        failed_recognition_votes=candidacy.failed_recognition_votes,
        extension_working_days=0 if in_recognition else candidacy.extension_working_days,
    )
    return engine.Case(
        action=engine.EngineAction(action),
        date=on,
        applicant=applicant,
        decider=decider,
        organisation=org,
        dossier=dossier,
        vote=vote,
        previous=previous,
    )


def candidacy_verdict(
    candidacy: Candidacy,
    action: str,
    on: dt.date,
    facts: dict[str, Any] | None = None,
    context: DossierContext | None = None,
) -> engine.Verdict:
    """Ask the engine; a case it cannot judge (e.g. dated before every rule set) is a
    refusal of well-formed facts (422) naming the field."""
    case = build_case(candidacy, action, on, facts, context)
    try:
        engine.validate_case(case)
    except engine.CaseError as exc:
        raise unprocessable({exc.path or "date": [exc.message]}) from None
    return engine.evaluate(case, rules_calendar())


# --- The next lawful action ------------------------------------------------------------------


@dataclass
class NextAction:
    action: str
    earliest: dt.date | None
    due: dt.date | None
    missing: list[str]
    expiring: list[dict[str, str]]
    valid_until: dt.date | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "action": self.action or None,
            "earliest": self.earliest.isoformat() if self.earliest else None,
            "due": self.due.isoformat() if self.due else None,
            "missing": self.missing,
            "expiring": self.expiring,
        }


def candidacy_next(
    candidacy: Candidacy,
    today: dt.date,
    context: DossierContext | None = None,
    calendar: engine.WorkingCalendar | None = None,
) -> NextAction:
    """What must happen next on an open dossier, from when, by when, what is missing and
    what will expire first (docs/workflow.md §2 "The next lawful action")."""
    stage = Stage(candidacy.stage)
    if not candidacy.is_open or stage in (Stage.OFFICIAL, Stage.CLOSED):
        return NextAction("", None, None, [], [], None)
    if stage == Stage.SOURCE:
        return NextAction(DossierAction.RECORD_CERTIFICATE, None, None, ["certificate"], [], None)
    if stage == Stage.TRAINED:
        missing = ["application"]
        return NextAction(DossierAction.RECORD_APPLICATION, None, None, missing, [], None)
    ctx = context if context is not None else dossier_context(candidacy)
    calendar = calendar or ctx.working_calendar()
    facts: dict[str, Any]
    if stage == Stage.APPLIED:
        action = DossierAction.BRANCH_VOTE
        # Ask the engine about a vote held today with every official member agreeing: what
        # still fails is what the dossier lacks.
        facts = {"vote": {"agree": ctx.official_members}}
    elif stage == Stage.BRANCH_RESOLVED and ctx.competent(today).committee_step:
        action = DossierAction.COMMITTEE_VOTE
        facts = {"vote": {"agree": 1, "body_size": 1}}
    elif stage in (Stage.BRANCH_RESOLVED, Stage.COMMITTEE_RESOLVED):
        action = DossierAction.ADMISSION_DECISION
        facts = {"vote": {"agree": 1, "body_size": 1}}
    elif stage == Stage.DECIDED:
        action = DossierAction.CEREMONY
        facts = {
            "decision_received_date": candidacy.decision_received_date or candidacy.decision_date
        }
    elif candidacy.recognition_resolution_date is None:
        action = DossierAction.RECOGNITION_VOTE
        facts = {"vote": {"agree": ctx.official_members}}
    else:
        action = DossierAction.RECOGNITION_DECISION
        facts = {"vote": {"agree": 1, "body_size": 1}}
    case = build_case(candidacy, action, today, facts, ctx)
    try:
        engine.validate_case(case)
    except engine.CaseError:
        return NextAction(action, None, None, ["case"], [], None)
    verdict = engine.evaluate(case, calendar)
    step = verdict.next if not verdict.allowed else None
    missing = [v.rule for v in verdict.violations if v.rule != verdict.outcome_rule]
    earliest = step.earliest if step else None
    due = step.due if step else None
    expiring = [e.to_dict() for e in step.expiring] if step else []
    if verdict.allowed or not missing:
        # The action is lawful today: its due date is the deadline that runs from the last
        # step (the engine gives it as the next step of the previous action).
        due = _deadline(candidacy, action, calendar, verdict)
        missing = []
    if action == DossierAction.RECOGNITION_VOTE and candidacy.ceremony_date:
        params = (engine.ruleset_for(today) or engine.RULE_SETS[-1]).parameters
        end = engine.add_months(candidacy.ceremony_date, params.probation_months)
        earliest = end if end > today else None
        due = calendar.add_working_days(end, params.recognition_vote_deadline_working_days)
        missing = [m for m in missing if m != "probation.complete"]
    boundaries = [d for d in (earliest, due) if d is not None and d > today]
    boundaries += [dt.date.fromisoformat(e["valid_until"]) + dt.timedelta(days=1) for e in expiring]
    if action == DossierAction.BRANCH_VOTE and candidacy.person.birth_date:
        eighteen = engine.add_months(candidacy.person.birth_date.replace(day=1), 216)
        if eighteen > today:
            boundaries.append(eighteen)
    valid_until = min(boundaries) if boundaries else None
    return NextAction(action, earliest, due, missing, expiring, valid_until)


def _deadline(
    candidacy: Candidacy, action: str, calendar: engine.WorkingCalendar, verdict: engine.Verdict
) -> dt.date | None:
    rule_set = engine.ruleset_for(verdict.date) or engine.RULE_SETS[-1]
    params = rule_set.parameters
    if (
        action in (DossierAction.COMMITTEE_VOTE, DossierAction.ADMISSION_DECISION)
        and candidacy.branch_resolution_date
    ):
        return calendar.add_working_days(
            candidacy.branch_resolution_date,
            params.decision_deadline_working_days + candidacy.extension_working_days,
        )
    if action == DossierAction.CEREMONY:
        received = candidacy.decision_received_date or candidacy.decision_date
        if received:
            return calendar.add_working_days(received, params.ceremony_deadline_working_days)
    if action == DossierAction.RECOGNITION_DECISION and candidacy.recognition_resolution_date:
        return calendar.add_working_days(
            candidacy.recognition_resolution_date,
            params.recognition_decision_deadline_working_days,
        )
    return None


def next_fields(nxt: NextAction, today: dt.date) -> dict[str, Any]:
    return {
        "next_action": nxt.action,
        "next_earliest": nxt.earliest,
        "next_due": nxt.due,
        "next_missing": nxt.missing,
        "next_expiring": nxt.expiring,
        "next_checked_on": today,
        "next_valid_until": nxt.valid_until,
        "next_stale": False,
    }


def candidacy_refresh_next(candidacy: Candidacy, today: dt.date) -> NextAction:
    """Recompute and store the next action of one dossier."""
    nxt = candidacy_next(candidacy, today)
    fields = next_fields(nxt, today)
    Candidacy.objects.filter(pk=candidacy.pk).update(**fields)
    for name, value in fields.items():
        setattr(candidacy, name, value)
    return nxt
