"""Changes to the dossier itself: moving it to another cell, correcting what was recorded
(a dossier date, or a fact an earlier event recorded: its vote figures, its document, the
introduction it wrote), each correction re-checked against the rules that fact answers to."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from ptdv.candidacies.actions.base import (
    ActionSpec,
    DossierAction,
    Effect,
    EffectInput,
    MembershipChange,
    MembershipOp,
    finding,
)
from ptdv.candidacies.actions.people import helper_change, names_of
from ptdv.candidacies.facts import AMENDABLE_FIELDS, AmendFacts, TransferFacts
from ptdv.candidacies.models import POOL_STAGES, CandidacyEvent, IntroducerKind, Outcome, Stage
from ptdv.core.policies import Action
from ptdv.members.models import MembershipStatus
from ptdv.rules import engine

# The membership's copy of a dossier date, kept in step when the date is corrected.
MEMBERSHIP_DATES = {"ceremony_date": "ceremony_date", "decision_date": "admission_decision_date"}
# The event's column of each document field an amendment corrects.
DOCUMENT_COLUMNS = {
    "document.number": "document_number",
    "document.date": "document_date",
    "document.issuing_body": "issuing_body",
    "document.signer": "signer",
}
# The Introducer's field of each introduction fact an amendment corrects.
INTRODUCER_COLUMNS = {
    "introducer.membership": "membership_id",
    "introducer.months_together": "months_together",
    "introducer.replacement": "replacement",
    "introducer.date": "date",
}
_CELL_VOTES = (DossierAction.BRANCH_VOTE, DossierAction.RECOGNITION_VOTE)
_DECISIONS = (DossierAction.ADMISSION_DECISION, DossierAction.RECOGNITION_DECISION)


def transfer_effect(state: EffectInput) -> Effect:
    """The target cell (and the helper there) were resolved through the actor's scope by the
    caller; a helper must be an official member of the target cell."""
    target = state.target
    if target is None:
        return Effect(refusals={"organisation": [_("Không tìm thấy chi bộ đang hoạt động.")]})
    changes, refusals = helper_change(state, target.pk)
    if refusals:
        return Effect(refusals=refusals)
    return Effect(
        changes={"organisation": target, **changes},
        person_changes={"organisation": target},
        extra={"from": state.candidacy.organisation.code, "to": target.code, **names_of(state)},
    )


def _dossier_amendment(state: EffectInput, name: str, value: Any) -> Effect:
    effect = Effect(
        changes={name: value},
        extra={"field": name, "before": getattr(state.candidacy, name), "after": value},
    )
    if name in MEMBERSHIP_DATES and value is not None:
        effect.membership.append(
            MembershipOp(MembershipChange.AMEND, {MEMBERSHIP_DATES[name]: value})
        )
    return effect


VOTE_OUTCOME_RULES = (
    "vote.branch_two_thirds",
    "vote.committee_two_thirds",
    "vote.standing_majority",
)


def vote_passes(
    action: str, vote: dict[str, Any], parameters: engine.Parameters, authorised: bool
) -> tuple[str, bool]:
    """The outcome rule of the vote (vote.branch_two_thirds, vote.committee_two_thirds,
    vote.standing_majority) and whether its figures pass it with the parameters of its date."""
    p = parameters
    agree = int(vote.get("agree") or 0)
    if action in _CELL_VOTES:
        voters = int(vote.get("denominator") or 0)
        passed = (
            voters > 0 and agree * p.branch_vote_denominator >= voters * p.branch_vote_numerator
        )
        return VOTE_OUTCOME_RULES[0], passed
    body = int(vote.get("body_size") or 0)
    if action == DossierAction.COMMITTEE_VOTE or authorised:
        passed = agree * p.committee_vote_denominator >= body * p.committee_vote_numerator
        return VOTE_OUTCOME_RULES[1], passed
    passed = agree * p.standing_majority_denominator > body * p.standing_majority_numerator
    return VOTE_OUTCOME_RULES[2], passed


def _vote_refusals(vote: dict[str, Any]) -> dict[str, list[str]]:
    """The figures' own consistency (the facts serializer's checks)."""
    summoned, present, agree = vote.get("summoned"), vote.get("present"), vote.get("agree")
    body = vote.get("body_size")
    if present is not None and agree is not None and agree > present:
        return {"value": [_("Số tán thành không được lớn hơn số có mặt.")]}
    if summoned is not None and present is not None and present > summoned:
        return {"value": [_("Số có mặt không được lớn hơn số được triệu tập.")]}
    if body is not None and agree is not None and agree > body:
        return {"value": [_("Số tán thành không được lớn hơn số thành viên.")]}
    return {}


def _vote_amendment(state: EffectInput, event: CandidacyEvent, name: str, value: Any) -> Effect:
    key = name.split(".", 1)[1]
    if not event.vote:
        return Effect(refusals={"event": [_("Bước này không có biểu quyết để đính chính.")]})
    if value is None and key == "body_size" and event.action not in _CELL_VOTES:
        return Effect(refusals={"value": [_("Cần nhập tổng số thành viên của cấp ủy biểu quyết.")]})
    vote = dict(event.vote)
    before = vote.get(key)
    vote[key] = value
    if key == "body_size" and event.action not in _CELL_VOTES:
        vote["denominator"] = value
    refusals = _vote_refusals(vote)
    if refusals:
        return Effect(refusals=refusals)
    effect = Effect(
        event_changes={"vote": vote},
        extra={"field": name, "event": event.pk, "before": before, "after": value},
    )
    if event.outcome:
        rule_set = engine.ruleset_for(event.on)
        parameters = rule_set.parameters if rule_set else engine.Parameters()
        rule, passed = vote_passes(event.action, vote, parameters, state.grassroots_authorised)
        if passed != (event.outcome == Outcome.PASSED):
            effect.violations.append(
                finding(
                    rule,
                    _(
                        "Số liệu biểu quyết sau khi đính chính làm thay đổi kết quả đã ghi "
                        "(%(was)s); không đính chính được. Hãy hủy bước này (nếu là bước cuối) "
                        "và ghi lại."
                    )
                    % {"was": Outcome(event.outcome).label},
                    event.on,
                )
            )
    return effect


def _introducer_refusals(state: EffectInput, column: str, value: Any) -> dict[str, list[str]]:
    """What the introduction, as corrected, breaks: who may introduce, and — once the cell
    has voted on it — the introducer rules of the vote (official member, months together,
    dated by the vote)."""
    introducer = state.introducer
    assert introducer is not None
    is_member = introducer.kind == IntroducerKind.MEMBER
    if column in ("membership_id", "months_together") and not is_member:
        return {
            "field": [_("Người giới thiệu này là ban chấp hành đoàn thể, không phải đảng viên.")]
        }
    membership = state.membership if column == "membership_id" else introducer.membership
    if column == "membership_id" and membership is not None:
        if membership.person_id == state.candidacy.person_id:
            return {"value": [_("Người vào Đảng không thể tự giới thiệu mình.")]}
    voted_on = state.candidacy.branch_resolution_date
    if voted_on is None:
        return {}  # the branch vote judges the introducers
    months = value if column == "months_together" else introducer.months_together
    replacement = value if column == "replacement" else introducer.replacement
    date: dt.date = value if column == "date" else introducer.date
    rule_set = engine.ruleset_for(voted_on)
    cowork = (rule_set.parameters if rule_set else engine.Parameters()).introducer_cowork_months
    if date > voted_on:
        return {"value": [_("Ngày giới thiệu phải trước ngày chi bộ biểu quyết đề nghị kết nạp.")]}
    if is_member and membership is not None and membership.status != MembershipStatus.OFFICIAL:
        return {"value": [_("Người giới thiệu phải là đảng viên chính thức.")]}
    if is_member and not replacement and (months or 0) < cowork:
        return {
            "value": [
                _("Người giới thiệu phải cùng công tác, học tập hoặc cư trú ít nhất %(n)s tháng.")
                % {"n": cowork}
            ]
        }
    return {}


def _introducer_amendment(
    state: EffectInput, event: CandidacyEvent, name: str, value: Any
) -> Effect:
    introducer = state.introducer
    if introducer is None:
        return Effect(refusals={"event": [_("Bước này không ghi nhận người giới thiệu.")]})
    column = INTRODUCER_COLUMNS[name]
    if column == "membership_id":
        value = state.membership.pk if state.membership is not None else value
    refusals = _introducer_refusals(state, column, value)
    if refusals:
        return Effect(refusals=refusals)
    return Effect(
        introducer_changes={column: value},
        extra={
            "field": name,
            "event": event.pk,
            "introducer": introducer.pk,
            "before": getattr(introducer, column),
            "after": value,
        },
    )


def amend_effect(state: EffectInput) -> Effect:
    name, value = state.facts["field"], state.facts["value"]
    if name in AMENDABLE_FIELDS:
        return _dossier_amendment(state, name, value)
    event = state.amended
    if event is None:
        return Effect(refusals={"event": [_("Không tìm thấy bước này trong hồ sơ.")]})
    if name.startswith("vote."):
        return _vote_amendment(state, event, name, value)
    if name.startswith("document."):
        column = DOCUMENT_COLUMNS[name]
        return Effect(
            event_changes={column: value},
            extra={
                "field": name,
                "event": event.pk,
                "before": getattr(event, column),
                "after": value,
            },
        )
    return _introducer_amendment(state, event, name, value)


SPECS = (
    ActionSpec(
        DossierAction.TRANSFER,
        sources=POOL_STAGES,
        target=None,
        permission=Action.CHANGE,
        facts=TransferFacts,
        effect=transfer_effect,
        hint=_lazy(
            "Chuyển hồ sơ sang chi bộ khác trong cùng đảng bộ xã, phường, đặc khu hoặc khối: "
            "hồ sơ giữ nguyên quá trình; chọn đảng viên giúp đỡ ở chi bộ mới."
        ),
    ),
    ActionSpec(
        DossierAction.AMEND,
        sources=(*POOL_STAGES, Stage.PROBATIONARY, Stage.OFFICIAL, Stage.CLOSED),
        target=None,
        permission=Action.CHANGE,
        facts=AmendFacts,
        effect=amend_effect,
        hint=_lazy(
            "Đính chính thông tin đã ghi sai (ngày, số liệu biểu quyết, văn bản, người giới "
            "thiệu), có ghi lý do; số liệu biểu quyết được xét lại tỷ lệ theo bộ quy định của "
            "ngày biểu quyết."
        ),
        own_rules=VOTE_OUTCOME_RULES,
    ),
)
