"""The deadlines: deadline.decision, deadline.ceremony, deadline.recognition,
deadline.recognition_decision.

Three of them are warnings: they would punish the applicant for a committee's delay. A late
ceremony is a violation unless the committee directly above consented.
"""

from __future__ import annotations

from ..codes import ConsentKind, EngineAction
from ..rule import Context, Failure, Rule, RuleKind
from ..wording import dmy

__all__ = [
    "DEADLINE_CEREMONY",
    "DEADLINE_DECISION",
    "DEADLINE_RECOGNITION",
    "DEADLINE_RECOGNITION_DECISION",
]


def _granted(extension: int) -> str:
    return f", gia hạn {extension} ngày làm việc" if extension else ""


def deadline_decision(ctx: Context) -> Failure | None:
    """QĐ §4.3.1: the admission decision within 60 working days of the branch resolution
    (plus the extension granted)."""
    case, p = ctx.case, ctx.p
    branch = case.previous.branch_resolution_date
    assert branch is not None
    extension = case.previous.extension_working_days
    due = ctx.add_wd(branch, p.decision_deadline_working_days + extension)
    if due is None or case.date <= due:
        return None
    return Failure(
        f"Quyết định kết nạp ngày {dmy(case.date)} quá thời hạn {dmy(due)} "
        f"({p.decision_deadline_working_days} ngày làm việc kể từ nghị quyết chi bộ ngày "
        f"{dmy(branch)}{_granted(extension)})."
    )


def deadline_ceremony(ctx: Context) -> Failure | None:
    """QĐ §4.1: the ceremony within 30 working days of receiving the decision; later only
    with the consent of the committee directly above."""
    case, p = ctx.case, ctx.p
    received = case.previous.decision_received_date
    assert received is not None
    due = ctx.add_wd(received, p.ceremony_deadline_working_days)
    if due is None or case.date <= due:
        return None
    return ctx.missing_consent(
        ConsentKind.HIGHER_COMMITTEE_LATE_CEREMONY,
        f"Lễ kết nạp ngày {dmy(case.date)} quá thời hạn {dmy(due)} "
        f"({p.ceremony_deadline_working_days} ngày làm việc kể từ ngày nhận quyết định "
        f"{dmy(received)})",
    )


def deadline_recognition(ctx: Context) -> Failure | None:
    """QĐ §4.2.1: the cell considers recognition within 30 working days after probation."""
    case, p = ctx.case, ctx.p
    end = ctx.probation_end
    due = ctx.add_wd(end, p.recognition_vote_deadline_working_days)
    if due is None or case.date <= due:
        return None
    return Failure(
        f"Chi bộ xét công nhận đảng viên chính thức ngày {dmy(case.date)}, quá thời hạn "
        f"{dmy(due)} ({p.recognition_vote_deadline_working_days} ngày làm việc sau khi hết "
        f"thời gian dự bị ngày {dmy(end)})."
    )


def deadline_recognition_decision(ctx: Context) -> Failure | None:
    """QĐ §4.3.1: the recognition decision within 30 working days of the cell's resolution
    (plus the extension granted, at most 30)."""
    case, p = ctx.case, ctx.p
    resolution = case.previous.recognition_resolution_date
    assert resolution is not None
    extension = case.previous.extension_working_days
    due = ctx.add_wd(resolution, p.recognition_decision_deadline_working_days + extension)
    if due is None or case.date <= due:
        return None
    return Failure(
        f"Quyết định công nhận đảng viên chính thức ngày {dmy(case.date)} quá thời hạn "
        f"{dmy(due)} ({p.recognition_decision_deadline_working_days} ngày làm việc kể từ "
        f"nghị quyết chi bộ ngày {dmy(resolution)}{_granted(extension)})."
    )


DEADLINE_DECISION = Rule(
    "deadline.decision",
    frozenset({EngineAction.ADMISSION_DECISION}),
    deadline_decision,
    kind=RuleKind.WARNING,
)
DEADLINE_CEREMONY = Rule("deadline.ceremony", frozenset({EngineAction.CEREMONY}), deadline_ceremony)
DEADLINE_RECOGNITION = Rule(
    "deadline.recognition",
    frozenset({EngineAction.RECOGNITION_VOTE}),
    deadline_recognition,
    kind=RuleKind.WARNING,
)
DEADLINE_RECOGNITION_DECISION = Rule(
    "deadline.recognition_decision",
    frozenset({EngineAction.RECOGNITION_DECISION}),
    deadline_recognition_decision,
    kind=RuleKind.WARNING,
)
