"""The votes: branch.min_official_members, vote.escalate_after_3, vote.branch_two_thirds,
vote.standing_majority, vote.committee_two_thirds.

The three vote rules are ``OUTCOME`` rules: a vote failing only them was held and failed. A
decision is voted by the body that takes it: the standing committee above by
``vote.standing_majority``, an authorised grassroots committee by
``vote.committee_two_thirds``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ..codes import EngineAction
from ..rule import Context, Failure, Rule, RuleKind
from ..wording import at_least, fraction, more_than
from .deciders import DECISIONS, by_grassroots_committee

__all__ = [
    "BRANCH_MIN_OFFICIAL_MEMBERS",
    "VOTE_BRANCH_TWO_THIRDS",
    "VOTE_COMMITTEE_TWO_THIRDS",
    "VOTE_ESCALATE_AFTER_3",
    "VOTE_STANDING_MAJORITY",
]

# What each action's vote is about, as the messages say it.
VOTE_SUBJECTS: Mapping[EngineAction, str] = MappingProxyType(
    {
        EngineAction.BRANCH_VOTE: "đề nghị kết nạp",
        EngineAction.COMMITTEE_VOTE: "đề nghị kết nạp của đảng ủy cơ sở",
        EngineAction.ADMISSION_DECISION: "quyết định kết nạp",
        EngineAction.RECOGNITION_VOTE: "đề nghị công nhận đảng viên chính thức",
        EngineAction.RECOGNITION_DECISION: "quyết định công nhận đảng viên chính thức",
    }
)


def branch_min_official_members(ctx: Context) -> Failure | None:
    """Điều lệ Điều 21: a cell of at least 3 official members."""
    official = ctx.organisation.official_members or 0
    minimum = ctx.p.branch_min_official_members
    if official >= minimum:
        return None
    return Failure(
        f"Chi bộ chỉ có {official} đảng viên chính thức, chưa đủ {minimum} đảng viên chính thức."
    )


def vote_escalate_after_3(ctx: Context) -> Failure | None:
    """QĐ §4.2.3: after three failed recognition votes the cell reports upwards."""
    failed = ctx.case.previous.failed_recognition_votes
    if failed < ctx.p.max_failed_recognition_votes:
        return None
    return Failure(
        f"Chi bộ đã biểu quyết {failed} lần không đạt; chi bộ không biểu quyết lại mà "
        "báo cáo cấp ủy cấp trên trực tiếp và cấp ủy có thẩm quyền xem xét, quyết định."
    )


def vote_branch_two_thirds(ctx: Context) -> Failure | None:
    """Agree ≥ 2/3 of the official members, less those temporarily attached elsewhere and the
    exempted members who are absent (QĐ §9.3.2)."""
    organisation, agree = ctx.organisation, ctx.agree
    what = VOTE_SUBJECTS[ctx.case.action]
    official = organisation.official_members or 0
    temporary = organisation.temporarily_attached_elsewhere
    exempted = organisation.exempted_absent
    voters = official - temporary - exempted
    num, den = ctx.p.branch_vote_numerator, ctx.p.branch_vote_denominator
    detail = f"{official} đảng viên chính thức"
    if temporary or exempted:
        detail += (
            f", trừ {temporary} sinh hoạt tạm thời nơi khác và {exempted} được miễn sinh "
            "hoạt vắng mặt"
        )
    if voters <= 0:
        return Failure(
            f"Chi bộ không còn đảng viên chính thức nào được tính khi biểu quyết {what} ({detail})."
        )
    if agree * den < voters * num:
        return Failure(
            f"Biểu quyết {what}: chỉ có {agree}/{voters} đảng viên chính thức đồng ý "
            f"({detail}), chưa đạt {fraction(num, den)} "
            f"(cần ít nhất {at_least(voters, num, den)})."
        )
    return None


def voted_by_committee(ctx: Context) -> bool:
    """The grassroots committee's own vote, or a decision it takes."""
    return ctx.case.action is EngineAction.COMMITTEE_VOTE or by_grassroots_committee(ctx)


def vote_committee_two_thirds(ctx: Context) -> Failure | None:
    """Agree ≥ 2/3 of all members of the grassroots committee."""
    agree, body = ctx.agree, ctx.body_size
    what = VOTE_SUBJECTS[ctx.case.action]
    num, den = ctx.p.committee_vote_numerator, ctx.p.committee_vote_denominator
    if agree * den >= body * num:
        return None
    return Failure(
        f"Biểu quyết {what}: chỉ có {agree}/{body} cấp ủy viên đảng ủy cơ sở đồng ý, "
        f"chưa đạt {fraction(num, den)} (cần ít nhất {at_least(body, num, den)})."
    )


def voted_by_standing_committee(ctx: Context) -> bool:
    """A decision taken by the standing committee above."""
    return not by_grassroots_committee(ctx)


def vote_standing_majority(ctx: Context) -> Failure | None:
    """Agree > 1/2 of the standing committee's members."""
    agree, body = ctx.agree, ctx.body_size
    what = VOTE_SUBJECTS[ctx.case.action]
    num, den = ctx.p.standing_majority_numerator, ctx.p.standing_majority_denominator
    if agree * den > body * num:
        return None
    return Failure(
        f"Biểu quyết {what}: chỉ có {agree}/{body} ủy viên ban thường vụ đồng ý, chưa quá "
        f"{fraction(num, den)} (cần ít nhất {more_than(body, num, den)})."
    )


BRANCH_MIN_OFFICIAL_MEMBERS = Rule(
    "branch.min_official_members",
    frozenset({EngineAction.BRANCH_VOTE}),
    branch_min_official_members,
)
VOTE_ESCALATE_AFTER_3 = Rule(
    "vote.escalate_after_3", frozenset({EngineAction.RECOGNITION_VOTE}), vote_escalate_after_3
)
VOTE_BRANCH_TWO_THIRDS = Rule(
    "vote.branch_two_thirds",
    frozenset({EngineAction.BRANCH_VOTE, EngineAction.RECOGNITION_VOTE}),
    vote_branch_two_thirds,
    kind=RuleKind.OUTCOME,
)
VOTE_STANDING_MAJORITY = Rule(
    "vote.standing_majority",
    DECISIONS,
    vote_standing_majority,
    kind=RuleKind.OUTCOME,
    applies=voted_by_standing_committee,
)
VOTE_COMMITTEE_TWO_THIRDS = Rule(
    "vote.committee_two_thirds",
    frozenset({EngineAction.COMMITTEE_VOTE}) | DECISIONS,
    vote_committee_two_thirds,
    kind=RuleKind.OUTCOME,
    applies=voted_by_committee,
)
