"""The one write path of the dossier: every action goes through `candidacy_act`.

An action (transitions.py) is taken in one transaction that locks the candidacy row
(`select_for_update` on PostgreSQL; on SQLite the IMMEDIATE transaction serialises writers
and the version check catches a stale client), checks the user's role, builds the rule
engine's case from the database plus the facts given, asks the engine, and writes the
change, an event and an audit entry together — or nothing at all.
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

from ptdv.audit.services import audit_record
from ptdv.candidacies.facts import FACTS
from ptdv.candidacies.models import (
    POOL_STAGES,
    Candidacy,
    CandidacyEvent,
    Consent,
    Introducer,
    IntroducerKind,
    Outcome,
    Stage,
)
from ptdv.candidacies.policies import candidacy_policy
from ptdv.candidacies.tallies import tallies_candidacy_changed
from ptdv.candidacies.transitions import TRANSITIONS, Transition
from ptdv.core.refusals import unprocessable
from ptdv.members.localities import locality_residents_recount
from ptdv.members.models import (
    FORMER_MEMBER_STATUSES,
    ExitReason,
    MembershipStatus,
    PartyMembership,
)
from ptdv.members.policies import membership_policy
from ptdv.organisations.models import (
    CELL_KINDS,
    Kind,
    Locality,
    Organisation,
    commune_level_unit,
)
from ptdv.organisations.policies import organisation_policy
from ptdv.organisations.services import organisation_counters_adjust
from ptdv.people.models import Person
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


# --- Reading the dossier ---------------------------------------------------------------------

_LEAVING_REASONS = {reason.value for reason in engine.LeavingReason}


def _ancestors(organisation: Organisation) -> list[Organisation]:
    """The organisation and its ancestors, nearest first (one query)."""
    rows = Organisation.objects.filter(path__in=organisation.ancestor_paths)
    return sorted(rows, key=lambda o: -len(o.path))


def committee_step_needed(organisation: Organisation, ancestors: list[Organisation]) -> bool:
    """The grassroots committee votes (8-KNĐ) unless the cell is itself a grassroots cell,
    or the grassroots committee is authorised to admit (it decides in one vote)."""
    if organisation.kind == Kind.GRASSROOTS_CELL:
        return False
    grassroots = next((o for o in ancestors if o.kind == Kind.GRASSROOTS_COMMITTEE), None)
    return not (grassroots is not None and grassroots.authorised_to_admit)


def grassroots_authorised(ancestors: list[Organisation]) -> bool:
    grassroots = next((o for o in ancestors if o.kind == Kind.GRASSROOTS_COMMITTEE), None)
    return bool(grassroots is not None and grassroots.authorised_to_admit)


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


def _engine_introducer(introducer: Introducer) -> engine.Introducer:
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


def _engine_consent(consent: Consent) -> engine.Consent:
    return engine.Consent(
        kind=engine.ConsentKind(consent.kind), date=consent.date, ref=consent.ref or None
    )


def dossier_context(
    candidacy: Candidacy, ancestors: list[Organisation] | None = None
) -> DossierContext:
    return DossierContext(
        ancestors=ancestors if ancestors is not None else _ancestors(candidacy.organisation),
        official_members=official_member_count(candidacy.organisation),
        introducers=[
            _engine_introducer(i)
            for i in candidacy.introducers.filter(withdrawn=False).select_related("membership")
        ],
        consents=[_engine_consent(c) for c in candidacy.consents.all()],
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
    org = engine.Organisation(
        has_youth_union=organisation.has_youth_union,
        has_trade_union=organisation.has_trade_union,
        is_grassroots_cell=organisation.kind == Kind.GRASSROOTS_CELL,
        grassroots_committee_authorised=grassroots_authorised(ancestors),
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
    if action in ("admission_decision", "recognition_decision"):
        default = (
            "authorised_grassroots_committee"
            if grassroots_authorised(ancestors)
            else "standing_committee_above"
        )
        decider = engine.Decider(facts.get("decider") or default)
    in_recognition = action in ("recognition_vote", "recognition_decision")
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
        action=engine.Action(action),
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


# --- Acting ----------------------------------------------------------------------------------


def _finding(rule: str, message: str, on: dt.date) -> dict[str, str]:
    rule_set = engine.ruleset_for(on)
    source = rule_set.rule_sources.get(rule, "") if rule_set else ""
    return {"rule": rule, "message": message, "source": source}


class WrongStage(ValidationError):
    """The dossier's present stage (or its organisation's tree) does not allow the action."""


def _check_source(
    transition: Transition, candidacy: Candidacy, ancestors: list[Organisation]
) -> None:
    stage = Stage(candidacy.stage)
    if stage not in transition.sources:
        raise WrongStage(
            {
                "action": [
                    _("Không thể “%(action)s” khi hồ sơ đang ở giai đoạn “%(stage)s”.")
                    % {"action": transition.label, "stage": stage.label}
                ]
            },
            code="invalid_stage",
        )
    needs_committee = committee_step_needed(candidacy.organisation, ancestors)
    if transition.action == "committee_vote" and not needs_committee:
        raise WrongStage(
            {
                "action": [
                    _(
                        "Chi bộ cơ sở hoặc đảng ủy cơ sở được ủy quyền không qua bước đảng ủy "
                        "cơ sở biểu quyết đề nghị."
                    )
                ]
            },
            code="invalid_stage",
        )
    if (
        transition.action == "admission_decision"
        and needs_committee
        and stage == Stage.BRANCH_RESOLVED
    ):
        raise WrongStage(
            {"action": [_("Cần nghị quyết của đảng ủy cơ sở (8-KNĐ) trước khi quyết định.")]},
            code="invalid_stage",
        )
    if (
        transition.action == "recognition_decision"
        and candidacy.recognition_resolution_date is None
    ):
        raise WrongStage(
            {"action": [_("Chi bộ chưa có nghị quyết đề nghị công nhận đảng viên chính thức.")]},
            code="invalid_stage",
        )


def _validated_facts(action: str, data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    from ptdv.candidacies.facts import DocumentSerializer

    payload = dict(data)
    document_data = payload.pop("document", None) or {}
    payload.pop("version", None)
    serializer = FACTS[action](data=payload)
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


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def candidacy_act(
    *,
    actor: Any,
    candidacy_id: int,
    action: str,
    data: dict[str, Any],
    version: int | None = None,
) -> ActionResult:
    """Take `action` on the dossier with the facts in `data`.

    Raises Http404 (outside the user's subtree), PermissionDenied (role), StaleVersion
    (version given and outdated), ValidationError (bad facts or wrong stage, by field),
    RuleViolation (the engine blocks it). On any of these nothing is written.
    """
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise ValidationError({"action": [_("Thao tác không tồn tại: %(a)s.") % {"a": action}]})
    with transaction.atomic():
        candidacy = candidacy_policy.get_visible(
            actor,
            candidacy_id,
            Candidacy.objects.select_for_update(of=("self",)).select_related(
                "person__residence_locality", "organisation"
            ),
        )
        candidacy_policy.authorize(actor, transition.permission, candidacy)
        # The facts are judged only for who may act here: outside 404, a role too low 403,
        # whatever the body says.
        facts, document = _validated_facts(action, data)
        if version is not None and version != candidacy.version:
            raise StaleVersion(candidacy.version)
        ancestors = _ancestors(candidacy.organisation)
        _check_source(transition, candidacy, ancestors)
        result = _apply(actor, candidacy, transition, facts, document, ancestors)
        updated = Candidacy.objects.filter(pk=candidacy.pk, version=candidacy.version).update(
            version=F("version") + 1
        )
        if updated != 1:
            raise StaleVersion(candidacy.version)
        candidacy.version += 1
        candidacy_refresh_next(candidacy, timezone.localdate())
        tallies_candidacy_changed(candidacy=candidacy, event=result.event)
        audit_record(
            actor=actor,
            action="action",
            obj=candidacy,
            person=candidacy.person,
            summary=str(transition.label),
            data={
                "action": action,
                "stage_before": result.event.stage_before,
                "stage_after": result.event.stage_after,
                "outcome": result.outcome,
                "event": result.event.pk,
                "document": _jsonable(document),
            },
        )
    return result


def _transfer_target(
    actor: Any,
    candidacy: Candidacy,
    transition: Transition,
    named: Any,
    ancestors: list[Organisation],
) -> Organisation:
    """The cell a transfer names, resolved through the actor's scope before anything is
    written: an active cell where the actor holds the role the action needs (absent and
    outside the scope answer alike), inside the dossier's own commune-level unit. Moving a
    dossier to another commune, ward, special zone or bloc is a request the receiving side
    must accept; it is refused here, even for a provincial administrator."""
    target = organisation_policy.resolve_named(
        actor,
        named,
        field="organisation",
        message=_("Không tìm thấy chi bộ đang hoạt động để chuyển đến."),
        action=transition.permission,
        queryset=Organisation.objects.filter(kind__in=CELL_KINDS, valid_to__isnull=True),
    )
    if target.pk == candidacy.organisation_id:
        raise unprocessable({"organisation": [_("Hồ sơ đã thuộc chi bộ này.")]})
    unit = commune_level_unit(ancestors)
    target_unit = commune_level_unit(_ancestors(target))
    if unit is not None and target_unit is not None and unit.pk != target_unit.pk:
        raise unprocessable(
            {
                "organisation": [
                    _(
                        "Không thể chuyển hồ sơ sang chi bộ thuộc %(other)s: chỉ được chuyển "
                        "trong %(unit)s. Chuyển sang đơn vị cấp xã khác phải do bên nhận "
                        "tiếp nhận (chưa hỗ trợ)."
                    )
                    % {"other": target_unit.name, "unit": unit.name}
                ]
            }
        )
    return target


def _apply(
    actor: Any,
    candidacy: Candidacy,
    transition: Transition,
    facts: dict[str, Any],
    document: dict[str, Any],
    ancestors: list[Organisation],
) -> ActionResult:
    on: dt.date = facts["date"]
    stage_before = candidacy.stage
    outcome = ""
    warnings: list[dict[str, str]] = []
    rule_set = engine.ruleset_for(on)
    rule_set_id = rule_set.id if rule_set else ""
    if transition.engine_action:
        context = dossier_context(candidacy, ancestors)
        verdict = candidacy_verdict(candidacy, transition.engine_action, on, facts, context)
        warnings = [w.to_dict() for w in verdict.warnings]
        if not verdict.gates_passed:
            raise RuleViolation(
                [v.to_dict() for v in verdict.violations if v.rule != verdict.outcome_rule]
                or [v.to_dict() for v in verdict.violations],
                warnings,
            )
        if verdict.outcome_rule is not None:
            outcome = Outcome.PASSED if verdict.outcome_passed else Outcome.FAILED
        rule_set_id = verdict.rule_set_id
    changes: dict[str, Any] = {}
    passed = outcome != Outcome.FAILED
    action = transition.action
    params = rule_set.parameters if rule_set else engine.Parameters()
    calendar = rules_calendar()
    extra: dict[str, Any] = {}

    if action == "record_certificate":
        changes["certificate_date"] = facts["certificate_date"]
    elif action == "record_application":
        if facts["application_date"] > facts["history_date"]:
            raise RuleViolation(
                [
                    _finding(
                        "application.before_history",
                        _("Đơn xin vào Đảng (ngày %(a)s) phải có trước lý lịch (ngày %(h)s).")
                        % {
                            "a": facts["application_date"].strftime("%d/%m/%Y"),
                            "h": facts["history_date"].strftime("%d/%m/%Y"),
                        },
                        on,
                    )
                ],
                [],
            )
        changes["application_date"] = facts["application_date"]
        changes["history_date"] = facts["history_date"]
    elif action == "record_verification":
        changes["verification_concluded_on"] = facts.get("concluded_on")
        changes["verification_waived"] = facts.get("waived", False)
    elif action == "record_introduction":
        membership = None
        if facts.get("membership"):
            # Named in the body: resolved through the actor's scope, outside = absent.
            membership = membership_policy.resolve_named(
                actor,
                facts["membership"],
                field="membership",
                message=_("Không tìm thấy đảng viên này."),
            )
            if membership.person_id == candidacy.person_id:
                raise unprocessable(
                    {"membership": [_("Người vào Đảng không thể tự giới thiệu mình.")]}
                )
        introducer = Introducer.objects.create(
            candidacy=candidacy,
            kind=facts["kind"],
            membership=membership,
            months_together=facts.get("months_together"),
            replacement=facts.get("replacement", False),
            date=facts["introduced_on"],
        )
        extra["introducer"] = introducer.pk
    elif action == "record_opinions":
        changes["opinions_date"] = facts["opinions_date"]
    elif action == "branch_vote":
        if passed:
            changes["branch_resolution_date"] = on
    elif action == "committee_vote":
        if passed:
            changes["committee_resolution_date"] = on
    elif action == "record_consent":
        consent = Consent.objects.create(
            candidacy=candidacy, kind=facts["kind"], date=facts["consent_date"], ref=facts["ref"]
        )
        extra["consent"] = consent.pk
    elif action == "request_extension":
        if candidacy.extension_working_days:
            raise unprocessable(
                {"working_days": [_("Hồ sơ đã được gia hạn một lần; chỉ được gia hạn một lần.")]}
            )
        changes["extension_working_days"] = facts["working_days"]
    elif action == "admission_decision":
        if passed:
            changes["decision_date"] = on
    elif action == "ceremony":
        changes["decision_received_date"] = facts["decision_received_date"]
        changes["ceremony_date"] = on
        membership = PartyMembership.objects.create(
            person=candidacy.person,
            organisation=candidacy.organisation,
            status=MembershipStatus.PROBATIONARY,
            admission_decision_date=candidacy.decision_date,
            ceremony_date=on,
            readmitted=candidacy.is_readmission,
            candidacy=candidacy,
        )
        organisation_counters_adjust(organisation=candidacy.organisation, members=1, candidates=-1)
        locality_residents_recount([candidacy.person.residence_locality_id])
        extra["membership"] = membership.pk
    elif action == "record_member_file":
        ceremony = candidacy.ceremony_date
        if ceremony is not None:
            due = calendar.add_working_days(ceremony, params.member_file_deadline_working_days)
            if on > due:
                warnings.append(
                    _finding(
                        "deadline.member_file",
                        _(
                            "Hồ sơ đảng viên hoàn thành ngày %(on)s, quá hạn %(n)s ngày làm việc "
                            "kể từ lễ kết nạp (hạn %(due)s)."
                        )
                        % {
                            "on": on.strftime("%d/%m/%Y"),
                            "n": params.member_file_deadline_working_days,
                            "due": due.strftime("%d/%m/%Y"),
                        },
                        on,
                    )
                )
        changes["member_file_date"] = on
    elif action == "record_newmember_course":
        changes["newmember_course_date"] = on
    elif action == "recognition_vote":
        if passed:
            changes["recognition_resolution_date"] = on
        else:
            changes["failed_recognition_votes"] = candidacy.failed_recognition_votes + 1
    elif action == "recognition_decision":
        if passed:
            changes["recognition_decision_date"] = on
            # The dossier is complete: the person is now an official member.
            changes["is_open"] = False
            changes["closed_on"] = on
            ceremony = candidacy.ceremony_date
            if ceremony is None:  # recognition needs a ceremony; the engine checked it
                raise unprocessable({"action": [_("Hồ sơ chưa có ngày lễ kết nạp.")]})
            official_date = engine.add_months(ceremony, params.probation_months)
            PartyMembership.objects.filter(
                candidacy=candidacy, status=MembershipStatus.PROBATIONARY
            ).update(status=MembershipStatus.OFFICIAL, official_date=official_date)
            extra["official_date"] = official_date
            # One more official member changes what the cell's other dossiers can do.
            Candidacy.objects.filter(organisation=candidacy.organisation, is_open=True).update(
                next_stale=True
            )
    elif action in ("withdraw", "reject", "lapse", "remove"):
        if action == "remove":
            PartyMembership.objects.filter(
                candidacy=candidacy, status=MembershipStatus.PROBATIONARY
            ).update(status=MembershipStatus.REMOVED, exit_date=on, exit_reason=ExitReason.REMOVED)
            organisation_counters_adjust(organisation=candidacy.organisation, members=-1)
            locality_residents_recount([candidacy.person.residence_locality_id])
        elif Stage(candidacy.stage) in POOL_STAGES:
            organisation_counters_adjust(organisation=candidacy.organisation, candidates=-1)
        changes["closed_reason"] = transition.closes
        changes["closed_on"] = on
        changes["is_open"] = False
    elif action == "transfer":
        target = _transfer_target(actor, candidacy, transition, facts["organisation"], ancestors)
        organisation_counters_adjust(organisation=candidacy.organisation, candidates=-1)
        organisation_counters_adjust(organisation=target, candidates=1)
        extra["from"] = candidacy.organisation.code
        extra["to"] = target.code
        changes["organisation"] = target
        changes["helper"] = None
        Person.objects.filter(pk=candidacy.person_id).update(organisation=target)
    elif action == "amend":
        name = facts["field"]
        extra["field"] = name
        extra["before"] = getattr(candidacy, name)
        extra["after"] = facts["value"]
        changes[name] = facts["value"]
        if name == "ceremony_date" and facts["value"] is not None:
            PartyMembership.objects.filter(candidacy=candidacy).update(ceremony_date=facts["value"])
        if name == "decision_date" and facts["value"] is not None:
            PartyMembership.objects.filter(candidacy=candidacy).update(
                admission_decision_date=facts["value"]
            )

    target_stage = transition.target
    new_stage = stage_before
    if target_stage is not None and passed:
        if not (action == "record_certificate" and stage_before != Stage.SOURCE):
            new_stage = target_stage
            if action == "record_application" and stage_before == Stage.APPLIED:
                new_stage = Stage.APPLIED
    if new_stage != stage_before:
        changes["stage"] = new_stage
        changes["stage_changed_on"] = on
    changes["next_stale"] = True
    for name, value in changes.items():
        setattr(candidacy, name, value)
    if changes:
        Candidacy.objects.filter(pk=candidacy.pk).update(**changes)
    if "organisation" in changes:
        from ptdv.candidacies.search import candidacy_search_refresh

        candidacy_search_refresh(candidacy_ids=[candidacy.pk])  # the new subtree finds it

    vote = {}
    if transition.is_vote:
        vote = dict(facts.get("vote") or {})
        if action in ("branch_vote", "recognition_vote"):
            official = official_member_count(candidacy.organisation)
            vote["official_members"] = official
            vote["temporarily_attached_elsewhere"] = facts.get("temporarily_attached_elsewhere", 0)
            vote["exempted_absent"] = facts.get("exempted_absent", 0)
            vote["denominator"] = (
                official - vote["temporarily_attached_elsewhere"] - vote["exempted_absent"]
            )
        else:
            vote["denominator"] = vote.get("body_size")
    recorded = {
        k: v
        for k, v in facts.items()
        if k not in ("date", "vote", "reason", "temporarily_attached_elsewhere", "exempted_absent")
    }
    recorded.update(extra)
    event = CandidacyEvent.objects.create(
        candidacy=candidacy,
        action=action,
        on=on,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        stage_before=stage_before,
        stage_after=new_stage,
        outcome=outcome,
        organisation=candidacy.organisation,
        facts=_jsonable(recorded),
        vote=_jsonable(vote),
        rule_set_id=rule_set_id,
        warnings=warnings,
        reason=facts.get("reason", ""),
        document_number=document.get("number", ""),
        document_date=document.get("date"),
        issuing_body=document.get("issuing_body", ""),
        signer=document.get("signer", ""),
    )
    return ActionResult(candidacy=candidacy, event=event, outcome=outcome, warnings=warnings)


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
    what will expire first (workflow.md §2 "The next lawful action")."""
    stage = Stage(candidacy.stage)
    if not candidacy.is_open or stage in (Stage.OFFICIAL, Stage.CLOSED):
        return NextAction("", None, None, [], [], None)
    if stage == Stage.SOURCE:
        return NextAction("record_certificate", None, None, ["certificate"], [], None)
    if stage == Stage.TRAINED:
        missing = ["application"]
        return NextAction("record_application", None, None, missing, [], None)
    ctx = context if context is not None else dossier_context(candidacy)
    ancestors = ctx.ancestors
    calendar = calendar or rules_calendar()
    facts: dict[str, Any]
    if stage == Stage.APPLIED:
        action = "branch_vote"
        # Ask the engine about a vote held today with every official member agreeing: what
        # still fails is what the dossier lacks.
        facts = {"vote": {"agree": ctx.official_members}}
    elif stage == Stage.BRANCH_RESOLVED and committee_step_needed(
        candidacy.organisation, ancestors
    ):
        action = "committee_vote"
        facts = {"vote": {"agree": 1, "body_size": 1}}
    elif stage in (Stage.BRANCH_RESOLVED, Stage.COMMITTEE_RESOLVED):
        action = "admission_decision"
        facts = {"vote": {"agree": 1, "body_size": 1}}
    elif stage == Stage.DECIDED:
        action = "ceremony"
        facts = {
            "decision_received_date": candidacy.decision_received_date or candidacy.decision_date
        }
    elif candidacy.recognition_resolution_date is None:
        action = "recognition_vote"
        facts = {"vote": {"agree": ctx.official_members}}
    else:
        action = "recognition_decision"
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
    if action == "recognition_vote" and candidacy.ceremony_date:
        params = (engine.ruleset_for(today) or engine.RULE_SETS[-1]).parameters
        end = engine.add_months(candidacy.ceremony_date, params.probation_months)
        earliest = end if end > today else None
        due = calendar.add_working_days(end, params.recognition_vote_deadline_working_days)
        missing = [m for m in missing if m != "probation.complete"]
    boundaries = [d for d in (earliest, due) if d is not None and d > today]
    boundaries += [dt.date.fromisoformat(e["valid_until"]) + dt.timedelta(days=1) for e in expiring]
    if action == "branch_vote" and candidacy.person.birth_date:
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
    if action in ("committee_vote", "admission_decision") and candidacy.branch_resolution_date:
        return calendar.add_working_days(
            candidacy.branch_resolution_date,
            params.decision_deadline_working_days + candidacy.extension_working_days,
        )
    if action == "ceremony":
        received = candidacy.decision_received_date or candidacy.decision_date
        if received:
            return calendar.add_working_days(received, params.ceremony_deadline_working_days)
    if action == "recognition_decision" and candidacy.recognition_resolution_date:
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


# --- The dossier checklist -------------------------------------------------------------------

_NEXT_ENGINE_ACTION = {
    Stage.TRAINED: "branch_vote",
    Stage.APPLIED: "branch_vote",
    Stage.BRANCH_RESOLVED: "admission_decision",
    Stage.COMMITTEE_RESOLVED: "admission_decision",
    Stage.DECIDED: "ceremony",
    Stage.PROBATIONARY: "recognition_vote",
}


def candidacy_checklist(candidacy: Candidacy, today: dt.date) -> list[dict[str, Any]]:
    """Each gate of the next collective step, ✓ or ✗, with the engine's message and source.

    The checklist asks the engine the same question the action will ask (with the vote
    assumed to pass), so a ✓ here means the rule will not block the action today.
    """
    nxt = candidacy_next(candidacy, today)
    action = (
        nxt.action if nxt.action in TRANSITIONS and TRANSITIONS[nxt.action].engine_action else ""
    )
    if not action:
        action = _NEXT_ENGINE_ACTION.get(Stage(candidacy.stage), "")
    if not action or not candidacy.is_open:
        return []
    transition = TRANSITIONS[action]
    context = dossier_context(candidacy)
    facts: dict[str, Any] = {"vote": {"agree": context.official_members}}
    if action in ("committee_vote", "admission_decision", "recognition_decision"):
        facts = {"vote": {"agree": 1, "body_size": 1}}
    if action == "ceremony":
        facts = {
            "decision_received_date": candidacy.decision_received_date or candidacy.decision_date
        }
    if action == "recognition_decision" or (
        action == "recognition_vote" and candidacy.recognition_resolution_date
    ):
        action = "recognition_decision"
        transition = TRANSITIONS[action]
        facts = {"vote": {"agree": 1, "body_size": 1}}
    case = build_case(candidacy, action, today, facts, context)
    try:
        engine.validate_case(case)
    except engine.CaseError as exc:
        return [
            {"rule": "case", "ok": False, "message": exc.message, "source": "", "warning": False}
        ]
    verdict = engine.evaluate(case, rules_calendar())
    rule_set = engine.ruleset_by_id(verdict.rule_set_id)
    failed = {f.rule: f for f in verdict.violations}
    warned = {f.rule: f for f in verdict.warnings}
    outcome_rules = set(engine.OUTCOME_RULES.values())
    rows = []
    for rule in transition.rules:
        if rule in outcome_rules:
            continue
        finding = failed.get(rule) or warned.get(rule)
        rows.append(
            {
                "rule": rule,
                "ok": finding is None,
                "warning": rule in warned,
                "message": finding.message if finding else engine.RULE_LABELS.get(rule, rule),
                "source": finding.source if finding else rule_set.rule_sources.get(rule, ""),
            }
        )
    return rows
