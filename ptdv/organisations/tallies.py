"""Adding to the subtree tallies, shared by the apps that keep one (ptdv.candidacies: the
deadline and yield tallies; ptdv.members: the retention cohorts).

A tally row holds totals for an organisation's whole subtree, keyed by the organisation and
a few more columns (a date, a year and a channel, a year and an age band); every write adds
the difference it makes to the rows of its cell and each ancestor, in its own transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection

from ptdv.organisations.models import Organisation


def tally_add(
    model: Any,
    keys: tuple[str, ...],
    fields: tuple[str, ...],
    deltas: dict[tuple[Any, ...], dict[str, int]],
    ids: dict[str, int] | None = None,
) -> None:
    """Add `deltas` ((path, *key values) → column → amount) to the rows of `model` (unique on
    the organisation and `keys`): one upsert per 500 rows, which adds to a row or creates it
    atomically on both databases — two writers never lose an add, and rows are taken in key
    order so that they never deadlock. `ids`: organisation id by path, when the caller has
    them."""
    kept = nonzero(deltas)
    if not kept:
        return
    if ids is None or any(key[0] not in ids for key in kept):
        ids = dict(
            Organisation.objects.filter(path__in={key[0] for key in kept}).values_list("path", "id")
        )
    rows = sorted(
        (ids[key[0]], *key[1:], *(columns.get(name, 0) for name in fields))
        for key, columns in kept.items()
        if key[0] in ids
    )
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(name) for name in ("organisation_id", *keys, *fields))
    conflict = ", ".join(quote(name) for name in ("organisation_id", *keys))
    adds = ", ".join(f"{quote(n)} = {table}.{quote(n)} + excluded.{quote(n)}" for n in fields)
    row_marks = "(" + ", ".join(["%s"] * (1 + len(keys) + len(fields))) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 500):
            chunk = rows[start : start + 500]
            params = [
                connection.ops.adapt_datefield_value(value) if isinstance(value, dt.date) else value
                for row in chunk
                for value in row
            ]
            cursor.execute(
                f"INSERT INTO {table} ({names}) VALUES {', '.join([row_marks] * len(chunk))} "  # noqa: S608
                f"ON CONFLICT ({conflict}) DO UPDATE SET {adds}",
                params,
            )


def nonzero(deltas: dict[Any, dict[str, int]]) -> dict[Any, dict[str, int]]:
    """The deltas without their zero columns, and without the keys left with none."""
    kept = {
        key: {name: value for name, value in columns.items() if value}
        for key, columns in deltas.items()
    }
    return {key: columns for key, columns in kept.items() if columns}
