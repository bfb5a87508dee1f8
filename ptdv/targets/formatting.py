"""Numbers the Vietnamese way (110.000; 1,9%; 26,1), for pages, workbooks and PDFs alike."""

from __future__ import annotations

import datetime as dt


def vn_number(value: float | int | None, decimals: int = 0) -> str:
    if value is None:
        return "–"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def vn_percent(value: float | None, decimals: int = 1) -> str:
    """A fraction as a percentage: 0.019 → "1,9%"; None → "–"."""
    if value is None:
        return "–"
    return vn_number(value * 100, decimals) + "%"


def vn_date_line(place: str, on: dt.date) -> str:
    """ "Hà Tĩnh, ngày 05 tháng 01 năm 2026", "ngày 29 tháng 11 năm 2026": a day below 10 and
    the months 1 and 2 take a leading zero, as in Hướng dẫn 36-HD/VPTW's own date line ("Hà
    Nội, ngày 03 tháng 4 năm 2018")."""
    month = f"{on.month:02d}" if on.month < 3 else str(on.month)
    return f"{place}, ngày {on.day:02d} tháng {month} năm {on.year}"
