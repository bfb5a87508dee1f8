"""The probationary member: probation.complete, newmember_course.done."""

from __future__ import annotations

from ..codes import EngineAction
from ..rule import Context, Failure, Rule
from ..wording import NEWMEMBER_CERTIFICATE, dmy

__all__ = ["NEWMEMBER_COURSE_DONE", "PROBATION_COMPLETE", "RECOGNITION"]

RECOGNITION = frozenset({EngineAction.RECOGNITION_VOTE, EngineAction.RECOGNITION_DECISION})


def probation_complete(ctx: Context) -> Failure | None:
    """Điều lệ Điều 5 khoản 1: 12 months since the ceremony."""
    end = ctx.probation_end
    if ctx.case.date >= end:
        return None
    ceremony = ctx.case.previous.ceremony_date
    assert ceremony is not None
    return Failure(
        f"Lễ kết nạp ngày {dmy(ceremony)}: đến ngày {dmy(ctx.case.date)} chưa đủ "
        f"{ctx.p.probation_months} tháng dự bị (đủ từ ngày {dmy(end)}).",
        earliest=end,
    )


def newmember_course_done(ctx: Context) -> Failure | None:
    """The new-member course certificate is in the dossier."""
    course = ctx.case.previous.newmember_course_date
    if course is None:
        return Failure(f"Chưa có {NEWMEMBER_CERTIFICATE}.")
    if course > ctx.case.date:
        return Failure(
            f"{NEWMEMBER_CERTIFICATE.capitalize()} cấp ngày {dmy(course)}, sau ngày "
            f"{dmy(ctx.case.date)}."
        )
    return None


PROBATION_COMPLETE = Rule("probation.complete", RECOGNITION, probation_complete)
NEWMEMBER_COURSE_DONE = Rule("newmember_course.done", RECOGNITION, newmember_course_done)
