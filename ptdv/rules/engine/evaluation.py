"""The rule engine: one action on one dossier, judged under the rule set in force.

``evaluate(case, calendar)`` is pure: it reads the case, the rule set in force on the case's
date and the working-day calendar, and returns a ``Verdict``. It never stops at the first
failure: every rule of the action (``rules_for``) that applies is checked, each failing rule
is one finding; gate and outcome rules are violations, the three deadline rules that would
punish the applicant for a committee's delay are warnings (docs/rule-cases.md "The result").

The rules per action are those of docs/workflow.md §1 (table of stages); their ids, in §2.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import cache

from .calendar import WorkingCalendar
from .case import Case, CaseError, FieldError
from .next_step import next_step
from .rule import Applies, Check, Context, RuleKind
from .rulesets import RULE_SETS, RuleSet, ruleset_for
from .table import rules_of
from .validation import validate_case
from .verdict import Finding, Verdict

__all__ = ["evaluate"]

_OUTCOME, _WARNING = RuleKind.OUTCOME, RuleKind.WARNING
_Step = tuple[str, Check, Applies | None, RuleKind]


@cache
def _plan(action: str) -> tuple[_Step, ...]:
    """The rules of ``action`` unpacked for the evaluation loop (read once per action)."""
    return tuple((rule.id, rule.check, rule.applies, rule.kind) for rule in rules_of(action))


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
    ctx = Context(case, rule_set, calendar)
    violations: list[Finding] = []
    warnings: list[Finding] = []
    earliest: list[dt.date] = []
    outcome_rule: str | None = None
    for rule_id, check, applies, kind in _plan(case.action):
        if applies is not None and not applies(ctx):
            continue
        if kind is _OUTCOME and outcome_rule is None:
            outcome_rule = rule_id
        failure = check(ctx)
        if failure is None:
            continue
        finding = Finding(rule_id, failure.message, rule_set.rule_source(rule_id))
        if kind is _WARNING:
            warnings.append(finding)
            continue
        violations.append(finding)
        if failure.earliest is not None:
            earliest.append(failure.earliest)
    return Verdict(
        action=case.action,
        date=case.date,
        rule_set_id=rule_set.id,
        rule_set_label=rule_set.label,
        violations=tuple(violations),
        warnings=tuple(warnings),
        next=next_step(ctx, tuple(f.rule for f in violations), earliest),
        outcome_rule=outcome_rule,
    )
