"""The rule table: every rule the engine applies, in the order it evaluates them.

``RULES`` maps each rule id to its ``Rule`` (the actions it judges, its kind, its check);
its order is the order of the findings in a verdict: who decides, the applicant, the papers,
the introducers, the background checks, the cell, a re-admission, the probation, the vote,
the deadlines. ``rules_for(action)`` is THE list of the rule ids an action is judged by,
in that order; the dossier's action specs, the transition table shown to users and the
conformance suite take their lists from it.

Two rule ids of docs/workflow.md §2 are not the engine's: ``person.unique_active`` (a system
rule the dossier service checks) and ``deadline.member_file`` (a deadline no action judges).

Adding a rule: write its check in its family's module (``def check(ctx: Context) ->
Failure | None``) and declare its ``Rule(id, actions, check, kind=..., applies=...)`` there;
list it in ``RULES`` below at its place in the evaluation order; give its id a label and a
source in ``rulesets.py`` (``RULE_IDS``, ``RULE_LABELS``, ``_RULE_SOURCE_TEMPLATES``: a rule
set without them refuses to load); pin it in ``tests/test_table.py`` and add conformance
cases that make it fail and pass.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from .codes import EngineAction
from .families import (
    age_education,
    certificate_application,
    deadlines,
    deciders,
    introducers,
    probation,
    readmission,
    unions,
    verification_opinions,
    votes,
)
from .rule import Rule, RuleKind

__all__ = ["OUTCOME_RULES", "RULES", "rules_for", "rules_of"]

RULES: Mapping[str, Rule] = MappingProxyType(
    {
        rule.id: rule
        for rule in (
            deciders.DECIDER_COMPETENT,
            age_education.AGE_MINIMUM,
            age_education.AGE_OVER_60_CONSENT,
            age_education.EDUCATION_MINIMUM,
            age_education.EDUCATION_ELDER_CONSENT,
            certificate_application.CERTIFICATE_VALID,
            certificate_application.APPLICATION_BEFORE_HISTORY,
            introducers.INTRODUCERS_VALID,
            unions.YOUTH_UNION_REQUIRED,
            unions.TRADE_UNION_REQUIRED,
            verification_opinions.VERIFICATION_DONE,
            verification_opinions.VERIFICATION_VALID,
            verification_opinions.OPINIONS_DONE,
            votes.BRANCH_MIN_OFFICIAL_MEMBERS,
            readmission.READMISSION_WAIT,
            readmission.READMISSION_ONCE,
            readmission.READMISSION_BARRED_REASON,
            readmission.READMISSION_PROVINCIAL_CONSENT,
            probation.PROBATION_COMPLETE,
            probation.NEWMEMBER_COURSE_DONE,
            votes.VOTE_ESCALATE_AFTER_3,
            votes.VOTE_BRANCH_TWO_THIRDS,
            votes.VOTE_STANDING_MAJORITY,
            votes.VOTE_COMMITTEE_TWO_THIRDS,
            deadlines.DEADLINE_DECISION,
            deadlines.DEADLINE_CEREMONY,
            deadlines.DEADLINE_RECOGNITION,
            deadlines.DEADLINE_RECOGNITION_DECISION,
        )
    }
)

# Keyed by the action's code: ``str()`` of an ``EngineAction`` is its code.
_BY_ACTION: Mapping[str, tuple[Rule, ...]] = MappingProxyType(
    {
        action.value: tuple(rule for rule in RULES.values() if action in rule.actions)
        for action in EngineAction
    }
)


def rules_of(engine_action: EngineAction | str) -> tuple[Rule, ...]:
    """The rules judging ``engine_action``, in evaluation order (``ValueError`` for an
    unknown action)."""
    try:
        return _BY_ACTION[str(engine_action)]
    except KeyError:
        raise ValueError(f"{engine_action!r} is not an EngineAction") from None


def rules_for(engine_action: EngineAction | str) -> tuple[str, ...]:
    """The ids of the rules judging ``engine_action`` (an ``EngineAction`` or its code), in
    the order a verdict reports them. ``ValueError`` for an unknown action."""
    return tuple(rule.id for rule in rules_of(engine_action))


# The outcome rule of each vote action, when the decider is the standing committee above (an
# authorised grassroots committee decides by ``vote.committee_two_thirds``): the first
# outcome rule of the action.
OUTCOME_RULES: Mapping[EngineAction, str] = MappingProxyType(
    {
        action: outcomes[0]
        for action in EngineAction
        if (outcomes := [r.id for r in _BY_ACTION[action.value] if r.kind is RuleKind.OUTCOME])
    }
)
