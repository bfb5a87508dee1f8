"""Reads of party memberships, scoped by the access policy."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from ptdv.members.models import PartyMembership
from ptdv.members.policies import membership_policy
from ptdv.people.models import Person


def person_memberships(*, actor: Any, person: Person) -> QuerySet[PartyMembership]:
    """The person's membership records the user may see, newest first."""
    return membership_policy.visible_to(
        actor, PartyMembership.objects.filter(person=person).select_related("organisation")
    ).order_by("-ceremony_date", "-id")
