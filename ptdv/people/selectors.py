"""Reads about a person, each scoped by the access policy of what is read."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from ptdv.candidacies.models import Candidacy
from ptdv.candidacies.policies import candidacy_policy
from ptdv.members.models import PartyMembership
from ptdv.members.policies import membership_policy
from ptdv.people.models import Person


def person_detail_queryset() -> QuerySet[Person]:
    """What a person page shows about the person, joined in one query (scope it with the
    policy)."""
    return Person.objects.select_related("organisation", "residence_locality")


def person_candidacies(*, actor: Any, person: Person) -> QuerySet[Candidacy]:
    """The person's candidacies the user may see, newest first."""
    return candidacy_policy.visible_to(
        actor,
        Candidacy.objects.filter(person=person).select_related("organisation", "helper__person"),
    ).order_by("-opened_on", "-id")


def person_memberships(*, actor: Any, person: Person) -> QuerySet[PartyMembership]:
    """The person's membership records the user may see, newest first."""
    return membership_policy.visible_to(
        actor, PartyMembership.objects.filter(person=person).select_related("organisation")
    ).order_by("-ceremony_date", "-id")
