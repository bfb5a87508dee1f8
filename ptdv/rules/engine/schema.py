"""The shape of a case as a JSON Schema, built from the format's own vocabulary."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from .case import (
    APPLICANT_KEYS,
    CASE_KEYS,
    CONSENT_KEYS,
    DOSSIER_KEYS,
    INTRODUCER_KEYS,
    ORGANISATION_KEYS,
    PREVIOUS_KEYS,
    PREVIOUS_MEMBERSHIP_KEYS,
    PREVIOUS_STEP_DATES,
    VERIFICATION_KEYS,
    VOTE_KEYS,
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

__all__ = ["case_json_schema"]


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
        PREVIOUS_MEMBERSHIP_KEYS,
        {
            "left_on": day,
            "reason": code(LeavingReason),
            "expunged_on": day,
            "readmitted_before": boolean,
        },
        required=("left_on", "reason"),
    )
    applicant = _object(
        APPLICANT_KEYS,
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
        ORGANISATION_KEYS,
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
        INTRODUCER_KEYS,
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
        CONSENT_KEYS,
        {"kind": code(ConsentKind), "date": day, "ref": {"type": "string"}},
        required=("kind", "date"),
    )
    dossier = _object(
        DOSSIER_KEYS,
        {
            "certificate_date": day,
            "application_date": day,
            "history_date": day,
            "verification": _object(VERIFICATION_KEYS, {"concluded_on": day, "waived": boolean}),
            "opinions_date": day,
            "introducers": {"type": "array", "items": introducer},
            "consents": {"type": "array", "items": consent},
        },
    )
    vote = _object(VOTE_KEYS, {"agree": count, "body_size": {"type": "integer", "minimum": 1}})
    previous = _object(
        PREVIOUS_KEYS,
        {
            **{key: day for key in (*PREVIOUS_STEP_DATES, "newmember_course_date")},
            "failed_recognition_votes": count,
            "extension_working_days": count,
        },
    )
    schema = _object(
        CASE_KEYS,
        {
            "action": code(EngineAction),
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
