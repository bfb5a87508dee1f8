"""The candidate search: its narrow table (`CandidacySearch`) and the name filter on it.

A query token matches the start of a word of the folded name ("nguyen" matches "Nguyễn", "ng"
matches it too). SQLite tests `search_text LIKE '% token%'`. PostgreSQL asks a GIN index of
every word's prefixes (`ptdv_word_prefixes(search_text) @> ARRAY[tokens]`, migration 0005):
an exact answer with no recheck, which stays fast for the commonest names, where a trigram
index reads long posting lists and rechecks every row.

The entries are derived data, written here from the candidacy, its person and its
organisation; `candidacy_search_mismatches` is the check (`ptdv aggregates verify`).
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.lookups import DataContains
from django.db import connection, models
from django.db.models import F, Func, QuerySet, Value

from ptdv.candidacies.models import Candidacy, CandidacySearch
from ptdv.core.text import tokens
from ptdv.organisations.models import Organisation
from ptdv.people.models import Person

_ENTRY = CandidacySearch._meta.db_table
_CANDIDACY = Candidacy._meta.db_table
_PERSON = Person._meta.db_table
_ORGANISATION = Organisation._meta.db_table
_SOURCE = (
    f"FROM {_CANDIDACY} c JOIN {_PERSON} p ON p.id = c.person_id "
    f"JOIN {_ORGANISATION} o ON o.id = c.organisation_id"
)
# At most this many ids in one statement (SQLite allows 32,766 parameters).
_IDS_PER_STATEMENT = 5000
# Query tokens taken into account (the rest of a long query is ignored).
MAX_TOKENS = 8


def candidacy_search_refresh(
    *, candidacy_ids: list[int] | None = None, person_ids: list[int] | None = None
) -> int:
    """Write the search entry of every candidacy (or of those given by id or by person)
    where it is missing or differs; returns how many entries were written."""
    written = 0
    if candidacy_ids is None and person_ids is None:
        # Everything, in name order: a fresh table is then laid out as the search reads it.
        return _upsert("1 = 1 ORDER BY p.sort_key, c.id", [])
    for column, ids in (("c.id", candidacy_ids), ("c.person_id", person_ids)):
        ids = sorted(set(ids or []))
        for start in range(0, len(ids), _IDS_PER_STATEMENT):
            part = ids[start : start + _IDS_PER_STATEMENT]
            written += _upsert(f"{column} IN ({', '.join(['%s'] * len(part))})", part)
    return written


def _upsert(where: str, params: list[Any]) -> int:
    # SQLite needs the WHERE clause before ON CONFLICT (its parser's rule for INSERT SELECT).
    sql = (
        f"INSERT INTO {_ENTRY} (candidacy_id, path, search_text, sort_key) "
        f"SELECT c.id, o.path, p.search_text, p.sort_key {_SOURCE} WHERE {where} "
        "ON CONFLICT (candidacy_id) DO UPDATE SET path = excluded.path, "
        "search_text = excluded.search_text, sort_key = excluded.sort_key "
        f"WHERE {_ENTRY}.path <> excluded.path OR {_ENTRY}.search_text <> excluded.search_text "
        f"OR {_ENTRY}.sort_key <> excluded.sort_key"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)


def candidacy_search_mismatches() -> int:
    """How many candidacies have no search entry, or one that differs from the candidacy."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) {_SOURCE} LEFT JOIN {_ENTRY} e ON e.candidacy_id = c.id "
            "WHERE e.candidacy_id IS NULL OR e.path <> o.path "
            "OR e.search_text <> p.search_text OR e.sort_key <> p.sort_key"
        )
        return int(cursor.fetchone()[0])


class WordPrefixes(Func):
    """`ptdv_word_prefixes(text)`: every prefix of every word (PostgreSQL, migration 0005)."""

    function = "ptdv_word_prefixes"
    output_field = ArrayField(models.TextField())


def candidacy_name_filter(queryset: QuerySet[Any], query: str, prefix: str = "") -> QuerySet[Any]:
    """Keep the rows whose search entry (`prefix` leads from the queryset's model to the
    `CandidacySearch` fields) has every query token at the start of a word."""
    words = tokens(query)[:MAX_TOKENS]
    if not words:
        return queryset
    if connection.vendor == "postgresql":
        return queryset.filter(
            DataContains(
                WordPrefixes(F(f"{prefix}search_text")),
                Value(words, output_field=ArrayField(models.TextField())),
            )
        )
    for word in words:
        queryset = queryset.filter(**{f"{prefix}search_text__contains": " " + word})
    return queryset
