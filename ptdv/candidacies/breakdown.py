"""The candidate list's breakdown by sector and area flag of the dossier's cell and by
target group of the person (the list's own filters; ptdv.members.selectors.breakdown_of)."""

from __future__ import annotations

from django.db.models import QuerySet

from ptdv.candidacies.models import Candidacy
from ptdv.members.selectors import Breakdown, breakdown_of


def candidacy_breakdown(candidacies: QuerySet[Candidacy]) -> Breakdown:
    """Grouped queries over the list (`candidacy_list`), whatever its size."""
    return breakdown_of(candidacies, organisation_prefix="organisation__", person_prefix="person__")
