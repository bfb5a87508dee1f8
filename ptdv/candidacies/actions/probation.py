"""The ceremony and the probation: recognition vote and decision."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from ptdv.candidacies.actions.base import (
    ActionSpec,
    DossierAction,
    Effect,
    EffectInput,
    MembershipChange,
    MembershipOp,
)
from ptdv.candidacies.actions.decision import DECISION_LABELS
from ptdv.candidacies.facts import CellVoteFacts, CeremonyFacts, DecisionFacts
from ptdv.candidacies.models import Stage
from ptdv.core.policies import Action
from ptdv.rules import engine


def ceremony_effect(state: EffectInput) -> Effect:
    """The person becomes a probationary member on the ceremony's day."""
    return Effect(
        changes={
            "decision_received_date": state.facts["decision_received_date"],
            "ceremony_date": state.on,
        },
        membership=[MembershipOp(MembershipChange.ADMIT, {"ceremony_date": state.on})],
    )


def recognition_vote_effect(state: EffectInput) -> Effect:
    if state.passed:
        return Effect(changes={"recognition_resolution_date": state.on})
    return Effect(
        changes={"failed_recognition_votes": state.candidacy.failed_recognition_votes + 1}
    )


def recognition_decision_effect(state: EffectInput) -> Effect:
    """The dossier is complete: the person is now an official member."""
    if not state.passed:
        return Effect()
    ceremony = state.candidacy.ceremony_date
    if ceremony is None:  # recognition needs a ceremony; the engine checked it
        return Effect(refusals={"action": [_("Hồ sơ chưa có ngày lễ kết nạp.")]})
    official_date = engine.add_months(ceremony, state.parameters.probation_months)
    return Effect(
        changes={
            "recognition_decision_date": state.on,
            "is_open": False,
            "closed_on": state.on,
        },
        membership=[MembershipOp(MembershipChange.RECOGNISE, {"official_date": official_date})],
        extra={"official_date": official_date},
        cell_stale=True,
    )


SPECS = (
    ActionSpec(
        DossierAction.CEREMONY,
        sources=(Stage.DECIDED,),
        target=Stage.PROBATIONARY,
        permission=Action.CHANGE,
        facts=CeremonyFacts,
        effect=ceremony_effect,
        engine_action=engine.EngineAction.CEREMONY,
        help={"date": _lazy("Ngày tổ chức lễ kết nạp.")},
        hint=_lazy(
            "Chi bộ tổ chức lễ kết nạp trong 30 ngày làm việc kể từ ngày nhận quyết định; "
            "muộn hơn phải có ý kiến đồng ý của cấp ủy cấp trên."
        ),
    ),
    ActionSpec(
        DossierAction.RECOGNITION_VOTE,
        sources=(Stage.PROBATIONARY,),
        target=None,
        permission=Action.CHANGE,
        facts=CellVoteFacts,
        effect=recognition_vote_effect,
        engine_action=engine.EngineAction.RECOGNITION_VOTE,
        is_vote=True,
        help={"date": _lazy("Ngày chi bộ họp xét công nhận đảng viên chính thức.")},
        hint=_lazy(
            "Đủ 12 tháng dự bị kể từ lễ kết nạp và có chứng nhận lớp đảng viên mới; chi bộ xét "
            "trong 30 ngày làm việc, cần ít nhất 2/3 đảng viên chính thức tán thành (mẫu "
            "13-KNĐ). Sau 3 lần không đạt, cấp ủy cấp trên xem xét, quyết định."
        ),
        forms=("13-knd",),
    ),
    ActionSpec(
        DossierAction.RECOGNITION_DECISION,
        sources=(Stage.PROBATIONARY,),
        target=Stage.OFFICIAL,
        permission=Action.APPROVE,
        facts=DecisionFacts,
        effect=recognition_decision_effect,
        engine_action=engine.EngineAction.RECOGNITION_DECISION,
        is_vote=True,
        labels=DECISION_LABELS,
        help={"date": _lazy("Ngày ký quyết định công nhận đảng viên chính thức.")},
        hint=_lazy(
            "Cấp có thẩm quyền quyết định công nhận đảng viên chính thức trong 30 ngày làm việc "
            "kể từ nghị quyết của chi bộ (gia hạn không quá 30 ngày)."
        ),
        forms=("recognition-decision",),
    ),
)
