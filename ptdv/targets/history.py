"""The admissions of a past year for the tree as it was then.

The tallies (ptdv/candidacies/tallies.py) are subtree totals of the tree as it is: when a
commune merges into another, its cells move with their admissions of every year, so the new
commune's row counts its predecessors' admissions (the year of the merger included) and the
old communes' rows are left with nothing. A report of a past year asks the opposite: the
communes as they were, each with its own admissions. This module rebuilds them from the same
rows and the recorded moves (ptdv/organisations/history.py):

    then(H) = tally(H) + Σ own(O) · ([O under H then] − [O under H now])

over the organisations O in the subtrees of the nodes moved since (own(O) = O's tally minus
its children's). No admission is counted twice or lost: each own row is under exactly one
node of each level, then as now.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from ptdv.candidacies.measures import ADMISSION_FIELDS
from ptdv.candidacies.models import AdmissionTally
from ptdv.organisations.history import TreeOn
from ptdv.organisations.models import Organisation


def year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def admission_tallies_then(
    organisations: list[Organisation],
    year: int,
    tallies: dict[int, dict[str, int]],
    tree: TreeOn,
) -> dict[int, dict[str, int]]:
    """`tallies` (organisation id → the stored row of `year`) corrected to the tree on
    `tree.date`. A few queries, whatever the number of organisations."""
    if not tree.changed or not organisations:
        return tallies
    within = Q()
    for path in tree.moved_paths:
        within |= Q(path__startswith=path)
    affected = {
        pk: (parent, path)
        for pk, parent, path in Organisation.objects.filter(within).values_list(
            "id", "parent_id", "path"
        )
    }
    stored = {
        row[0]: [int(v) for v in row[1:]]
        for row in AdmissionTally.objects.filter(
            organisation_id__in=list(affected), year=year
        ).values_list("organisation_id", *ADMISSION_FIELDS)
    }
    own = {pk: list(values) for pk, values in stored.items()}
    for pk, (parent, _path) in affected.items():
        if parent in own and pk in stored:
            own[parent] = [a - b for a, b in zip(own[parent], stored[pk], strict=True)]
    own = {pk: values for pk, values in own.items() if any(values)}
    tree.prefetch_chains(own)
    result = {pk: dict(values) for pk, values in tallies.items()}
    for pk, values in own.items():
        then_chain = _chain(tree, pk)
        path = affected[pk][1]
        for organisation in organisations:
            sign = (organisation.pk in then_chain) - path.startswith(organisation.path)
            if sign:
                row = result.setdefault(organisation.pk, {name: 0 for name in ADMISSION_FIELDS})
                for name, value in zip(ADMISSION_FIELDS, values, strict=True):
                    row[name] = row.get(name, 0) + sign * value
    return result


def _chain(tree: TreeOn, organisation_id: int) -> set[int]:
    chain: set[int] = set()
    current: int | None = organisation_id
    while current is not None and current not in chain:
        chain.add(current)
        current = tree.parent_of(current)
    return chain
