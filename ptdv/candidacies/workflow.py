"""The one write path of the dossier: every action goes through `candidacy_act`.

An action (its spec in ptdv/candidacies/actions/) is taken in one transaction that locks the
candidacy row (`select_for_update` on PostgreSQL; on SQLite the IMMEDIATE transaction
serialises writers and the version check catches a stale client), checks the user's role,
builds the rule engine's case from the database plus the facts given, asks the engine, takes
the spec's effect and writes the change, an event and an audit entry together — or nothing
at all. The derived data follow through one hook (ptdv.candidacies.derived).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ptdv.accounts.models import User
from ptdv.audit.services import audit_record
from ptdv.candidacies.actions import SPECS, ActionSpec, DossierAction, Effect, EffectInput, spec_for
from ptdv.candidacies.actions.base import MembershipChange
from ptdv.candidacies.actions.record import (
    CELL_COUNTS,
    apply_changes,
    before_state,
    jsonable,
    recorded_facts,
    stage_refusals,
    vote_record,
)
from ptdv.candidacies.case import (
    DossierContext as DossierContext,
)
from ptdv.candidacies.case import (
    NextAction as NextAction,
)
from ptdv.candidacies.case import (
    ancestors_of,
    candidacy_next,
    candidacy_verdict,
    dossier_context,
    official_member_count,
)
from ptdv.candidacies.case import (
    build_case as build_case,
)
from ptdv.candidacies.case import (
    candidacy_refresh_next as candidacy_refresh_next,
)
from ptdv.candidacies.case import (
    committee_step_needed as committee_step_needed,
)
from ptdv.candidacies.case import (
    grassroots_authorised as grassroots_authorised,
)
from ptdv.candidacies.case import (
    next_fields as next_fields,
)
from ptdv.candidacies.case import (
    previous_membership_from as previous_membership_from,
)
from ptdv.candidacies.derived import DossierSnapshot, dossier_changed
from ptdv.candidacies.facts import DocumentSerializer
from ptdv.candidacies.models import Candidacy, CandidacyEvent, Introducer, Outcome, Stage
from ptdv.candidacies.policies import candidacy_policy
from ptdv.core.policies import Actor
from ptdv.core.refusals import unprocessable
from ptdv.members.models import PartyMembership
from ptdv.members.policies import membership_policy
from ptdv.members.services import (
    membership_admit,
    membership_amend,
    membership_recognise,
    membership_remove,
)
from ptdv.members.votes import cell_members_on
from ptdv.organisations.competence import Competent, competence_rows
from ptdv.organisations.models import CELL_KINDS, Competence, Organisation, commune_level_unit
from ptdv.organisations.policies import organisation_policy
from ptdv.people.models import Person
from ptdv.people.policies import person_policy
from ptdv.rules import engine
from ptdv.rules.services import rules_calendar


class StaleVersion(Exception):
    """The client acted on a version of the dossier that someone else has changed since."""

    def __init__(self, current: int) -> None:
        super().__init__(_("Hồ sơ đã bị người khác thay đổi; hãy tải lại và thử lại."))
        self.current = current


class RuleViolation(Exception):
    """The rule engine blocks the action: nothing was written."""

    def __init__(self, violations: list[dict[str, str]], warnings: list[dict[str, str]]) -> None:
        message = "; ".join(v["message"] for v in violations)
        super().__init__(message)
        self.message = _("Không thể thực hiện: %(reasons)s") % {"reasons": message}
        self.violations = violations
        self.warnings = warnings


@dataclass
class ActionResult:
    candidacy: Candidacy
    event: CandidacyEvent
    outcome: str = ""
    warnings: list[dict[str, str]] = field(default_factory=list)


# --- Acting ----------------------------------------------------------------------------------


class WrongStage(ValidationError):
    """The dossier's present stage (or its organisation's tree) does not allow the action.
    `current`: the dossier's version it was refused at (None when not known)."""

    current: int | None = None


def _check_source(
    spec: ActionSpec,
    candidacy: Candidacy,
    ancestors: list[Organisation],
    on: dt.date | None = None,
    competences: list[Competence] | None = None,
) -> None:
    refusals = stage_refusals(spec, candidacy, ancestors, on, competences)
    if refusals:
        refused = WrongStage({"action": refusals}, code="invalid_stage")
        refused.current = candidacy.version
        raise refused


def _validated_facts(
    spec: ActionSpec, data: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    payload = dict(data)
    document_data = payload.pop("document", None) or {}
    payload.pop("version", None)
    serializer = spec.facts(data=payload)
    document = DocumentSerializer(data=document_data)
    errors: dict[str, Any] = {}
    if not serializer.is_valid():
        errors.update(serializer.errors)
    if not document.is_valid():
        errors["document"] = document.errors
    unknown = set(payload) - set(serializer.fields)
    for key in sorted(unknown):
        errors[key] = [_("Trường không được hỗ trợ cho thao tác này.")]
    if errors:
        raise ValidationError(_flatten_errors(errors))
    facts = dict(serializer.validated_data)
    facts.setdefault("date", timezone.localdate())
    return facts, dict(document.validated_data)


def _flatten_errors(errors: Any, prefix: str = "") -> dict[str, list[ValidationError]]:
    """A serializer's nested errors by dotted field path, each message keeping its code (a
    refusal by a rule is answered 422, ptdv.core.refusals)."""
    flat: dict[str, list[ValidationError]] = {}
    if isinstance(errors, dict):
        for key, value in errors.items():
            name = prefix if key == "non_field_errors" and prefix else str(key)
            if prefix and key != "non_field_errors":
                name = f"{prefix}.{key}"
            for sub, messages in _flatten_errors(value, name).items():
                flat.setdefault(sub, []).extend(messages)
    else:
        items = errors if isinstance(errors, list) else [errors]
        flat[prefix or "non_field_errors"] = [
            ValidationError(str(e), code=getattr(e, "code", None)) for e in items
        ]
    return flat


def candidacy_act(
    *,
    actor: Actor,
    candidacy_id: int,
    action: str,
    data: dict[str, Any],
    version: int | None = None,
    across_units: bool = False,
) -> ActionResult:
    """Take `action` on the dossier with the facts in `data`.

    `across_units` lets a transfer move the dossier to a cell of another commune-level unit:
    only for a dossier transfer the receiving side accepted (ptdv.correspondence), never from
    a form or the API.

    Raises Http404 (outside the user's subtree), PermissionDenied (role), StaleVersion
    (version given and outdated), ValidationError (bad facts or wrong stage, by field),
    RuleViolation (the engine blocks it). On any of these nothing is written.
    """
    spec = spec_for(action)
    if spec is None:
        raise ValidationError({"action": [_("Thao tác không tồn tại: %(a)s.") % {"a": action}]})
    with transaction.atomic():
        candidacy = candidacy_policy.get_visible(
            actor,
            candidacy_id,
            # NO KEY: rows that merely reference the dossier (an import's search entry, a
            # request) may still be written meanwhile; two actions still queue.
            Candidacy.objects.select_for_update(of=("self",), no_key=True).select_related(
                "person__residence_locality", "organisation"
            ),
        )
        candidacy_policy.authorize(actor, spec.permission, candidacy)
        # The facts are judged only for who may act here: outside 404, a role too low 403,
        # whatever the body says.
        facts, document = _validated_facts(spec, data)
        if (
            "temporarily_attached_elsewhere" in facts
            and "temporarily_attached_elsewhere" not in data
        ):
            # Not given: the cell's official members recorded as attached elsewhere that day
            # (ptdv.members.actions `attach`) leave the denominator (QĐ 294 §9.3.2).
            facts["temporarily_attached_elsewhere"] = cell_members_on(
                candidacy.organisation_id, facts["date"]
            ).attached_elsewhere
        if version is not None and version != candidacy.version:
            raise StaleVersion(candidacy.version)
        ancestors = ancestors_of(candidacy.organisation)
        if candidacy.stage not in spec.sources:
            # Refused by its stage alone (a bulk act over a selection, mostly): before reading
            # anything more.
            _check_source(spec, candidacy, ancestors, facts.get("date"))
        # Who decides for the chain (its competence rows, all dates), read once: the stage
        # check, the engine's case and the effect each ask.
        competences = competence_rows(ancestors)
        _check_source(spec, candidacy, ancestors, facts.get("date"), competences)
        before = DossierSnapshot.of(candidacy)
        result = _apply(
            actor, candidacy, spec, facts, document, ancestors, across_units, competences
        )
        # The tallies add to the rows of the chain read above (a transfer's new chain is
        # read by them).
        dossier_changed(candidacy, before=before, event=result.event, ancestors=ancestors)
        audit_record(
            actor=actor,
            action="action",
            obj=candidacy,
            person=candidacy.person,
            summary=spec.label,
            data={
                "action": str(spec.action),
                "stage_before": result.event.stage_before,
                "stage_after": result.event.stage_after,
                "outcome": result.outcome,
                "event": result.event.pk,
                "document": jsonable(document),
                # What the step changed, as it was before and as it is after.
                "before": result.event.before.get("dossier", {}),
                "after": jsonable(
                    {
                        name: getattr(candidacy, name)
                        for name in result.event.before.get("dossier", {})
                    }
                ),
                **_amended(result.event),
            },
        )
    return result


def _amended(event: CandidacyEvent) -> dict[str, Any]:
    """An amendment's correction for the audit entry: the field, the step it corrects, the
    value before and after."""
    if event.action != DossierAction.AMEND:
        return {}
    names = ("field", "event", "introducer", "before", "after")
    return {"amended": {name: event.facts.get(name) for name in names if name in event.facts}}


def _transfer_target(
    actor: Actor,
    candidacy: Candidacy,
    spec: ActionSpec,
    named: Any,
    ancestors: list[Organisation],
    across_units: bool = False,
) -> Organisation:
    """The cell a transfer names, resolved through the actor's scope before anything is
    written: an active cell where the actor holds the role the action needs (absent and
    outside the scope answer alike), inside the dossier's own commune-level unit. Moving a
    dossier to another commune, ward, special zone or bloc is a request the receiving side
    must accept (`across_units`, ptdv.correspondence); it is refused here otherwise, even for a
    provincial administrator."""
    target = organisation_policy.resolve_named(
        actor,
        named,
        field="organisation",
        message=_("Không tìm thấy chi bộ đang hoạt động để chuyển đến."),
        action=spec.permission,
        queryset=Organisation.objects.filter(kind__in=CELL_KINDS, valid_to__isnull=True),
    )
    if target.pk == candidacy.organisation_id:
        raise unprocessable({"organisation": [_("Hồ sơ đã thuộc chi bộ này.")]})
    unit = commune_level_unit(ancestors)
    target_unit = commune_level_unit(ancestors_of(target))
    if across_units:
        return target
    if unit is not None and target_unit is not None and unit.pk != target_unit.pk:
        raise unprocessable(
            {
                "organisation": [
                    _(
                        "Không thể chuyển hồ sơ sang chi bộ thuộc %(other)s: chỉ được chuyển "
                        "trong %(unit)s. Chuyển sang đơn vị cấp xã khác: gửi yêu cầu chuyển "
                        "hồ sơ để bên nhận tiếp nhận."
                    )
                    % {"other": target_unit.name, "unit": unit.name}
                ]
            }
        )
    return target


def _introducer_membership(
    actor: Actor, named: Any, field: str = "membership"
) -> PartyMembership | None:
    """The introducing member named in the body, resolved through the actor's scope
    (outside = absent)."""
    if not named:
        return None
    return membership_policy.resolve_named(
        actor, named, field=field, message=_("Không tìm thấy đảng viên này.")
    )


@dataclass
class _Named:
    """What the facts name beyond the dossier, resolved through the actor's scope before
    anything is written (outside the scope answers like absent: a field error)."""

    membership: PartyMembership | None = None
    target: Organisation | None = None
    helper: PartyMembership | None = None
    leader: Person | None = None
    amended: CandidacyEvent | None = None
    introducer: Introducer | None = None


def _resolve_named(
    actor: Actor,
    candidacy: Candidacy,
    spec: ActionSpec,
    facts: dict[str, Any],
    ancestors: list[Organisation],
    across_units: bool = False,
) -> _Named:
    named = _Named()
    if spec.action == DossierAction.RECORD_INTRODUCTION:
        named.membership = _introducer_membership(actor, facts.get("membership"))
    if spec.action == DossierAction.TRANSFER:
        named.target = _transfer_target(
            actor, candidacy, spec, facts["organisation"], ancestors, across_units
        )
    if facts.get("helper"):
        named.helper = membership_policy.resolve_named(
            actor, facts["helper"], field="helper", message=_("Không tìm thấy đảng viên giúp đỡ.")
        )
    if facts.get("responsible_leader"):
        named.leader = person_policy.resolve_named(
            actor,
            facts["responsible_leader"],
            field="responsible_leader",
            message=_("Không tìm thấy người chịu trách nhiệm bồi dưỡng."),
        )
    if spec.action == DossierAction.AMEND and facts.get("event"):
        named.amended = (
            CandidacyEvent.objects.effective()
            .filter(candidacy=candidacy, pk=facts["event"])
            .first()
        )
        if named.amended is None:
            raise unprocessable({"event": [_("Không tìm thấy bước này trong hồ sơ.")]})
        introducer_id = named.amended.facts.get("introducer")
        if str(facts["field"]).startswith("introducer.") and introducer_id:
            named.introducer = (
                Introducer.objects.filter(candidacy=candidacy, pk=introducer_id)
                .select_related("membership")
                .first()
            )
        if facts["field"] == "introducer.membership":
            named.membership = _introducer_membership(actor, facts["value"], field="value")
    return named


def _judge(
    spec: ActionSpec,
    candidacy: Candidacy,
    facts: dict[str, Any],
    ancestors: list[Organisation],
    competences: list[Competence] | None = None,
) -> tuple[str, str, list[dict[str, str]]]:
    """(outcome, rule set id, warnings) of the engine for the action; RuleViolation when
    a gate blocks it."""
    on: dt.date = facts["date"]
    rule_set = engine.ruleset_for(on)
    if spec.engine_action is None:
        return "", rule_set.id if rule_set else "", []
    context = dossier_context(candidacy, ancestors)
    if competences is not None:
        context.competences = competences
    verdict = candidacy_verdict(candidacy, spec.engine_action, on, facts, context)
    warnings = [w.to_dict() for w in verdict.warnings]
    if not verdict.gates_passed:
        raise RuleViolation(
            [v.to_dict() for v in verdict.violations if v.rule != verdict.outcome_rule]
            or [v.to_dict() for v in verdict.violations],
            warnings,
        )
    outcome = ""
    if verdict.outcome_rule is not None:
        outcome = Outcome.PASSED if verdict.outcome_passed else Outcome.FAILED
    return outcome, verdict.rule_set_id, warnings


def _apply(
    actor: Actor,
    candidacy: Candidacy,
    spec: ActionSpec,
    facts: dict[str, Any],
    document: dict[str, Any],
    ancestors: list[Organisation],
    across_units: bool = False,
    competences: list[Competence] | None = None,
) -> ActionResult:
    """Judge the action, take its spec's effect and write it, with its event (`competences`:
    the chain's competence rows, when the caller has read them)."""
    on: dt.date = facts["date"]
    stage_before = Stage(candidacy.stage)
    outcome, rule_set_id, warnings = _judge(spec, candidacy, facts, ancestors, competences)
    rule_set = engine.ruleset_for(on)
    passed = outcome != Outcome.FAILED
    named = _resolve_named(actor, candidacy, spec, facts, ancestors, across_units)
    effect = spec.effect(
        EffectInput(
            candidacy=candidacy,
            facts=facts,
            on=on,
            passed=passed,
            parameters=rule_set.parameters if rule_set else engine.Parameters(),
            calendar=rules_calendar,  # read only if the effect needs it
            membership=named.membership,
            target=named.target,
            helper=named.helper,
            leader=named.leader,
            amended=named.amended,
            introducer=named.introducer,
            grassroots_authorised=grassroots_authorised(ancestors, competences=competences),
        )
    )
    if effect.violations:
        raise RuleViolation(effect.violations, [])
    if effect.refusals:
        raise unprocessable(effect.refusals)
    warnings += effect.warnings
    before = before_state(candidacy, effect)
    _persist(candidacy, effect, on, named)
    apply_changes(candidacy, effect, spec.stage_after(stage_before, passed), on)
    effect.changes["next_stale"] = True
    candidacy.next_stale = True
    # The step's changes and the version's bump in one UPDATE, on the version the dossier was
    # read at (under the row lock on PostgreSQL; on SQLite this catches a stale client).
    updated = Candidacy.objects.filter(pk=candidacy.pk, version=candidacy.version).update(
        **effect.changes, version=F("version") + 1
    )
    if updated != 1:
        raise StaleVersion(candidacy.version)
    candidacy.version += 1
    if effect.person_changes:
        Person.objects.filter(pk=candidacy.person_id).update(**effect.person_changes)
    counts = {name: facts.get(name, 0) for name in CELL_COUNTS}
    official = official_member_count(candidacy.organisation) if spec.is_vote else 0
    event = CandidacyEvent.objects.create(
        candidacy=candidacy,
        action=spec.action,
        on=on,
        actor=actor if isinstance(actor, User) and actor.is_authenticated else None,
        stage_before=stage_before,
        stage_after=candidacy.stage,
        outcome=outcome,
        organisation=candidacy.organisation,
        facts=jsonable(recorded_facts(facts, effect.extra)),
        vote=jsonable(vote_record(spec, dict(facts.get("vote") or {}), counts, official)),
        rule_set_id=rule_set_id,
        warnings=warnings,
        reason=facts.get("reason", ""),
        document_number=document.get("number", ""),
        document_date=document.get("date"),
        issuing_body=document.get("issuing_body", ""),
        signer=document.get("signer", ""),
        before=before,
    )
    return ActionResult(candidacy=candidacy, event=event, outcome=outcome, warnings=warnings)


def _persist(candidacy: Candidacy, effect: Effect, on: dt.date, named: _Named) -> None:
    """Write the rows an effect creates or corrects (introducers, consents, an amended event
    or introduction, membership changes), their ids recorded in the event's facts."""
    if effect.event_changes and named.amended is not None:
        CandidacyEvent.objects.filter(pk=named.amended.pk).update(**effect.event_changes)
    if effect.introducer_changes and named.introducer is not None:
        Introducer.objects.filter(pk=named.introducer.pk).update(**effect.introducer_changes)
    for introducer in effect.introducers:
        introducer.save(force_insert=True)
        effect.extra["introducer"] = introducer.pk
    for consent in effect.consents:
        consent.save(force_insert=True)
        effect.extra["consent"] = consent.pk
    if effect.cell_stale:
        # One more official member changes what the cell's other dossiers can do.
        Candidacy.objects.filter(organisation=candidacy.organisation, is_open=True).update(
            next_stale=True
        )
    for op in effect.membership:
        values = dict(op.values)
        if op.change == MembershipChange.ADMIT:
            membership = membership_admit(
                person_id=candidacy.person_id,
                organisation_id=candidacy.organisation_id,
                candidacy_id=candidacy.pk,
                decision_date=candidacy.decision_date,
                ceremony_date=values["ceremony_date"],
                readmitted=candidacy.is_readmission,
            )
            effect.extra["membership"] = membership.pk
        elif op.change == MembershipChange.RECOGNISE:
            membership_recognise(candidacy_id=candidacy.pk, official_date=values["official_date"])
        elif op.change == MembershipChange.REMOVE:
            membership_remove(candidacy_id=candidacy.pk, **values)
        else:
            membership_amend(candidacy_id=candidacy.pk, **values)


# --- The dossier checklist -------------------------------------------------------------------

_NEXT_ENGINE_ACTION = {
    Stage.TRAINED: DossierAction.BRANCH_VOTE,
    Stage.APPLIED: DossierAction.BRANCH_VOTE,
    Stage.BRANCH_RESOLVED: DossierAction.ADMISSION_DECISION,
    Stage.COMMITTEE_RESOLVED: DossierAction.ADMISSION_DECISION,
    Stage.DECIDED: DossierAction.CEREMONY,
    Stage.PROBATIONARY: DossierAction.RECOGNITION_VOTE,
}


def candidacy_checklist(
    candidacy: Candidacy,
    today: dt.date,
    *,
    context: DossierContext | None = None,
    calendar: engine.WorkingCalendar | None = None,
    nxt: NextAction | None = None,
) -> list[dict[str, Any]]:
    """Each gate of the next collective step, ✓ or ✗, with the engine's message and source.

    The checklist asks the engine the same question the action will ask (with the vote
    assumed to pass), so a ✓ here means the rule will not block the action today.

    A page that shows the next action too passes what it has read already — the dossier's
    context, the calendar and the next action computed from them — instead of having them
    read again (the dossier page read its context three times, issue 15).
    """
    if context is None:
        context = dossier_context(candidacy)
    if nxt is None:
        nxt = candidacy_next(candidacy, today, context, calendar)
    next_spec = spec_for(nxt.action)
    action = nxt.action if next_spec is not None and next_spec.engine_action else ""
    if not action:
        action = _NEXT_ENGINE_ACTION.get(Stage(candidacy.stage), "")
    if not action or not candidacy.is_open:
        return []
    spec = SPECS[DossierAction(action)]
    facts: dict[str, Any] = {"vote": {"agree": context.official_members}}
    if action in (
        DossierAction.COMMITTEE_VOTE,
        DossierAction.ADMISSION_DECISION,
        DossierAction.RECOGNITION_DECISION,
    ):
        facts = {"vote": {"agree": 1, "body_size": 1}}
    if action == DossierAction.CEREMONY:
        facts = {
            "decision_received_date": candidacy.decision_received_date or candidacy.decision_date
        }
    if action == DossierAction.RECOGNITION_DECISION or (
        action == DossierAction.RECOGNITION_VOTE and candidacy.recognition_resolution_date
    ):
        action = DossierAction.RECOGNITION_DECISION
        spec = SPECS[action]
        facts = {"vote": {"agree": 1, "body_size": 1}}
    case = build_case(candidacy, action, today, facts, context)
    try:
        engine.validate_case(case)
    except engine.CaseError as exc:
        return [
            {"rule": "case", "ok": False, "message": exc.message, "source": "", "warning": False}
        ]
    # Read only now (once per context): most dossiers have no gate to check.
    verdict = engine.evaluate(case, calendar or context.working_calendar())
    rule_set = engine.ruleset_by_id(verdict.rule_set_id)
    failed = {f.rule: f for f in verdict.violations}
    warned = {f.rule: f for f in verdict.warnings}
    outcome_rules = set(engine.OUTCOME_RULES.values())
    rows = []
    for rule in spec.rules:
        if rule in outcome_rules:
            continue
        finding = failed.get(rule) or warned.get(rule)
        message = finding.message if finding else engine.RULE_LABELS.get(rule, rule)
        if rule == "decider.competent" and finding is None:
            # Who decides today, as the tree's competence says (ptdv/organisations/competence.py).
            message = f"{message}: {_decider_phrase(context.competent(today))}"
        rows.append(
            {
                "rule": rule,
                "ok": finding is None,
                "warning": rule in warned,
                "message": message,
                "source": finding.source if finding else rule_set.rule_sources.get(rule, ""),
            }
        )
    return rows


def _decider_phrase(who: Competent) -> str:
    """ "Ban Thường vụ Đảng ủy xã A" (the standing committee above) or "Đảng ủy B" (an
    authorised grassroots committee)."""
    name = who.decider.name
    body = "Đảng ủy " + name[len("Đảng bộ ") :] if name.startswith("Đảng bộ ") else name
    if name.startswith("Đảng bộ tỉnh "):
        body = "Tỉnh ủy " + name[len("Đảng bộ tỉnh ") :]
    elif name.startswith("Đảng bộ thành phố "):
        body = "Thành ủy " + name[len("Đảng bộ thành phố ") :]
    return body if who.authorised else f"Ban Thường vụ {body}"
