"""The period a report covers (issue 14 §6): a year (as before), a quarter, a half-year or
any range of days, named the way a party report names it ("Quý III năm 2026", "6 tháng đầu
năm 2026", "Từ 01/03/2026 đến 15/05/2026").

One parser for the pages and the API: `?from=dd/mm/yyyy&to=dd/mm/yyyy`, or
`?quarter=1..4&year=`, or `?half=1|2&year=`, or `?year=` alone (the whole year). Errors are
a `ValidationError` keyed by the query field, in Vietnamese, naming the field and the reason;
a value the API's schema states (the dd/mm/yyyy pattern, the enums, the year's bounds) is a
plain error (400), a rule between well-formed values (from after to, a range too long, a
quarter and a half at once, 31/02) a refusal (422, `ptdv.core.refusals`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ptdv.core.refusals import unprocessable

PeriodKind = Literal["year", "quarter", "half", "range"]

FIRST_YEAR = 1930  # the Party's founding
LAST_YEAR = 2100
# A range longer than a five-year term is not a "period" of a report; the term report is.
MAX_RANGE_DAYS = 5 * 366
_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
PERIOD_FIELDS = ("from", "to", "quarter", "half", "year")
DATE_PATTERN = r"^\d{2}/\d{2}/\d{4}$"


@dataclass(frozen=True)
class Period:
    """Both ends inclusive. `year` is the year whose targets, snapshot and pipeline frame
    the period: the year of its last day."""

    start: dt.date
    end: dt.date
    kind: PeriodKind
    number: int = 0  # the quarter (1..4) or the half (1, 2)

    @property
    def year(self) -> int:
        return self.end.year

    @property
    def is_year(self) -> bool:
        return self.kind == "year"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def label(self) -> str:
        """ "Quý III năm 2026", "6 tháng đầu năm 2026", "Năm 2026", "Từ 01/03/2026 đến …"."""
        if self.kind == "year":
            return f"Năm {self.year}"
        if self.kind == "quarter":
            return f"Quý {_ROMAN[self.number]} năm {self.year}"
        if self.kind == "half":
            half = "đầu" if self.number == 1 else "cuối"
            return f"6 tháng {half} năm {self.year}"
        return f"Từ {self.start:%d/%m/%Y} đến {self.end:%d/%m/%Y}"

    @property
    def slug(self) -> str:
        """For file names: "2026", "2026-q3", "2026-h1", "20260301-20260515"."""
        if self.kind == "year":
            return str(self.year)
        if self.kind == "quarter":
            return f"{self.year}-q{self.number}"
        if self.kind == "half":
            return f"{self.year}-h{self.number}"
        return f"{self.start:%Y%m%d}-{self.end:%Y%m%d}"

    def query(self) -> dict[str, str]:
        """The query parameters that name this period again (links, forms)."""
        if self.kind == "year":
            return {"year": str(self.year)}
        if self.kind == "quarter":
            return {"quarter": str(self.number), "year": str(self.year)}
        if self.kind == "half":
            return {"half": str(self.number), "year": str(self.year)}
        return {"from": f"{self.start:%d/%m/%Y}", "to": f"{self.end:%d/%m/%Y}"}

    def to_dict(self) -> dict[str, str]:
        return {
            "kind": self.kind,
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "label": self.label,
        }


def period_year(year: int) -> Period:
    return Period(dt.date(year, 1, 1), dt.date(year, 12, 31), "year")


def period_quarter(year: int, quarter: int) -> Period:
    first = 3 * (quarter - 1) + 1
    end = (
        dt.date(year, 12, 31)
        if quarter == 4
        else dt.date(year, first + 3, 1) - dt.timedelta(days=1)
    )
    return Period(dt.date(year, first, 1), end, "quarter", quarter)


def period_half(year: int, half: int) -> Period:
    if half == 1:
        return Period(dt.date(year, 1, 1), dt.date(year, 6, 30), "half", 1)
    return Period(dt.date(year, 7, 1), dt.date(year, 12, 31), "half", 2)


def period_range(start: dt.date, end: dt.date) -> Period:
    return Period(start, end, "range")


def _date(value: str, field: str, label: str) -> dt.date:
    message = _("%(label)s phải là ngày dạng dd/mm/yyyy.") % {"label": label}
    if not re.match(DATE_PATTERN, value):
        raise ValidationError({field: [message]})
    try:
        return dt.datetime.strptime(value, "%d/%m/%Y").date()
    except ValueError:
        raise unprocessable(
            {field: _("%(label)s không phải là ngày có thật.") % {"label": label}}
        ) from None


def _number(value: str, field: str, label: str, low: int, high: int) -> int:
    if not value.strip().isdigit() or not low <= int(value) <= high:
        raise ValidationError(
            {
                field: [
                    _("%(label)s phải là số từ %(low)s đến %(high)s.")
                    % {"label": label, "low": low, "high": high}
                ]
            }
        )
    return int(value)


def period_parse(params: Mapping[str, str], *, today: dt.date) -> Period:
    """The period named by the query `params`; the current year when none is named."""
    given = {name: str(params.get(name) or "").strip() for name in PERIOD_FIELDS}
    has_range = bool(given["from"] or given["to"])
    if given["quarter"] and given["half"]:
        raise unprocessable({"half": _("Chỉ chọn một trong hai: quý hoặc 6 tháng.")})
    if has_range and (given["quarter"] or given["half"]):
        field = "quarter" if given["quarter"] else "half"
        raise unprocessable(
            {field: _("Đã chọn khoảng ngày (từ ngày, đến ngày) thì không chọn quý hoặc 6 tháng.")}
        )
    if has_range:
        if not given["from"]:
            raise unprocessable({"from": _("Cần nhập từ ngày.")})
        if not given["to"]:
            raise unprocessable({"to": _("Cần nhập đến ngày.")})
        start = _date(given["from"], "from", _("Từ ngày"))
        end = _date(given["to"], "to", _("Đến ngày"))
        if start > end:
            raise unprocessable({"from": _("Từ ngày phải trước hoặc bằng đến ngày.")})
        if start.year < FIRST_YEAR or end.year > LAST_YEAR:
            raise unprocessable({"from": _("Khoảng ngày phải nằm trong các năm 1930–2100.")})
        if (end - start).days + 1 > MAX_RANGE_DAYS:
            raise unprocessable(
                {
                    "to": _("Khoảng ngày dài quá %(days)s ngày (5 năm); hãy dùng báo cáo nhiệm kỳ.")
                    % {"days": MAX_RANGE_DAYS}
                }
            )
        return period_range(start, end)
    year = (
        _number(given["year"], "year", _("Năm"), FIRST_YEAR, LAST_YEAR)
        if given["year"]
        else today.year
    )
    if given["quarter"]:
        return period_quarter(year, _number(given["quarter"], "quarter", _("Quý"), 1, 4))
    if given["half"]:
        return period_half(year, _number(given["half"], "half", _("6 tháng"), 1, 2))
    return period_year(year)
