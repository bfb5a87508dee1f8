"""Who introduces the applicant: introducers.valid (Điều lệ Điều 4 khoản 2; QĐ §3.1, §3.2)."""

from __future__ import annotations

from collections import Counter

from ..case import Introducer
from ..codes import EngineAction, IntroducerKind
from ..rule import Context, Failure, Rule, fail_all
from ..wording import INTRODUCER_LABELS, dmy

__all__ = ["INTRODUCERS_VALID"]


def required_introducers(ctx: Context) -> tuple[Counter[IntroducerKind], str]:
    """The introducers the applicant needs and how the message states that need."""
    organisation, age = ctx.organisation, ctx.age
    if ctx.youth and organisation.has_youth_union:
        return (
            Counter({IntroducerKind.YOUTH_UNION_COMMITTEE: 1, IntroducerKind.MEMBER: 1}),
            f"Người vào Đảng trong độ tuổi đoàn ({age} tháng tuổi), nơi có tổ chức Đoàn, phải "
            "được Ban Chấp hành Đoàn cơ sở và một đảng viên chính thức giới thiệu",
        )
    if ctx.youth and organisation.has_trade_union:
        return (
            Counter({IntroducerKind.TRADE_UNION_COMMITTEE: 1, IntroducerKind.MEMBER: 1}),
            f"Người vào Đảng trong độ tuổi đoàn ({age} tháng tuổi), nơi không có tổ chức Đoàn "
            "nhưng có công đoàn, phải được Ban Chấp hành công đoàn cơ sở và một đảng viên "
            "chính thức giới thiệu",
        )
    return (
        Counter({IntroducerKind.MEMBER: 2}),
        "Người vào Đảng phải được hai đảng viên chính thức giới thiệu",
    )


def introducer_problems(ctx: Context, index: int, introducer: Introducer) -> list[str]:
    """What is wrong with the ``index``-th introduction (counted from 1)."""
    problems: list[str] = []
    if introducer.date > ctx.case.date:
        problems.append(
            f"Giới thiệu thứ {index} đề ngày {dmy(introducer.date)}, sau {ctx.when}, chưa "
            "được tính."
        )
    if introducer.kind is not IntroducerKind.MEMBER:
        return problems
    if not introducer.official:
        problems.append(f"Người giới thiệu thứ {index} không phải đảng viên chính thức.")
    months = introducer.months_together or 0
    cowork = ctx.p.introducer_cowork_months
    if not introducer.replacement and months < cowork:
        problems.append(
            f"Người giới thiệu thứ {index} mới cùng công tác, học tập hoặc sinh hoạt nơi "
            f"cư trú với người vào Đảng {months} tháng, chưa đủ {cowork} tháng."
        )
    return problems


def introducers_valid(ctx: Context) -> Failure | None:
    """The right introducers, each dated by the vote, official and long enough together."""
    introducers = ctx.dossier.introducers
    required, form = required_introducers(ctx)
    problems: list[str] = []
    present = Counter(i.kind for i in introducers if i.date <= ctx.case.date)
    if present != required:
        given = (
            ", ".join(
                f"{count} {INTRODUCER_LABELS[kind]}"
                for kind, count in sorted(present.items(), key=lambda kv: kv[0].value)
            )
            or "không có người giới thiệu"
        )
        problems.append(f"{form}; hồ sơ có: {given}.")
    for index, introducer in enumerate(introducers, start=1):
        problems.extend(introducer_problems(ctx, index, introducer))
    return fail_all(problems)


INTRODUCERS_VALID = Rule(
    "introducers.valid", frozenset({EngineAction.BRANCH_VOTE}), introducers_valid
)
