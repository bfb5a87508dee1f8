"""The roll-up of a round as an Excel workbook: one row per level (the node, then each of
its children), the counts of responses, the figures and the plans of the accepted ones."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from ptdv.core.spreadsheets import workbook_write
from ptdv.surveys.figures import FIGURES
from ptdv.surveys.selectors import RollupRow, plan_labels
from ptdv.surveys.services import PLAN_KEYS


def rollup_headers() -> list[str]:
    labels = plan_labels()
    return [
        "Tổ chức",
        "Số đơn vị khảo sát",
        "Đã gửi",
        "Được chấp nhận",
        *(str(label) for label in FIGURES.values()),
        *(f"Kế hoạch: {labels[key]}" for key in PLAN_KEYS),
    ]


def rollup_workbook(title: str, rows: list[RollupRow]) -> tuple[IO[bytes], int]:
    def lines() -> Iterator[list[Any]]:
        for row in rows:
            yield [
                row.organisation.name,
                row.units,
                row.submitted,
                row.accepted,
                *(row.figures.get(key, 0) for key in FIGURES),
                *(row.plan.get(key, 0) for key in PLAN_KEYS),
            ]

    return workbook_write(title[:31], rollup_headers(), lines())
