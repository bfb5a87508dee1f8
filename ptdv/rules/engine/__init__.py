"""PTĐV's admission rule engine: pure Python, no Django, no other ptdv app.

The public API (every name below is imported explicitly, no star re-export):

- ``parse_case(data) -> Case`` reads a decoded JSON case strictly (``CaseError`` if
  malformed); ``load_case_json(text)`` decodes JSON text for it. A service builds ``Case``
  directly from the database instead and calls ``evaluate``.
- ``evaluate(case, calendar) -> Verdict``; ``Verdict.to_dict()`` is the result object of
  docs/rule-cases.md without ``"case"``.
- ``rules_for(engine_action) -> tuple[str, ...]``: the ids of the rules judging an action, in
  the order a verdict reports them (THE list per action); ``RULES`` is the rule table
  (id → ``Rule``: actions, ``RuleKind``, check), ``OUTCOME_RULES`` each vote's outcome rule.
- ``check_files(paths, out, err, calendar) -> int`` is ``ptdv rules check``.
- ``WorkingCalendar(adjustments)`` / ``default_calendar()``: Vietnam's working days.
- ``RULE_SETS``, ``ruleset_for(date)``, ``list_parameters(rule_set)``, ``list_rules(rule_set)``:
  the versioned rule sets as data, with their sources.

Layout: ``codes`` (the coded values; ``EngineAction``), ``case`` (the case model and its
errors), ``parsing`` / ``schema`` / ``validation`` (reading, describing and checking a case),
``rulesets`` (parameters and citations), ``rule`` (``Rule``, ``Context``, ``Failure``),
``families/`` (one module per family of rules), ``table`` (``RULES``, ``rules_for``),
``evaluation`` (``evaluate``), ``next_step``, ``verdict`` (the result types), ``wording``
(how findings are worded), ``calendar`` and ``periods`` (dates), ``check`` (the CLI).
"""

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
)
from .check import check_files
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
from .evaluation import evaluate
from .parsing import load_case_json, parse_case
from .periods import add_months, age_in_months
from .rule import Rule, RuleKind
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
from .schema import case_json_schema
from .table import OUTCOME_RULES, RULES, rules_for
from .validation import validate_case
from .verdict import ExpiringItem, Finding, NextStep, Verdict

__all__ = [
    "OUTCOME_RULES",
    "RULES",
    "RULE_IDS",
    "RULE_LABELS",
    "RULE_SETS",
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
    "EngineAction",
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
    "Rule",
    "RuleKind",
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
