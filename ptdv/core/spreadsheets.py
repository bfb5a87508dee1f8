"""Excel files written row by row (openpyxl write-only) into a temporary file that is then
streamed, so a list of any size uses constant memory: the lists' exports (ptdv.exchange) and
the audit trail's (ptdv.audit)."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

DATE_FORMAT = "dd/mm/yyyy"


@dataclass
class Export:
    file: IO[bytes]
    filename: str
    rows: int


def workbook_write(
    sheet_title: str, headers: list[str], rows: Iterator[list[Any]]
) -> tuple[IO[bytes], int]:
    """One sheet: a bold header row, then `rows` (dates formatted dd/mm/yyyy); the file is
    rewound, and the number of rows written returned with it."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title)
    bold = Font(bold=True)
    header_cells = []
    for title in headers:
        cell = WriteOnlyCell(ws, value=title)
        cell.font = bold
        header_cells.append(cell)
    ws.append(header_cells)
    count = 0
    for values in rows:
        out = []
        for value in values:
            if isinstance(value, dt.date):
                cell = WriteOnlyCell(ws, value=value)
                cell.number_format = DATE_FORMAT
                out.append(cell)
            else:
                out.append(value)
        ws.append(out)
        count += 1
    handle = tempfile.TemporaryFile()
    wb.save(handle)
    handle.seek(0)
    return handle, count
