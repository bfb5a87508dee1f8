"""The ranking by peer group as an Excel workbook for the committee's meeting: one sheet per
peer group (rank, organisation, score, grade, each component's value and points, the
responsible leader), then the list to commend and the list to correct."""

from __future__ import annotations

import io
from collections import defaultdict
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from ptdv.evaluations.formula import SPECS, peer_group_label
from ptdv.evaluations.models import Evaluation, Grade

MAX_TITLE = 31


def _title(text: str, used: set[str]) -> str:
    base = "".join(ch for ch in text if ch not in "[]:*?/\\")[:MAX_TITLE]
    title, n = base, 2
    while title in used:
        suffix = f" ({n})"
        title, n = base[: MAX_TITLE - len(suffix)] + suffix, n + 1
    used.add(title)
    return title


def _percent(value: Any) -> Any:
    return None if value is None else round(float(value) * 100, 1)


def ranking_workbook(
    rows: list[Evaluation], leaders: dict[int, list[str]], *, year: int, heading: str
) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    used: set[str] = set()
    groups: dict[str, list[Evaluation]] = defaultdict(list)
    for row in rows:
        groups[row.peer_group].append(row)
    codes = [c["code"] for c in rows[0].components] if rows else []
    headers = [
        "Thứ hạng", "Tổ chức đảng", "Mã", "Điểm", "Xếp loại",
        *[f"{SPECS[c].label} (%)" if c in SPECS else c for c in codes],
        "Người chịu trách nhiệm",
    ]  # fmt: skip

    def add_sheet(title: str, caption: str, members: list[Evaluation]) -> None:
        ws = wb.create_sheet(_title(title, used))
        ws.append([caption])
        ws["A1"].font = bold
        ws.append(headers)
        for cell in ws[2]:
            cell.font = bold
        for e in members:
            values = {c["code"]: c.get("value") for c in e.components}
            ws.append(
                [
                    e.rank,
                    e.organisation.name,
                    e.organisation.code,
                    float(e.score) if e.score is not None else None,
                    e.get_grade_display() or "Chưa đủ số liệu",
                    *[_percent(values.get(c)) for c in codes],
                    ", ".join(leaders.get(e.organisation_id, [])),
                ]
            )
        ws.column_dimensions["B"].width = 45

    for code in sorted(groups):
        add_sheet(
            peer_group_label(code),
            f"{heading} — Xếp hạng năm {year} — {peer_group_label(code)}",
            groups[code],
        )
    add_sheet(
        "Đề nghị khen thưởng",
        f"{heading} — Năm {year}: tổ chức đề nghị biểu dương, khen thưởng",
        [e for e in rows if e.grade == Grade.EXCELLENT],
    )
    add_sheet(
        "Cần chấn chỉnh",
        f"{heading} — Năm {year}: tổ chức cần chấn chỉnh, khắc phục",
        [e for e in rows if e.grade == Grade.NOT_FULFILLED],
    )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
