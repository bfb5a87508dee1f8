"""Background checks and opinions: verification.done, verification.valid, opinions.done
(HD §3.4, HD 06 §5.4, mẫu 5-KNĐ)."""

from __future__ import annotations

import datetime as dt

from ..codes import EngineAction
from ..periods import within_months
from ..rule import Context, Failure, Rule, fail_all
from ..wording import INTRODUCER_LABELS, dmy

__all__ = ["OPINIONS_DONE", "VERIFICATION_DONE", "VERIFICATION_VALID"]


def _waived_and_concluded(ctx: Context) -> tuple[bool, dt.date | None]:
    verification = ctx.dossier.verification
    waived = verification is not None and verification.waived
    concluded = verification.concluded_on if verification is not None else None
    return waived, concluded


def verification_done(ctx: Context) -> Failure | None:
    """The grassroots committee concluded the verification by the vote (unless waived)."""
    waived, concluded = _waived_and_concluded(ctx)
    if waived:
        return None
    if concluded is None:
        return Failure(
            "Chưa có kết luận thẩm tra lý lịch của cấp ủy cơ sở (và không thuộc trường "
            "hợp không phải thẩm tra)."
        )
    if concluded > ctx.case.date:
        return Failure(f"Kết luận thẩm tra lý lịch ngày {dmy(concluded)}, sau {ctx.when}.")
    return None


def verification_valid(ctx: Context) -> Failure | None:
    """The verification's conclusion and every introduction are at most 12 months old."""
    waived, concluded = _waived_and_concluded(ctx)
    day, valid_months = ctx.case.date, ctx.p.verification_valid_months
    problems: list[str] = []
    if (
        not waived
        and concluded is not None
        and concluded <= day
        and not within_months(concluded, day, valid_months)
    ):
        problems.append(
            f"Kết quả thẩm tra lý lịch kết luận ngày {dmy(concluded)} đã quá {valid_months} tháng."
        )
    for index, introducer in enumerate(ctx.dossier.introducers, start=1):
        if introducer.date <= day and not within_months(introducer.date, day, valid_months):
            problems.append(
                f"Giới thiệu thứ {index} ({INTRODUCER_LABELS[introducer.kind]}) đề ngày "
                f"{dmy(introducer.date)} đã quá {valid_months} tháng."
            )
    return fail_all(problems)


def opinions_done(ctx: Context) -> Failure | None:
    """The opinions of the unions at work and of the residence's cell are summed up."""
    opinions = ctx.dossier.opinions_date
    if opinions is None:
        return Failure(
            "Chưa có ý kiến nhận xét của đoàn thể chính trị - xã hội nơi làm việc và chi ủy "
            "nơi cư trú (mẫu 5-KNĐ)."
        )
    if opinions > ctx.case.date:
        return Failure(
            f"Ý kiến nhận xét của đoàn thể và chi ủy nơi cư trú tổng hợp ngày "
            f"{dmy(opinions)}, sau {ctx.when}."
        )
    return None


VERIFICATION_DONE = Rule(
    "verification.done", frozenset({EngineAction.BRANCH_VOTE}), verification_done
)
VERIFICATION_VALID = Rule(
    "verification.valid", frozenset({EngineAction.BRANCH_VOTE}), verification_valid
)
OPINIONS_DONE = Rule("opinions.done", frozenset({EngineAction.BRANCH_VOTE}), opinions_done)
