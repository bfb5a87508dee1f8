"""A rule-check case: typed and immutable; its errors; the closed vocabulary of its JSON format.

The format is rule-cases.md "A case". Parsing never guesses: a malformed case raises
``CaseError`` carrying the dotted path of every offending field (``dossier.introducers[1].date``)
and a Vietnamese message naming the field and the reason. Malformed means:

- not a JSON object, a duplicated key, or an unknown key at any level;
- a wrong JSON type (a string where a number is due, ``true`` where a number is due, 6.0 for
  an integer, ...), a negative count (a voting body of fewer than one member);
- an unknown coded value;
- a date that is not ``YYYY-MM-DD``, that does not exist (2026-02-30), or that falls outside
  1901–2099 (the years the holiday data covers);
- a case ``date`` before the oldest rule set (30/07/2021);
- an extension over the maximum of the rule set (30 working days) or negative;
- a field the action needs missing (rule-cases.md "What each action needs");
- facts that cannot hold together and that no rule would catch: a previous step
  (``previous.*_date`` of a resolution, decision, receipt or ceremony) dated after the action,
  more members agreeing than there are voters, or more members excluded from the denominator
  than the cell has.

Omitted optional fields (and ``null``) mean absent / none / false / empty. Dossier documents
dated after the action are *not* malformed: they did not exist yet on the date of the action,
and the rule needing them fails (e.g. ``certificate.valid``).

Parsing lives in ``parsing`` (``parse_case``, ``load_case_json``), the format as JSON Schema
in ``schema`` (``case_json_schema``) and the semantic checks in ``validation``
(``validate_case``). ``parse_case`` is for JSON input; a service building a ``Case`` from
the database constructs the dataclasses directly and gets the same semantic checks from
``validate_case`` (which ``evaluate`` always runs).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from .codes import (
    AreaFlag,
    ConsentKind,
    Decider,
    Education,
    EngineAction,
    IntroducerKind,
    LeavingReason,
    Role,
)

__all__ = [
    "APPLICANT_KEYS",
    "CASE_KEYS",
    "CONSENT_KEYS",
    "DOSSIER_KEYS",
    "EARLIEST_DATE",
    "INTRODUCER_KEYS",
    "LATEST_DATE",
    "ORGANISATION_KEYS",
    "PREVIOUS_KEYS",
    "PREVIOUS_MEMBERSHIP_KEYS",
    "PREVIOUS_STEP_DATES",
    "VERIFICATION_KEYS",
    "VOTE_KEYS",
    "Applicant",
    "Case",
    "CaseError",
    "Consent",
    "Dossier",
    "FieldError",
    "ImpossibleCase",
    "Introducer",
    "Organisation",
    "Previous",
    "PreviousMembership",
    "Verification",
    "Vote",
]

# Any date in a case must lie within the years the working-day calendar covers.
EARLIEST_DATE = dt.date(1901, 1, 1)
LATEST_DATE = dt.date(2099, 12, 31)


# --- Errors ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldError:
    """One problem of a malformed case: the dotted field path and a Vietnamese message.

    ``path`` is ``""`` for the case as a whole.
    """

    path: str
    message: str

    def to_dict(self) -> dict[str, str]:
        """``{"field": path, "message": message}``."""
        return {"field": self.path, "message": self.message}


class CaseError(ValueError):
    """A malformed case. ``path`` and ``message`` are those of the first problem found;
    ``errors`` lists every problem found in the same pass."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        if not errors:
            raise ValueError("a CaseError needs at least one FieldError")
        self.errors: tuple[FieldError, ...] = tuple(errors)
        super().__init__(" ".join(e.message for e in self.errors))

    @property
    def path(self) -> str:
        """The dotted path of the first offending field."""
        return self.errors[0].path

    @property
    def message(self) -> str:
        """The Vietnamese message of the first problem (it names the field)."""
        return self.errors[0].message

    def to_dict(self) -> dict[str, object]:
        """The error body for an HTTP 400 answer."""
        return {
            "error": "malformed_case",
            "field": self.path,
            "message": self.message,
            "errors": [e.to_dict() for e in self.errors],
        }


class ImpossibleCase(CaseError):
    """A case well formed per the format (every key, JSON type, code and date spelling right:
    it matches ``case_json_schema()``) whose facts the format's semantic rules refuse
    (``validate_case``): a date outside 1901–2099 or before every rule set, a field the action
    needs, facts that cannot hold together. Still a malformed case for the CLI (exit 2); the
    HTTP entry point answers it 422 rather than 400."""


# --- The case -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PreviousMembership:
    """The applicant's earlier membership, for a re-admission (regulations.md R1.12)."""

    left_on: dt.date
    reason: LeavingReason
    expunged_on: dt.date | None = None
    readmitted_before: bool = False


@dataclass(frozen=True)
class Applicant:
    """The person applying. ``education`` defaults to ``none`` (omitted means none)."""

    birth_date: dt.date
    education: Education = Education.NONE
    area_flags: frozenset[AreaFlag] = frozenset()
    roles: frozenset[Role] = frozenset()
    youth_union_member: bool = False
    trade_union_member: bool = False
    previous_membership: PreviousMembership | None = None


@dataclass(frozen=True)
class Organisation:
    """The cell that votes. ``official_members`` is needed for the two cell votes."""

    has_youth_union: bool = False
    has_trade_union: bool = False
    is_grassroots_cell: bool = False
    grassroots_committee_authorised: bool = False
    official_members: int | None = None
    temporarily_attached_elsewhere: int = 0
    exempted_absent: int = 0


@dataclass(frozen=True)
class Verification:
    """Background verification: concluded on a date, or waived (a close relative is a member)."""

    concluded_on: dt.date | None = None
    waived: bool = False


@dataclass(frozen=True)
class Introducer:
    """One introduction. ``official`` and ``months_together`` are needed for a member."""

    kind: IntroducerKind
    date: dt.date
    official: bool | None = None
    months_together: int | None = None
    replacement: bool = False


@dataclass(frozen=True)
class Consent:
    """A higher committee's written consent (``ref``: its number and symbol)."""

    kind: ConsentKind
    date: dt.date
    ref: str | None = None


@dataclass(frozen=True)
class Dossier:
    """The admission dossier as of the case date."""

    certificate_date: dt.date | None = None
    application_date: dt.date | None = None
    history_date: dt.date | None = None
    verification: Verification | None = None
    opinions_date: dt.date | None = None
    introducers: tuple[Introducer, ...] = ()
    consents: tuple[Consent, ...] = ()


@dataclass(frozen=True)
class Vote:
    """A vote: members agreeing and, for a committee, the members of the voting body."""

    agree: int | None = None
    body_size: int | None = None


@dataclass(frozen=True)
class Previous:
    """Facts of earlier steps. ``extension_working_days`` is the extension granted to the
    decision this case leads to or checks: the admission decision for ``branch_vote``,
    ``committee_vote`` and ``admission_decision``, the recognition decision for
    ``recognition_vote`` and ``recognition_decision``."""

    branch_resolution_date: dt.date | None = None
    committee_resolution_date: dt.date | None = None
    decision_date: dt.date | None = None
    decision_received_date: dt.date | None = None
    ceremony_date: dt.date | None = None
    recognition_resolution_date: dt.date | None = None
    newmember_course_date: dt.date | None = None
    failed_recognition_votes: int = 0
    extension_working_days: int = 0


@dataclass(frozen=True)
class Case:
    """One action on one dossier as of ``date``."""

    action: EngineAction
    date: dt.date
    applicant: Applicant
    decider: Decider | None = None
    organisation: Organisation | None = None
    dossier: Dossier | None = None
    vote: Vote | None = None
    previous: Previous = field(default_factory=Previous)


# --- Field names per object (the closed vocabulary of the format) ----------------------------

CASE_KEYS = frozenset(
    {"action", "date", "decider", "applicant", "organisation", "dossier", "vote", "previous"}
)
APPLICANT_KEYS = frozenset(
    {
        "birth_date",
        "education",
        "area_flags",
        "roles",
        "youth_union_member",
        "trade_union_member",
        "previous_membership",
    }
)
PREVIOUS_MEMBERSHIP_KEYS = frozenset({"left_on", "reason", "expunged_on", "readmitted_before"})
ORGANISATION_KEYS = frozenset(
    {
        "has_youth_union",
        "has_trade_union",
        "is_grassroots_cell",
        "grassroots_committee_authorised",
        "official_members",
        "temporarily_attached_elsewhere",
        "exempted_absent",
    }
)
DOSSIER_KEYS = frozenset(
    {
        "certificate_date",
        "application_date",
        "history_date",
        "verification",
        "opinions_date",
        "introducers",
        "consents",
    }
)
VERIFICATION_KEYS = frozenset({"concluded_on", "waived"})
INTRODUCER_KEYS = frozenset({"kind", "official", "months_together", "replacement", "date"})
CONSENT_KEYS = frozenset({"kind", "date", "ref"})
VOTE_KEYS = frozenset({"agree", "body_size"})
PREVIOUS_KEYS = frozenset(
    {
        "branch_resolution_date",
        "committee_resolution_date",
        "decision_date",
        "decision_received_date",
        "ceremony_date",
        "recognition_resolution_date",
        "newmember_course_date",
        "failed_recognition_votes",
        "extension_working_days",
    }
)
# Steps that must have happened before the action (a later date is impossible, not "absent").
PREVIOUS_STEP_DATES = (
    "branch_resolution_date",
    "committee_resolution_date",
    "decision_date",
    "decision_received_date",
    "ceremony_date",
    "recognition_resolution_date",
)
