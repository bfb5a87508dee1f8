"""A former member applying again: readmission.wait, readmission.once,
readmission.barred_reason, readmission.provincial_consent (QĐ §3.5)."""

from __future__ import annotations

import datetime as dt

from ..case import PreviousMembership
from ..codes import ConsentKind, EngineAction, LeavingReason
from ..periods import add_months
from ..rule import Context, Failure, Rule, fail_all
from ..wording import REASON_LABELS, dmy

__all__ = [
    "READMISSION_BARRED_REASON",
    "READMISSION_ONCE",
    "READMISSION_PROVINCIAL_CONSENT",
    "READMISSION_WAIT",
]

# No re-admission for these (QĐ 294 §3.5.2; QĐ 24 and QĐ 232 alike).
BARRED_REASONS = frozenset(
    {
        LeavingReason.ABANDONED_ACTIVITIES,
        LeavingReason.RESIGNED,
        LeavingReason.EXPELLED_DISUNITY,
        LeavingReason.CORRUPTION_CONVICTION,
        LeavingReason.SERIOUS_CRIME_CONVICTION,
    }
)


def is_readmission(ctx: Context) -> bool:
    """The applicant was a member before."""
    return ctx.case.applicant.previous_membership is not None


def _membership(ctx: Context) -> PreviousMembership:
    membership = ctx.case.applicant.previous_membership
    assert membership is not None
    return membership


def readmission_wait(ctx: Context) -> Failure | None:
    """QĐ §3.5.1: 36 months since leaving; after a less serious crime, expunged and 60 months
    since."""
    p, day, when = ctx.p, ctx.case.date, ctx.when
    membership = _membership(ctx)
    problems: list[str] = []
    waits: list[dt.date] = []
    left = membership.left_on
    wait_end = add_months(left, p.readmission_wait_months)
    if day < wait_end:
        waits.append(wait_end)
        problems.append(
            f"Ra khỏi Đảng ngày {dmy(left)}: đến {when} chưa đủ "
            f"{p.readmission_wait_months} tháng (đủ từ ngày {dmy(wait_end)})."
        )
    if membership.reason is LeavingReason.LESS_SERIOUS_CRIME_CONVICTION:
        expunged = membership.expunged_on
        if expunged is None or expunged > day:
            problems.append(
                f"Bị kết án về tội phạm ít nghiêm trọng nhưng đến {when} chưa được xóa án tích."
            )
        else:
            expunged_end = add_months(expunged, p.readmission_expunged_wait_months)
            if day < expunged_end:
                waits.append(expunged_end)
                problems.append(
                    f"Được xóa án tích ngày {dmy(expunged)}: đến {when} chưa đủ "
                    f"{p.readmission_expunged_wait_months} tháng "
                    f"(đủ từ ngày {dmy(expunged_end)})."
                )
    return fail_all(problems, max(waits) if waits else None)


def readmission_once(ctx: Context) -> Failure | None:
    """QĐ §3.5.3: re-admitted once at most."""
    times = 1 if _membership(ctx).readmitted_before else 0
    limit = ctx.p.readmission_max_times
    if times < limit:
        return None
    return Failure(f"Người này đã được kết nạp lại {times} lần; chỉ được kết nạp lại {limit} lần.")


def readmission_barred_reason(ctx: Context) -> Failure | None:
    """QĐ §3.5.2: some reasons for leaving bar a re-admission."""
    membership = _membership(ctx)
    if membership.reason not in BARRED_REASONS:
        return None
    return Failure(
        f"Đã ra khỏi Đảng vì {REASON_LABELS[membership.reason]} (ngày "
        f"{dmy(membership.left_on)}); không được xét kết nạp lại."
    )


def readmission_provincial_consent(ctx: Context) -> Failure | None:
    """QĐ §3.5.1: a re-admission needs the provincial consent before the decision."""
    return ctx.missing_consent(
        ConsentKind.PROVINCIAL_READMISSION,
        f"Người vào Đảng là đảng viên cũ (ra khỏi Đảng ngày {dmy(_membership(ctx).left_on)}) "
        "được xét kết nạp lại",
    )


_BRANCH = frozenset({EngineAction.BRANCH_VOTE})
READMISSION_WAIT = Rule("readmission.wait", _BRANCH, readmission_wait, applies=is_readmission)
READMISSION_ONCE = Rule("readmission.once", _BRANCH, readmission_once, applies=is_readmission)
READMISSION_BARRED_REASON = Rule(
    "readmission.barred_reason", _BRANCH, readmission_barred_reason, applies=is_readmission
)
READMISSION_PROVINCIAL_CONSENT = Rule(
    "readmission.provincial_consent",
    frozenset({EngineAction.ADMISSION_DECISION}),
    readmission_provincial_consent,
    applies=is_readmission,
)
