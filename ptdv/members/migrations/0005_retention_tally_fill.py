"""Fill the retention tally from the membership rows, as `ptdv aggregates rebuild` would
(ptdv/members/retention.py, inlined as it stood: data migrations import no app code)."""

from django.db import migrations
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear

TALLY_FIRST_YEAR = 2010
PATH_STEP = 4
YEARS = (1, 2, 3, 5)
BANDS = ("18–30", "31–45", "46+")
FIELDS = ("size", "left_1", "left_2", "left_3", "left_5")


def _full_years(birth_field, date_field):
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
        output_field=IntegerField(),
    )
    return ExtractYear(date_field) - ExtractYear(birth_field) - before_birthday


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    membership = apps.get_model("members", "PartyMembership")
    tally = apps.get_model("members", "RetentionTally")
    organisation = apps.get_model("organisations", "Organisation")
    left = {
        f"left_{n}": Count(
            "id", filter=Q(status__in=["removed", "expelled"], tenure__isnull=False, tenure__lt=n)
        )
        for n in YEARS
    }
    rows = (
        membership.objects.filter(admission_decision_date__gte=f"{TALLY_FIRST_YEAR}-01-01")
        .exclude(status="transferred_out")
        .order_by()
        .annotate(
            cohort=ExtractYear("admission_decision_date"),
            age=_full_years("person__birth_date", "admission_decision_date"),
            tenure=_full_years("admission_decision_date", "exit_date"),
            band=Case(
                When(age__lte=30, then=Value(BANDS[0])),
                When(age__lte=45, then=Value(BANDS[1])),
                default=Value(BANDS[2]),
            ),
        )
        .values("organisation__path", "cohort", "band")
        .annotate(size=Count("id"), **left)
        .values_list("organisation__path", "cohort", "band", *FIELDS)
    )
    totals = {}
    for path, year, band, *values in rows.iterator(chunk_size=5000):
        for end in range(PATH_STEP, len(path) + 1, PATH_STEP):
            total = totals.setdefault((path[:end], int(year), band), [0] * len(FIELDS))
            for index, value in enumerate(values):
                total[index] += int(value or 0)
    ids = dict(organisation.objects.values_list("path", "id"))
    tally.objects.all().delete()
    tally.objects.bulk_create(
        (
            tally(
                organisation_id=ids[path],
                year=year,
                band=band,
                **dict(zip(FIELDS, values, strict=True)),
            )
            for (path, year, band), values in totals.items()
            if path in ids
        ),
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [("members", "0004_retention_tally")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
