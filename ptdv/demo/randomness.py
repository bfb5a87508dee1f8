"""Small helpers for drawing dates and counts, always from an explicit `random.Random`."""

from __future__ import annotations

import calendar
import datetime as dt
import random


def stochastic_round(rng: random.Random, value: float) -> int:
    """Round so that the expected result is `value` (totals come out right on average)."""
    base = int(value)
    return base + (1 if rng.random() < value - base else 0)


def triangular(rng: random.Random, spec: tuple[int, int, int]) -> int:
    """A whole number from a (low, high, mode) triangular distribution."""
    low, high, mode = spec
    return round(rng.triangular(low, high, mode))


def day_between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    """A day from `start` to `end` inclusive (`start` when the range is empty)."""
    if end <= start:
        return start
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, clamped to the month's end (docs/workflow.md, periods)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def birth_for(rng: random.Random, on: dt.date, age: int) -> dt.date:
    """A birth date making the person `age` full years old on `on`."""
    latest = add_months(on, -12 * age)
    return latest - dt.timedelta(days=rng.randint(0, 360))
