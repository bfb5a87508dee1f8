"""The historical conversion rates the forecast reads (`ConversionRate`), rebuilt nightly
from the candidacies' event history (`ptdv targets rates`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, F, Q
from django.db.models.functions import ExtractYear, Substr

from ptdv.candidacies.models import Candidacy, CandidacyEvent
from ptdv.candidacies.tallies import roll_up
from ptdv.organisations.models import PATH_STEP, Organisation
from ptdv.targets.models import FORECAST_STAGES, ConversionRate

# --- Historical conversion rates ------------------------------------------------------------

# Years of history the rates look back on (complete years before the current one).
RATE_YEARS = 5
# A subtree needs at least this many entries into a stage in a month to have its own rate.
RATE_MIN_SAMPLE = 20
# Rates are kept for the top levels only (the root, its children, their children: a province,
# its communes and their grassroots organisations; or the country, its provinces, their
# communes): below that the history is thin and a node reads its ancestor's rate. This also
# keeps the computation to a few thousand groups at national scale.
RATE_MAX_DEPTH = 3


def _entries(first: dt.date, last: dt.date) -> Iterable[tuple[str, str, int, int, int]]:
    """(cell path, stage, month, entered, converted) of candidacies entering a forecast stage
    between `first` and `last`: registrations enter `source` on the day they open, actions
    enter the stage after them. Converted: decided later in the same calendar year."""
    same_year = Q(candidacy__decision_date__year=ExtractYear("on")) & Q(
        candidacy__decision_date__gte=F("on")
    )
    events = (
        CandidacyEvent.objects.filter(
            on__gte=first, on__lte=last, stage_after__in=FORECAST_STAGES[1:], voided=False
        )
        .exclude(stage_before=F("stage_after"))
        .order_by()
        .annotate(top=Substr("organisation__path", 1, RATE_MAX_DEPTH * PATH_STEP))
        .values_list("top", "stage_after", "on__month")
        .annotate(entered=Count("id"), converted=Count("id", filter=same_year))
    )
    yield from events
    opened_same_year = Q(decision_date__year=ExtractYear("opened_on")) & Q(
        decision_date__gte=F("opened_on")
    )
    registrations = (
        Candidacy.objects.filter(opened_on__gte=first, opened_on__lte=last)
        .order_by()
        .annotate(top=Substr("organisation__path", 1, RATE_MAX_DEPTH * PATH_STEP))
        .values_list("top", "opened_on__month")
        .annotate(entered=Count("id"), converted=Count("id", filter=opened_same_year))
    )
    for path, month, entered, converted in registrations:
        yield path, "source", month, entered, converted


@transaction.atomic
def conversion_rates_rebuild(*, today: dt.date) -> int:
    """Recompute the stored conversion rates from the last RATE_YEARS complete years; return
    how many rows are stored. Subtrees with fewer than RATE_MIN_SAMPLE entries for a stage and
    month get no row (they read their nearest ancestor's)."""
    first = dt.date(today.year - RATE_YEARS, 1, 1)
    last = dt.date(today.year - 1, 12, 31)
    totals = roll_up(
        (path, (stage, month), {"entered": entered, "converted": converted})
        for path, stage, month, entered, converted in _entries(first, last)
    )
    ids = dict(Organisation.objects.values_list("path", "id"))
    rows = [
        ConversionRate(
            organisation_id=ids[path],
            stage=stage,
            month=month,
            entered=values["entered"],
            converted=values["converted"],
            computed_on=today,
        )
        for (path, (stage, month)), values in totals.items()
        if values["entered"] >= RATE_MIN_SAMPLE and path in ids
    ]
    ConversionRate.objects.all().delete()
    ConversionRate.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
