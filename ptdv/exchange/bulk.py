"""Fast inserts for large imports.

`bulk_create` builds a model instance per row and compiles every value into one SQL string
per batch: measured here at ~1 ms a candidate (person + candidacy), a minute and a half for
100,000 rows. `RowWriter` sends plain tuples through one prepared INSERT with
`executemany`, adapting only the values that need it (dates, timestamps, JSON) through the
model field itself, once per distinct value. `reserve_ids` hands out primary keys before
the insert so rows can point at each other: the sequence's next values on PostgreSQL; on
SQLite the import's IMMEDIATE transaction holds the write lock, so max(id) + 1 onwards is
ours alone.

Run these only inside the import's transaction.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection, models
from django.db.models import Max
from django.utils import timezone


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    if count <= 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]
    start = (model._default_manager.aggregate(top=Max("pk"))["top"] or 0) + 1
    return list(range(start, start + count))


class RowWriter:
    """Rows of `model` given as dicts of attribute names (with the primary key when
    `with_pk`, else the database assigns it); a field left out takes its default, an
    auto_now(_add) field the time of the import."""

    def __init__(
        self, model: type[models.Model], *, with_pk: bool = True, batch: int = 5000
    ) -> None:
        meta = model._meta
        self.fields = [f for f in meta.concrete_fields if with_pk or not f.primary_key]
        self.names = [f.attname for f in self.fields]
        now = timezone.now()
        self.defaults: dict[str, Any] = {}
        for field in self.fields:
            if field.primary_key:
                continue
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                self.defaults[field.attname] = now
            else:
                # The default, else "" for text fields and None for the rest (Django's rule).
                self.defaults[field.attname] = field.get_default()
        self.adapters = [self._adapter(f) for f in self.fields]
        quote = connection.ops.quote_name
        columns = ", ".join(quote(str(f.column)) for f in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        self.sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
        self.copy_sql = f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN"
        self.batch = batch
        self.pending: list[tuple[Any, ...]] = []
        self.written = 0

    @staticmethod
    def _adapter(field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
        if isinstance(field, models.JSONField):

            def adapt_json(value: Any) -> Any:
                return field.get_db_prep_save(value, connection)

            if connection.vendor == "sqlite":
                return lambda value: None if value is None else json.dumps(value)
            return adapt_json
        if not isinstance(field, models.DateField):
            return None  # str, int, bool and None need no adapting
        cache: dict[Any, Any] = {}

        def adapt(value: Any) -> Any:
            try:
                return cache[value]
            except KeyError:
                cache[value] = adapted = field.get_db_prep_save(value, connection)
                return adapted

        return adapt

    def add(self, values: dict[str, Any]) -> None:
        row = []
        for name, adapter in zip(self.names, self.adapters, strict=True):
            value = values[name] if name in values else self.defaults.get(name)
            row.append(value if adapter is None or value is None else adapter(value))
        self.pending.append(tuple(row))
        if len(self.pending) >= self.batch:
            self.flush()

    def add_all(self, rows: Iterable[dict[str, Any]]) -> None:
        for values in rows:
            self.add(values)

    def flush(self) -> None:
        if not self.pending:
            return
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # COPY streams the rows in one command: ~10x faster than executemany, which
                # still pays a round trip per row.
                with cursor.cursor.copy(self.copy_sql) as copy:
                    for row in self.pending:
                        copy.write_row(row)
            else:
                cursor.executemany(self.sql, self.pending)
        self.written += len(self.pending)
        self.pending = []
