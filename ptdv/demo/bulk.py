"""Fast bulk inserts for the high-volume demo tables (people, memberships, candidacies).

`bulk_create` builds a model instance per row and compiles every value of every row into
one SQL string per batch (999 parameters at most on SQLite): measured on the province, that
was ~75 µs a row to instantiate plus as much again to compile — 96 s for 277,000 rows. Here
a row is a tuple written with `executemany` (one prepared statement per table and flush),
the ids are assigned by the generator — so rows can point at each other before they are
written — and each value still goes through its model field's own `get_db_prep_save`
(dates, timestamps, JSON) whenever the field needs adapting for the database in use.

On PostgreSQL the rows go in with COPY (psycopg's `cursor.copy`), and the id sequences are
moved past the assigned ids afterwards (`reset_sequences`). Foreign keys are checked at
commit (Django declares them deferrable), so a candidacy may point at a helper's membership
written in the same flush.

A table may hold its rows until told (`held`): the dossiers' events wait for the end of their
province, where their document numbers are known, so each row is written once, complete —
an UPDATE afterwards would grow every numbered row in place (page splits on SQLite, a dead
row version on PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max
from django.utils import timezone

_EMPTY_DICT = object()  # the cache key of {} (the key of [] is ())


class JSONText(str):
    """A JSON value already encoded (`json.dumps`, as Django's JSONField encodes it): a
    JSON column takes it as it is."""

    __slots__ = ()


class BulkTable:
    """Rows of one model, buffered as tuples and written with one `executemany` (COPY on
    PostgreSQL)."""

    def __init__(
        self, model: type[models.Model], *, start_id: int | None = None, held: bool = False
    ) -> None:
        self.model = model
        self.held = held  # rows wait for flush(release=True)
        meta = model._meta
        self.fields = [f for f in meta.concrete_fields if not f.primary_key]
        self.columns = [f.attname for f in self.fields]
        # A field the generator does not fill takes its model default (fields other parts of
        # the project add later keep working as long as they have one).
        self.defaults = {f.attname: f.get_default() for f in self.fields}
        now = timezone.now()
        for f in self.fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self.defaults[f.attname] = now  # one load, one creation time
        self.default_values = [self.defaults[c] for c in self.columns]
        # (position in a row, adapter) of the columns whose values need adapting.
        self.adapters: list[tuple[int, Callable[[Any], Any]]] = [
            (index + 1, adapter)
            for index, adapter in enumerate(self._adapter(f) for f in self.fields)
            if adapter is not None
        ]
        quote = connection.ops.quote_name
        columns = [meta.pk, *self.fields]
        names = ", ".join(quote(f.column) for f in columns if f.column)
        marks = ", ".join(["%s"] * (len(self.fields) + 1))
        self.sql = f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES ({marks})"  # noqa: S608
        self.copy_sql = f"COPY {quote(meta.db_table)} ({names}) FROM STDIN"
        if start_id is None:
            start_id = (model._default_manager.aggregate(top=Max("pk"))["top"] or 0) + 1
        self.next_id = start_id
        self.rows: list[tuple[Any, ...]] = []
        self.written = 0

    @staticmethod
    def _adapter(model_field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
        if not isinstance(model_field, models.DateField | models.JSONField):
            return None  # str, int, bool and None need no adapting on any backend
        # Dates and tag lists repeat a lot: adapt each distinct value once.
        if isinstance(model_field, models.JSONField):
            cache: dict[Any, Any] = {}

            def adapt(value: Any) -> Any:
                if type(value) is JSONText:
                    return str(value)
                if isinstance(value, dict):
                    if value:  # a dossier step's facts or vote: each one its own (no cache)
                        return model_field.get_db_prep_save(value, connection)
                    key: Any = _EMPTY_DICT
                elif isinstance(value, list):
                    if value and isinstance(value[0], dict):
                        return model_field.get_db_prep_save(value, connection)
                    key = tuple(value)
                else:
                    key = value
                try:
                    return cache[key]
                except KeyError:
                    cache[key] = prepared = model_field.get_db_prep_save(value, connection)
                    return prepared

            return adapt
        return _Prepared(model_field).__getitem__

    def add(self, values: Mapping[str, Any]) -> int:
        """Buffer one row and return the id it will have."""
        row_id = self.next_id
        self.next_id += 1
        self.rows.append((row_id, *map(values.get, self.columns, self.default_values)))
        return row_id

    def _index(self, row_id: int) -> int:
        """The position of a row still buffered (ids are consecutive within the buffer)."""
        index = row_id - self.rows[0][0] if self.rows else -1
        if not 0 <= index < len(self.rows):
            raise KeyError(row_id)
        return index

    def value(self, row_id: int, column: str) -> Any:
        """A value of a row not written yet."""
        return self.rows[self._index(row_id)][self.columns.index(column) + 1]

    def patch(self, row_id: int, values: Mapping[str, Any]) -> None:
        """Change values of a row not written yet."""
        index = self._index(row_id)
        row = list(self.rows[index])
        for column, value in values.items():
            row[self.columns.index(column) + 1] = value
        self.rows[index] = tuple(row)

    def set(self, row_id: int, position: int, value: Any) -> None:
        """Set one value (at `position` in the row: 1 + the column's index) of a row not
        written yet."""
        index = self._index(row_id)
        row = self.rows[index]
        self.rows[index] = (*row[:position], value, *row[position + 1 :])

    def flush(self, *, release: bool = False) -> None:
        """Write the buffered rows (a `held` table only when `release`)."""
        if not self.rows or (self.held and not release):
            return
        prepared: list[tuple[Any, ...]] = self.rows
        if self.adapters:
            # Column by column: one map() per adapted column instead of a loop per value.
            columns = list(zip(*prepared, strict=True))
            for index, adapt in self.adapters:
                columns[index] = tuple(map(adapt, columns[index]))
            prepared = list(zip(*columns, strict=True))
        if connection.vendor == "postgresql":
            connection.ensure_connection()
            with connection.connection.cursor() as cursor, cursor.copy(self.copy_sql) as copy:
                for row in prepared:
                    copy.write_row(row)
        else:
            with connection.cursor() as cursor:
                cursor.executemany(self.sql, prepared)
        self.written += len(prepared)
        self.rows = []


class _Prepared(dict[Any, Any]):
    """A field's database values of the (hashable) values met so far."""

    def __init__(self, model_field: models.Field[Any, Any]) -> None:
        super().__init__()
        self.model_field = model_field

    def __missing__(self, value: Any) -> Any:
        self[value] = prepared = self.model_field.get_db_prep_save(value, connection)
        return prepared


def reset_sequences(model_classes: Iterable[type[models.Model]]) -> None:
    """Move the id sequences of these models past the ids assigned here (PostgreSQL; a no-op
    on SQLite)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_classes))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
