"""The collective steps before the decision: the cell's vote and the grassroots committee's."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ptdv.candidacies.actions.base import ActionSpec, DossierAction, Effect, EffectInput
from ptdv.candidacies.facts import BodyVoteFacts, CellVoteFacts
from ptdv.candidacies.models import Stage
from ptdv.core.policies import Action
from ptdv.rules import engine


def branch_vote_effect(state: EffectInput) -> Effect:
    return Effect(changes={"branch_resolution_date": state.on} if state.passed else {})


def committee_vote_effect(state: EffectInput) -> Effect:
    return Effect(changes={"committee_resolution_date": state.on} if state.passed else {})


SPECS = (
    ActionSpec(
        DossierAction.BRANCH_VOTE,
        sources=(Stage.APPLIED,),
        target=Stage.BRANCH_RESOLVED,
        permission=Action.CHANGE,
        facts=CellVoteFacts,
        effect=branch_vote_effect,
        engine_action=engine.EngineAction.BRANCH_VOTE,
        is_vote=True,
        help={"date": _("Ngày chi bộ họp xét, biểu quyết đề nghị kết nạp.")},
        hint=_(
            "Chi bộ có ít nhất 3 đảng viên chính thức; người vào Đảng đủ 18 tuổi (tính theo "
            "tháng), giấy tờ còn hạn; nghị quyết (mẫu 6-KNĐ) cần ít nhất 2/3 số đảng viên "
            "chính thức tán thành, không tính người sinh hoạt tạm thời nơi khác và người miễn "
            "sinh hoạt vắng mặt (HD 06-HD/TW §3.6; QĐ 294 §9.3.2)."
        ),
        forms=("6-knd",),
    ),
    ActionSpec(
        DossierAction.COMMITTEE_VOTE,
        sources=(Stage.BRANCH_RESOLVED,),
        target=Stage.COMMITTEE_RESOLVED,
        permission=Action.CHANGE,
        facts=BodyVoteFacts,
        effect=committee_vote_effect,
        engine_action=engine.EngineAction.COMMITTEE_VOTE,
        is_vote=True,
        labels={"vote.summoned": _("Số cấp ủy viên được triệu tập")},
        help={"date": _("Ngày đảng ủy cơ sở họp xét, biểu quyết.")},
        hint=_(
            "Đảng ủy cơ sở xét, biểu quyết đề nghị kết nạp (mẫu 8-KNĐ): cần ít nhất 2/3 tổng "
            "số cấp ủy viên tán thành. Chi bộ cơ sở không có bước này."
        ),
        forms=("8-knd",),
    ),
)
