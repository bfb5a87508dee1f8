"""Working-day calendar of Vietnam for the admission deadlines.

Working days exclude Saturdays, Sundays, Vietnam's public holidays and compensatory days off,
and include the make-up working Saturdays the government declares (docs/workflow.md §2,
"Calendars and periods"). Both come from the ``holidays`` package: its Vietnam calendar lists
the public holidays, the observed (compensatory) days and the substituted days off, and its
``weekend_workdays`` set holds the Saturdays worked in exchange (e.g. 26/04/2025 for
02/05/2025). An administrator may add adjustments on top, as data: ``(date, is_working_day)``
pairs; the last pair given for a date wins.

Deadline counting starts on the first working day after the starting event, and the due date
is the N-th working day, inclusive: ``add_working_days(start, n)``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import date, timedelta

import holidays

__all__ = [
    "FIRST_SUPPORTED_YEAR",
    "LAST_SUPPORTED_YEAR",
    "CalendarRangeError",
    "WorkingCalendar",
    "default_calendar",
]

# The holidays package carries Vietnam's lunar-calendar holidays for these years only; outside
# them it silently returns no holiday at all, so the calendar refuses rather than guess.
FIRST_SUPPORTED_YEAR = 1901
LAST_SUPPORTED_YEAR = 2100

_ONE_DAY = timedelta(days=1)
_SATURDAY = 5


class CalendarRangeError(ValueError):
    """A date outside the years the holiday data covers."""


class WorkingCalendar:
    """Vietnam's working days, with optional administrator adjustments.

    Contract:
    - ``is_working_day(d)``: an adjustment for ``d`` decides if there is one; otherwise a
      Saturday or Sunday is a working day only when it is a declared make-up working day, and
      a weekday is a working day unless it is a public holiday or a day off.
    - ``add_working_days(start, n)``: the n-th working day strictly after ``start``
      (``n == 0`` gives ``start``). Raises ``ValueError`` for a negative ``n``.
    - ``working_days_between(start, end)``: the number of working days ``d`` with
      ``start < d <= end``; negative when ``end`` is before ``start`` (so that
      ``working_days_between(s, add_working_days(s, n)) == n``).
    - Any date outside 1901–2100 raises ``CalendarRangeError``.

    Instances are safe to share between threads: the per-year data is computed once under a
    lock and never changes.
    """

    def __init__(self, adjustments: Iterable[tuple[date, bool]] = ()) -> None:
        overrides: dict[date, bool] = {}
        for day, is_working in adjustments:
            if not isinstance(day, date):
                raise TypeError("an adjustment date must be a datetime.date")
            overrides[day] = bool(is_working)
        self._overrides = overrides
        self._years: dict[int, tuple[frozenset[date], frozenset[date]]] = {}
        self._deadlines: dict[tuple[date, int], date] = {}
        self._lock = threading.Lock()

    @property
    def adjustments(self) -> tuple[tuple[date, bool], ...]:
        """The administrator adjustments in force, sorted by date."""
        return tuple(sorted(self._overrides.items()))

    def with_adjustments(self, adjustments: Iterable[tuple[date, bool]]) -> WorkingCalendar:
        """A new calendar with these adjustments applied after the current ones."""
        return WorkingCalendar([*self._overrides.items(), *adjustments])

    def _year_data(self, year: int) -> tuple[frozenset[date], frozenset[date]]:
        """(days off falling in ``year``, make-up working weekend days in ``year``)."""
        data = self._years.get(year)
        if data is not None:
            return data
        if not FIRST_SUPPORTED_YEAR <= year <= LAST_SUPPORTED_YEAR:
            raise CalendarRangeError(
                f"Lịch ngày làm việc chỉ có dữ liệu từ năm {FIRST_SUPPORTED_YEAR} "
                f"đến năm {LAST_SUPPORTED_YEAR} (năm {year})."
            )
        with self._lock:
            data = self._years.get(year)
            if data is None:
                # Neighbouring years are loaded too: a day off can be swapped for a Saturday of
                # the previous or next year (e.g. 02/01/2015 for 27/12/2014).
                years = [y for y in (year - 1, year, year + 1) if y >= FIRST_SUPPORTED_YEAR]
                source = holidays.country_holidays("VN", years=years)
                days_off = frozenset(d for d in source if d.year == year)
                make_up = frozenset(d for d in source.weekend_workdays if d.year == year)
                data = (days_off, make_up)
                self._years[year] = data
        return data

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` is a working day (see the class contract)."""
        days_off, make_up = self._year_data(day.year)
        override = self._overrides.get(day)
        if override is not None:
            return override
        if day.weekday() >= _SATURDAY:
            return day in make_up
        return day not in days_off

    def add_working_days(self, start: date, n: int) -> date:
        """The ``n``-th working day after ``start`` (``start`` itself is never counted)."""
        if n < 0:
            raise ValueError("n must not be negative")
        key = (start, n)
        # Dossiers share a handful of dates and deadlines: the pipeline refresh asks the same
        # question thousands of times. The calendar never changes once built.
        cached = self._deadlines.get(key)
        if cached is not None:
            return cached
        day = start
        remaining = n
        while remaining:
            day += _ONE_DAY
            if self.is_working_day(day):
                remaining -= 1
        if len(self._deadlines) < 100_000:
            self._deadlines[key] = day
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days ``d`` with ``start < d <= end`` (negated when ``end < start``)."""
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        day = start
        while day < end:
            day += _ONE_DAY
            if self.is_working_day(day):
                count += 1
        return count


_default: WorkingCalendar | None = None
_default_lock = threading.Lock()


def default_calendar() -> WorkingCalendar:
    """A shared calendar with the package's data and no administrator adjustment."""
    global _default
    with _default_lock:
        if _default is None:
            _default = WorkingCalendar()
        return _default
