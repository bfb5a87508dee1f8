"""Replaying a dossier's past steps through the action specs, in memory, then writing many
dossiers at once (the importer of dossiers under way, the demo).

Each step is judged by the rule set in force on its date, with the same case the live action
builds (`ptdv.candidacies.case.build_case`), and takes the same effect (its spec's). A step
that breaks the rules in force on its date — or that predates every rule set — is kept and
flagged, its findings in the event's `warnings`; it is never refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ptdv.accounts.models import User
from ptdv.candidacies.actions import SPECS, ActionSpec, DossierAction, Effect, EffectInput
from ptdv.candidacies.actions.base import MembershipChange, MembershipOp
from ptdv.candidacies.actions.record import (
    CELL_COUNTS,
    apply_changes,
    before_state,
    jsonable,
    recorded_facts,
    stage_refusals,
    vote_record,
)
from ptdv.candidacies.case import DossierContext, build_case, engine_consent, engine_introducer
from ptdv.candidacies.derived import dossiers_changed
from ptdv.candidacies.models import Candidacy, CandidacyEvent, Consent, Introducer, Outcome, Stage
from ptdv.members.models import ExitReason, MembershipStatus, PartyMembership
from ptdv.members.services import membership_build, memberships_create
from ptdv.organisations.models import Organisation
from ptdv.people.models import Person
from ptdv.rules import engine

IMPORTED_REASON = "Nhập từ dữ liệu cũ"
# What a past step's vote may carry besides the vote itself: the cell's counts that day.
_NOT_VOTE = (*CELL_COUNTS, "official_members", "denominator")
IMPORTED_FLAGGED = ": không đúng quy định tại thời điểm đó."


@dataclass
class PastStep:
    action: DossierAction
    on: dt.date
    facts: dict[str, Any] = field(default_factory=dict)  # as the facts serializer yields
    vote: dict[str, Any] = field(default_factory=dict)  # summoned/present/agree/body_size (+cells)
    document: dict[str, Any] = field(default_factory=dict)  # number, date, issuing_body, signer
    outcome: str | None = None  # None: judged by the engine; "passed"/"failed" forces it
    reason: str = ""
    introducers: list[engine.Introducer] | None = None  # what a record_introduction declares


@dataclass
class Replayed:
    candidacy: Candidacy  # unsaved, with every field the steps set
    events: list[CandidacyEvent]  # unsaved, in order, each judged by the rule set of its date
    introducers: list[Introducer]  # unsaved
    consents: list[Consent]  # unsaved
    membership: PartyMembership | None  # unsaved (probationary or official), if any
    flagged: bool  # any step broke the rules in force on its date
    # `replay(rows=True)`: the events as their column values by attribute name, not instances
    event_rows: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _Judged:
    outcome: str = ""
    rule_set_id: str = ""
    findings: list[dict[str, str]] = field(default_factory=list)
    flagged: bool = False

    def flag(self, message: str, rule: str = "case") -> None:
        self.flagged = True
        self.findings.append({"rule": rule, "message": message, "source": ""})


def _engine_facts(step: PastStep) -> dict[str, Any]:
    """The facts as the live action's serializer would give them to the case."""
    facts = dict(step.facts)
    if step.vote:
        facts["vote"] = {k: v for k, v in step.vote.items() if k not in _NOT_VOTE}
        for name in CELL_COUNTS:
            if name in step.vote:
                facts[name] = step.vote[name]
    return facts


def _judge(
    spec: ActionSpec,
    step: PastStep,
    candidacy: Candidacy,
    context: DossierContext,
    calendar: engine.WorkingCalendar,
    judged: _Judged,
) -> None:
    """Ask the engine about the step as of its date (its findings kept, never refused)."""
    assert spec.engine_action is not None
    case = build_case(candidacy, spec.engine_action, step.on, _engine_facts(step), context)
    try:
        engine.validate_case(case)
    except engine.CaseError as exc:
        judged.flagged = True
        if not any(f["rule"] == "case" for f in judged.findings):
            judged.findings.append({"rule": "case", "message": exc.message, "source": ""})
        return
    verdict = engine.evaluate(case, calendar)
    judged.rule_set_id = verdict.rule_set_id
    if verdict.outcome_rule is not None:
        judged.outcome = Outcome.PASSED if verdict.outcome_passed else Outcome.FAILED
    # A forced outcome must also satisfy the outcome rule; a judged one may lawfully fail.
    broken = not verdict.allowed if step.outcome is not None else not verdict.gates_passed
    if broken:
        judged.flagged = True
        judged.findings += [v.to_dict() for v in verdict.violations]
    judged.findings += [w.to_dict() for w in verdict.warnings]


def _judged(
    spec: ActionSpec,
    step: PastStep,
    candidacy: Candidacy,
    context: DossierContext,
    calendar: engine.WorkingCalendar,
    judge: bool,
) -> _Judged:
    judged = _Judged()
    rule_set = engine.ruleset_for(step.on)
    judged.rule_set_id = rule_set.id if rule_set else ""
    if rule_set is None:
        judged.flag(f"Bước ngày {step.on:%d/%m/%Y} trước bộ quy định cũ nhất (30/07/2021).")
    if context.competences is None:
        context.competent(step.on)  # reads the chain's competence rows once
    for message in stage_refusals(spec, candidacy, context.ancestors, step.on, context.competences):
        judged.flag(message)
    if spec.engine_action is not None and judge:
        _judge(spec, step, candidacy, context, calendar, judged)
    elif spec.is_vote:
        judged.outcome = Outcome.PASSED
    if step.outcome is not None:
        judged.outcome = step.outcome
    return judged


def _membership_apply(
    membership: PartyMembership | None, ops: Sequence[MembershipOp], candidacy: Candidacy
) -> PartyMembership | None:
    """The membership operations of one step, on the unsaved membership row."""
    for op in ops:
        values = op.values
        if op.change == MembershipChange.ADMIT:
            membership = membership_build(
                person=candidacy.person,
                organisation=candidacy.organisation,
                decision_date=candidacy.decision_date,
                ceremony_date=values["ceremony_date"],
                readmitted=candidacy.is_readmission,
            )
            membership.candidacy = candidacy
        elif membership is None:
            continue
        elif op.change == MembershipChange.RECOGNISE:
            membership.status = MembershipStatus.OFFICIAL
            membership.official_date = values["official_date"]
        elif op.change == MembershipChange.REMOVE:
            membership.status = values.get("status", MembershipStatus.REMOVED)
            membership.exit_date = values["exit_date"]
            membership.exit_reason = values.get("exit_reason", ExitReason.REMOVED)
        else:
            for name, value in values.items():
                setattr(membership, name, value)
    return membership


def _transfer_target(spec: ActionSpec, step: PastStep) -> Organisation | None:
    """A replayed transfer names its target cell (an instance, or its id: one query)."""
    if spec.action != DossierAction.TRANSFER:
        return None
    named = step.facts.get("organisation")
    if named is None or isinstance(named, Organisation):
        return named
    return Organisation.objects.filter(pk=named).first()


def _reason(step: PastStep, flagged: bool, imported: bool) -> str:
    if step.reason or not imported:
        return step.reason
    return IMPORTED_REASON + (IMPORTED_FLAGGED if flagged else ".")


def replay(
    candidacy: Candidacy,
    steps: Sequence[PastStep],
    context: DossierContext,
    *,
    calendar: engine.WorkingCalendar,
    judge: bool = True,
    actor: User | None = None,
    imported: bool = False,
    keep_before: bool = True,
    rows: bool = False,
) -> Replayed:
    """The dossier after `steps` (in the order given), in memory. `context` holds what the
    case needs beyond the dossier (ancestors, official members, introducers and consents so
    far); the steps' introducers and consents are added to it as they come. Each event keeps
    the state before it (what voiding it puts back); `keep_before=False` leaves that out
    (a bulk load where disk counts: those steps cannot be voided, only amended). `rows`: the
    events as their column values (the same ones), not model instances."""
    done = Replayed(candidacy, [], [], [], None, False)
    if steps and (candidacy.opened_on is None or steps[0].on < candidacy.opened_on):
        candidacy.opened_on = steps[0].on
    if candidacy.stage_changed_on is None:
        candidacy.stage_changed_on = candidacy.opened_on
    for step in steps:
        spec = SPECS[DossierAction(step.action)]
        stage_before = Stage(candidacy.stage)
        if "official_members" in step.vote:
            # The cell as it was on the day of this vote (a history spans years).
            context.official_members = int(step.vote["official_members"])
        judged = _judged(spec, step, candidacy, context, calendar, judge)
        rule_set = engine.ruleset_by_id(judged.rule_set_id) if judged.rule_set_id else None
        passed = judged.outcome != Outcome.FAILED
        effect = spec.effect(
            EffectInput(
                candidacy=candidacy,
                facts={"date": step.on, **step.facts},
                on=step.on,
                passed=passed,
                parameters=rule_set.parameters if rule_set else engine.Parameters(),
                calendar=calendar,
                # A step naming its member in the facts links the introducer to that
                # membership; its `introducers` then only give the engine's view of them.
                introducers=tuple(step.introducers)
                if step.introducers is not None and "membership" not in step.facts
                else None,
                target=_transfer_target(spec, step),
            )
        )
        _effect_findings(effect, judged)
        before = before_state(candidacy, effect) if keep_before else {}
        apply_changes(candidacy, effect, spec.stage_after(stage_before, passed), step.on)
        _collect(done, effect, context, step)
        done.membership = _membership_apply(done.membership, effect.membership, candidacy)
        done.flagged = done.flagged or judged.flagged
        values = _event(spec, step, candidacy, context, effect, judged, stage_before, imported)
        values["before"] = before
        if rows:
            done.event_rows.append(_event_row(values, candidacy, actor))
        else:
            done.events.append(_event_instance(values, candidacy, actor))
    candidacy.next_stale = True
    return done


def _effect_findings(effect: Effect, judged: _Judged) -> None:
    if effect.violations:
        judged.flagged = True
        judged.findings += effect.violations
    for messages in effect.refusals.values():
        for message in messages:
            judged.flag(message)
    judged.findings += effect.warnings


def _collect(done: Replayed, effect: Effect, context: DossierContext, step: PastStep) -> None:
    """The step's introducers and consents: written later, judged from now on."""
    done.introducers += effect.introducers
    done.consents += effect.consents
    if step.introducers is not None:
        context.introducers.extend(step.introducers)
    else:
        context.introducers.extend(engine_introducer(i) for i in effect.introducers)
    context.consents.extend(engine_consent(c) for c in effect.consents)


def _event(
    spec: ActionSpec,
    step: PastStep,
    candidacy: Candidacy,
    context: DossierContext,
    effect: Effect,
    judged: _Judged,
    stage_before: Stage,
    imported: bool,
) -> dict[str, Any]:
    """The event's values, but for its dossier, organisation and actor."""
    given = {k: v.pk if isinstance(v, Organisation) else v for k, v in step.facts.items()}
    facts = recorded_facts(given, effect.extra)
    if imported:
        facts["imported"] = True
    vote = {k: v for k, v in step.vote.items() if k not in _NOT_VOTE}
    document = step.document
    return dict(
        action=spec.action,
        on=step.on,
        stage_before=stage_before,
        stage_after=candidacy.stage,
        outcome=judged.outcome,
        facts=jsonable(facts),
        vote=jsonable(vote_record(spec, vote, step.vote, context.official_members)),
        rule_set_id=judged.rule_set_id,
        warnings=judged.findings,
        reason=_reason(step, judged.flagged, imported),
        document_number=document.get("number", ""),
        document_date=document.get("date"),
        issuing_body=document.get("issuing_body", ""),
        signer=document.get("signer", ""),
        flagged=judged.flagged,
    )


def _actor(actor: User | None) -> User | None:
    return actor if actor is not None and actor.is_authenticated else None


def _event_instance(
    values: dict[str, Any], candidacy: Candidacy, actor: User | None
) -> CandidacyEvent:
    return CandidacyEvent(
        candidacy=candidacy, organisation=candidacy.organisation, actor=_actor(actor), **values
    )


def _event_row(values: dict[str, Any], candidacy: Candidacy, actor: User | None) -> dict[str, Any]:
    """The event's column values by attribute name (its dossier must have its id already)."""
    author = _actor(actor)
    values["candidacy_id"] = candidacy.pk
    values["organisation_id"] = candidacy.organisation_id
    values["actor_id"] = author.pk if author is not None else None
    return values


def replayed_write(
    items: Sequence[Replayed], *, batch_size: int = 2000, derived: bool = True
) -> None:
    """Write replayed dossiers in bulk: candidacies, events, introducers, consents,
    memberships (their people must exist already), then the derived data once
    (`dossiers_changed`; `derived=False` leaves it to the caller, e.g. a rebuild)."""
    candidacies = [item.candidacy for item in items]
    Candidacy.objects.bulk_create(candidacies, batch_size=batch_size)
    CandidacyEvent.objects.bulk_create(
        [event for item in items for event in item.events], batch_size=batch_size
    )
    Introducer.objects.bulk_create(
        [row for item in items for row in item.introducers], batch_size=batch_size
    )
    Consent.objects.bulk_create(
        [row for item in items for row in item.consents], batch_size=batch_size
    )
    memberships_create(
        [item.membership for item in items if item.membership is not None],
        batch_size=batch_size,
    )
    # A transfer moves the person too (their rows exist already).
    moved = [
        item.candidacy.person
        for item in items
        if any(event.action == DossierAction.TRANSFER for event in item.events)
    ]
    Person.objects.bulk_update(moved, ["organisation"], batch_size=batch_size)
    if derived:
        dossiers_changed([candidacy.pk for candidacy in candidacies])
