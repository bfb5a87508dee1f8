"""The conformance suite: every case file through ``evaluate`` and through ``check_files``.

``expected.json`` maps a file name to ``{"allowed", "violations", "warnings"}`` (compared as
``allowed`` plus the sets of rule ids, as docs/rule-cases.md says conformance does) or to
``{"malformed": true}`` (a ``CaseError`` or unreadable JSON, exit status 2).
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from ptdv.rules.engine import (
    CaseError,
    EngineAction,
    WorkingCalendar,
    check_files,
    evaluate,
    load_case_json,
    parse_case,
    rules_for,
)

FOLDER = Path(__file__).resolve().parent.parent / "conformance"
EXPECTED: dict[str, dict[str, Any]] = json.loads(
    (FOLDER / "expected.json").read_text(encoding="utf-8")
)
CASES = sorted(EXPECTED)
CAL = WorkingCalendar()


def test_expected_lists_exactly_the_case_files() -> None:
    files = {p.name for p in FOLDER.glob("*.json")} - {"expected.json"}
    assert files == set(EXPECTED)
    assert len(files) >= 70


def test_suite_covers_every_gated_rule_id_and_all_rule_sets() -> None:
    seen: set[str] = set()
    for expectation in EXPECTED.values():
        seen.update(expectation.get("violations", []))
        seen.update(expectation.get("warnings", []))
    # Every rule an engine action is judged by (the rule table's lists).
    action_rules = {rule for action in EngineAction for rule in rules_for(action)}
    assert action_rules <= seen
    rule_sets = set()
    for name in CASES:
        if "malformed" in EXPECTED[name]:
            continue
        verdict = evaluate(parse_case(_load(name)), CAL)
        rule_sets.add(verdict.rule_set_id)
    assert rule_sets == {"qd24-2021-07-30", "qd232-2025-01-20", "qd294-2025-07-01"}


def _load(name: str) -> object:
    return load_case_json((FOLDER / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", CASES)
def test_case_through_evaluate(name: str) -> None:
    expected = EXPECTED[name]
    if expected.get("malformed"):
        with pytest.raises((CaseError, ValueError)):
            evaluate(parse_case(_load(name)), CAL)
        return
    verdict = evaluate(parse_case(_load(name)), CAL)
    assert verdict.allowed == expected["allowed"]
    assert set(verdict.violation_ids) == set(expected["violations"])
    assert set(verdict.warning_ids) == set(expected["warnings"])


@pytest.mark.parametrize("name", CASES)
def test_case_through_check_files(name: str) -> None:
    expected = EXPECTED[name]
    path = str(FOLDER / name)
    out, err = io.StringIO(), io.StringIO()
    status = check_files([path], out, err, CAL)
    if expected.get("malformed"):
        assert status == 2
        assert out.getvalue() == ""
        assert err.getvalue().startswith(f"{path}: ")
        return
    assert err.getvalue() == ""
    [line] = out.getvalue().splitlines()
    result = json.loads(line)
    assert result["case"] == path
    assert status == (0 if expected["allowed"] else 1)
    assert result["allowed"] == expected["allowed"]
    assert {v["rule"] for v in result["violations"]} == set(expected["violations"])
    assert {w["rule"] for w in result["warnings"]} == set(expected["warnings"])
    for finding in result["violations"] + result["warnings"]:
        assert finding["message"] and finding["source"]


def test_whole_suite_in_one_run_keeps_the_order_and_exits_2() -> None:
    paths = [str(FOLDER / name) for name in CASES]
    out, err = io.StringIO(), io.StringIO()
    assert check_files(paths, out, err, CAL) == 2
    answered = [json.loads(line)["case"] for line in out.getvalue().splitlines()]
    assert answered == [str(FOLDER / n) for n in CASES if "malformed" not in EXPECTED[n]]
    for name in CASES:
        if "malformed" in EXPECTED[name]:
            assert f"{FOLDER / name}: " in err.getvalue()
