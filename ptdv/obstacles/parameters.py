"""How long each level has to act on an obstacle before it goes up by itself.

No regulation read for PTĐV sets a time for answering a difficulty reported by a subordinate
organisation. The value is UNCONFIRMED working practice (three working weeks: a committee's
regular monthly meeting plus the time to write the answer), an administrator setting
(`PTDV_OBSTACLE_DUE_WORKING_DAYS`), counted on the project's working calendar (ptdv.rules: the
N-th working day after the day the obstacle arrives at the level, that day not counted).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from ptdv.rules.services import rules_calendar

DEFAULT_WORKING_DAYS = 15


def due_working_days() -> int:
    return int(getattr(settings, "PTDV_OBSTACLE_DUE_WORKING_DAYS", DEFAULT_WORKING_DAYS))


def due_date(arrived_on: dt.date) -> dt.date:
    """The day the level must act by, for an obstacle arriving there on `arrived_on`."""
    return rules_calendar().add_working_days(arrived_on, due_working_days())
