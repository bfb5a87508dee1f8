"""The organisations' subtree counters (`member_count`, `candidate_count`) recounted from the
rows they count — memberships and open dossiers in the pool, both above the organisations
app —: the recount of one subtree, the check and the rebuild (`ptdv aggregates
verify|rebuild`). The moves made as rows change are `organisation_counters_adjust`
(ptdv/organisations/services.py), called by the services that change them.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Count

from ptdv.candidacies.models import POOL_STAGES, Candidacy
from ptdv.members.localities import locality_counters_rebuild
from ptdv.members.models import ACTIVE_STATUSES, PartyMembership
from ptdv.organisations.models import PATH_STEP, Organisation


def organisation_recount(*, organisation: Organisation) -> dict[str, int]:
    """Subtree counts straight from the raw rows (what the stored counters must equal)."""
    members = PartyMembership.objects.filter(
        organisation__path__startswith=organisation.path, status__in=ACTIVE_STATUSES
    ).count()
    candidates = Candidacy.objects.filter(
        organisation__path__startswith=organisation.path, is_open=True, stage__in=POOL_STAGES
    ).count()
    return {"member_count": members, "candidate_count": candidates}


def organisation_counter_mismatches() -> list[dict[str, Any]]:
    """Every organisation whose stored counters differ from a recount.

    Two grouped queries for the raw own-counts, then the subtree sums are rolled up in memory
    by path prefix: no query per organisation.
    """
    own_members = dict(
        PartyMembership.objects.filter(status__in=ACTIVE_STATUSES)
        .values_list("organisation__path")
        .annotate(n=Count("id"))
        .values_list("organisation__path", "n")
    )
    own_candidates = dict(
        Candidacy.objects.filter(is_open=True, stage__in=POOL_STAGES)
        .values_list("organisation__path")
        .annotate(n=Count("id"))
        .values_list("organisation__path", "n")
    )
    totals: dict[str, list[int]] = {}
    for source, index in ((own_members, 0), (own_candidates, 1)):
        for path, n in source.items():
            for end in range(4, len(path) + 1, 4):
                totals.setdefault(path[:end], [0, 0])[index] += n
    mismatches = []
    for org_id, path, code, members, candidates in Organisation.objects.values_list(
        "id", "path", "code", "member_count", "candidate_count"
    ).iterator(chunk_size=5000):
        expected = totals.get(path, [0, 0])
        if expected != [members, candidates]:
            mismatches.append(
                {
                    "id": org_id,
                    "code": code,
                    "stored": {"member_count": members, "candidate_count": candidates},
                    "recount": {"member_count": expected[0], "candidate_count": expected[1]},
                }
            )
    return mismatches


@transaction.atomic
def organisation_counters_rebuild() -> int:
    """Recompute every subtree counter from the raw rows (the locality counters too: see
    ptdv/members/localities.py); return how many rows changed.

    Two grouped queries give each organisation's own counts; the subtree sums are rolled up
    in memory by path prefix and only the rows that differ are written, in batches. The
    organisations are locked first (PostgreSQL): a concurrent write that already adjusted a
    counter has committed before we count, and one that comes later waits for us, so no
    adjustment is lost or counted twice.
    """
    stored = list(
        Organisation.objects.select_for_update()
        .order_by()
        .values_list("id", "path", "member_count", "candidate_count")
    )
    path_of = {org_id: path for org_id, path, _m, _c in stored}
    totals: dict[str, list[int]] = {}
    own_members = (
        PartyMembership.objects.filter(status__in=ACTIVE_STATUSES)
        .order_by()
        .values_list("organisation_id")
        .annotate(n=Count("id"))
    )
    own_candidates = (
        Candidacy.objects.filter(is_open=True, stage__in=POOL_STAGES)
        .order_by()
        .values_list("organisation_id")
        .annotate(n=Count("id"))
    )
    for rows, index in ((own_members, 0), (own_candidates, 1)):
        for org_id, n in rows:
            path = path_of[org_id]
            for end in range(PATH_STEP, len(path) + 1, PATH_STEP):
                totals.setdefault(path[:end], [0, 0])[index] += n
    changed = []
    for org_id, path, members, candidates in stored:
        expected = totals.get(path, [0, 0])
        if expected != [members, candidates]:
            changed.append(
                Organisation(id=org_id, member_count=expected[0], candidate_count=expected[1])
            )
    Organisation.objects.bulk_update(changed, ["member_count", "candidate_count"], batch_size=500)
    return len(changed) + locality_counters_rebuild()
