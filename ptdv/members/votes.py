"""What a cell's vote counts of its members (QĐ 294 §9.3.2): the official members, less those
temporarily attached to another organisation, and the exempted ones (who count only when they
attend: the clerk records how many were absent)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q

from ptdv.members.models import MembershipStatus, PartyMembership


@dataclass(frozen=True)
class CellMembers:
    official: int
    attached_elsewhere: int
    exempt: int


def cell_members_on(organisation_id: int, on: dt.date) -> CellMembers:
    """The cell's official members on `on` as the membership rows stand now: those attached
    elsewhere or exempted since a date on or before `on` (one query)."""
    counts = PartyMembership.objects.filter(
        organisation_id=organisation_id, status=MembershipStatus.OFFICIAL
    ).aggregate(
        official=Count("id"),
        attached=Count("id", filter=Q(attached_from__isnull=False, attached_from__lte=on)),
        exempt=Count("id", filter=Q(exempt_from__isnull=False, exempt_from__lte=on)),
    )
    return CellMembers(
        official=counts["official"] or 0,
        attached_elsewhere=counts["attached"] or 0,
        exempt=counts["exempt"] or 0,
    )
