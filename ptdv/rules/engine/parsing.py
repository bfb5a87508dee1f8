"""Reading a case from its public JSON format (docs/rule-cases.md "A case"), strictly.

``load_case_json(text)`` decodes JSON text remembering duplicated keys; ``parse_case(data)``
reads the decoded value into a ``Case``, collecting every shape, type, key, code and
date-spelling problem, then runs the semantic checks of ``validate_case``. Either raises
``CaseError`` (the module ``case`` describes what malformed means).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Mapping, Sequence
from enum import StrEnum
from typing import Any, TypeVar

from .case import (
    APPLICANT_KEYS,
    CASE_KEYS,
    CONSENT_KEYS,
    DOSSIER_KEYS,
    INTRODUCER_KEYS,
    ORGANISATION_KEYS,
    PREVIOUS_KEYS,
    PREVIOUS_MEMBERSHIP_KEYS,
    VERIFICATION_KEYS,
    VOTE_KEYS,
    Applicant,
    Case,
    CaseError,
    Consent,
    Dossier,
    FieldError,
    Introducer,
    Organisation,
    Previous,
    PreviousMembership,
    Verification,
    Vote,
)
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
from .rulesets import RULE_SETS, RuleSet
from .validation import validate_case

__all__ = ["load_case_json", "parse_case"]


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

_E = TypeVar("_E", bound=StrEnum)
_T = TypeVar("_T")


def _join(parent: str, key: str) -> str:
    return f"{parent}.{key}" if parent else key


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
        data = self.obj(value, "", CASE_KEYS)
        if data is None:
            return None
        action: EngineAction | None = None
        if self.required(data, "action", ""):
            action = self.code(data["action"], EngineAction, "action")
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
        obj = self.obj(data["applicant"], path, APPLICANT_KEYS)
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
        obj = self.obj(value, path, PREVIOUS_MEMBERSHIP_KEYS)
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
        obj = self.obj(value, path, ORGANISATION_KEYS)
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
        obj = self.obj(value, path, DOSSIER_KEYS)
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
        obj = self.obj(value, path, VERIFICATION_KEYS)
        if obj is None:
            return None
        return Verification(
            concluded_on=self.date(obj, "concluded_on", path),
            waived=self.boolean(obj, "waived", path),
        )

    def introducer(self, value: object, path: str) -> Introducer | None:
        obj = self.obj(value, path, INTRODUCER_KEYS)
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
        obj = self.obj(value, path, CONSENT_KEYS)
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
        obj = self.obj(value, path, VOTE_KEYS)
        if obj is None:
            return None
        return Vote(
            agree=self.integer(obj, "agree", path),
            body_size=self.integer(obj, "body_size", path, minimum=1),
        )

    def previous(self, value: object, path: str) -> Previous | None:
        obj = self.obj(value, path, PREVIOUS_KEYS)
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
