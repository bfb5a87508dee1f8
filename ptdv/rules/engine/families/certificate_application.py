"""The applicant's papers: certificate.valid, application.before_history."""

from __future__ import annotations

from ..codes import EngineAction
from ..periods import within_months
from ..rule import Context, Failure, Rule, fail_all
from ..wording import CERTIFICATE, dmy

__all__ = ["APPLICATION_BEFORE_HISTORY", "CERTIFICATE_VALID"]


def certificate_valid(ctx: Context) -> Failure | None:
    """HD 06 §5.4: the course certificate, issued at most 60 months before the vote."""
    certificate = ctx.dossier.certificate_date
    day, months = ctx.case.date, ctx.p.certificate_valid_months
    if certificate is None:
        return Failure(f"Chưa có {CERTIFICATE}.")
    if certificate > day:
        return Failure(f"{CERTIFICATE} cấp ngày {dmy(certificate)}, sau {ctx.when}.")
    if not within_months(certificate, day, months):
        return Failure(f"{CERTIFICATE} cấp ngày {dmy(certificate)} đã quá {months} tháng.")
    return None


def application_before_history(ctx: Context) -> Failure | None:
    """HD 06 §3: the application and the history are there, the application first."""
    dossier, day, when = ctx.dossier, ctx.case.date, ctx.when
    problems: list[str] = []
    application, history = dossier.application_date, dossier.history_date
    if application is None:
        problems.append("Chưa có đơn xin vào Đảng.")
    elif application > day:
        problems.append(f"Đơn xin vào Đảng đề ngày {dmy(application)}, sau {when}.")
    if history is None:
        problems.append("Chưa có lý lịch của người xin vào Đảng.")
    elif history > day:
        problems.append(f"Lý lịch của người xin vào Đảng khai ngày {dmy(history)}, sau {when}.")
    if application is not None and history is not None and application > history:
        problems.append(
            f"Đơn xin vào Đảng đề ngày {dmy(application)}, sau ngày khai lý lịch "
            f"{dmy(history)}; đơn phải có trước lý lịch."
        )
    return fail_all(problems)


CERTIFICATE_VALID = Rule(
    "certificate.valid", frozenset({EngineAction.BRANCH_VOTE}), certificate_valid
)
APPLICATION_BEFORE_HISTORY = Rule(
    "application.before_history",
    frozenset({EngineAction.BRANCH_VOTE}),
    application_before_history,
)
