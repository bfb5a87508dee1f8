"""The engine's answer: a ``Verdict`` with its findings and the next lawful step."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .codes import EngineAction

__all__ = ["ExpiringItem", "Finding", "NextStep", "Verdict"]


@dataclass(frozen=True)
class Finding:
    """A failed rule: its id (docs/workflow.md §2), a Vietnamese message naming the failed fact,
    and the source the rule set cites for it."""

    rule: str
    message: str
    source: str

    def to_dict(self) -> dict[str, str]:
        """``{"rule", "message", "source"}`` as in docs/rule-cases.md."""
        return {"rule": self.rule, "message": self.message, "source": self.source}


@dataclass(frozen=True)
class ExpiringItem:
    """A dossier document valid on the case date that expires before the next action is due
    (or, when it has no due date, before the earliest date it becomes lawful).

    ``item`` names the document (``certificate``, ``verification``, ``introducers[0]``),
    ``rule`` the rule that will then fail, ``valid_until`` its last valid day.
    """

    item: str
    rule: str
    valid_until: dt.date
    message: str

    def to_dict(self) -> dict[str, str]:
        """JSON form, dates in ISO."""
        return {
            "item": self.item,
            "rule": self.rule,
            "valid_until": self.valid_until.isoformat(),
            "message": self.message,
        }


@dataclass(frozen=True)
class NextStep:
    """The next lawful action: the following one if this one is allowed, otherwise this one.

    ``action`` is ``None`` after a recognition decision (the dossier is complete).
    ``earliest`` is the first date the action becomes lawful when the case has to wait for
    it (a period not yet over), ``None`` when it can be taken at once. ``due`` is its
    deadline, ``None`` when the regulations set none. ``missing`` lists the failed rule ids
    (empty when this action is allowed).
    """

    action: EngineAction | None
    earliest: dt.date | None
    due: dt.date | None
    missing: tuple[str, ...]
    expiring: tuple[ExpiringItem, ...]

    def to_dict(self) -> dict[str, object]:
        """JSON form, dates in ISO or ``null``."""
        return {
            "action": None if self.action is None else self.action.value,
            "earliest": None if self.earliest is None else self.earliest.isoformat(),
            "due": None if self.due is None else self.due.isoformat(),
            "missing": list(self.missing),
            "expiring": [item.to_dict() for item in self.expiring],
        }


@dataclass(frozen=True)
class Verdict:
    """The engine's answer for one case.

    ``allowed`` is true exactly when there is no violation. For a vote, ``outcome_rule`` is
    the rule deciding its result: the workflow records a vote whose only violation is that
    rule as a *failed* vote (``gates_passed`` true, ``outcome_passed`` false) and refuses to
    hold a vote with any other violation (``gates_passed`` false).
    """

    action: EngineAction
    date: dt.date
    rule_set_id: str
    rule_set_label: str
    violations: tuple[Finding, ...]
    warnings: tuple[Finding, ...]
    next: NextStep
    outcome_rule: str | None = None

    @property
    def allowed(self) -> bool:
        """True exactly when no blocking rule failed."""
        return not self.violations

    @property
    def violation_ids(self) -> tuple[str, ...]:
        """The ids of the violations, in the order reported."""
        return tuple(f.rule for f in self.violations)

    @property
    def warning_ids(self) -> tuple[str, ...]:
        """The ids of the warnings, in the order reported."""
        return tuple(f.rule for f in self.warnings)

    @property
    def outcome_passed(self) -> bool | None:
        """For a vote, whether its outcome rule passed; ``None`` for a non-vote action."""
        if self.outcome_rule is None:
            return None
        return self.outcome_rule not in self.violation_ids

    @property
    def gates_passed(self) -> bool:
        """Whether every blocking rule other than the vote's outcome rule passed."""
        return all(f.rule == self.outcome_rule for f in self.violations)

    def to_dict(self) -> dict[str, object]:
        """The result object of docs/rule-cases.md, without ``"case"``."""
        return {
            "action": self.action.value,
            "date": self.date.isoformat(),
            "rule_set_id": self.rule_set_id,
            "rule_set": self.rule_set_label,
            "allowed": self.allowed,
            "violations": [f.to_dict() for f in self.violations],
            "warnings": [f.to_dict() for f in self.warnings],
            "next": self.next.to_dict(),
        }
