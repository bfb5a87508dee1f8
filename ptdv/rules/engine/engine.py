"""The rule engine: one action on one dossier, judged under the rule set in force.

``evaluate(case, calendar)`` is pure: it reads the case, the rule set in force on the case's
date and the working-day calendar, and returns a ``Verdict``. It never stops at the first
failure: every blocking rule of the action that fails is a violation (each rule id once), the
vote's outcome rule is always evaluated with them, and the three deadline rules that would
punish the applicant for a committee's delay are warnings (rule-cases.md "The result").

The rules per action are those of workflow.md §1 (table of stages); their ids, in §2.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from .calendar import CalendarRangeError, WorkingCalendar
from .case import Case, CaseError, Consent, FieldError, Organisation, validate_case
from .codes import (
    Action,
    AreaFlag,
    ConsentKind,
    Decider,
    Education,
    IntroducerKind,
    LeavingReason,
    Role,
)
from .periods import add_months, age_in_months, first_day_of_age, within_months
from .rulesets import RULE_SETS, Parameters, RuleSet, ruleset_for

__all__ = [
    "OUTCOME_RULES",
    "ExpiringItem",
    "Finding",
    "NextStep",
    "Verdict",
    "evaluate",
]


# --- Result types ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """A failed rule: its id (workflow.md §2), a Vietnamese message naming the failed fact,
    and the source the rule set cites for it."""

    rule: str
    message: str
    source: str

    def to_dict(self) -> dict[str, str]:
        """``{"rule", "message", "source"}`` as in rule-cases.md."""
        return {"rule": self.rule, "message": self.message, "source": self.source}


@dataclass(frozen=True)
class ExpiringItem:
    """A dossier document valid on the case date that expires before the next action is due
    (or, when it has no due date, before the earliest date it becomes lawful).

    ``item`` names the document (``certificate``, ``verification``, ``introducers[0]``),
    ``rule`` the rule that will then fail, ``valid_until`` its last valid day.
    """

    item: str
    rule: str
    valid_until: dt.date
    message: str

    def to_dict(self) -> dict[str, str]:
        """JSON form, dates in ISO."""
        return {
            "item": self.item,
            "rule": self.rule,
            "valid_until": self.valid_until.isoformat(),
            "message": self.message,
        }


@dataclass(frozen=True)
class NextStep:
    """The next lawful action: the following one if this one is allowed, otherwise this one.

    ``action`` is ``None`` after a recognition decision (the dossier is complete).
    ``earliest`` is the first date the action becomes lawful when the case has to wait for
    it (a period not yet over), ``None`` when it can be taken at once. ``due`` is its
    deadline, ``None`` when the regulations set none. ``missing`` lists the failed rule ids
    (empty when this action is allowed).
    """

    action: Action | None
    earliest: dt.date | None
    due: dt.date | None
    missing: tuple[str, ...]
    expiring: tuple[ExpiringItem, ...]

    def to_dict(self) -> dict[str, object]:
        """JSON form, dates in ISO or ``null``."""
        return {
            "action": None if self.action is None else self.action.value,
            "earliest": None if self.earliest is None else self.earliest.isoformat(),
            "due": None if self.due is None else self.due.isoformat(),
            "missing": list(self.missing),
            "expiring": [item.to_dict() for item in self.expiring],
        }


@dataclass(frozen=True)
class Verdict:
    """The engine's answer for one case.

    ``allowed`` is true exactly when there is no violation. For a vote, ``outcome_rule`` is
    the rule deciding its result: the workflow records a vote whose only violation is that
    rule as a *failed* vote (``gates_passed`` true, ``outcome_passed`` false) and refuses to
    hold a vote with any other violation (``gates_passed`` false).
    """

    action: Action
    date: dt.date
    rule_set_id: str
    rule_set_label: str
    violations: tuple[Finding, ...]
    warnings: tuple[Finding, ...]
    next: NextStep
    outcome_rule: str | None = None

    @property
    def allowed(self) -> bool:
        """True exactly when no blocking rule failed."""
        return not self.violations

    @property
    def violation_ids(self) -> tuple[str, ...]:
        """The ids of the violations, in the order reported."""
        return tuple(f.rule for f in self.violations)

    @property
    def warning_ids(self) -> tuple[str, ...]:
        """The ids of the warnings, in the order reported."""
        return tuple(f.rule for f in self.warnings)

    @property
    def outcome_passed(self) -> bool | None:
        """For a vote, whether its outcome rule passed; ``None`` for a non-vote action."""
        if self.outcome_rule is None:
            return None
        return self.outcome_rule not in self.violation_ids

    @property
    def gates_passed(self) -> bool:
        """Whether every blocking rule other than the vote's outcome rule passed."""
        return all(f.rule == self.outcome_rule for f in self.violations)

    def to_dict(self) -> dict[str, object]:
        """The result object of rule-cases.md, without ``"case"``."""
        return {
            "action": self.action.value,
            "date": self.date.isoformat(),
            "rule_set_id": self.rule_set_id,
            "rule_set": self.rule_set_label,
            "allowed": self.allowed,
            "violations": [f.to_dict() for f in self.violations],
            "warnings": [f.to_dict() for f in self.warnings],
            "next": self.next.to_dict(),
        }


# The outcome rule of each vote action (for the decisions, by the standing committee above;
# an authorised grassroots committee decides by ``vote.committee_two_thirds``).
OUTCOME_RULES: Mapping[Action, str] = MappingProxyType(
    {
        Action.BRANCH_VOTE: "vote.branch_two_thirds",
        Action.COMMITTEE_VOTE: "vote.committee_two_thirds",
        Action.ADMISSION_DECISION: "vote.standing_majority",
        Action.RECOGNITION_VOTE: "vote.branch_two_thirds",
        Action.RECOGNITION_DECISION: "vote.standing_majority",
    }
)

# --- Domain vocabulary for the rules and messages -------------------------------------------

# The education exception (regulations.md R1.4; HD 01-2021 §1.2) covers every area flag
# except coastal and religious areas.
_EXCEPTION_AREAS = frozenset(
    {
        AreaFlag.MOUNTAINOUS,
        AreaFlag.BORDER,
        AreaFlag.ISLAND,
        AreaFlag.ETHNIC_MINORITY_AREA,
        AreaFlag.EXTREME_HARDSHIP,
    }
)
_ELDER_ROLES = frozenset({Role.VILLAGE_ELDER, Role.VILLAGE_HEAD, Role.PRESTIGIOUS_PERSON})

# No re-admission for these (QĐ 294 §3.5.2; QĐ 24 and QĐ 232 alike).
_BARRED_REASONS = frozenset(
    {
        LeavingReason.ABANDONED_ACTIVITIES,
        LeavingReason.RESIGNED,
        LeavingReason.EXPELLED_DISUNITY,
        LeavingReason.CORRUPTION_CONVICTION,
        LeavingReason.SERIOUS_CRIME_CONVICTION,
    }
)

_EDUCATION_LABELS: dict[Education, str] = {
    Education.NONE: "chưa biết đọc, biết viết",
    Education.LITERATE: "biết đọc, biết viết chữ quốc ngữ",
    Education.PRIMARY: "tiểu học",
    Education.LOWER_SECONDARY: "trung học cơ sở",
    Education.UPPER_SECONDARY: "trung học phổ thông",
    Education.VOCATIONAL: "trung cấp",
    Education.COLLEGE: "cao đẳng",
    Education.UNIVERSITY: "đại học",
    Education.POSTGRADUATE: "sau đại học",
}

_REASON_LABELS: dict[LeavingReason, str] = {
    LeavingReason.REMOVED: "bị xóa tên",
    LeavingReason.ABANDONED_ACTIVITIES: "tự bỏ sinh hoạt đảng",
    LeavingReason.RESIGNED: "xin ra khỏi Đảng",
    LeavingReason.RESIGNED_FAMILY_HARDSHIP: (
        "xin ra khỏi Đảng vì hoàn cảnh gia đình đặc biệt khó khăn"
    ),
    LeavingReason.EXPELLED_DISUNITY: "gây mất đoàn kết nội bộ nghiêm trọng",
    LeavingReason.CORRUPTION_CONVICTION: "bị kết án về tội tham nhũng",
    LeavingReason.SERIOUS_CRIME_CONVICTION: "bị kết án về tội phạm nghiêm trọng trở lên",
    LeavingReason.LESS_SERIOUS_CRIME_CONVICTION: "bị kết án về tội phạm ít nghiêm trọng",
    LeavingReason.OTHER: "lý do khác",
}

_INTRODUCER_LABELS: dict[IntroducerKind, str] = {
    IntroducerKind.MEMBER: "đảng viên",
    IntroducerKind.YOUTH_UNION_COMMITTEE: "Ban Chấp hành Đoàn cơ sở",
    IntroducerKind.TRADE_UNION_COMMITTEE: "Ban Chấp hành công đoàn cơ sở",
}

_CONSENT_LABELS: dict[ConsentKind, str] = {
    ConsentKind.PROVINCIAL_OVER_60: (
        "văn bản đồng ý của ban thường vụ cấp ủy trực thuộc Trung ương (người trên 60 tuổi)"
    ),
    ConsentKind.PROVINCIAL_EDUCATION: (
        "văn bản đồng ý của ban thường vụ cấp ủy trực thuộc Trung ương (trình độ học vấn)"
    ),
    ConsentKind.PROVINCIAL_READMISSION: (
        "văn bản đồng ý của ban thường vụ cấp ủy trực thuộc Trung ương (kết nạp lại)"
    ),
    ConsentKind.HIGHER_COMMITTEE_LATE_CEREMONY: (
        "ý kiến đồng ý của cấp ủy cấp trên trực tiếp (tổ chức lễ kết nạp quá hạn)"
    ),
}

_CERTIFICATE = "Giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng"
_NEWMEMBER_CERTIFICATE = (
    "giấy chứng nhận học lớp bồi dưỡng lý luận chính trị dành cho đảng viên mới"
)


def _d(day: dt.date) -> str:
    """A date as Vietnamese documents write it: dd/mm/yyyy."""
    return day.strftime("%d/%m/%Y")


def _fraction(numerator: int, denominator: int) -> str:
    if (numerator, denominator) == (2, 3):
        return "hai phần ba"
    if (numerator, denominator) == (1, 2):
        return "một nửa"
    return f"{numerator}/{denominator}"


def _at_least(voters: int, numerator: int, denominator: int) -> int:
    """The fewest votes with ``agree * denominator >= voters * numerator``."""
    return -(-voters * numerator // denominator)


def _more_than(voters: int, numerator: int, denominator: int) -> int:
    """The fewest votes with ``agree * denominator > voters * numerator``."""
    return voters * numerator // denominator + 1


# --- The evaluation -------------------------------------------------------------------------


class _Evaluation:
    """Collects the findings of one case; one method per action."""

    def __init__(self, case: Case, rule_set: RuleSet, calendar: WorkingCalendar) -> None:
        self.case = case
        self.rule_set = rule_set
        self.p: Parameters = rule_set.parameters
        self.calendar = calendar
        self.violations: list[Finding] = []
        self.warnings: list[Finding] = []
        self.outcome_rule: str | None = OUTCOME_RULES.get(case.action)
        self.earliest: list[dt.date] = []

    # -- helpers

    def violate(self, rule: str, message: str) -> None:
        self.violations.append(Finding(rule, message, self.rule_set.rule_source(rule)))

    def warn(self, rule: str, message: str) -> None:
        self.warnings.append(Finding(rule, message, self.rule_set.rule_source(rule)))

    def violate_all(self, rule: str, problems: Sequence[str]) -> None:
        if problems:
            self.violate(rule, " ".join(problems))

    def consent(self, kind: ConsentKind) -> tuple[Consent | None, Consent | None, dt.date]:
        """(a consent of ``kind`` that counts, a later one that does not, the last date that
        counts). A consent counts when dated on or before the action's date (less the
        ``consent_min_days_before`` parameter)."""
        cutoff = self.case.date - dt.timedelta(days=self.p.consent_min_days_before)
        dossier = self.case.dossier
        consents = [c for c in dossier.consents if c.kind is kind] if dossier else []
        counted = [c for c in consents if c.date <= cutoff]
        late = [c for c in consents if c.date > cutoff]
        return (
            min(counted, key=lambda c: c.date) if counted else None,
            min(late, key=lambda c: c.date) if late else None,
            cutoff,
        )

    def missing_consent(self, kind: ConsentKind, what: str) -> str | None:
        """The message for a consent that is needed and absent, or ``None`` when present."""
        counted, late, cutoff = self.consent(kind)
        if counted is not None:
            return None
        message = (
            f"{what}, cần {_CONSENT_LABELS[kind]} đề ngày {_d(cutoff)} hoặc trước đó; "
            "hồ sơ chưa có."
        )
        if late is not None:
            ref = f" số {late.ref}" if late.ref else ""
            message += f" Văn bản{ref} đề ngày {_d(late.date)} sau ngày đó nên không được tính."
        return message

    def add_wd(self, start: dt.date, n: int) -> dt.date | None:
        """``calendar.add_working_days`` or ``None`` beyond the calendar's years."""
        try:
            return self.calendar.add_working_days(start, n)
        except CalendarRangeError:
            return None

    def cell_vote(self, organisation: Organisation, agree: int, what: str) -> None:
        """``vote.branch_two_thirds``: agree ≥ 2/3 of the official members, less those
        temporarily attached elsewhere and the exempted members who are absent (QĐ §9.3.2)."""
        official = organisation.official_members or 0
        temporary = organisation.temporarily_attached_elsewhere
        exempted = organisation.exempted_absent
        voters = official - temporary - exempted
        num, den = self.p.branch_vote_numerator, self.p.branch_vote_denominator
        detail = f"{official} đảng viên chính thức"
        if temporary or exempted:
            detail += (
                f", trừ {temporary} sinh hoạt tạm thời nơi khác và {exempted} được miễn sinh "
                "hoạt vắng mặt"
            )
        if voters <= 0:
            self.violate(
                "vote.branch_two_thirds",
                f"Chi bộ không còn đảng viên chính thức nào được tính khi biểu quyết {what} "
                f"({detail}).",
            )
        elif agree * den < voters * num:
            self.violate(
                "vote.branch_two_thirds",
                f"Biểu quyết {what}: chỉ có {agree}/{voters} đảng viên chính thức đồng ý "
                f"({detail}), chưa đạt {_fraction(num, den)} "
                f"(cần ít nhất {_at_least(voters, num, den)}).",
            )

    def committee_vote(self, agree: int, body: int, what: str) -> None:
        """``vote.committee_two_thirds``: agree ≥ 2/3 of all members of the committee."""
        num, den = self.p.committee_vote_numerator, self.p.committee_vote_denominator
        if agree * den < body * num:
            self.violate(
                "vote.committee_two_thirds",
                f"Biểu quyết {what}: chỉ có {agree}/{body} cấp ủy viên đảng ủy cơ sở đồng ý, "
                f"chưa đạt {_fraction(num, den)} (cần ít nhất {_at_least(body, num, den)}).",
            )

    def standing_vote(self, agree: int, body: int, what: str) -> None:
        """``vote.standing_majority``: agree > 1/2 of the standing committee's members."""
        num, den = self.p.standing_majority_numerator, self.p.standing_majority_denominator
        if agree * den <= body * num:
            self.violate(
                "vote.standing_majority",
                f"Biểu quyết {what}: chỉ có {agree}/{body} ủy viên ban thường vụ đồng ý, chưa quá "
                f"{_fraction(num, den)} (cần ít nhất {_more_than(body, num, den)}).",
            )

    def decision_vote(self, what: str) -> None:
        """The outcome of a decision: by the deciding body's own threshold."""
        vote = self.case.vote
        assert vote is not None and vote.agree is not None and vote.body_size is not None
        if self.case.decider is Decider.AUTHORISED_GRASSROOTS_COMMITTEE:
            self.outcome_rule = "vote.committee_two_thirds"
            self.committee_vote(vote.agree, vote.body_size, what)
        else:
            self.outcome_rule = "vote.standing_majority"
            self.standing_vote(vote.agree, vote.body_size, what)

    def decider_competent(self) -> None:
        """``decider.competent`` (QĐ §4.3.2): the standing committee above may always decide;
        the grassroots committee only when authorised to admit."""
        organisation = self.case.organisation
        authorised = organisation is not None and organisation.grassroots_committee_authorised
        if self.case.decider is Decider.AUTHORISED_GRASSROOTS_COMMITTEE and not authorised:
            self.violate(
                "decider.competent",
                "Đảng ủy cơ sở chưa được cấp ủy cấp trên ủy quyền kết nạp đảng viên nên không có "
                "thẩm quyền quyết định; thẩm quyền thuộc ban thường vụ cấp ủy cấp trên trực tiếp.",
            )

    def probation(self) -> dt.date:
        """``probation.complete``: 12 months since the ceremony (Điều lệ Điều 5 khoản 1).
        Returns the end of probation (the official date)."""
        ceremony = self.case.previous.ceremony_date
        assert ceremony is not None
        end = add_months(ceremony, self.p.probation_months)
        if self.case.date < end:
            self.earliest.append(end)
            self.violate(
                "probation.complete",
                f"Lễ kết nạp ngày {_d(ceremony)}: đến ngày {_d(self.case.date)} chưa đủ "
                f"{self.p.probation_months} tháng dự bị (đủ từ ngày {_d(end)}).",
            )
        return end

    def newmember_course(self) -> None:
        """``newmember_course.done``: the new-member course certificate is in the dossier."""
        course = self.case.previous.newmember_course_date
        if course is None:
            self.violate("newmember_course.done", f"Chưa có {_NEWMEMBER_CERTIFICATE}.")
        elif course > self.case.date:
            self.violate(
                "newmember_course.done",
                f"{_NEWMEMBER_CERTIFICATE.capitalize()} cấp ngày {_d(course)}, sau ngày "
                f"{_d(self.case.date)}.",
            )

    # -- education path

    def education_path(self) -> Literal["standard", "special", "elder"] | None:
        """How the applicant meets the education rule (regulations.md R1.4), if at all:
        ``standard`` (lower-secondary or higher), ``special`` (primary in a listed area or as a
        sea-going fisherman), ``elder`` (literacy, for a village elder, head or prestigious
        person in a listed area: needs ``education.elder_consent``)."""
        applicant = self.case.applicant
        rank = applicant.education.rank
        in_area = bool(applicant.area_flags & _EXCEPTION_AREAS)
        if rank >= self.p.education_minimum.rank:
            return "standard"
        fisherman = Role.SEA_FISHERMAN in applicant.roles
        if rank >= self.p.education_special_area_minimum.rank and (in_area or fisherman):
            return "special"
        if (
            rank >= self.p.education_elder_minimum.rank
            and in_area
            and applicant.roles & _ELDER_ROLES
        ):
            return "elder"
        return None

    # -- actions

    def branch_vote(self) -> None:
        case, p = self.case, self.p
        day = case.date
        applicant = case.applicant
        organisation = case.organisation
        dossier = case.dossier
        vote = case.vote
        assert organisation is not None and dossier is not None
        assert vote is not None and vote.agree is not None
        when = f"ngày chi bộ xét {_d(day)}"

        # age.minimum — QĐ §1.1.1: a full 18 years, counted by month.
        age = age_in_months(applicant.birth_date, day)
        if age < p.min_age_months:
            reach = first_day_of_age(applicant.birth_date, p.min_age_months)
            self.earliest.append(reach)
            self.violate(
                "age.minimum",
                f"Người vào Đảng sinh ngày {_d(applicant.birth_date)}, đến {when} mới {age} "
                f"tháng tuổi, chưa đủ {p.min_age_months // 12} tuổi ({p.min_age_months} tháng; "
                f"đủ từ ngày {_d(reach)}).",
            )

        # education.minimum — QĐ §1.2.1, HD §1.2.
        if self.education_path() is None:
            level = _EDUCATION_LABELS[applicant.education]
            self.violate(
                "education.minimum",
                f"Trình độ học vấn của người vào Đảng ({level}) chưa đạt "
                f"{_EDUCATION_LABELS[p.education_minimum]} và không thuộc trường hợp ngoại lệ "
                "(tiểu học ở miền núi, biên giới, hải đảo, vùng đồng bào dân tộc thiểu số, vùng "
                "đặc biệt khó khăn hoặc ngư dân thường xuyên làm việc trên biển; biết đọc, biết "
                "viết đối với già làng, trưởng bản, người có uy tín ở các vùng đó).",
            )

        # certificate.valid — HD 06 §5.4: issued at most 60 months before the vote.
        certificate = dossier.certificate_date
        if certificate is None:
            self.violate("certificate.valid", f"Chưa có {_CERTIFICATE}.")
        elif certificate > day:
            self.violate(
                "certificate.valid", f"{_CERTIFICATE} cấp ngày {_d(certificate)}, sau {when}."
            )
        elif not within_months(certificate, day, p.certificate_valid_months):
            self.violate(
                "certificate.valid",
                f"{_CERTIFICATE} cấp ngày {_d(certificate)} đã quá "
                f"{p.certificate_valid_months} tháng.",
            )

        # application.before_history — HD 06 §3: the application comes before the history.
        problems: list[str] = []
        application, history = dossier.application_date, dossier.history_date
        if application is None:
            problems.append("Chưa có đơn xin vào Đảng.")
        elif application > day:
            problems.append(f"Đơn xin vào Đảng đề ngày {_d(application)}, sau {when}.")
        if history is None:
            problems.append("Chưa có lý lịch của người xin vào Đảng.")
        elif history > day:
            problems.append(f"Lý lịch của người xin vào Đảng khai ngày {_d(history)}, sau {when}.")
        if application is not None and history is not None and application > history:
            problems.append(
                f"Đơn xin vào Đảng đề ngày {_d(application)}, sau ngày khai lý lịch "
                f"{_d(history)}; đơn phải có trước lý lịch."
            )
        self.violate_all("application.before_history", problems)

        # introducers.valid — Điều lệ Điều 4 khoản 2; QĐ §3.1, §3.2.1, §3.2.2.
        youth = p.youth_min_months <= age <= p.youth_max_months
        if youth and organisation.has_youth_union:
            required = Counter({IntroducerKind.YOUTH_UNION_COMMITTEE: 1, IntroducerKind.MEMBER: 1})
            form = (
                f"Người vào Đảng trong độ tuổi đoàn ({age} tháng tuổi), nơi có tổ chức Đoàn, phải "
                "được Ban Chấp hành Đoàn cơ sở và một đảng viên chính thức giới thiệu"
            )
        elif youth and organisation.has_trade_union:
            required = Counter({IntroducerKind.TRADE_UNION_COMMITTEE: 1, IntroducerKind.MEMBER: 1})
            form = (
                f"Người vào Đảng trong độ tuổi đoàn ({age} tháng tuổi), nơi không có tổ chức Đoàn "
                "nhưng có công đoàn, phải được Ban Chấp hành công đoàn cơ sở và một đảng viên "
                "chính thức giới thiệu"
            )
        else:
            required = Counter({IntroducerKind.MEMBER: 2})
            form = "Người vào Đảng phải được hai đảng viên chính thức giới thiệu"
        problems = []
        present = Counter(i.kind for i in dossier.introducers if i.date <= day)
        if present != required:
            given = (
                ", ".join(
                    f"{count} {_INTRODUCER_LABELS[kind]}"
                    for kind, count in sorted(present.items(), key=lambda kv: kv[0].value)
                )
                or "không có người giới thiệu"
            )
            problems.append(f"{form}; hồ sơ có: {given}.")
        for index, introducer in enumerate(dossier.introducers, start=1):
            if introducer.date > day:
                problems.append(
                    f"Giới thiệu thứ {index} đề ngày {_d(introducer.date)}, sau {when}, chưa "
                    "được tính."
                )
            if introducer.kind is not IntroducerKind.MEMBER:
                continue
            if not introducer.official:
                problems.append(f"Người giới thiệu thứ {index} không phải đảng viên chính thức.")
            months = introducer.months_together or 0
            if not introducer.replacement and months < p.introducer_cowork_months:
                problems.append(
                    f"Người giới thiệu thứ {index} mới cùng công tác, học tập hoặc sinh hoạt nơi "
                    f"cư trú với người vào Đảng {months} tháng, chưa đủ "
                    f"{p.introducer_cowork_months} tháng."
                )
        self.violate_all("introducers.valid", problems)

        # youth_union.required / trade_union.required — Điều lệ Điều 4 khoản 2.
        if youth and organisation.has_youth_union and not applicant.youth_union_member:
            self.violate(
                "youth_union.required",
                f"Người vào Đảng trong độ tuổi đoàn ({age} tháng tuổi), nơi có tổ chức Đoàn, "
                "nhưng chưa là đoàn viên Đoàn TNCS Hồ Chí Minh.",
            )
        if (
            youth
            and not organisation.has_youth_union
            and organisation.has_trade_union
            and not applicant.trade_union_member
        ):
            self.violate(
                "trade_union.required",
                f"Người vào Đảng trong độ tuổi đoàn ({age} tháng tuổi), nơi không có tổ chức Đoàn "
                "nhưng có công đoàn, nhưng chưa là đoàn viên công đoàn.",
            )

        # verification.done / verification.valid — HD §3.4, HD 06 §5.4.
        verification = dossier.verification
        waived = verification is not None and verification.waived
        concluded = verification.concluded_on if verification is not None else None
        if not waived:
            if concluded is None:
                self.violate(
                    "verification.done",
                    "Chưa có kết luận thẩm tra lý lịch của cấp ủy cơ sở (và không thuộc trường "
                    "hợp không phải thẩm tra).",
                )
            elif concluded > day:
                self.violate(
                    "verification.done",
                    f"Kết luận thẩm tra lý lịch ngày {_d(concluded)}, sau {when}.",
                )
        problems = []
        valid_months = p.verification_valid_months
        if not waived and concluded is not None and concluded <= day:
            if not within_months(concluded, day, valid_months):
                problems.append(
                    f"Kết quả thẩm tra lý lịch kết luận ngày {_d(concluded)} đã quá "
                    f"{valid_months} tháng."
                )
        for index, introducer in enumerate(dossier.introducers, start=1):
            if introducer.date <= day and not within_months(introducer.date, day, valid_months):
                problems.append(
                    f"Giới thiệu thứ {index} ({_INTRODUCER_LABELS[introducer.kind]}) đề ngày "
                    f"{_d(introducer.date)} đã quá {valid_months} tháng."
                )
        self.violate_all("verification.valid", problems)

        # opinions.done — mẫu 5-KNĐ.
        opinions = dossier.opinions_date
        if opinions is None:
            self.violate(
                "opinions.done",
                "Chưa có ý kiến nhận xét của đoàn thể chính trị - xã hội nơi làm việc và chi ủy "
                "nơi cư trú (mẫu 5-KNĐ).",
            )
        elif opinions > day:
            self.violate(
                "opinions.done",
                f"Ý kiến nhận xét của đoàn thể và chi ủy nơi cư trú tổng hợp ngày "
                f"{_d(opinions)}, sau {when}.",
            )

        # branch.min_official_members — Điều lệ Điều 21: at least 3 official members.
        official = organisation.official_members or 0
        if official < p.branch_min_official_members:
            self.violate(
                "branch.min_official_members",
                f"Chi bộ chỉ có {official} đảng viên chính thức, chưa đủ "
                f"{p.branch_min_official_members} đảng viên chính thức.",
            )

        # readmission.* — QĐ §3.5.
        membership = applicant.previous_membership
        if membership is not None:
            problems = []
            left = membership.left_on
            wait_end = add_months(left, p.readmission_wait_months)
            if day < wait_end:
                self.earliest.append(wait_end)
                problems.append(
                    f"Ra khỏi Đảng ngày {_d(left)}: đến {when} chưa đủ "
                    f"{p.readmission_wait_months} tháng (đủ từ ngày {_d(wait_end)})."
                )
            if membership.reason is LeavingReason.LESS_SERIOUS_CRIME_CONVICTION:
                expunged = membership.expunged_on
                if expunged is None or expunged > day:
                    problems.append(
                        "Bị kết án về tội phạm ít nghiêm trọng nhưng đến "
                        f"{when} chưa được xóa án tích."
                    )
                else:
                    expunged_end = add_months(expunged, p.readmission_expunged_wait_months)
                    if day < expunged_end:
                        self.earliest.append(expunged_end)
                        problems.append(
                            f"Được xóa án tích ngày {_d(expunged)}: đến {when} chưa đủ "
                            f"{p.readmission_expunged_wait_months} tháng "
                            f"(đủ từ ngày {_d(expunged_end)})."
                        )
            self.violate_all("readmission.wait", problems)
            times = 1 if membership.readmitted_before else 0
            if times >= p.readmission_max_times:
                self.violate(
                    "readmission.once",
                    f"Người này đã được kết nạp lại {times} lần; chỉ được kết nạp lại "
                    f"{p.readmission_max_times} lần.",
                )
            if membership.reason in _BARRED_REASONS:
                self.violate(
                    "readmission.barred_reason",
                    f"Đã ra khỏi Đảng vì {_REASON_LABELS[membership.reason]} (ngày {_d(left)}); "
                    "không được xét kết nạp lại.",
                )

        # The outcome: vote.branch_two_thirds.
        self.cell_vote(organisation, vote.agree, "đề nghị kết nạp")

    def committee_vote_action(self) -> None:
        vote = self.case.vote
        assert vote is not None and vote.agree is not None and vote.body_size is not None
        self.committee_vote(vote.agree, vote.body_size, "đề nghị kết nạp của đảng ủy cơ sở")

    def admission_decision(self) -> None:
        case, p = self.case, self.p
        applicant = case.applicant
        branch = case.previous.branch_resolution_date
        assert branch is not None
        self.decider_competent()

        # age.over_60_consent — QĐ §1.1.2, HD §1.1: over 60 at the branch vote.
        age = age_in_months(applicant.birth_date, branch)
        if age > p.over_60_months:
            message = self.missing_consent(
                ConsentKind.PROVINCIAL_OVER_60,
                f"Người vào Đảng sinh ngày {_d(applicant.birth_date)}, khi chi bộ xét ngày "
                f"{_d(branch)} đã {age} tháng tuổi (trên {p.over_60_months // 12} tuổi)",
            )
            if message:
                self.violate("age.over_60_consent", message)

        # education.elder_consent — HD §1.2(b): admitted on literacy alone.
        if self.education_path() == "elder":
            message = self.missing_consent(
                ConsentKind.PROVINCIAL_EDUCATION,
                "Người vào Đảng là già làng, trưởng bản hoặc người có uy tín được xét với trình "
                f"độ {_EDUCATION_LABELS[applicant.education]}",
            )
            if message:
                self.violate("education.elder_consent", message)

        # readmission.provincial_consent — QĐ §3.5.1.
        membership = applicant.previous_membership
        if membership is not None:
            message = self.missing_consent(
                ConsentKind.PROVINCIAL_READMISSION,
                f"Người vào Đảng là đảng viên cũ (ra khỏi Đảng ngày {_d(membership.left_on)}) "
                "được xét kết nạp lại",
            )
            if message:
                self.violate("readmission.provincial_consent", message)

        self.decision_vote("quyết định kết nạp")

        # deadline.decision (warning) — QĐ §4.3.1: 60 working days (+ extension).
        extension = case.previous.extension_working_days
        due = self.add_wd(branch, p.decision_deadline_working_days + extension)
        if due is not None and case.date > due:
            granted = f", gia hạn {extension} ngày làm việc" if extension else ""
            self.warn(
                "deadline.decision",
                f"Quyết định kết nạp ngày {_d(case.date)} quá thời hạn {_d(due)} "
                f"({p.decision_deadline_working_days} ngày làm việc kể từ nghị quyết chi bộ ngày "
                f"{_d(branch)}{granted}).",
            )

    def ceremony(self) -> None:
        case, p = self.case, self.p
        received = case.previous.decision_received_date
        assert received is not None
        # deadline.ceremony — QĐ §4.1: 30 working days after receiving the decision; later
        # only with the consent of the committee directly above.
        due = self.add_wd(received, p.ceremony_deadline_working_days)
        if due is not None and case.date > due:
            message = self.missing_consent(
                ConsentKind.HIGHER_COMMITTEE_LATE_CEREMONY,
                f"Lễ kết nạp ngày {_d(case.date)} quá thời hạn {_d(due)} "
                f"({p.ceremony_deadline_working_days} ngày làm việc kể từ ngày nhận quyết định "
                f"{_d(received)})",
            )
            if message:
                self.violate("deadline.ceremony", message)

    def recognition_vote(self) -> None:
        case, p = self.case, self.p
        organisation, vote = case.organisation, case.vote
        assert organisation is not None and vote is not None and vote.agree is not None
        end = self.probation()
        self.newmember_course()
        # vote.escalate_after_3 — QĐ §4.2.3.
        failed = case.previous.failed_recognition_votes
        if failed >= p.max_failed_recognition_votes:
            self.violate(
                "vote.escalate_after_3",
                f"Chi bộ đã biểu quyết {failed} lần không đạt; chi bộ không biểu quyết lại mà "
                "báo cáo cấp ủy cấp trên trực tiếp và cấp ủy có thẩm quyền xem xét, quyết định.",
            )
        self.cell_vote(organisation, vote.agree, "đề nghị công nhận đảng viên chính thức")
        # deadline.recognition (warning) — QĐ §4.2.1: 30 working days after probation ends.
        due = self.add_wd(end, p.recognition_vote_deadline_working_days)
        if due is not None and case.date > due:
            self.warn(
                "deadline.recognition",
                f"Chi bộ xét công nhận đảng viên chính thức ngày {_d(case.date)}, quá thời hạn "
                f"{_d(due)} ({p.recognition_vote_deadline_working_days} ngày làm việc sau khi hết "
                f"thời gian dự bị ngày {_d(end)}).",
            )

    def recognition_decision(self) -> None:
        case, p = self.case, self.p
        resolution = case.previous.recognition_resolution_date
        assert resolution is not None
        self.decider_competent()
        self.probation()
        self.newmember_course()
        self.decision_vote("quyết định công nhận đảng viên chính thức")
        # deadline.recognition_decision (warning) — QĐ §4.3.1: 30 working days (+ ≤ 30).
        extension = case.previous.extension_working_days
        due = self.add_wd(resolution, p.recognition_decision_deadline_working_days + extension)
        if due is not None and case.date > due:
            granted = f", gia hạn {extension} ngày làm việc" if extension else ""
            self.warn(
                "deadline.recognition_decision",
                f"Quyết định công nhận đảng viên chính thức ngày {_d(case.date)} quá thời hạn "
                f"{_d(due)} ({p.recognition_decision_deadline_working_days} ngày làm việc kể từ "
                f"nghị quyết chi bộ ngày {_d(resolution)}{granted}).",
            )

    # -- next lawful action

    def next_step(self) -> NextStep:
        case, p = self.case, self.p
        action, day = case.action, case.date
        allowed = not self.violations
        missing = tuple(f.rule for f in self.violations)
        extension = case.previous.extension_working_days
        decision_wd = p.decision_deadline_working_days + extension
        recognition_wd = p.recognition_decision_deadline_working_days + extension
        waited = max(self.earliest) if self.earliest else None
        earliest = waited if waited is not None and waited > day else None

        if action is Action.BRANCH_VOTE:
            if not allowed:
                expiring = self.expiring(earliest) if earliest is not None else ()
                return NextStep(action, earliest, None, missing, expiring)
            organisation = case.organisation
            skip_committee = organisation is not None and (
                organisation.is_grassroots_cell or organisation.grassroots_committee_authorised
            )
            following = Action.ADMISSION_DECISION if skip_committee else Action.COMMITTEE_VOTE
            return NextStep(following, None, self.add_wd(day, decision_wd), (), ())

        if action in (Action.COMMITTEE_VOTE, Action.ADMISSION_DECISION) and not allowed:
            branch = case.previous.branch_resolution_date
            assert branch is not None
            return NextStep(action, earliest, self.add_wd(branch, decision_wd), missing, ())
        if action is Action.COMMITTEE_VOTE:
            branch = case.previous.branch_resolution_date
            assert branch is not None
            due = self.add_wd(branch, decision_wd)
            return NextStep(Action.ADMISSION_DECISION, None, due, (), ())
        if action is Action.ADMISSION_DECISION:
            # The receipt date is not known yet; counting from the decision date gives the
            # earliest possible due date, so a ceremony held by then is never late.
            due = self.add_wd(day, p.ceremony_deadline_working_days)
            return NextStep(Action.CEREMONY, None, due, (), ())

        if action is Action.CEREMONY:
            if not allowed:
                received = case.previous.decision_received_date
                assert received is not None
                due = self.add_wd(received, p.ceremony_deadline_working_days)
                return NextStep(action, earliest, due, missing, ())
            end = add_months(day, p.probation_months)
            due = self.add_wd(end, p.recognition_vote_deadline_working_days)
            return NextStep(Action.RECOGNITION_VOTE, end, due, (), ())

        if action is Action.RECOGNITION_VOTE:
            if not allowed:
                ceremony = case.previous.ceremony_date
                assert ceremony is not None
                end = add_months(ceremony, p.probation_months)
                due = self.add_wd(end, p.recognition_vote_deadline_working_days)
                return NextStep(action, earliest, due, missing, ())
            return NextStep(
                Action.RECOGNITION_DECISION, None, self.add_wd(day, recognition_wd), (), ()
            )

        # Action.RECOGNITION_DECISION
        if not allowed:
            resolution = case.previous.recognition_resolution_date
            assert resolution is not None
            due = self.add_wd(resolution, recognition_wd)
            return NextStep(action, earliest, due, missing, ())
        return NextStep(None, None, None, (), ())

    def expiring(self, horizon: dt.date) -> tuple[ExpiringItem, ...]:
        """Branch-vote documents valid on the case date whose validity ends before
        ``horizon``."""
        dossier = self.case.dossier
        day = self.case.date
        if dossier is None:
            return ()
        p = self.p
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
                        f"{label} hết hạn sau ngày {_d(valid_until)}, trước ngày {_d(horizon)}.",
                    )
                )

        if dossier.certificate_date is not None:
            check(
                "certificate",
                "certificate.valid",
                dossier.certificate_date,
                p.certificate_valid_months,
                f"{_CERTIFICATE} cấp ngày {_d(dossier.certificate_date)}",
            )
        verification = dossier.verification
        if verification is not None and not verification.waived and verification.concluded_on:
            check(
                "verification",
                "verification.valid",
                verification.concluded_on,
                p.verification_valid_months,
                f"Kết quả thẩm tra lý lịch kết luận ngày {_d(verification.concluded_on)}",
            )
        for index, introducer in enumerate(dossier.introducers):
            check(
                f"introducers[{index}]",
                "verification.valid",
                introducer.date,
                p.verification_valid_months,
                f"Giới thiệu thứ {index + 1} đề ngày {_d(introducer.date)}",
            )
        return tuple(items)


def evaluate(
    case: Case,
    calendar: WorkingCalendar,
    *,
    rule_sets: Sequence[RuleSet] = RULE_SETS,
) -> Verdict:
    """Judge ``case`` under the rule set in force on ``case.date``.

    Pure: the same case, calendar and rule sets always give the same verdict. Raises
    ``CaseError`` when the case is malformed (``validate_case``), including a date no rule
    set covers.
    """
    validate_case(case, rule_sets=rule_sets)
    rule_set = ruleset_for(case.date, rule_sets)
    if rule_set is None:  # pragma: no cover - validate_case already refuses it
        raise CaseError([FieldError("date", "Trường date: không có bộ quy định nào áp dụng.")])
    evaluation = _Evaluation(case, rule_set, calendar)
    handlers = {
        Action.BRANCH_VOTE: evaluation.branch_vote,
        Action.COMMITTEE_VOTE: evaluation.committee_vote_action,
        Action.ADMISSION_DECISION: evaluation.admission_decision,
        Action.CEREMONY: evaluation.ceremony,
        Action.RECOGNITION_VOTE: evaluation.recognition_vote,
        Action.RECOGNITION_DECISION: evaluation.recognition_decision,
    }
    handlers[case.action]()
    return Verdict(
        action=case.action,
        date=case.date,
        rule_set_id=rule_set.id,
        rule_set_label=rule_set.label,
        violations=tuple(evaluation.violations),
        warnings=tuple(evaluation.warnings),
        next=evaluation.next_step(),
        outcome_rule=evaluation.outcome_rule,
    )
