"""The rule table: the rules per action, their kinds, the verdicts before and after the split
of the evaluation into one function per rule id, and the engine's independence."""

from __future__ import annotations

import ast
import json
import pkgutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ptdv.rules.engine
from ptdv.rules.engine import (
    OUTCOME_RULES,
    RULE_IDS,
    RULES,
    EngineAction,
    RuleKind,
    WorkingCalendar,
    evaluate,
    load_case_json,
    parse_case,
    rules_for,
)

HERE = Path(__file__).resolve().parent
FOLDER = HERE.parent / "conformance"
CAL = WorkingCalendar()

# The rule ids per action, in the order of docs/workflow.md §1 and of the findings of a verdict
# (the lists the dossier's transition table held before it took them from ``rules_for``).
EXPECTED_RULES = {
    EngineAction.BRANCH_VOTE: (
        "age.minimum",
        "education.minimum",
        "certificate.valid",
        "application.before_history",
        "introducers.valid",
        "youth_union.required",
        "trade_union.required",
        "verification.done",
        "verification.valid",
        "opinions.done",
        "branch.min_official_members",
        "readmission.wait",
        "readmission.once",
        "readmission.barred_reason",
        "vote.branch_two_thirds",
    ),
    EngineAction.COMMITTEE_VOTE: ("vote.committee_two_thirds",),
    EngineAction.ADMISSION_DECISION: (
        "decider.competent",
        "age.over_60_consent",
        "education.elder_consent",
        "readmission.provincial_consent",
        "vote.standing_majority",
        "vote.committee_two_thirds",
        "deadline.decision",
    ),
    EngineAction.CEREMONY: ("deadline.ceremony",),
    EngineAction.RECOGNITION_VOTE: (
        "probation.complete",
        "newmember_course.done",
        "vote.escalate_after_3",
        "vote.branch_two_thirds",
        "deadline.recognition",
    ),
    EngineAction.RECOGNITION_DECISION: (
        "decider.competent",
        "probation.complete",
        "newmember_course.done",
        "vote.standing_majority",
        "vote.committee_two_thirds",
        "deadline.recognition_decision",
    ),
}


def test_rules_for_every_action() -> None:
    for action in EngineAction:
        assert rules_for(action) == EXPECTED_RULES[action]
        assert rules_for(action.value) == EXPECTED_RULES[action]
    with pytest.raises(ValueError):
        rules_for("ceremonies")


def test_table_ids_are_the_engines_rule_ids() -> None:
    assert all(rule_id == rule.id for rule_id, rule in RULES.items())
    assert set(RULES) <= set(RULE_IDS)
    # The two rule ids of docs/workflow.md §2 no engine action judges.
    assert set(RULE_IDS) - set(RULES) == {"person.unique_active", "deadline.member_file"}
    assert set(RULES) == {rule for action in EngineAction for rule in rules_for(action)}


def test_kinds_and_outcome_rules() -> None:
    kinds = {kind: {r.id for r in RULES.values() if r.kind is kind} for kind in RuleKind}
    assert kinds[RuleKind.OUTCOME] == {
        "vote.branch_two_thirds",
        "vote.committee_two_thirds",
        "vote.standing_majority",
    }
    assert kinds[RuleKind.WARNING] == {
        "deadline.decision",
        "deadline.recognition",
        "deadline.recognition_decision",
    }
    assert dict(OUTCOME_RULES) == {
        EngineAction.BRANCH_VOTE: "vote.branch_two_thirds",
        EngineAction.COMMITTEE_VOTE: "vote.committee_two_thirds",
        EngineAction.ADMISSION_DECISION: "vote.standing_majority",
        EngineAction.RECOGNITION_VOTE: "vote.branch_two_thirds",
        EngineAction.RECOGNITION_DECISION: "vote.standing_majority",
    }


# Every verdict of the conformance suite, whole (messages, sources, order, next step,
# outcome rule), as the engine gave it before its evaluation became a table of rules.
VERDICTS: dict[str, dict[str, Any]] = json.loads(
    (HERE / "verdicts.json").read_text(encoding="utf-8")
)


def _verdict(name: str) -> Any:
    case = parse_case(load_case_json((FOLDER / name).read_text(encoding="utf-8")))
    return evaluate(case, CAL)


@pytest.mark.parametrize("name", sorted(VERDICTS))
def test_verdict_unchanged_by_the_rule_table(name: str) -> None:
    verdict = _verdict(name)
    assert {**verdict.to_dict(), "outcome_rule": verdict.outcome_rule} == VERDICTS[name]


@settings(database=None, deadline=None, max_examples=100)
@given(st.sampled_from(sorted(VERDICTS)))
def test_findings_follow_the_table(name: str) -> None:
    verdict = _verdict(name)
    order = rules_for(verdict.action)
    found = [*verdict.violation_ids, *verdict.warning_ids]
    assert set(found) <= set(order)
    assert list(verdict.violation_ids) == sorted(verdict.violation_ids, key=order.index)
    for rule_id in verdict.warning_ids:
        assert RULES[rule_id].kind is RuleKind.WARNING
    for rule_id in verdict.violation_ids:
        assert RULES[rule_id].kind is not RuleKind.WARNING
    if verdict.outcome_rule is not None:
        assert RULES[verdict.outcome_rule].kind is RuleKind.OUTCOME


# --- Independence: the engine imports no Django and no other ptdv app -----------------------

ENGINE = "ptdv.rules.engine"
FORBIDDEN_TOP = {"django", "rest_framework", "drf_spectacular", "celery"}


def _engine_modules() -> list[tuple[str, Path]]:
    package = Path(ptdv.rules.engine.__file__).parent
    modules = [(ENGINE, package / "__init__.py")]
    for info in pkgutil.walk_packages([str(package)], prefix=f"{ENGINE}."):
        path = package.joinpath(*info.name.split(".")[3:])
        modules.append((info.name, path / "__init__.py" if info.ispkg else path.with_suffix(".py")))
    return modules


def _imports(module: str, path: Path) -> set[str]:
    """Every module ``module`` imports, at any depth of its code (inside functions too)."""
    is_package = path.name == "__init__.py"
    package = module if is_package else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                found.add(".".join([*base, node.module] if node.module else base))
            elif node.module:
                found.add(node.module)
    return found


def test_engine_imports_no_django_and_no_other_ptdv_module() -> None:
    modules = _engine_modules()
    assert len(modules) > 10
    bad = {
        (module, imported)
        for module, path in modules
        for imported in _imports(module, path)
        if imported.split(".")[0] in FORBIDDEN_TOP
        or (imported.split(".")[0] == "ptdv" and not imported.startswith(ENGINE))
    }
    assert bad == set()


def test_engine_imports_without_django_loaded() -> None:
    code = """
import sys
import ptdv.rules.engine as e
assert e.rules_for("ceremony") == ("deadline.ceremony",)
print(sorted(
    m for m in sys.modules
    if m.split(".")[0] in ("django", "rest_framework")
    or (m.startswith("ptdv.") and m != "ptdv.rules" and not m.startswith("ptdv.rules.engine"))
))
"""
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed code
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_the_engine_has_no_action_alias_and_nothing_uses_one() -> None:
    """The engine's actions are `EngineAction` only (the old name `Action` collided with
    `ptdv.core.policies.Action`)."""
    assert not hasattr(ptdv.rules.engine, "Action")
    assert not hasattr(ptdv.rules.engine.codes, "Action")
    root = Path(ptdv.rules.engine.__file__).parent.parent.parent
    needles = ("engine.Action", "engine import Action", "codes import Action")
    users = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if path.name != Path(__file__).name
        and any(needle in path.read_text(encoding="utf-8") for needle in needles)
    ]
    assert users == []
