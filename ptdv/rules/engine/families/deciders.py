"""Who decides: decider.competent (QĐ §4.3.2)."""

from __future__ import annotations

from ..codes import Decider, EngineAction
from ..rule import Context, Failure, Rule

__all__ = ["DECIDER_COMPETENT", "DECISIONS", "by_grassroots_committee"]

DECISIONS = frozenset({EngineAction.ADMISSION_DECISION, EngineAction.RECOGNITION_DECISION})


def by_grassroots_committee(ctx: Context) -> bool:
    """The decision is taken by an (authorised) grassroots committee."""
    return ctx.case.decider is Decider.AUTHORISED_GRASSROOTS_COMMITTEE


def decider_competent(ctx: Context) -> Failure | None:
    """The standing committee above may always decide; the grassroots committee only when
    authorised to admit."""
    organisation = ctx.case.organisation
    authorised = organisation is not None and organisation.grassroots_committee_authorised
    if not by_grassroots_committee(ctx) or authorised:
        return None
    return Failure(
        "Đảng ủy cơ sở chưa được cấp ủy cấp trên ủy quyền kết nạp đảng viên nên không có "
        "thẩm quyền quyết định; thẩm quyền thuộc ban thường vụ cấp ủy cấp trên trực tiếp."
    )


DECIDER_COMPETENT = Rule("decider.competent", DECISIONS, decider_competent)
