"""Union membership of a young applicant: youth_union.required, trade_union.required
(Điều lệ Điều 4 khoản 2)."""

from __future__ import annotations

from ..codes import EngineAction
from ..rule import Context, Failure, Rule

__all__ = ["TRADE_UNION_REQUIRED", "YOUTH_UNION_REQUIRED"]


def youth_union_required(ctx: Context) -> Failure | None:
    """Of youth-union age where there is a youth union: a youth-union member."""
    if ctx.youth and ctx.organisation.has_youth_union and not ctx.case.applicant.youth_union_member:
        return Failure(
            f"Người vào Đảng trong độ tuổi đoàn ({ctx.age} tháng tuổi), nơi có tổ chức Đoàn, "
            "nhưng chưa là đoàn viên Đoàn TNCS Hồ Chí Minh."
        )
    return None


def trade_union_required(ctx: Context) -> Failure | None:
    """Of youth-union age where there is no youth union but a trade union: a trade-union
    member."""
    organisation = ctx.organisation
    if (
        ctx.youth
        and not organisation.has_youth_union
        and organisation.has_trade_union
        and not ctx.case.applicant.trade_union_member
    ):
        return Failure(
            f"Người vào Đảng trong độ tuổi đoàn ({ctx.age} tháng tuổi), nơi không có tổ chức "
            "Đoàn nhưng có công đoàn, nhưng chưa là đoàn viên công đoàn."
        )
    return None


YOUTH_UNION_REQUIRED = Rule(
    "youth_union.required", frozenset({EngineAction.BRANCH_VOTE}), youth_union_required
)
TRADE_UNION_REQUIRED = Rule(
    "trade_union.required", frozenset({EngineAction.BRANCH_VOTE}), trade_union_required
)
