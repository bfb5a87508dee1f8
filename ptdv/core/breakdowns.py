"""Breakdowns of a list by a coded field (an organisation's sector) or by a list of codes (an
organisation's area flags, a person's target groups): one grouped query each, whatever the
size of the list.

A list of codes is a JSON array stored on the row; grouping by its elements is not portable
between SQLite and PostgreSQL, so the rows are grouped by the whole array (there are few
distinct combinations: a handful of flags, ten target groups) and each combination's count
is added to every code it holds. A row counts once under each of its codes, so the counts of
a list field add up to more than the total when rows hold several codes.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet


@dataclass(frozen=True)
class BreakdownRow:
    code: str
    label: str
    count: int

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "label": self.label, "count": self.count}


def json_codes(value: Any) -> list[str]:
    """The codes of a stored JSON array (a list, or its text on a backend that returns it)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return []
    return [str(code) for code in value or [] if code]


def field_counts(queryset: QuerySet[Any], field: str) -> Counter[str]:
    """Rows per value of `field` (one grouped query)."""
    rows = queryset.order_by().values_list(field).annotate(n=Count("pk")).values_list(field, "n")
    counts: Counter[str] = Counter()
    for value, n in rows:
        counts[str(value or "")] += n
    return counts


def list_field_counts(queryset: QuerySet[Any], field: str) -> Counter[str]:
    """Rows holding each code of the JSON array `field` (one grouped query)."""
    rows = queryset.order_by().values_list(field).annotate(n=Count("pk")).values_list(field, "n")
    counts: Counter[str] = Counter()
    for value, n in rows:
        for code in set(json_codes(value)):
            counts[code] += n
    return counts


def labelled(counts: Counter[str], choices: Iterable[tuple[Any, Any]]) -> list[BreakdownRow]:
    """The counts in the order of `choices` (codes without a row are left out), then any code
    the choices do not know (kept, labelled by its code)."""
    rows: list[BreakdownRow] = []
    known: set[str] = set()
    for code, label in choices:
        known.add(str(code))
        if counts.get(str(code)):
            rows.append(BreakdownRow(str(code), str(label), counts[str(code)]))
    rows += [
        BreakdownRow(code, code or "—", n)
        for code, n in sorted(counts.items())
        if code not in known and n
    ]
    return rows
