"""The derived data of memberships, kept by one hook.

Every service that changes memberships outside a dossier (the membership actions, the member
import) calls `membership_changed` once, inside its transaction, after the rows are written,
with the snapshots of the rows as they stood before (None for a new row): the organisations'
member counters, the localities' resident members and white flags follow here; then the
"membership_changed" hook (ptdv/core/hooks.py) lets the layers above follow (the admission
tallies of members without a dossier and the next action of the cells' open dossiers:
ptdv/candidacies/derived.py). The retention tally (ptdv/members/retention.py) follows first,
before the counters: every write path takes its rows in that order. The vote denominators are
read live from the membership rows (ptdv/candidacies/case.py).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ptdv.core import hooks
from ptdv.members.localities import locality_residents_recount
from ptdv.members.models import ACTIVE_STATUSES, MembershipStatus, PartyMembership
from ptdv.members.retention import retention_memberships_changed
from ptdv.organisations.models import Organisation
from ptdv.organisations.services import organisation_counters_adjust

CHUNK = 5000


@dataclass(frozen=True)
class MembershipSnapshot:
    """What the derived data of one membership depend on."""

    pk: int
    person_id: int
    organisation_id: int
    organisation_path: str
    status: str
    candidacy_id: int | None
    admission_decision_date: dt.date | None
    residence_locality_id: int | None
    exit_date: dt.date | None
    birth_date: dt.date | None  # the person's: the retention tally's age band

    @classmethod
    def of(cls, membership: PartyMembership) -> MembershipSnapshot:
        """Of a membership loaded with its organisation and person."""
        return cls(
            pk=membership.pk,
            person_id=membership.person_id,
            organisation_id=membership.organisation_id,
            organisation_path=membership.organisation.path,
            status=membership.status,
            candidacy_id=membership.candidacy_id,
            admission_decision_date=membership.admission_decision_date,
            residence_locality_id=membership.person.residence_locality_id,
            exit_date=membership.exit_date,
            birth_date=membership.person.birth_date,
        )

    @property
    def active(self) -> bool:
        """Counted as a member of its organisation (and a resident of its locality)."""
        return self.status in ACTIVE_STATUSES

    @property
    def official(self) -> bool:
        return self.status == MembershipStatus.OFFICIAL


def membership_changed(
    memberships: Sequence[PartyMembership],
    *,
    before: Mapping[int, MembershipSnapshot | None],
) -> None:
    """Bring every derived store up to date after `memberships` changed (each loaded with
    its organisation and person; `before[pk]`: its snapshot before, None for a new row)."""
    changes = [(before.get(m.pk), MembershipSnapshot.of(m)) for m in memberships]
    retention_memberships_changed(changes)
    members: Counter[int] = Counter()
    localities: set[int | None] = set()
    for was, now in changes:
        if was is not None and was.active:
            members[was.organisation_id] -= 1
        if now.active:
            members[now.organisation_id] += 1
        if (was is not None and was.active) != now.active:
            localities.add(now.residence_locality_id)
            if was is not None:
                localities.add(was.residence_locality_id)
    touched = sorted(pk for pk, n in members.items() if n)
    for organisation in Organisation.objects.filter(pk__in=touched).only("id", "path"):
        organisation_counters_adjust(organisation=organisation, members=members[organisation.pk])
    locality_residents_recount(localities)
    hooks.fire("membership_changed", changes=changes)


def memberships_added(membership_ids: Sequence[int]) -> None:
    """The same for memberships just written in bulk (an import), chunk by chunk."""
    ids = sorted(membership_ids)
    for start in range(0, len(ids), CHUNK):
        rows = list(
            PartyMembership.objects.filter(pk__in=ids[start : start + CHUNK]).select_related(
                "organisation", "person"
            )
        )
        membership_changed(rows, before=dict.fromkeys((m.pk for m in rows), None))
