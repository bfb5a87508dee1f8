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


def person_page_queryset() -> QuerySet[Person]:
    """`person_detail_queryset` with only the columns the person page (ptdv.documents
    .person_views) shows or checks: building the query with every column of the three
    joined tables took longer than reading the row."""
    return person_detail_queryset().only(
        "family_name",
        "middle_name",
        "given_name",
        "birth_date",
        "gender",
        "national_id_encrypted",
        "ethnicity",
        "religion",
        "education",
        "occupation",
        "workplace",
        "target_groups",
        "youth_union_member",
        "trade_union_member",
        "organisation__name",
        "organisation__path",  # the access policy's and the audit entry's
        "residence_locality__kind",
        "residence_locality__name",
    )
