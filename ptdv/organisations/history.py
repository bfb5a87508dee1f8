"""The tree as it was on a past date, rebuilt from the moves recorded by the tree changes
(ptdv/organisations/changes.py).

An organisation existed on a date when it was founded on or before it (`valid_from`, empty
for the founding data) and had not ended (`valid_to` after it). Its parent on that date is
the parent it left by its first move after the date, or its present parent when it has not
moved since. So `children_on(node, date)` lists the organisations that were directly under
`node` then, whatever has been merged, split or moved since.

`TreeOn` answers for one date with a fixed number of queries: the moves after the date
(a reform's worth: hundreds of rows) and the organisations they concern.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q, QuerySet

from ptdv.organisations.models import Organisation, OrganisationMove


def existed_on(date: dt.date) -> Q:
    """Organisations that existed on `date`."""
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=date)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gt=date)
    )


class TreeOn:
    """The tree on `date`: parents then, and what has moved since."""

    def __init__(self, date: dt.date) -> None:
        self.date = date
        first_move: dict[int, int | None] = {}
        self.moved_paths: list[str] = []  # present paths of the nodes moved since
        moves = OrganisationMove.objects.filter(date__gt=date).order_by("date", "id")
        for organisation_id, from_parent, path in moves.values_list(
            "organisation_id", "from_parent_id", "organisation__path"
        ):
            if organisation_id not in first_move:
                first_move[organisation_id] = from_parent
                self.moved_paths.append(path)
        self._first_move = first_move
        self._parents: dict[int, int | None] = {}

    @property
    def changed(self) -> bool:
        """Whether anything moved after the date."""
        return bool(self._first_move)

    def _load(self, ids: Iterable[int]) -> None:
        missing = [pk for pk in set(ids) if pk not in self._parents]
        if missing:
            self._parents.update(
                Organisation.objects.filter(pk__in=missing).values_list("id", "parent_id")
            )

    def parent_of(self, organisation_id: int) -> int | None:
        if organisation_id in self._first_move:
            return self._first_move[organisation_id]
        self._load([organisation_id])
        return self._parents.get(organisation_id)

    def was_under(self, organisation_id: int, ancestor_id: int) -> bool:
        """Whether `organisation_id` was in the subtree of `ancestor_id` on the date."""
        current: int | None = organisation_id
        seen: set[int] = set()
        while current is not None and current not in seen:
            if current == ancestor_id:
                return True
            seen.add(current)
            current = self.parent_of(current)
        return False

    def prefetch_chains(self, ids: Iterable[int]) -> None:
        """Load the present parents of `ids` and of all their ancestors (then and now) in
        a few queries, level by level."""
        pending = set(ids)
        while pending:
            self._load(pending)
            pending = {
                parent
                for pk in pending
                if (parent := self.parent_of(pk)) is not None and parent not in self._parents
            }

    def children(self, organisation: Organisation) -> QuerySet[Organisation]:
        """The organisations directly under `organisation` on the date."""
        candidates = set(
            Organisation.objects.filter(parent=organisation).values_list("pk", flat=True)
        ) | {pk for pk, parent in self._first_move.items() if parent == organisation.pk}
        self._load(candidates)
        ids = [pk for pk in candidates if self.parent_of(pk) == organisation.pk]
        return Organisation.objects.filter(existed_on(self.date), pk__in=ids)


def children_on(organisation: Organisation, date: dt.date) -> QuerySet[Organisation]:
    """The organisations directly under `organisation` on `date` (the tree as it was)."""
    return TreeOn(date).children(organisation).order_by("name", "id")
