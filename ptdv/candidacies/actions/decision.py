"""The decision to admit, and the one extension of its deadline."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from ptdv.candidacies.actions.base import ActionSpec, DossierAction, Effect, EffectInput
from ptdv.candidacies.actions.intake import AFTER_BRANCH
from ptdv.candidacies.facts import DecisionFacts, ExtensionFacts
from ptdv.candidacies.models import Stage
from ptdv.core.policies import Action
from ptdv.rules import engine

DECISION_LABELS = {
    "vote.summoned": _lazy("Số thành viên được triệu tập"),
    "vote.body_size": _lazy("Tổng số thành viên cơ quan quyết định"),
}


def extension_effect(state: EffectInput) -> Effect:
    if state.candidacy.extension_working_days:
        return Effect(
            refusals={
                "working_days": [_("Hồ sơ đã được gia hạn một lần; chỉ được gia hạn một lần.")]
            }
        )
    return Effect(changes={"extension_working_days": state.facts["working_days"]})


def admission_decision_effect(state: EffectInput) -> Effect:
    return Effect(changes={"decision_date": state.on} if state.passed else {})


SPECS = (
    ActionSpec(
        DossierAction.REQUEST_EXTENSION,
        sources=AFTER_BRANCH,
        target=None,
        permission=Action.APPROVE,
        facts=ExtensionFacts,
        effect=extension_effect,
        hint=_lazy(
            "Cấp có thẩm quyền quyết định kết nạp trong 60 ngày làm việc kể từ nghị quyết của "
            "chi bộ; được gia hạn một lần, không quá 30 ngày làm việc (QĐ 29 §4.3.1)."
        ),
    ),
    ActionSpec(
        DossierAction.ADMISSION_DECISION,
        sources=AFTER_BRANCH,
        target=Stage.DECIDED,
        permission=Action.APPROVE,
        facts=DecisionFacts,
        effect=admission_decision_effect,
        engine_action=engine.EngineAction.ADMISSION_DECISION,
        is_vote=True,
        labels=DECISION_LABELS,
        help={"date": _lazy("Ngày ký quyết định kết nạp.")},
        hint=_lazy(
            "Ban thường vụ cấp ủy cấp trên trực tiếp của tổ chức cơ sở đảng (hoặc đảng ủy cơ sở "
            "được ủy quyền) quyết định (mẫu 9-KNĐ) trong 60 ngày làm việc kể từ nghị quyết của "
            "chi bộ; cần quá nửa số thành viên tán thành (đảng ủy được ủy quyền: ít nhất 2/3)."
        ),
        forms=("9-knd",),
    ),
)
