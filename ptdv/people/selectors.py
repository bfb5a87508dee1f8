"""Reads of people: the person page's row and the accent-insensitive name filter.

What a person page shows from the upper layers (dossiers, memberships, relatives) is read by
those layers' selectors (ptdv.candidacies.selectors.person_candidacies,
ptdv.members.selectors.person_memberships); the page itself lives in ptdv.documents.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from ptdv.core.text import tokens
from ptdv.people.models import Person

# Query tokens taken into account (the rest of a long query is ignored).
MAX_TOKENS = 8


def person_detail_queryset() -> QuerySet[Person]:
    """What a person page shows about the person, joined in one query (scope it with the
    policy)."""
    return Person.objects.select_related("organisation", "residence_locality")


def word_start_filter(queryset: QuerySet[Any], words: list[str], field: str) -> QuerySet[Any]:
    """Keep the rows whose folded name `field` (" w1 w2 …", ptdv.core.text.search_text) has
    a word starting with each of `words`: `LIKE '% word%'` per word."""
    for word in words:
        queryset = queryset.filter(**{f"{field}__contains": " " + word})
    return queryset


def person_search_filter(queryset: QuerySet[Any], query: str, prefix: str = "") -> QuerySet[Any]:
    """Every folded query token must match the start of a word of the folded name."""
    return word_start_filter(queryset, tokens(query)[:MAX_TOKENS], f"{prefix}search_text")
