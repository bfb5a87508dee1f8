"""Reads of people: the person page's row.

What a person page shows from the upper layers (dossiers, memberships, relatives) is read by
those layers' selectors (ptdv.candidacies.selectors.person_candidacies,
ptdv.members.selectors.person_memberships); the page itself lives in ptdv.documents. The name
search is ptdv.core.search.person_search_filter.
"""

from __future__ import annotations

from django.db.models import QuerySet

from ptdv.people.models import Person


def person_detail_queryset() -> QuerySet[Person]:
    """What a person page shows about the person, joined in one query (scope it with the
    policy)."""
    return Person.objects.select_related("organisation", "residence_locality")
