"""``check_files``: JSON Lines, the case path as given, exit statuses and error messages."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from ptdv.rules.engine import WorkingCalendar, check_files

CAL = WorkingCalendar()
ALLOWED = {
    "action": "ceremony",
    "date": "2026-03-20",
    "applicant": {"birth_date": "2000-03-05"},
    "previous": {"decision_received_date": "2026-02-02"},
}
NOT_ALLOWED = {**ALLOWED, "date": "2026-03-24"}
MALFORMED = {**ALLOWED, "date": "2026-02-30"}


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.chdir(tmp_path)
    names = {}
    for key, case in (("ok", ALLOWED), ("no", NOT_ALLOWED), ("bad", MALFORMED)):
        name = f"{key}-lễ.json"
        Path(name).write_text(json.dumps(case), encoding="utf-8")
        names[key] = name
    Path("sub").mkdir()
    Path("sub/ok.json").write_text(json.dumps(ALLOWED), encoding="utf-8")
    names["sub"] = "sub/ok.json"
    return names


def run(paths: list[str]) -> tuple[int, list[dict[str, object]], str]:
    out, err = io.StringIO(), io.StringIO()
    status = check_files(paths, out, err, CAL)
    return status, [json.loads(line) for line in out.getvalue().splitlines()], err.getvalue()


def test_all_allowed_exits_0(files: dict[str, str]) -> None:
    status, results, err = run([files["ok"], files["sub"]])
    assert status == 0 and err == ""
    assert [r["case"] for r in results] == [files["ok"], "sub/ok.json"]


def test_any_not_allowed_exits_1(files: dict[str, str]) -> None:
    status, results, _ = run([files["ok"], files["no"]])
    assert status == 1
    assert [r["allowed"] for r in results] == [True, False]


def test_malformed_wins_and_the_others_are_still_answered(files: dict[str, str]) -> None:
    status, results, err = run([files["no"], files["bad"], files["ok"]])
    assert status == 2
    assert [r["case"] for r in results] == [files["no"], files["ok"]]
    assert err == (f'{files["bad"]}: date: Trường date có ngày "2026-02-30" không tồn tại.\n')


def test_output_is_json_lines_in_utf8_with_the_result_keys_in_order(files: dict[str, str]) -> None:
    out, err = io.StringIO(), io.StringIO()
    check_files([files["no"]], out, err, CAL)
    line = out.getvalue()
    assert line.endswith("\n") and line.count("\n") == 1
    assert "Lễ kết nạp" in line and "lễ.json" in line  # ensure_ascii=False
    assert list(json.loads(line)) == [
        "case",
        "action",
        "date",
        "rule_set_id",
        "rule_set",
        "allowed",
        "violations",
        "warnings",
        "next",
    ]


def test_unreadable_and_invalid_files_exit_2(tmp_path: Path) -> None:
    missing = str(tmp_path / "missing.json")
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    latin = tmp_path / "latin.json"
    latin.write_bytes(b'{"date": "\xe9"}')
    status, results, err = run([missing, str(broken), str(latin), str(tmp_path)])
    assert status == 2 and results == []
    lines = err.splitlines()
    assert lines[0] == f"{missing}: không đọc được tệp (không tìm thấy tệp)."
    assert lines[1].startswith(f"{broken}: không phải JSON hợp lệ")
    assert lines[2] == f"{latin}: tệp không phải văn bản UTF-8."
    assert lines[3].startswith(f"{tmp_path}: không đọc được tệp")


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(ALLOWED).encode())
    assert run([str(path)])[0] == 0


def test_deeply_nested_json_is_refused_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    status, results, err = run([str(path)])
    assert status == 2 and results == []
    assert err.startswith(f"{path}: không phải JSON hợp lệ")


def test_no_file_is_a_usage_error() -> None:
    assert run([])[0] == 2
