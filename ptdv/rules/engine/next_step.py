"""The next lawful action after a verdict: the following action if this one is allowed,
otherwise this one again (with the first date it can become lawful and the documents that
expire before then)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import NamedTuple

from .codes import EngineAction
from .periods import add_months
from .rule import Context
from .verdict import ExpiringItem, NextStep
from .wording import CERTIFICATE, dmy

__all__ = ["next_step"]


class _Judged(NamedTuple):
    """What the rules found: the failed rule ids and the first date waiting cures them."""

    ctx: Context
    missing: tuple[str, ...]
    earliest: dt.date | None

    @property
    def allowed(self) -> bool:
        return not self.missing

    @property
    def decision_wd(self) -> int:
        """Working days for the admission decision, with the extension granted."""
        p, previous = self.ctx.p, self.ctx.case.previous
        return p.decision_deadline_working_days + previous.extension_working_days

    @property
    def recognition_wd(self) -> int:
        """Working days for the recognition decision, with the extension granted."""
        p, previous = self.ctx.p, self.ctx.case.previous
        return p.recognition_decision_deadline_working_days + previous.extension_working_days

    def again(self, due: dt.date | None, expiring: tuple[ExpiringItem, ...] = ()) -> NextStep:
        """The same action again, once its failed rules are cured."""
        return NextStep(self.ctx.case.action, self.earliest, due, self.missing, expiring)


def next_step(ctx: Context, missing: Sequence[str], earliest: Sequence[dt.date]) -> NextStep:
    """The next lawful action for the case of ``ctx`` whose violations are ``missing`` and
    whose failed rules hold from the dates ``earliest`` on (a period not yet over)."""
    waited = max(earliest) if earliest else None
    first = waited if waited is not None and waited > ctx.case.date else None
    return _NEXT[ctx.case.action](_Judged(ctx, tuple(missing), first))


def _after_branch_vote(judged: _Judged) -> NextStep:
    ctx = judged.ctx
    day = ctx.case.date
    if not judged.allowed:
        expiring = _expiring(ctx, judged.earliest) if judged.earliest is not None else ()
        return judged.again(None, expiring)
    organisation = ctx.case.organisation
    skip_committee = organisation is not None and (
        organisation.is_grassroots_cell or organisation.grassroots_committee_authorised
    )
    following = EngineAction.ADMISSION_DECISION if skip_committee else EngineAction.COMMITTEE_VOTE
    return NextStep(following, None, ctx.add_wd(day, judged.decision_wd), (), ())


def _decision_due(judged: _Judged) -> dt.date | None:
    branch = judged.ctx.case.previous.branch_resolution_date
    assert branch is not None
    return judged.ctx.add_wd(branch, judged.decision_wd)


def _after_committee_vote(judged: _Judged) -> NextStep:
    if not judged.allowed:
        return judged.again(_decision_due(judged))
    return NextStep(EngineAction.ADMISSION_DECISION, None, _decision_due(judged), (), ())


def _after_admission_decision(judged: _Judged) -> NextStep:
    if not judged.allowed:
        return judged.again(_decision_due(judged))
    ctx = judged.ctx
    # The receipt date is not known yet; counting from the decision date gives the earliest
    # possible due date, so a ceremony held by then is never late.
    due = ctx.add_wd(ctx.case.date, ctx.p.ceremony_deadline_working_days)
    return NextStep(EngineAction.CEREMONY, None, due, (), ())


def _after_ceremony(judged: _Judged) -> NextStep:
    ctx, p = judged.ctx, judged.ctx.p
    if not judged.allowed:
        received = ctx.case.previous.decision_received_date
        assert received is not None
        return judged.again(ctx.add_wd(received, p.ceremony_deadline_working_days))
    end = add_months(ctx.case.date, p.probation_months)
    due = ctx.add_wd(end, p.recognition_vote_deadline_working_days)
    return NextStep(EngineAction.RECOGNITION_VOTE, end, due, (), ())


def _after_recognition_vote(judged: _Judged) -> NextStep:
    ctx = judged.ctx
    if not judged.allowed:
        due = ctx.add_wd(ctx.probation_end, ctx.p.recognition_vote_deadline_working_days)
        return judged.again(due)
    due = ctx.add_wd(ctx.case.date, judged.recognition_wd)
    return NextStep(EngineAction.RECOGNITION_DECISION, None, due, (), ())


def _after_recognition_decision(judged: _Judged) -> NextStep:
    if not judged.allowed:
        resolution = judged.ctx.case.previous.recognition_resolution_date
        assert resolution is not None
        return judged.again(judged.ctx.add_wd(resolution, judged.recognition_wd))
    return NextStep(None, None, None, (), ())


_NEXT: Mapping[EngineAction, Callable[[_Judged], NextStep]] = MappingProxyType(
    {
        EngineAction.BRANCH_VOTE: _after_branch_vote,
        EngineAction.COMMITTEE_VOTE: _after_committee_vote,
        EngineAction.ADMISSION_DECISION: _after_admission_decision,
        EngineAction.CEREMONY: _after_ceremony,
        EngineAction.RECOGNITION_VOTE: _after_recognition_vote,
        EngineAction.RECOGNITION_DECISION: _after_recognition_decision,
    }
)


def _expiring(ctx: Context, horizon: dt.date) -> tuple[ExpiringItem, ...]:
    """Branch-vote documents valid on the case date whose validity ends before
    ``horizon``."""
    dossier = ctx.case.dossier
    day = ctx.case.date
    if dossier is None:
        return ()
    p = ctx.p
    items: list[ExpiringItem] = []

    def check(item: str, rule: str, issued: dt.date, months: int, label: str) -> None:
        if issued > day:
            return
        valid_until = add_months(issued, months)
        if day <= valid_until < horizon:
            items.append(
                ExpiringItem(
                    item,
                    rule,
                    valid_until,
                    f"{label} hết hạn sau ngày {dmy(valid_until)}, trước ngày {dmy(horizon)}.",
                )
            )

    if dossier.certificate_date is not None:
        check(
            "certificate",
            "certificate.valid",
            dossier.certificate_date,
            p.certificate_valid_months,
            f"{CERTIFICATE} cấp ngày {dmy(dossier.certificate_date)}",
        )
    verification = dossier.verification
    if verification is not None and not verification.waived and verification.concluded_on:
        check(
            "verification",
            "verification.valid",
            verification.concluded_on,
            p.verification_valid_months,
            f"Kết quả thẩm tra lý lịch kết luận ngày {dmy(verification.concluded_on)}",
        )
    for index, introducer in enumerate(dossier.introducers):
        check(
            f"introducers[{index}]",
            "verification.valid",
            introducer.date,
            p.verification_valid_months,
            f"Giới thiệu thứ {index + 1} đề ngày {dmy(introducer.date)}",
        )
    return tuple(items)
