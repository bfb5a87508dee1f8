"""Whether a row has any rows of another table pointing at it, as a column of its own query.

A page that lists a row's related rows (a person's relatives, a dossier's consents) spends
more on building each list's query than on reading it, and most rows have none. Asking in
the row's own query whether there are any lets the page skip the list's query for them.
An ORM `Exists()` cost about as much to build as the query it spared (its inner queryset is
resolved and compiled anew on every request); this is the same EXISTS, written as SQL from
the models' metadata.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL


def has_related(model: Any, field: str) -> RawSQL:
    """`EXISTS` a row of `model` whose foreign key `field` points at the row of the query it
    annotates: a query on the model `field` refers to, from its own (unaliased) table."""
    foreign_key = model._meta.get_field(field)
    target = foreign_key.related_model._meta
    quote = connection.ops.quote_name
    inner = quote(model._meta.db_table)
    # Names from the models' metadata only: nothing from a request reaches this SQL.
    sql = (
        f"EXISTS (SELECT 1 FROM {inner} WHERE {inner}.{quote(foreign_key.column)}"  # noqa: S608
        f" = {quote(target.db_table)}.{quote(foreign_key.target_field.column)})"
    )
    return RawSQL(sql, (), output_field=BooleanField())  # noqa: S611


def has_reverse(model: Any, related_name: str) -> RawSQL:
    """`has_related` for the rows of the reverse relation `related_name` of `model`: for a
    page that shows, by that name as its template does, rows an app above `model`'s keeps."""
    relation = model._meta.get_field(related_name)
    return has_related(relation.related_model, relation.field.name)
