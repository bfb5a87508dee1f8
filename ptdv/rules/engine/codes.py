"""The coded values of a rule-check case (docs/rule-cases.md, "A case").

Every enumeration is a ``StrEnum`` whose values are exactly the codes of the public case
format, so ``Education("primary")`` parses a code and ``str(member)`` gives it back.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "AreaFlag",
    "ConsentKind",
    "Decider",
    "Education",
    "EngineAction",
    "IntroducerKind",
    "LeavingReason",
    "Role",
]


class EngineAction(StrEnum):
    """The six actions a case can ask about, in the order of the dossier.

    Not to be confused with ``ptdv.core.policies.Action`` (what a user may do to an object):
    these are the steps of a dossier the rule engine judges.
    """

    BRANCH_VOTE = "branch_vote"
    COMMITTEE_VOTE = "committee_vote"
    ADMISSION_DECISION = "admission_decision"
    CEREMONY = "ceremony"
    RECOGNITION_VOTE = "recognition_vote"
    RECOGNITION_DECISION = "recognition_decision"


class Decider(StrEnum):
    """Who takes an admission or recognition decision (docs/regulations.md §3.1 step 11)."""

    AUTHORISED_GRASSROOTS_COMMITTEE = "authorised_grassroots_committee"
    STANDING_COMMITTEE_ABOVE = "standing_committee_above"


class Education(StrEnum):
    """Education levels, declared in ascending order (``rank`` compares them)."""

    NONE = "none"
    LITERATE = "literate"
    PRIMARY = "primary"
    LOWER_SECONDARY = "lower_secondary"
    UPPER_SECONDARY = "upper_secondary"
    VOCATIONAL = "vocational"
    COLLEGE = "college"
    UNIVERSITY = "university"
    POSTGRADUATE = "postgraduate"

    @property
    def rank(self) -> int:
        """Position in the ascending order (``none`` is 0)."""
        return _EDUCATION_ORDER.index(self)


_EDUCATION_ORDER: tuple[Education, ...] = tuple(Education)


class AreaFlag(StrEnum):
    """Kinds of area the applicant lives in."""

    MOUNTAINOUS = "mountainous"
    BORDER = "border"
    ISLAND = "island"
    COASTAL = "coastal"
    ETHNIC_MINORITY_AREA = "ethnic_minority_area"
    RELIGIOUS_AREA = "religious_area"
    EXTREME_HARDSHIP = "extreme_hardship"


class Role(StrEnum):
    """Roles of the applicant that matter to the rules."""

    VILLAGE_ELDER = "village_elder"
    VILLAGE_HEAD = "village_head"
    PRESTIGIOUS_PERSON = "prestigious_person"
    SEA_FISHERMAN = "sea_fisherman"
    PRIVATE_BUSINESS_OWNER = "private_business_owner"


class LeavingReason(StrEnum):
    """Why a former member left the party (docs/regulations.md R1.12)."""

    REMOVED = "removed"
    ABANDONED_ACTIVITIES = "abandoned_activities"
    RESIGNED = "resigned"
    RESIGNED_FAMILY_HARDSHIP = "resigned_family_hardship"
    EXPELLED_DISUNITY = "expelled_disunity"
    CORRUPTION_CONVICTION = "corruption_conviction"
    SERIOUS_CRIME_CONVICTION = "serious_crime_conviction"
    LESS_SERIOUS_CRIME_CONVICTION = "less_serious_crime_conviction"
    OTHER = "other"


class IntroducerKind(StrEnum):
    """Who introduces the applicant (docs/regulations.md R2.1)."""

    MEMBER = "member"
    YOUTH_UNION_COMMITTEE = "youth_union_committee"
    TRADE_UNION_COMMITTEE = "trade_union_committee"


class ConsentKind(StrEnum):
    """Written consents of a higher committee that some actions need."""

    PROVINCIAL_OVER_60 = "provincial_over_60"
    PROVINCIAL_EDUCATION = "provincial_education"
    PROVINCIAL_READMISSION = "provincial_readmission"
    HIGHER_COMMITTEE_LATE_CEREMONY = "higher_committee_late_ceremony"
