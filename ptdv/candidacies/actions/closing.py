"""Closing a dossier: withdrawn, rejected, lapsed, or the probationary member removed, dead
or transferred out of the organisation (their membership ends with the dossier)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ptdv.candidacies.actions.base import (
    ActionSpec,
    DossierAction,
    Effect,
    EffectFn,
    EffectInput,
    Label,
    MembershipChange,
    MembershipOp,
)
from ptdv.candidacies.actions.intake import AFTER_BRANCH
from ptdv.candidacies.facts import ReasonFacts
from ptdv.candidacies.models import POOL_STAGES, ClosedReason, Stage
from ptdv.core.policies import Action
from ptdv.members.models import ExitReason, MembershipStatus

# The dossier closes with the probationary membership: its status and exit reason.
_EXITS = {
    ClosedReason.REMOVED: (MembershipStatus.REMOVED, ExitReason.REMOVED),
    ClosedReason.DECEASED: (MembershipStatus.DECEASED, ExitReason.DEATH),
    ClosedReason.TRANSFERRED_OUT: (MembershipStatus.TRANSFERRED_OUT, ExitReason.TRANSFER),
}


def closing(reason: ClosedReason) -> EffectFn:
    def effect(state: EffectInput) -> Effect:
        result = Effect(
            changes={"closed_reason": str(reason), "closed_on": state.on, "is_open": False}
        )
        if reason in _EXITS:
            status, exit_reason = _EXITS[reason]
            result.membership.append(
                MembershipOp(
                    MembershipChange.REMOVE,
                    {"exit_date": state.on, "exit_reason": exit_reason, "status": status},
                )
            )
        return result

    effect.__name__ = f"close_{reason}"
    return effect


def _spec(
    action: DossierAction,
    sources: tuple[Stage, ...],
    permission: Action,
    reason: ClosedReason,
    hint: Label = "",
) -> ActionSpec:
    return ActionSpec(
        action,
        sources=sources,
        target=Stage.CLOSED,
        permission=permission,
        facts=ReasonFacts,
        effect=closing(reason),
        closes=str(reason),
        hint=hint,
    )


SPECS = (
    _spec(
        DossierAction.WITHDRAW,
        POOL_STAGES,
        Action.CHANGE,
        ClosedReason.WITHDRAWN,
        _(
            "Người vào Đảng rút đơn hoặc chi bộ dừng bồi dưỡng: ghi rõ lý do. Hồ sơ được đóng, "
            "quá trình vẫn được lưu."
        ),
    ),
    _spec(
        DossierAction.REJECT,
        AFTER_BRANCH,
        Action.APPROVE,
        ClosedReason.REJECTED,
        _(
            "Cấp có thẩm quyền không đồng ý kết nạp: ghi lý do và văn bản (số, ngày, nơi ban "
            "hành, người ký). Hồ sơ được đóng."
        ),
    ),
    _spec(
        DossierAction.LAPSE,
        POOL_STAGES,
        Action.CHANGE,
        ClosedReason.LAPSED,
        _(
            "Giấy tờ hết giá trị mà không bổ sung (giấy chứng nhận quá 60 tháng, thẩm tra lý "
            "lịch hoặc giới thiệu quá 12 tháng): hồ sơ hết hiệu lực."
        ),
    ),
    _spec(
        DossierAction.REMOVE,
        (Stage.PROBATIONARY,),
        Action.APPROVE,
        ClosedReason.REMOVED,
        _(
            "Đảng viên dự bị không đủ tư cách: cấp có thẩm quyền quyết định xóa tên khỏi danh "
            "sách đảng viên dự bị (Điều lệ Đảng Điều 5)."
        ),
    ),
    # Recorded by the cell's clerk from the death certificate or the transfer letter; the
    # reason field carries the document or the destination.
    _spec(
        DossierAction.DEATH,
        (Stage.PROBATIONARY,),
        Action.CHANGE,
        ClosedReason.DECEASED,
        _(
            "Đảng viên dự bị từ trần: chi bộ ghi nhận theo giấy chứng tử (ghi số, ngày vào lý "
            "do); hồ sơ đóng và quá trình sinh hoạt đảng kết thúc."
        ),
    ),
    _spec(
        DossierAction.TRANSFER_OUT,
        (Stage.PROBATIONARY,),
        Action.CHANGE,
        ClosedReason.TRANSFERRED_OUT,
        _(
            "Đảng viên dự bị chuyển sinh hoạt ra ngoài đảng bộ: ghi nơi chuyển đến và giấy giới "
            "thiệu sinh hoạt đảng vào lý do; hồ sơ đóng tại đây."
        ),
    ),
)
