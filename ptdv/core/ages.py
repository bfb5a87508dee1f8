"""Ages in full years, in Python and in SQL: one definition for the write hooks (which add a
row's contribution as it is written) and the grouped recounts (which must agree with them to
the day)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.db.models import Case, Q, Value, When
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear


def full_years(birth: dt.date, on: dt.date) -> int:
    """Age in full years on `on` (the birthday counts from its day)."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def age_expression(birth_field: str, date_field: str) -> Any:
    """SQL for `full_years(birth, date)`, portable between SQLite and PostgreSQL (NULL when
    either date is)."""
    before_birthday = Case(
        When(
            Q(**{f"{date_field}__month__lt": ExtractMonth(birth_field)})
            | Q(
                **{
                    f"{date_field}__month": ExtractMonth(birth_field),
                    f"{date_field}__day__lt": ExtractDay(birth_field),
                }
            ),
            then=Value(1),
        ),
        default=Value(0),
        output_field=models.IntegerField(),
    )
    return ExtractYear(date_field) - ExtractYear(birth_field) - before_birthday
