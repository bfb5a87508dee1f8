from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from ptdv.exchange.columns import KINDS
from ptdv.exchange.workbook import template_build


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


def filled_template(tmp_path: Path, kind: str, rows: list[dict[str, Any]], name: str = "") -> Path:
    """The system's template for `kind`, edited with openpyxl as a user would: rows typed
    below the example row, by column header."""
    spec = KINDS[kind]
    path = tmp_path / (name or f"{kind}.xlsx")
    template_build(spec, path)
    wb = load_workbook(path)
    ws = wb[spec.sheet]
    index = {c.key: i + 1 for i, c in enumerate(spec.columns)}
    for offset, values in enumerate(rows):
        for key, value in values.items():
            ws.cell(row=3 + offset, column=index[key], value=value)
    wb.save(path)
    return path


def candidate(**overrides: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "family_name": "Trần",
        "middle_name": "Thị",
        "given_name": "Mai",
        "birth_date": "05/09/2001",
        "gender": "Nữ",
        "national_id": "042301000001",
        "ethnicity": "Kinh",
        "religion": "Không",
        "education": "Đại học",
        "occupation": "Viên chức",
        "target_groups": "Viên chức; Học sinh, sinh viên",
        "youth_union_member": "Có",
        "organisation": "Ca1",
        "source_channel": "Đoàn Thanh niên giới thiệu",
        "opened_on": dt.date(2026, 2, 1),
    }
    row.update(overrides)
    return row
