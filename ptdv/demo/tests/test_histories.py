"""The demo's two ways of writing the dossiers' histories give the same rows.

The national scale replays the steps with `replay(rows=True)` (each event as its column
values); the province with model instances. A sample province is loaded both ways, each in
a savepoint rolled back after its rows are read: the dossiers, events, introducers,
consents and the number register must be the same, ids included.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import models, transaction

from ptdv.candidacies.models import Candidacy, CandidacyEvent, Consent, Introducer
from ptdv.demo.generator import DemoOptions, demo_load
from ptdv.documents.models import DocumentCounter, DocumentNumber
from ptdv.organisations.models import Organisation

# Load timestamps differ from run to run; a counter's id comes from the database sequence.
SKIPPED = {
    Candidacy: {"created_at", "updated_at"},
    DocumentNumber: {"created_at"},
    DocumentCounter: {"id"},
}


def _rows(model: type[models.Model], first: int) -> list[tuple[Any, ...]]:
    """Every row of `model` in id order, its organisation ids (a transfer's target in the
    facts and the organisations in the event's before-state too) counted from the load's
    `first` (PostgreSQL's sequences do not roll back with the savepoint)."""
    skipped = SKIPPED.get(model, set())
    fields = [f for f in model._meta.concrete_fields if f.attname not in skipped]
    rows = []
    for values in model._default_manager.order_by("pk").values_list(*(f.attname for f in fields)):
        row = list(values)
        for index, field in enumerate(fields):
            if field.is_relation and field.related_model is Organisation and row[index]:
                row[index] -= first
            elif field.attname == "facts" and "organisation" in row[index]:  # a transfer's
                row[index] = {**row[index], "organisation": row[index]["organisation"] - first}
            elif field.attname == "before":  # the state a transfer left: organisation ids
                row[index] = {
                    part: {
                        key: value - first if key == "organisation_id" and value else value
                        for key, value in state.items()
                    }
                    for part, state in row[index].items()
                }
        rows.append(tuple(row))
    if model is DocumentCounter:
        rows.sort()
    return rows


def _load(*, judge: bool, rows: bool) -> dict[str, list[tuple[Any, ...]]]:
    with transaction.atomic():
        demo_load(DemoOptions(members=2500, judge=judge, event_rows=rows))
        first = Organisation.objects.order_by("pk").values_list("pk", flat=True).first() or 0
        tables = {
            model.__name__: _rows(model, first)
            for model in (
                Candidacy,
                CandidacyEvent,
                Introducer,
                Consent,
                DocumentNumber,
                DocumentCounter,
            )
        }
        transaction.set_rollback(True)
    return tables


@pytest.mark.django_db
@pytest.mark.parametrize("judge", [False, True], ids=["national", "judged"])
def test_event_rows_and_instances_give_the_same_rows(judge: bool) -> None:
    as_instances = _load(judge=judge, rows=False)
    as_rows = _load(judge=judge, rows=True)
    events = as_rows["CandidacyEvent"]
    assert len(events) > 1000 and len(as_rows["Introducer"]) > 100
    assert len(as_rows["DocumentNumber"]) > 100
    # The rows are complete: numbered documents carry their numbers, dates are dates.
    columns = [f.attname for f in CandidacyEvent._meta.concrete_fields]
    number, on = columns.index("document_number"), columns.index("on")
    assert sum(1 for row in events if row[number]) == len(as_rows["DocumentNumber"])
    assert all(isinstance(row[on], dt.date) for row in events)
    for table, expected in as_instances.items():
        assert as_rows[table] == expected, table
