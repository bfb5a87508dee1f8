"""PTĐV's admission rule engine: pure Python, no Django.

The public API (every name below is imported explicitly, no star re-export):

- ``parse_case(data) -> Case`` reads a decoded JSON case strictly (``CaseError`` if
  malformed); ``load_case_json(text)`` decodes JSON text for it. A service builds ``Case``
  directly from the database instead and calls ``evaluate``.
- ``evaluate(case, calendar) -> Verdict``; ``Verdict.to_dict()`` is the result object of
  rule-cases.md without ``"case"``.
- ``check_files(paths, out, err, calendar) -> int`` is ``ptdv rules check``.
- ``WorkingCalendar(adjustments)`` / ``default_calendar()``: Vietnam's working days.
- ``RULE_SETS``, ``ruleset_for(date)``, ``list_parameters(rule_set)``, ``list_rules(rule_set)``:
  the versioned rule sets as data, with their sources.
"""

from .action_rules import rules_for
from .calendar import CalendarRangeError, WorkingCalendar, default_calendar
from .case import (
    Applicant,
    Case,
    CaseError,
    Consent,
    Dossier,
    FieldError,
    ImpossibleCase,
    Introducer,
    Organisation,
    Previous,
    PreviousMembership,
    Verification,
    Vote,
    case_json_schema,
    load_case_json,
    parse_case,
    validate_case,
)
from .check import check_files
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
from .engine import OUTCOME_RULES, ExpiringItem, Finding, NextStep, Verdict, evaluate
from .periods import add_months, age_in_months
from .rulesets import (
    RULE_IDS,
    RULE_LABELS,
    RULE_SETS,
    Parameter,
    ParameterRow,
    Parameters,
    RuleRow,
    RuleSet,
    list_parameters,
    list_rules,
    parameter_details,
    ruleset_by_id,
    ruleset_for,
)

__all__ = [
    "OUTCOME_RULES",
    "RULE_IDS",
    "RULE_LABELS",
    "RULE_SETS",
    "Action",
    "Applicant",
    "AreaFlag",
    "CalendarRangeError",
    "Case",
    "CaseError",
    "Consent",
    "ConsentKind",
    "Decider",
    "Dossier",
    "Education",
    "ExpiringItem",
    "FieldError",
    "Finding",
    "ImpossibleCase",
    "Introducer",
    "IntroducerKind",
    "LeavingReason",
    "NextStep",
    "Organisation",
    "Parameter",
    "ParameterRow",
    "Parameters",
    "Previous",
    "PreviousMembership",
    "Role",
    "RuleRow",
    "RuleSet",
    "Verdict",
    "Verification",
    "Vote",
    "WorkingCalendar",
    "add_months",
    "age_in_months",
    "case_json_schema",
    "check_files",
    "default_calendar",
    "evaluate",
    "list_parameters",
    "list_rules",
    "load_case_json",
    "parameter_details",
    "parse_case",
    "rules_for",
    "ruleset_by_id",
    "ruleset_for",
    "validate_case",
]
