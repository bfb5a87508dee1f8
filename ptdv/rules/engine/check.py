"""``ptdv rules check CASE.json [CASE.json ...]`` without the command-line wrapper.

Contract (docs/rule-cases.md "Entry points"): one JSON result per line on ``out`` (JSON Lines, in
the order given, each with ``"case"`` = the path as given, non-ASCII kept as is). A file that
cannot be read, is not JSON, or holds a malformed case gets no result line: a message naming
the file and the field goes to ``err``, and the other files are still answered. The exit
status is 0 when every action is allowed, 1 when any is not, 2 when any input is unreadable
or malformed (2 wins over 1).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from .calendar import WorkingCalendar
from .case import CaseError
from .evaluation import evaluate
from .parsing import load_case_json, parse_case
from .rulesets import RULE_SETS, RuleSet

__all__ = ["EXIT_ALLOWED", "EXIT_MALFORMED", "EXIT_NOT_ALLOWED", "check_files"]

EXIT_ALLOWED = 0
EXIT_NOT_ALLOWED = 1
EXIT_MALFORMED = 2


def _read_case(path: str) -> object:
    """The decoded JSON of ``path``; ``OSError`` or ``ValueError`` (with a Vietnamese reason)
    when it cannot be read or decoded."""
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError("tệp không phải văn bản UTF-8") from exc
    try:
        return load_case_json(text)
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"không phải JSON hợp lệ (dòng {exc.lineno}, cột {exc.colno}: {exc.msg})"
        ) from exc
    except ValueError as exc:
        raise ValueError(f"không phải JSON hợp lệ ({exc})") from exc
    except RecursionError as exc:
        raise ValueError("không phải JSON hợp lệ (quá nhiều cấp lồng nhau)") from exc


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "không tìm thấy tệp"
    if isinstance(exc, IsADirectoryError):
        return "đây là một thư mục"
    if isinstance(exc, PermissionError):
        return "không có quyền đọc"
    return exc.strerror or str(exc)


def check_files(
    paths: Sequence[str],
    out: TextIO,
    err: TextIO,
    calendar: WorkingCalendar,
    *,
    rule_sets: Sequence[RuleSet] = RULE_SETS,
) -> int:
    """Check every case file in ``paths`` in order; return the exit status (0, 1 or 2)."""
    if not paths:
        err.write("Chưa có tệp tình huống nào để kiểm tra.\n")
        return EXIT_MALFORMED
    status = EXIT_ALLOWED
    for path in paths:
        try:
            data = _read_case(path)
        except OSError as exc:
            err.write(f"{path}: không đọc được tệp ({_os_reason(exc)}).\n")
            status = EXIT_MALFORMED
            continue
        except ValueError as exc:
            err.write(f"{path}: {exc}.\n")
            status = EXIT_MALFORMED
            continue
        try:
            verdict = evaluate(parse_case(data, rule_sets=rule_sets), calendar, rule_sets=rule_sets)
        except CaseError as exc:
            for error in exc.errors:
                err.write(f"{path}: {error.path or '(tình huống)'}: {error.message}\n")
            status = EXIT_MALFORMED
            continue
        result: dict[str, object] = {"case": path}
        result.update(verdict.to_dict())
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
        if not verdict.allowed:
            status = max(status, EXIT_NOT_ALLOWED)
    return status
