"""The one calendar every service, view and command uses: the `holidays` package's Vietnam
calendar plus the adjustments administrators stored."""

from __future__ import annotations

from django.db import DatabaseError

from ptdv.rules.engine import WorkingCalendar, default_calendar
from ptdv.rules.models import CalendarAdjustment

_cache: dict[str, WorkingCalendar] = {}


def rules_calendar() -> WorkingCalendar:
    """The working calendar with the stored adjustments (cached until they change)."""
    try:
        rows = tuple(
            CalendarAdjustment.objects.order_by("date").values_list("date", "is_working_day")
        )
    except DatabaseError:
        # No database configured or not migrated yet (e.g. `ptdv rules check` on a fresh
        # machine): the built-in calendar alone.
        return default_calendar()
    if not rows:
        return default_calendar()
    key = repr(rows)
    calendar = _cache.get(key)
    if calendar is None:
        _cache.clear()
        calendar = _cache[key] = WorkingCalendar(rows)
    return calendar
