"""Month arithmetic for ages and periods (docs/workflow.md §2 "Calendars and periods").

- An N-month period from day D ends on the same day N months later, clamped to the last day
  of that month: "within N months" of D holds up to and including that day, "at least N
  months" since D holds from that day on.
- Age is counted in whole months from the month of birth to the month of the event; the day
  of the month is ignored (docs/rule-cases.md "Conventions"): born 20/03/2008, a vote on
  05/03/2026 gives 216 months.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date

__all__ = [
    "add_months",
    "age_in_months",
    "at_least_months",
    "first_day_of_age",
    "full_months_between",
    "within_months",
]


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` (may be negative), clamped to the end of the target month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)
    month = month0 + 1
    last = monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def age_in_months(birth: date, on: date) -> int:
    """Whole months from the month of ``birth`` to the month of ``on``, ignoring the days.

    Negative when ``on`` falls in a month before the month of birth.
    """
    return (on.year - birth.year) * 12 + (on.month - birth.month)


def first_day_of_age(birth: date, months: int) -> date:
    """The first day on which ``age_in_months(birth, day) >= months``."""
    index = birth.year * 12 + (birth.month - 1) + months
    year, month0 = divmod(index, 12)
    return date(year, month0 + 1, 1)


def within_months(start: date, on: date, months: int) -> bool:
    """Whether ``on`` is no later than the end of the ``months``-month period from ``start``."""
    return on <= add_months(start, months)


def at_least_months(start: date, on: date, months: int) -> bool:
    """Whether ``months`` full months have passed from ``start`` by ``on``."""
    return on >= add_months(start, months)


def full_months_between(start: date, end: date) -> int:
    """The largest ``n >= 0`` with ``add_months(start, n) <= end`` (0 when ``end < start``)."""
    if end < start:
        return 0
    n = (end.year - start.year) * 12 + (end.month - start.month)
    while n > 0 and add_months(start, n) > end:
        n -= 1
    return n
