"""What a rule is: an id, the actions it judges, its kind, and a check of one case.

A rule's check reads a ``Context`` (the case, the rule set in force, the calendar, and the
values several rules share, computed once) and returns ``None`` when the rule holds or a
``Failure``: the Vietnamese message naming the failed fact and, when waiting would cure it,
the first date it holds. Whether a failure is a violation or a warning is the rule's
``kind``; the engine adds the source the rule set cites.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal, NamedTuple

from .calendar import CalendarRangeError, WorkingCalendar
from .case import Case, Consent, Dossier, Organisation, Vote
from .codes import AreaFlag, ConsentKind, EngineAction, Role
from .periods import add_months, age_in_months
from .rulesets import Parameters, RuleSet
from .wording import CONSENT_LABELS, dmy

__all__ = [
    "Context",
    "EducationPath",
    "Failure",
    "Rule",
    "RuleKind",
    "fail_all",
]

# The education exception (docs/regulations.md R1.4; HD 01-2021 §1.2) covers every area flag
# except coastal and religious areas.
EXCEPTION_AREAS = frozenset(
    {
        AreaFlag.MOUNTAINOUS,
        AreaFlag.BORDER,
        AreaFlag.ISLAND,
        AreaFlag.ETHNIC_MINORITY_AREA,
        AreaFlag.EXTREME_HARDSHIP,
    }
)
ELDER_ROLES = frozenset({Role.VILLAGE_ELDER, Role.VILLAGE_HEAD, Role.PRESTIGIOUS_PERSON})

EducationPath = Literal["standard", "special", "elder"]


class RuleKind(StrEnum):
    """How a failed rule counts in the verdict."""

    GATE = "gate"  # a violation: the action may not be taken
    OUTCOME = "outcome"  # a violation deciding a vote's result (a failed vote, not a refusal)
    WARNING = "warning"  # reported, never blocking (a committee's delay, not the applicant's)


class Failure(NamedTuple):
    """A failed rule: its message and, when waiting cures it, the first date it holds."""

    message: str
    earliest: dt.date | None = None


def fail_all(problems: Sequence[str], earliest: dt.date | None = None) -> Failure | None:
    """One failure listing every problem found by a rule, or ``None`` when there is none."""
    if not problems:
        return None
    return Failure(" ".join(problems), earliest)


class Context:
    """One case under the rule set in force, with the values several rules share."""

    def __init__(self, case: Case, rule_set: RuleSet, calendar: WorkingCalendar) -> None:
        self.case = case
        self.rule_set = rule_set
        self.p: Parameters = rule_set.parameters
        self.calendar = calendar
        # The shared values, computed on first use (plain attributes: cheaper than a
        # ``cached_property``, which takes a lock on Python 3.11).
        self._when: str | None = None
        self._age: int | None = None
        self._education_path: EducationPath | None = None
        self._education_known = False
        self._probation_end: dt.date | None = None

    # -- the parts of the case an action needs (``validate_case`` guarantees them)

    @property
    def organisation(self) -> Organisation:
        organisation = self.case.organisation
        assert organisation is not None
        return organisation

    @property
    def dossier(self) -> Dossier:
        dossier = self.case.dossier
        assert dossier is not None
        return dossier

    @property
    def vote(self) -> Vote:
        vote = self.case.vote
        assert vote is not None
        return vote

    @property
    def agree(self) -> int:
        agree = self.vote.agree
        assert agree is not None
        return agree

    @property
    def body_size(self) -> int:
        body_size = self.vote.body_size
        assert body_size is not None
        return body_size

    @property
    def when(self) -> str:
        """The date of a cell's meeting, as the branch-vote messages say it."""
        if self._when is None:
            self._when = f"ngày chi bộ xét {dmy(self.case.date)}"
        return self._when

    # -- shared values

    @property
    def age(self) -> int:
        """The applicant's age in months on the case's date."""
        if self._age is None:
            self._age = age_in_months(self.case.applicant.birth_date, self.case.date)
        return self._age

    @property
    def youth(self) -> bool:
        """Whether the applicant is of youth-union age (Điều lệ Điều 4 khoản 2)."""
        return self.p.youth_min_months <= self.age <= self.p.youth_max_months

    @property
    def education_path(self) -> EducationPath | None:
        """How the applicant meets the education rule (docs/regulations.md R1.4), if at all:
        ``standard`` (lower-secondary or higher), ``special`` (primary in a listed area or as a
        sea-going fisherman), ``elder`` (literacy, for a village elder, head or prestigious
        person in a listed area: needs ``education.elder_consent``)."""
        if not self._education_known:
            self._education_path = self._find_education_path()
            self._education_known = True
        return self._education_path

    def _find_education_path(self) -> EducationPath | None:
        applicant = self.case.applicant
        rank = applicant.education.rank
        in_area = bool(applicant.area_flags & EXCEPTION_AREAS)
        if rank >= self.p.education_minimum.rank:
            return "standard"
        fisherman = Role.SEA_FISHERMAN in applicant.roles
        if rank >= self.p.education_special_area_minimum.rank and (in_area or fisherman):
            return "special"
        if (
            rank >= self.p.education_elder_minimum.rank
            and in_area
            and applicant.roles & ELDER_ROLES
        ):
            return "elder"
        return None

    @property
    def probation_end(self) -> dt.date:
        """The end of probation: 12 months after the ceremony (Điều lệ Điều 5 khoản 1)."""
        if self._probation_end is None:
            ceremony = self.case.previous.ceremony_date
            assert ceremony is not None
            self._probation_end = add_months(ceremony, self.p.probation_months)
        return self._probation_end

    # -- helpers

    def add_wd(self, start: dt.date, n: int) -> dt.date | None:
        """``calendar.add_working_days`` or ``None`` beyond the calendar's years."""
        try:
            return self.calendar.add_working_days(start, n)
        except CalendarRangeError:
            return None

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

    def missing_consent(self, kind: ConsentKind, what: str) -> Failure | None:
        """The failure for a consent that is needed and absent, or ``None`` when present."""
        counted, late, cutoff = self.consent(kind)
        if counted is not None:
            return None
        message = (
            f"{what}, cần {CONSENT_LABELS[kind]} đề ngày {dmy(cutoff)} hoặc trước đó; "
            "hồ sơ chưa có."
        )
        if late is not None:
            ref = f" số {late.ref}" if late.ref else ""
            message += f" Văn bản{ref} đề ngày {dmy(late.date)} sau ngày đó nên không được tính."
        return Failure(message)


Check = Callable[[Context], Failure | None]
Applies = Callable[[Context], bool]


@dataclass(frozen=True)
class Rule:
    """One rule of docs/workflow.md §2 as the engine applies it.

    ``actions`` are the engine actions it judges; ``applies`` (when given) narrows that to the
    cases it concerns (a re-admission, a decider); ``check`` judges one case. Of the
    ``OUTCOME`` rules of an action, the first that applies decides the vote's result.
    """

    id: str
    actions: frozenset[EngineAction]
    check: Check
    kind: RuleKind = RuleKind.GATE
    applies: Applies | None = None
