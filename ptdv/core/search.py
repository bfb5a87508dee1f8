"""Name search on folded text (ptdv.core.text.search_text: " w1 w2 …"), shared by every app
that searches people by name: each query token must start a word of the folded name."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from ptdv.core.text import tokens

# Query tokens taken into account (the rest of a long query is ignored).
MAX_TOKENS = 8


def word_start_filter(queryset: QuerySet[Any], words: list[str], field: str) -> QuerySet[Any]:
    """Keep the rows whose folded name `field` (" w1 w2 …", ptdv.core.text.search_text) has
    a word starting with each of `words`: `LIKE '% word%'` per word."""
    for word in words:
        queryset = queryset.filter(**{f"{field}__contains": " " + word})
    return queryset


def person_search_filter(queryset: QuerySet[Any], query: str, prefix: str = "") -> QuerySet[Any]:
    """Every folded query token must match the start of a word of the folded name."""
    return word_start_filter(queryset, tokens(query)[:MAX_TOKENS], f"{prefix}search_text")
