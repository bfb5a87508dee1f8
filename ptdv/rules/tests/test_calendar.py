"""The working-day calendar: the package's Vietnam data, adjustments and counting."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ptdv.rules.engine import CalendarRangeError, WorkingCalendar, default_calendar

D = dt.date
CAL = WorkingCalendar()
PROPERTY = settings(database=None, deadline=None, max_examples=200)
dates = st.dates(min_value=D(2015, 1, 1), max_value=D(2035, 12, 31))


@pytest.mark.parametrize("day", [D(2026, 2, d) for d in range(16, 21)])
def test_tet_2026_is_off(day: dt.date) -> None:
    assert not CAL.is_working_day(day)


def test_thirtieth_working_day_after_2_february_2026_is_23_march() -> None:
    # docs/rule-cases.md worked example 3.
    assert CAL.add_working_days(D(2026, 2, 2), 30) == D(2026, 3, 23)


def test_sixtieth_working_day_crosses_new_year_and_tet() -> None:
    assert CAL.add_working_days(D(2025, 12, 15), 60) == D(2026, 3, 17)
    assert CAL.add_working_days(D(2025, 12, 15), 90) == D(2026, 4, 29)


def test_make_up_saturday_is_a_working_day_and_its_swap_is_off() -> None:
    assert CAL.is_working_day(D(2025, 4, 26))  # Saturday worked for Friday 02/05/2025
    assert not CAL.is_working_day(D(2025, 5, 2))
    assert CAL.is_working_day(D(2026, 8, 22))
    assert not CAL.is_working_day(D(2026, 8, 31))
    assert CAL.add_working_days(D(2025, 4, 10), 30) == D(2025, 5, 26)


def test_compensatory_day_off_after_a_sunday_holiday() -> None:
    assert not CAL.is_working_day(D(2026, 4, 27))  # Hùng Kings on Sunday 26/04/2026


def test_plain_weekdays_and_weekends() -> None:
    assert CAL.is_working_day(D(2026, 3, 2))  # Monday
    assert not CAL.is_working_day(D(2026, 3, 7))  # Saturday
    assert not CAL.is_working_day(D(2026, 3, 8))  # Sunday
    assert not CAL.is_working_day(D(2026, 9, 2))  # National Day
    assert not CAL.is_working_day(D(2026, 11, 24))  # Vietnam Culture Day (from 2026)


def test_cross_year_substituted_saturday_is_working() -> None:
    assert CAL.is_working_day(D(2014, 12, 27))  # worked for Friday 02/01/2015
    assert not CAL.is_working_day(D(2015, 1, 2))


def test_adjustments_override_both_ways_and_last_wins() -> None:
    cal = WorkingCalendar([(D(2026, 3, 23), False), (D(2026, 3, 21), True)])
    assert not cal.is_working_day(D(2026, 3, 23))
    assert cal.is_working_day(D(2026, 3, 21))
    assert cal.add_working_days(D(2026, 2, 2), 30) == D(2026, 3, 21)
    again = cal.with_adjustments([(D(2026, 3, 23), True)])
    assert again.is_working_day(D(2026, 3, 23))
    assert again.adjustments == ((D(2026, 3, 21), True), (D(2026, 3, 23), True))
    assert CAL.is_working_day(D(2026, 3, 23))  # the base calendar is untouched


def test_adjustment_of_a_holiday_into_a_working_day() -> None:
    cal = WorkingCalendar([(D(2026, 2, 16), True)])
    assert cal.is_working_day(D(2026, 2, 16))
    assert cal.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 16)


def test_zero_and_negative_counts() -> None:
    assert CAL.add_working_days(D(2026, 3, 7), 0) == D(2026, 3, 7)
    with pytest.raises(ValueError):
        CAL.add_working_days(D(2026, 3, 7), -1)


def test_counting_starts_the_day_after_the_event() -> None:
    # An event on a Friday: the first working day is the Monday after.
    assert CAL.add_working_days(D(2026, 3, 6), 1) == D(2026, 3, 9)
    # An event on a Saturday is counted from Monday too.
    assert CAL.add_working_days(D(2026, 3, 7), 1) == D(2026, 3, 9)


def test_working_days_between() -> None:
    assert CAL.working_days_between(D(2026, 2, 2), D(2026, 3, 23)) == 30
    assert CAL.working_days_between(D(2026, 3, 23), D(2026, 2, 2)) == -30
    assert CAL.working_days_between(D(2026, 2, 13), D(2026, 2, 22)) == 0
    assert CAL.working_days_between(D(2026, 3, 2), D(2026, 3, 2)) == 0


def test_years_outside_the_holiday_data_are_refused() -> None:
    with pytest.raises(CalendarRangeError):
        CAL.is_working_day(D(2101, 1, 3))
    with pytest.raises(CalendarRangeError):
        CAL.is_working_day(D(1900, 1, 3))


def test_adjustment_dates_must_be_dates() -> None:
    with pytest.raises(TypeError):
        WorkingCalendar([("2026-03-23", False)])  # type: ignore[list-item]


def test_default_calendar_is_shared() -> None:
    assert default_calendar() is default_calendar()


@PROPERTY
@given(dates, st.integers(min_value=1, max_value=120))
def test_result_is_a_working_day_strictly_after_the_start(start: dt.date, n: int) -> None:
    due = CAL.add_working_days(start, n)
    assert due > start
    assert CAL.is_working_day(due)
    assert CAL.working_days_between(start, due) == n


@PROPERTY
@given(dates, st.integers(min_value=0, max_value=120))
def test_monotone_in_the_count(start: dt.date, n: int) -> None:
    assert CAL.add_working_days(start, n) < CAL.add_working_days(start, n + 1)


@PROPERTY
@given(dates, dates, st.integers(min_value=0, max_value=90))
def test_monotone_in_the_start(a: dt.date, b: dt.date, n: int) -> None:
    first, second = sorted((a, b))
    assert CAL.add_working_days(first, n) <= CAL.add_working_days(second, n)


@PROPERTY
@given(dates, st.integers(min_value=1, max_value=60))
def test_no_working_day_is_skipped(start: dt.date, n: int) -> None:
    due = CAL.add_working_days(start, n)
    days = [start + dt.timedelta(days=i) for i in range(1, (due - start).days + 1)]
    assert sum(CAL.is_working_day(d) for d in days) == n
