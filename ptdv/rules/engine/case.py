"""A rule-check case: typed, immutable, and parsed strictly from the public JSON format.

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

``parse_case`` is for JSON input; a service building a ``Case`` from the database constructs
the dataclasses directly and gets the same semantic checks from ``validate_case`` (which
``evaluate`` always runs).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

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
from .rulesets import RULE_SETS, RuleSet, ruleset_for

__all__ = [
    "EARLIEST_DATE",
    "LATEST_DATE",
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
    "case_json_schema",
    "load_case_json",
    "parse_case",
    "validate_case",
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

    action: Action
    date: dt.date
    applicant: Applicant
    decider: Decider | None = None
    organisation: Organisation | None = None
    dossier: Dossier | None = None
    vote: Vote | None = None
    previous: Previous = field(default_factory=Previous)


# --- Field names per object (the closed vocabulary of the format) ----------------------------

_CASE_KEYS = frozenset(
    {"action", "date", "decider", "applicant", "organisation", "dossier", "vote", "previous"}
)
_APPLICANT_KEYS = frozenset(
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
_PREVIOUS_MEMBERSHIP_KEYS = frozenset({"left_on", "reason", "expunged_on", "readmitted_before"})
_ORGANISATION_KEYS = frozenset(
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
_DOSSIER_KEYS = frozenset(
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
_VERIFICATION_KEYS = frozenset({"concluded_on", "waived"})
_INTRODUCER_KEYS = frozenset({"kind", "official", "months_together", "replacement", "date"})
_CONSENT_KEYS = frozenset({"kind", "date", "ref"})
_VOTE_KEYS = frozenset({"agree", "body_size"})
_PREVIOUS_KEYS = frozenset(
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
_PREVIOUS_STEP_DATES = (
    "branch_resolution_date",
    "committee_resolution_date",
    "decision_date",
    "decision_received_date",
    "ceremony_date",
    "recognition_resolution_date",
)

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

_E = TypeVar("_E", bound=StrEnum)
_T = TypeVar("_T")


def _join(parent: str, key: str) -> str:
    return f"{parent}.{key}" if parent else key


def _fmt(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


# --- JSON loading -----------------------------------------------------------------------------


class _JsonObject(dict[str, Any]):
    """A JSON object that remembers which keys it saw twice."""

    duplicate_keys: tuple[str, ...] = ()


def _object_pairs(pairs: list[tuple[str, Any]]) -> _JsonObject:
    obj = _JsonObject()
    duplicates: list[str] = []
    for key, value in pairs:
        if key in obj:
            duplicates.append(key)
        obj[key] = value
    obj.duplicate_keys = tuple(duplicates)
    return obj


def _reject_constant(name: str) -> Any:
    raise ValueError(f"giá trị {name} không hợp lệ trong JSON")


def load_case_json(text: str) -> object:
    """Decode JSON text for ``parse_case``, remembering duplicated keys (which ``parse_case``
    then reports) and refusing NaN and Infinity. Raises ``ValueError`` for invalid JSON."""
    return json.loads(text, object_pairs_hook=_object_pairs, parse_constant=_reject_constant)


# --- Parsing ----------------------------------------------------------------------------------


class _Parser:
    """Reads a decoded JSON value into a ``Case``, collecting every shape and type error."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def error(self, path: str, message: str) -> None:
        self.errors.append(FieldError(path, message))

    def obj(self, value: object, path: str, keys: frozenset[str]) -> Mapping[str, Any] | None:
        """``value`` as an object (``None`` if it is not one); unknown and duplicated keys are
        reported."""
        if not isinstance(value, Mapping):
            if path:
                self.error(path, f"Trường {path} phải là một đối tượng JSON.")
            else:
                self.error(path, "Tình huống phải là một đối tượng JSON.")
            return None
        for key in getattr(value, "duplicate_keys", ()):
            child = _join(path, key)
            self.error(child, f"Trường {child} xuất hiện nhiều lần.")
        for key in value:
            if not isinstance(key, str) or key not in keys:
                child = _join(path, str(key))
                self.error(child, f"Trường {child} không có trong định dạng tình huống (khóa lạ).")
        # Known keys are still read, so that one pass reports every problem.
        return value

    def required(self, data: Mapping[str, Any], key: str, path: str) -> bool:
        if data.get(key) is None:
            child = _join(path, key)
            self.error(child, f"Thiếu trường {child}.")
            return False
        return True

    def date(self, data: Mapping[str, Any], key: str, path: str) -> dt.date | None:
        value = data.get(key)
        if value is None:
            return None
        child = _join(path, key)
        if not isinstance(value, str):
            self.error(child, f"Trường {child} phải là một ngày dạng chuỗi YYYY-MM-DD.")
            return None
        if not _ISO_DATE.fullmatch(value):
            self.error(
                child, f'Trường {child} có giá trị "{value}" không đúng dạng ngày YYYY-MM-DD.'
            )
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            self.error(child, f'Trường {child} có ngày "{value}" không tồn tại.')
            return None

    def integer(
        self, data: Mapping[str, Any], key: str, path: str, *, minimum: int = 0
    ) -> int | None:
        """A count: every integer of the format is one, so a number below `minimum` (0, or 1
        for the size of a voting body) is malformed like a wrong type."""
        value = data.get(key)
        if value is None:
            return None
        child = _join(path, key)
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(child, f"Trường {child} phải là một số nguyên.")
            return None
        if value < minimum:
            self.error(
                child,
                f"Trường {child} không được âm ({value})."
                if minimum == 0
                else f"Trường {child} phải từ {minimum} trở lên ({value}).",
            )
            return None
        return value

    def boolean(self, data: Mapping[str, Any], key: str, path: str) -> bool:
        value = data.get(key)
        if value is None:
            return False
        if not isinstance(value, bool):
            child = _join(path, key)
            self.error(child, f"Trường {child} phải là true hoặc false.")
            return False
        return value

    def text(self, data: Mapping[str, Any], key: str, path: str) -> str | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            child = _join(path, key)
            self.error(child, f"Trường {child} phải là một chuỗi.")
            return None
        return value

    def code(self, value: object, enum: type[_E], path: str) -> _E | None:
        if not isinstance(value, str):
            self.error(path, f"Trường {path} phải là một mã dạng chuỗi.")
            return None
        try:
            return enum(value)
        except ValueError:
            allowed = ", ".join(member.value for member in enum)
            self.error(
                path,
                f'Trường {path} có giá trị "{value}" không hợp lệ; các giá trị hợp lệ: {allowed}.',
            )
            return None

    def enum_field(self, data: Mapping[str, Any], key: str, enum: type[_E], path: str) -> _E | None:
        value = data.get(key)
        if value is None:
            return None
        return self.code(value, enum, _join(path, key))

    def items(self, data: Mapping[str, Any], key: str, path: str) -> list[tuple[str, Any]]:
        """The elements of a list field with their paths (empty when absent)."""
        value = data.get(key)
        if value is None:
            return []
        child = _join(path, key)
        if not isinstance(value, list):
            self.error(child, f"Trường {child} phải là một danh sách.")
            return []
        return [(f"{child}[{i}]", item) for i, item in enumerate(value)]

    def codes(self, data: Mapping[str, Any], key: str, enum: type[_E], path: str) -> frozenset[_E]:
        found: set[_E] = set()
        for item_path, item in self.items(data, key, path):
            member = self.code(item, enum, item_path)
            if member is not None:
                found.add(member)
        return frozenset(found)

    # The objects of the format, outermost first.

    def case(self, value: object) -> Case | None:
        data = self.obj(value, "", _CASE_KEYS)
        if data is None:
            return None
        action: Action | None = None
        if self.required(data, "action", ""):
            action = self.code(data["action"], Action, "action")
        day = self.date(data, "date", "") if self.required(data, "date", "") else None
        decider = self.enum_field(data, "decider", Decider, "")
        applicant = self.applicant(data)
        organisation = self.optional(data, "organisation", self.organisation)
        dossier = self.optional(data, "dossier", self.dossier)
        vote = self.optional(data, "vote", self.vote)
        previous = self.optional(data, "previous", self.previous)
        if self.errors or action is None or day is None or applicant is None:
            return None
        return Case(
            action=action,
            date=day,
            applicant=applicant,
            decider=decider,
            organisation=organisation,
            dossier=dossier,
            vote=vote,
            previous=previous or Previous(),
        )

    def optional(
        self, data: Mapping[str, Any], key: str, read: Callable[[object, str], _T | None]
    ) -> _T | None:
        value = data.get(key)
        if value is None:
            return None
        return read(value, key)

    def applicant(self, data: Mapping[str, Any]) -> Applicant | None:
        if not self.required(data, "applicant", ""):
            return None
        path = "applicant"
        obj = self.obj(data["applicant"], path, _APPLICANT_KEYS)
        if obj is None:
            return None
        birth = (
            self.date(obj, "birth_date", path) if self.required(obj, "birth_date", path) else None
        )
        education = self.enum_field(obj, "education", Education, path)
        previous_membership = self.optional(
            obj,
            "previous_membership",
            lambda v, _k: self.previous_membership(v, _join(path, "previous_membership")),
        )
        area_flags = self.codes(obj, "area_flags", AreaFlag, path)
        roles = self.codes(obj, "roles", Role, path)
        youth = self.boolean(obj, "youth_union_member", path)
        trade = self.boolean(obj, "trade_union_member", path)
        if birth is None:
            return None
        return Applicant(
            birth_date=birth,
            education=education or Education.NONE,
            area_flags=area_flags,
            roles=roles,
            youth_union_member=youth,
            trade_union_member=trade,
            previous_membership=previous_membership,
        )

    def previous_membership(self, value: object, path: str) -> PreviousMembership | None:
        obj = self.obj(value, path, _PREVIOUS_MEMBERSHIP_KEYS)
        if obj is None:
            return None
        left_on = self.date(obj, "left_on", path) if self.required(obj, "left_on", path) else None
        reason = (
            self.enum_field(obj, "reason", LeavingReason, path)
            if self.required(obj, "reason", path)
            else None
        )
        expunged_on = self.date(obj, "expunged_on", path)
        readmitted_before = self.boolean(obj, "readmitted_before", path)
        if left_on is None or reason is None:
            return None
        return PreviousMembership(left_on, reason, expunged_on, readmitted_before)

    def organisation(self, value: object, path: str) -> Organisation | None:
        obj = self.obj(value, path, _ORGANISATION_KEYS)
        if obj is None:
            return None
        return Organisation(
            has_youth_union=self.boolean(obj, "has_youth_union", path),
            has_trade_union=self.boolean(obj, "has_trade_union", path),
            is_grassroots_cell=self.boolean(obj, "is_grassroots_cell", path),
            grassroots_committee_authorised=self.boolean(
                obj, "grassroots_committee_authorised", path
            ),
            official_members=self.integer(obj, "official_members", path),
            temporarily_attached_elsewhere=self.integer(obj, "temporarily_attached_elsewhere", path)
            or 0,
            exempted_absent=self.integer(obj, "exempted_absent", path) or 0,
        )

    def dossier(self, value: object, path: str) -> Dossier | None:
        obj = self.obj(value, path, _DOSSIER_KEYS)
        if obj is None:
            return None
        verification = self.optional(
            obj, "verification", lambda v, _k: self.verification(v, _join(path, "verification"))
        )
        introducers = [
            self.introducer(item, item_path)
            for item_path, item in self.items(obj, "introducers", path)
        ]
        consents = [
            self.consent(item, item_path) for item_path, item in self.items(obj, "consents", path)
        ]
        return Dossier(
            certificate_date=self.date(obj, "certificate_date", path),
            application_date=self.date(obj, "application_date", path),
            history_date=self.date(obj, "history_date", path),
            verification=verification,
            opinions_date=self.date(obj, "opinions_date", path),
            introducers=tuple(i for i in introducers if i is not None),
            consents=tuple(c for c in consents if c is not None),
        )

    def verification(self, value: object, path: str) -> Verification | None:
        obj = self.obj(value, path, _VERIFICATION_KEYS)
        if obj is None:
            return None
        return Verification(
            concluded_on=self.date(obj, "concluded_on", path),
            waived=self.boolean(obj, "waived", path),
        )

    def introducer(self, value: object, path: str) -> Introducer | None:
        obj = self.obj(value, path, _INTRODUCER_KEYS)
        if obj is None:
            return None
        kind = (
            self.enum_field(obj, "kind", IntroducerKind, path)
            if self.required(obj, "kind", path)
            else None
        )
        day = self.date(obj, "date", path) if self.required(obj, "date", path) else None
        official = obj.get("official")
        official_value = self.boolean(obj, "official", path) if official is not None else None
        months = self.integer(obj, "months_together", path)
        replacement = self.boolean(obj, "replacement", path)
        if kind is None or day is None:
            return None
        return Introducer(kind, day, official_value, months, replacement)

    def consent(self, value: object, path: str) -> Consent | None:
        obj = self.obj(value, path, _CONSENT_KEYS)
        if obj is None:
            return None
        kind = (
            self.enum_field(obj, "kind", ConsentKind, path)
            if self.required(obj, "kind", path)
            else None
        )
        day = self.date(obj, "date", path) if self.required(obj, "date", path) else None
        ref = self.text(obj, "ref", path)
        if kind is None or day is None:
            return None
        return Consent(kind, day, ref)

    def vote(self, value: object, path: str) -> Vote | None:
        obj = self.obj(value, path, _VOTE_KEYS)
        if obj is None:
            return None
        return Vote(
            agree=self.integer(obj, "agree", path),
            body_size=self.integer(obj, "body_size", path, minimum=1),
        )

    def previous(self, value: object, path: str) -> Previous | None:
        obj = self.obj(value, path, _PREVIOUS_KEYS)
        if obj is None:
            return None
        return Previous(
            branch_resolution_date=self.date(obj, "branch_resolution_date", path),
            committee_resolution_date=self.date(obj, "committee_resolution_date", path),
            decision_date=self.date(obj, "decision_date", path),
            decision_received_date=self.date(obj, "decision_received_date", path),
            ceremony_date=self.date(obj, "ceremony_date", path),
            recognition_resolution_date=self.date(obj, "recognition_resolution_date", path),
            newmember_course_date=self.date(obj, "newmember_course_date", path),
            failed_recognition_votes=self.integer(obj, "failed_recognition_votes", path) or 0,
            extension_working_days=self.integer(obj, "extension_working_days", path) or 0,
        )


def parse_case(data: object, *, rule_sets: Sequence[RuleSet] = RULE_SETS) -> Case:
    """Parse a decoded JSON case (a mapping) into a ``Case`` and validate it.

    Raises ``CaseError`` listing every problem found: first every shape, type, key, code and
    date-format problem (what ``case_json_schema()`` states); if there is none, every semantic
    problem of ``validate_case`` (``ImpossibleCase``).
    """
    parser = _Parser()
    case = parser.case(data)
    if parser.errors or case is None:
        raise CaseError(parser.errors or [FieldError("", "Tình huống không hợp lệ.")])
    validate_case(case, rule_sets=rule_sets)
    return case


# --- The format as JSON Schema ----------------------------------------------------------------


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    # An omitted optional field and ``null`` mean the same (the module docstring).
    return {**schema, "nullable": True}


def _object(
    keys: frozenset[str], properties: dict[str, dict[str, Any]], required: tuple[str, ...] = ()
) -> dict[str, Any]:
    assert set(properties) == keys, sorted(keys ^ set(properties))  # the vocabulary, all of it
    schema: dict[str, Any] = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            key: value if key in required else _nullable(value)
            for key, value in sorted(properties.items())
        },
    }
    if required:
        schema["required"] = list(required)
    return schema


def case_json_schema() -> dict[str, Any]:
    """The shape of a case as a JSON Schema (OpenAPI 3.0 dialect: ``nullable``), built from
    the parser's own vocabulary: a value matches it exactly when the parser reads it without a
    shape, type, key, code or date-spelling error. What it cannot state is left to
    ``validate_case`` (``ImpossibleCase``): the supported years, a rule set in force, what each
    action needs, facts that cannot hold together. Duplicated keys are refused too, which no
    JSON Schema can state (a decoded JSON object has none)."""

    def code(enum: type[StrEnum]) -> dict[str, Any]:
        return {"type": "string", "enum": [member.value for member in enum]}

    day: dict[str, Any] = {"type": "string", "format": "date"}
    boolean: dict[str, Any] = {"type": "boolean"}
    count: dict[str, Any] = {"type": "integer", "minimum": 0}

    def codes(enum: type[StrEnum]) -> dict[str, Any]:
        return {"type": "array", "items": code(enum)}

    previous_membership = _object(
        _PREVIOUS_MEMBERSHIP_KEYS,
        {
            "left_on": day,
            "reason": code(LeavingReason),
            "expunged_on": day,
            "readmitted_before": boolean,
        },
        required=("left_on", "reason"),
    )
    applicant = _object(
        _APPLICANT_KEYS,
        {
            "birth_date": day,
            "education": code(Education),
            "area_flags": codes(AreaFlag),
            "roles": codes(Role),
            "youth_union_member": boolean,
            "trade_union_member": boolean,
            "previous_membership": previous_membership,
        },
        required=("birth_date",),
    )
    organisation = _object(
        _ORGANISATION_KEYS,
        {
            "has_youth_union": boolean,
            "has_trade_union": boolean,
            "is_grassroots_cell": boolean,
            "grassroots_committee_authorised": boolean,
            "official_members": count,
            "temporarily_attached_elsewhere": count,
            "exempted_absent": count,
        },
    )
    introducer = _object(
        _INTRODUCER_KEYS,
        {
            "kind": code(IntroducerKind),
            "date": day,
            "official": boolean,
            "months_together": count,
            "replacement": boolean,
        },
        required=("kind", "date"),
    )
    consent = _object(
        _CONSENT_KEYS,
        {"kind": code(ConsentKind), "date": day, "ref": {"type": "string"}},
        required=("kind", "date"),
    )
    dossier = _object(
        _DOSSIER_KEYS,
        {
            "certificate_date": day,
            "application_date": day,
            "history_date": day,
            "verification": _object(_VERIFICATION_KEYS, {"concluded_on": day, "waived": boolean}),
            "opinions_date": day,
            "introducers": {"type": "array", "items": introducer},
            "consents": {"type": "array", "items": consent},
        },
    )
    vote = _object(_VOTE_KEYS, {"agree": count, "body_size": {"type": "integer", "minimum": 1}})
    previous = _object(
        _PREVIOUS_KEYS,
        {
            **{key: day for key in (*_PREVIOUS_STEP_DATES, "newmember_course_date")},
            "failed_recognition_votes": count,
            "extension_working_days": count,
        },
    )
    schema = _object(
        _CASE_KEYS,
        {
            "action": code(Action),
            "date": day,
            "decider": code(Decider),
            "applicant": applicant,
            "organisation": organisation,
            "dossier": dossier,
            "vote": vote,
            "previous": previous,
        },
        required=("action", "date", "applicant"),
    )
    schema["description"] = "Một tình huống kiểm tra (rule-cases.md “A case”)."
    return schema


# --- Semantic validation --------------------------------------------------------------------


def _case_dates(case: Case) -> Iterator[tuple[str, dt.date]]:
    """Every date of the case with its dotted path."""
    yield "date", case.date
    applicant = case.applicant
    if applicant.birth_date is not None:  # a case built from the database may lack it
        yield "applicant.birth_date", applicant.birth_date
    membership = applicant.previous_membership
    if membership is not None:
        yield "applicant.previous_membership.left_on", membership.left_on
        if membership.expunged_on is not None:
            yield "applicant.previous_membership.expunged_on", membership.expunged_on
    dossier = case.dossier
    if dossier is not None:
        for key in ("certificate_date", "application_date", "history_date", "opinions_date"):
            value: dt.date | None = getattr(dossier, key)
            if value is not None:
                yield f"dossier.{key}", value
        if dossier.verification is not None and dossier.verification.concluded_on is not None:
            yield "dossier.verification.concluded_on", dossier.verification.concluded_on
        for i, introducer in enumerate(dossier.introducers):
            yield f"dossier.introducers[{i}].date", introducer.date
        for i, consent in enumerate(dossier.consents):
            yield f"dossier.consents[{i}].date", consent.date
    for key in (*_PREVIOUS_STEP_DATES, "newmember_course_date"):
        value = getattr(case.previous, key)
        if value is not None:
            yield f"previous.{key}", value


# What each action needs beyond ``date`` and ``applicant.birth_date`` (rule-cases.md).
_NEEDS_ORGANISATION = frozenset({Action.BRANCH_VOTE, Action.RECOGNITION_VOTE})
_NEEDS_DOSSIER = frozenset({Action.BRANCH_VOTE})
_NEEDS_VOTE = frozenset(
    {
        Action.BRANCH_VOTE,
        Action.COMMITTEE_VOTE,
        Action.ADMISSION_DECISION,
        Action.RECOGNITION_VOTE,
        Action.RECOGNITION_DECISION,
    }
)
_NEEDS_BODY_SIZE = frozenset(
    {Action.COMMITTEE_VOTE, Action.ADMISSION_DECISION, Action.RECOGNITION_DECISION}
)
_NEEDS_DECIDER = frozenset({Action.ADMISSION_DECISION, Action.RECOGNITION_DECISION})
_NEEDS_PREVIOUS: Mapping[Action, tuple[str, ...]] = {
    Action.BRANCH_VOTE: (),
    Action.COMMITTEE_VOTE: ("branch_resolution_date",),
    Action.ADMISSION_DECISION: ("branch_resolution_date",),
    Action.CEREMONY: ("decision_received_date",),
    Action.RECOGNITION_VOTE: ("ceremony_date",),
    Action.RECOGNITION_DECISION: ("ceremony_date", "recognition_resolution_date"),
}
_RECOGNITION_ACTIONS = frozenset({Action.RECOGNITION_VOTE, Action.RECOGNITION_DECISION})


def validate_case(case: Case, *, rule_sets: Sequence[RuleSet] = RULE_SETS) -> None:
    """Check a well-typed case against the format's semantic rules (see the module docstring).

    Raises ``ImpossibleCase`` (a ``CaseError``) listing every problem; returns ``None`` for a
    valid case.
    """
    errors: list[FieldError] = []

    def add(path: str, message: str) -> None:
        errors.append(FieldError(path, message))

    def missing(path: str) -> None:
        add(path, f"Thiếu trường {path} (hành động {case.action.value} cần trường này).")

    if case.applicant.birth_date is None:
        missing("applicant.birth_date")

    for path, day in _case_dates(case):
        if not EARLIEST_DATE <= day <= LATEST_DATE:
            add(
                path,
                f"Trường {path} có ngày {_fmt(day)} nằm ngoài phạm vi hỗ trợ "
                f"({_fmt(EARLIEST_DATE)}–{_fmt(LATEST_DATE)}).",
            )

    rule_set = ruleset_for(case.date, rule_sets)
    if rule_set is None:
        oldest = min((rs.valid_from for rs in rule_sets), default=None)
        since = f" (bộ quy định cũ nhất có hiệu lực từ {_fmt(oldest)})" if oldest else ""
        add("date", f"Trường date: ngày {_fmt(case.date)} không có bộ quy định nào áp dụng{since}.")

    action = case.action
    organisation = case.organisation
    if action in _NEEDS_ORGANISATION:
        if organisation is None:
            missing("organisation")
        elif organisation.official_members is None:
            missing("organisation.official_members")
    if action in _NEEDS_DOSSIER and case.dossier is None:
        missing("dossier")
    if action in _NEEDS_DECIDER and case.decider is None:
        missing("decider")
    vote = case.vote
    if action in _NEEDS_VOTE:
        if vote is None:
            missing("vote")
        else:
            if vote.agree is None:
                missing("vote.agree")
            if action in _NEEDS_BODY_SIZE and vote.body_size is None:
                missing("vote.body_size")
    for key in _NEEDS_PREVIOUS[action]:
        if getattr(case.previous, key) is None:
            missing(f"previous.{key}")

    if case.dossier is not None:
        for i, introducer in enumerate(case.dossier.introducers):
            if introducer.kind is IntroducerKind.MEMBER:
                path = f"dossier.introducers[{i}]"
                if introducer.official is None:
                    add(
                        f"{path}.official",
                        f"Thiếu trường {path}.official (người giới thiệu là đảng viên).",
                    )
                if introducer.months_together is None:
                    add(
                        f"{path}.months_together",
                        f"Thiếu trường {path}.months_together (người giới thiệu là đảng viên).",
                    )
                elif introducer.months_together < 0:
                    add(f"{path}.months_together", f"Trường {path}.months_together không được âm.")

    def non_negative(path: str, value: int | None) -> None:
        if value is not None and value < 0:
            add(path, f"Trường {path} không được âm ({value}).")

    if organisation is not None:
        non_negative("organisation.official_members", organisation.official_members)
        non_negative(
            "organisation.temporarily_attached_elsewhere",
            organisation.temporarily_attached_elsewhere,
        )
        non_negative("organisation.exempted_absent", organisation.exempted_absent)
    if vote is not None:
        non_negative("vote.agree", vote.agree)
        if vote.body_size is not None and vote.body_size < 1:
            add("vote.body_size", f"Trường vote.body_size phải từ 1 trở lên ({vote.body_size}).")
    non_negative("previous.failed_recognition_votes", case.previous.failed_recognition_votes)

    extension = case.previous.extension_working_days
    if rule_set is not None:
        params = rule_set.parameters
        maximum = (
            params.recognition_decision_max_extension_working_days
            if action in _RECOGNITION_ACTIONS
            else params.decision_max_extension_working_days
        )
    else:
        maximum = 30
    if extension < 0 or extension > maximum:
        add(
            "previous.extension_working_days",
            f"Trường previous.extension_working_days: gia hạn {extension} ngày làm việc không "
            f"hợp lệ (từ 0 đến {maximum} ngày làm việc).",
        )

    for key in _PREVIOUS_STEP_DATES:
        value: dt.date | None = getattr(case.previous, key)
        if value is not None and value > case.date:
            add(
                f"previous.{key}",
                f"Trường previous.{key}: ngày {_fmt(value)} sau ngày của hành động "
                f"({_fmt(case.date)}); bước trước không thể diễn ra sau hành động đang xét.",
            )

    # Impossible vote counts: no rule can answer them, so they are not guessed.
    if (
        organisation is not None
        and organisation.official_members is not None
        and organisation.official_members >= 0
    ):
        excluded = organisation.temporarily_attached_elsewhere + organisation.exempted_absent
        if excluded > organisation.official_members:
            add(
                "organisation.exempted_absent",
                "Trường organisation.temporarily_attached_elsewhere và "
                f"organisation.exempted_absent: tổng {excluded} đảng viên được trừ lớn hơn số "
                f"đảng viên chính thức ({organisation.official_members}).",
            )
        elif (
            action in _NEEDS_ORGANISATION
            and vote is not None
            and vote.agree is not None
            and vote.agree > organisation.official_members - excluded
        ):
            add(
                "vote.agree",
                f"Trường vote.agree: {vote.agree} đảng viên đồng ý nhiều hơn số đảng viên chính "
                f"thức được tính ({organisation.official_members - excluded}).",
            )
    if (
        action in _NEEDS_BODY_SIZE
        and vote is not None
        and vote.agree is not None
        and vote.body_size is not None
        and vote.body_size >= 1
        and vote.agree > vote.body_size
    ):
        add(
            "vote.agree",
            f"Trường vote.agree: {vote.agree} người đồng ý nhiều hơn số thành viên của cơ quan "
            f"biểu quyết (vote.body_size = {vote.body_size}).",
        )

    if errors:
        raise ImpossibleCase(errors)
