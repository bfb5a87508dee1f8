"""Age and education: age.minimum, age.over_60_consent, education.minimum,
education.elder_consent."""

from __future__ import annotations

from ..codes import ConsentKind, EngineAction
from ..periods import age_in_months, first_day_of_age
from ..rule import Context, Failure, Rule
from ..wording import EDUCATION_LABELS, dmy

__all__ = ["AGE_MINIMUM", "AGE_OVER_60_CONSENT", "EDUCATION_ELDER_CONSENT", "EDUCATION_MINIMUM"]


def age_minimum(ctx: Context) -> Failure | None:
    """QĐ §1.1.1: a full 18 years at the branch vote, counted by month."""
    p, birth = ctx.p, ctx.case.applicant.birth_date
    if ctx.age >= p.min_age_months:
        return None
    reach = first_day_of_age(birth, p.min_age_months)
    return Failure(
        f"Người vào Đảng sinh ngày {dmy(birth)}, đến {ctx.when} mới {ctx.age} "
        f"tháng tuổi, chưa đủ {p.min_age_months // 12} tuổi ({p.min_age_months} tháng; "
        f"đủ từ ngày {dmy(reach)}).",
        earliest=reach,
    )


def age_over_60_consent(ctx: Context) -> Failure | None:
    """QĐ §1.1.2, HD §1.1: over 60 at the branch vote needs the provincial consent."""
    p, birth = ctx.p, ctx.case.applicant.birth_date
    branch = ctx.case.previous.branch_resolution_date
    assert branch is not None
    age = age_in_months(birth, branch)
    if age <= p.over_60_months:
        return None
    return ctx.missing_consent(
        ConsentKind.PROVINCIAL_OVER_60,
        f"Người vào Đảng sinh ngày {dmy(birth)}, khi chi bộ xét ngày "
        f"{dmy(branch)} đã {age} tháng tuổi (trên {p.over_60_months // 12} tuổi)",
    )


def education_minimum(ctx: Context) -> Failure | None:
    """QĐ §1.2.1, HD §1.2: lower-secondary, or one of the exceptions."""
    if ctx.education_path is not None:
        return None
    level = EDUCATION_LABELS[ctx.case.applicant.education]
    return Failure(
        f"Trình độ học vấn của người vào Đảng ({level}) chưa đạt "
        f"{EDUCATION_LABELS[ctx.p.education_minimum]} và không thuộc trường hợp ngoại lệ "
        "(tiểu học ở miền núi, biên giới, hải đảo, vùng đồng bào dân tộc thiểu số, vùng "
        "đặc biệt khó khăn hoặc ngư dân thường xuyên làm việc trên biển; biết đọc, biết "
        "viết đối với già làng, trưởng bản, người có uy tín ở các vùng đó)."
    )


def is_elder_path(ctx: Context) -> bool:
    """Admitted on literacy alone, as a village elder, head or prestigious person."""
    return ctx.education_path == "elder"


def education_elder_consent(ctx: Context) -> Failure | None:
    """HD §1.2(b): admitted on literacy alone needs the provincial consent."""
    return ctx.missing_consent(
        ConsentKind.PROVINCIAL_EDUCATION,
        "Người vào Đảng là già làng, trưởng bản hoặc người có uy tín được xét với trình "
        f"độ {EDUCATION_LABELS[ctx.case.applicant.education]}",
    )


AGE_MINIMUM = Rule("age.minimum", frozenset({EngineAction.BRANCH_VOTE}), age_minimum)
AGE_OVER_60_CONSENT = Rule(
    "age.over_60_consent", frozenset({EngineAction.ADMISSION_DECISION}), age_over_60_consent
)
EDUCATION_MINIMUM = Rule(
    "education.minimum", frozenset({EngineAction.BRANCH_VOTE}), education_minimum
)
EDUCATION_ELDER_CONSENT = Rule(
    "education.elder_consent",
    frozenset({EngineAction.ADMISSION_DECISION}),
    education_elder_consent,
    applies=is_elder_path,
)
