"""Months arithmetic and ages by month (docs/workflow.md §2, docs/rule-cases.md conventions)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ptdv.rules.engine.periods import (
    add_months,
    age_in_months,
    at_least_months,
    first_day_of_age,
    full_months_between,
    within_months,
)

D = dt.date
PROPERTY = settings(database=None, deadline=None, max_examples=300)
dates = st.dates(min_value=D(1901, 1, 1), max_value=D(2099, 12, 31))


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (D(2021, 3, 2), 60, D(2026, 3, 2)),
        (D(2020, 2, 29), 60, D(2025, 2, 28)),  # clamped to the month's last day
        (D(2020, 2, 29), 48, D(2024, 2, 29)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
        (D(2025, 3, 31), -1, D(2025, 2, 28)),
        (D(2025, 12, 15), 1, D(2026, 1, 15)),
        (D(2026, 1, 15), -13, D(2024, 12, 15)),
        (D(2026, 3, 2), 0, D(2026, 3, 2)),
    ],
)
def test_add_months(start: dt.date, months: int, end: dt.date) -> None:
    assert add_months(start, months) == end


def test_age_ignores_the_day_of_the_month() -> None:
    # docs/rule-cases.md: born 20/03/2008, a vote on 05/03/2026 gives 216 months.
    assert age_in_months(D(2008, 3, 20), D(2026, 3, 5)) == 216
    assert age_in_months(D(2008, 3, 31), D(2026, 3, 1)) == 216
    assert age_in_months(D(2008, 4, 1), D(2026, 3, 31)) == 215
    assert age_in_months(D(1965, 6, 1), D(2026, 5, 4)) == 731
    assert age_in_months(D(2030, 1, 1), D(2026, 1, 1)) == -48


def test_first_day_of_age() -> None:
    assert first_day_of_age(D(2008, 4, 15), 216) == D(2026, 4, 1)
    assert first_day_of_age(D(2008, 12, 31), 216) == D(2026, 12, 1)


def test_within_and_at_least_months_meet_on_the_end_day() -> None:
    start = D(2021, 3, 2)
    assert within_months(start, D(2026, 3, 2), 60)
    assert not within_months(start, D(2026, 3, 3), 60)
    assert at_least_months(start, D(2026, 3, 2), 60)
    assert not at_least_months(start, D(2026, 3, 1), 60)


def test_full_months_between() -> None:
    assert full_months_between(D(2020, 5, 10), D(2026, 3, 2)) == 69
    assert full_months_between(D(2021, 3, 2), D(2026, 3, 2)) == 60
    assert full_months_between(D(2021, 3, 3), D(2026, 3, 2)) == 59
    assert full_months_between(D(2026, 3, 3), D(2026, 3, 2)) == 0


@PROPERTY
@given(dates, dates, dates)
def test_age_is_monotone_in_the_date(birth: dt.date, a: dt.date, b: dt.date) -> None:
    first, second = sorted((a, b))
    assert age_in_months(birth, first) <= age_in_months(birth, second)


@PROPERTY
@given(dates, st.integers(min_value=0, max_value=1200))
def test_first_day_of_age_is_exactly_where_the_age_is_reached(birth: dt.date, m: int) -> None:
    day = first_day_of_age(birth, m)
    if day.year > 9998:
        return
    assert age_in_months(birth, day) == m
    assert age_in_months(birth, day - dt.timedelta(days=1)) == m - 1


@PROPERTY
@given(
    st.dates(min_value=D(1901, 1, 1), max_value=D(2090, 12, 31)),
    st.integers(min_value=0, max_value=120),
)
def test_add_months_lands_n_months_later_never_past_the_day(start: dt.date, n: int) -> None:
    end = add_months(start, n)
    assert (end.year - start.year) * 12 + end.month - start.month == n
    assert end.day <= start.day
    assert end.day == start.day or (end + dt.timedelta(days=1)).day == 1
    assert within_months(start, end, n) and at_least_months(start, end, n)
    assert not within_months(start, end + dt.timedelta(days=1), n)
    assert full_months_between(start, end) >= n


@PROPERTY
@given(
    st.dates(min_value=D(1901, 1, 1), max_value=D(2090, 12, 31)),
    st.integers(min_value=0, max_value=119),
)
def test_add_months_is_monotone(start: dt.date, n: int) -> None:
    assert add_months(start, n) < add_months(start, n + 1)
