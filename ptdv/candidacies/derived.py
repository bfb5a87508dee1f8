"""The derived data of dossiers, kept by one hook.

Every service that changes a dossier calls `dossier_changed` once, inside its transaction,
after the rows are written (`dossiers_changed` for rows written in bulk): the search entry,
the next lawful action, the organisation counters (members, candidates), the locality
counters and the tallies follow. Nothing else writes them (no model `save()`, no admin).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from django.utils import timezone

from ptdv.candidacies.case import candidacy_refresh_next
from ptdv.candidacies.models import POOL_STAGES, Candidacy, CandidacyEvent, Stage
from ptdv.candidacies.search import candidacy_search_refresh
from ptdv.candidacies.tallies import (
    DueState,
    YieldState,
    aggregates_rows_added,
    due_state,
    tallies_candidacy_changed,
    tallies_due_changed,
    tallies_memberships_moved,
    tallies_person_changed,
    tallies_yield_changed,
    yield_state,
)
from ptdv.members.derived import MembershipSnapshot
from ptdv.members.localities import locality_residents_recount
from ptdv.members.models import MembershipStatus
from ptdv.members.retention import retention_birth_date_changed
from ptdv.organisations.models import Organisation
from ptdv.organisations.services import organisation_counters_adjust
from ptdv.people.models import Person

MEMBER_STAGES = (Stage.PROBATIONARY, Stage.OFFICIAL)


@dataclass(frozen=True)
class DossierSnapshot:
    """What the derived data depend on, as it stood before a change."""

    organisation: Organisation
    stage: str
    is_open: bool
    residence_locality_id: int | None
    decision_date: dt.date | None = None
    next_due: dt.date | None = None  # the stored deadline (the deadline tally counts it)
    # What the yield tally counts the dossier under (channel, the three dates).
    source_channel: str = ""
    opened_on: dt.date | None = None
    certificate_date: dt.date | None = None

    @classmethod
    def of(cls, candidacy: Candidacy) -> DossierSnapshot:
        return cls(
            organisation=candidacy.organisation,
            stage=candidacy.stage,
            is_open=candidacy.is_open,
            residence_locality_id=candidacy.person.residence_locality_id,
            decision_date=candidacy.decision_date,
            next_due=candidacy.next_due,
            source_channel=candidacy.source_channel,
            opened_on=candidacy.opened_on,
            certificate_date=candidacy.certificate_date,
        )

    def yield_state(self) -> YieldState:
        return (
            self.organisation.path,
            self.source_channel,
            self.opened_on,
            self.certificate_date,
            self.decision_date,
        )

    @property
    def candidate(self) -> bool:
        """Counted in the candidate pool."""
        return self.is_open and self.stage in POOL_STAGES

    @property
    def member(self) -> bool:
        """The dossier's person is a member (probationary or official)."""
        return self.stage in MEMBER_STAGES


def _counter_deltas(
    before: DossierSnapshot | None, after: DossierSnapshot
) -> dict[int, tuple[Organisation, int, int]]:
    """(organisation, members, candidates) to add, by organisation id."""
    deltas: dict[int, tuple[Organisation, int, int]] = {}
    for snapshot, sign in ((before, -1), (after, 1)):
        if snapshot is None:
            continue
        organisation = snapshot.organisation
        _, members, candidates = deltas.get(organisation.pk, (organisation, 0, 0))
        deltas[organisation.pk] = (
            organisation,
            members + sign * snapshot.member,
            candidates + sign * snapshot.candidate,
        )
    return deltas


def dossier_changed(
    candidacy: Candidacy,
    *,
    before: DossierSnapshot | None,
    event: CandidacyEvent | None = None,
    today: dt.date | None = None,
    ancestors: Sequence[Organisation] = (),
) -> None:
    """Bring every derived store up to date after one change of `candidacy` (`before`: its
    snapshot before the change, None for a new dossier; `event`: the action's event, None
    for a new dossier or a voided step — the tallies then read `before`; `ancestors`: the
    organisations of the chain the caller has read already, whose ids the tallies reuse)."""
    after = DossierSnapshot.of(candidacy)
    # The tallies add to the rows of the cell and its ancestors, keyed by organisation id:
    # one id-by-path map for all three, from the caller's chain, or read once here for a new
    # dossier (it always joins the pipeline); a tally that meets a path outside the map reads
    # what it misses itself.
    ids = {organisation.path: organisation.pk for organisation in ancestors}
    if before is None and not set(after.organisation.ancestor_paths) <= ids.keys():
        ids.update(
            Organisation.objects.filter(path__in=after.organisation.ancestor_paths).values_list(
                "path", "id"
            )
        )
    if before is None or before.organisation.pk != after.organisation.pk:
        candidacy_search_refresh(candidacy_ids=[candidacy.pk])  # the new subtree finds it
    for organisation, members, candidates in _counter_deltas(before, after).values():
        organisation_counters_adjust(
            organisation=organisation, members=members, candidates=candidates
        )
    if (before is not None and before.member) != after.member:
        locality_residents_recount([after.residence_locality_id])
    if before is not None and {before.stage, after.stage} == {Stage.PROBATIONARY, Stage.OFFICIAL}:
        # One more (or, a recognition voided, one fewer) official member changes what the
        # cell's other dossiers can do.
        Candidacy.objects.filter(organisation=candidacy.organisation, is_open=True).update(
            next_stale=True
        )
    today = today or timezone.localdate()
    if not (before is None and not candidacy.next_stale and candidacy.next_checked_on == today):
        # (A new dossier inserted with its next action of today is already up to date.)
        candidacy_refresh_next(candidacy, today)
    tallies_due_changed(
        [
            (
                None
                if before is None
                else (before.organisation.path, before.is_open, before.next_due),
                due_state(candidacy),
            )
        ],
        ids,
    )
    tallies_yield_changed(
        [(None if before is None else before.yield_state(), yield_state(candidacy))], ids
    )
    previous = None
    if event is None and before is not None:
        previous = (before.organisation.path, before.stage, before.is_open, before.decision_date)
    tallies_candidacy_changed(candidacy=candidacy, event=event, previous=previous, ids=ids)


def dossiers_changed(candidacy_ids: Iterable[int], *, tallies: bool = True) -> None:
    """The same for dossiers just written in bulk (an import, the demo): their search
    entries, the counters they add, the localities of their members and their tallies. Their
    next lawful action is left stale (`next_stale`) for the pipeline refresh to compute."""
    ids = sorted(set(candidacy_ids))
    if not ids:
        return
    candidacy_search_refresh(candidacy_ids=ids)
    members: Counter[int] = Counter()
    candidates: Counter[int] = Counter()
    localities: set[int] = set()
    for start in range(0, len(ids), 5000):
        rows = Candidacy.objects.filter(pk__in=ids[start : start + 5000]).values_list(
            "organisation_id", "stage", "is_open", "person__residence_locality_id"
        )
        for organisation_id, stage, is_open, locality_id in rows:
            if stage in MEMBER_STAGES:
                members[organisation_id] += 1
                if locality_id:
                    localities.add(locality_id)
            elif is_open and stage in POOL_STAGES:
                candidates[organisation_id] += 1
    _counters_add(members, candidates)
    locality_residents_recount(localities)
    if tallies:
        for start in range(0, len(ids), 5000):
            aggregates_rows_added(candidacy_ids=ids[start : start + 5000])


def _counters_add(members: Counter[int], candidates: Counter[int]) -> None:
    """One counter update per organisation, with the totals of the batch."""
    touched: Sequence[int] = sorted(set(members) | set(candidates))
    for organisation in Organisation.objects.filter(pk__in=touched).only("id", "path"):
        organisation_counters_adjust(
            organisation=organisation,
            members=members.get(organisation.pk, 0),
            candidates=candidates.get(organisation.pk, 0),
        )


class PersonBefore(Protocol):
    """ptdv.people.services.PersonSnapshot, as far as the dossiers' derived data read it."""

    family_name: str
    middle_name: str
    given_name: str
    residence_locality_id: int | None
    birth_date: dt.date | None


# What the admission tallies break down by (ptdv.candidacies.measures), besides the birth date
# and the target groups (which the pipeline tallies break down by too).
_TALLIED = ("gender", "ethnicity", "religion", "education", "occupation", "enterprise_type")
_TALLIED_FLAGS = ("youth_union_member",)


def person_changed(*, person_ids: Iterable[int], before: Mapping[int, PersonBefore]) -> None:
    """The listener of the "person_changed" hook (fired by ptdv.people.services.person_update):
    the candidacies' search entries when the name changed, the locality counters when the
    residence changed, the admission tallies when an attribute they break down by changed
    (a snapshot without those attributes — birth_date None — leaves them to
    `ptdv aggregates rebuild`), and the stored next lawful action of the person's open
    dossiers (the rules read the person: age, education, union membership…)."""
    ids = [pk for pk in person_ids if pk in before]
    people = Person.objects.filter(pk__in=ids)
    renamed: list[int] = []
    localities: list[int | None] = []
    for person in people:
        was = before.get(person.pk)
        if was is None:
            continue
        name = (person.family_name, person.middle_name, person.given_name)
        if (was.family_name, was.middle_name, was.given_name) != name:
            renamed.append(person.pk)  # the candidate search reads the name from the entries
        if was.residence_locality_id != person.residence_locality_id:
            # A member who moves may leave a village without members, or end one.
            localities += [was.residence_locality_id, person.residence_locality_id]
        if was.birth_date is not None and was.birth_date != person.birth_date:
            # The members' retention tally (its age bands), before the admission tallies.
            retention_birth_date_changed(
                person_id=person.pk, was=was.birth_date, now=person.birth_date
            )
        if was.birth_date is not None and _tallied_change(was, person):
            tallies_person_changed(person=person, before=was)
    if localities:
        locality_residents_recount(localities)
    if renamed:
        candidacy_search_refresh(person_ids=renamed)
    today = timezone.localdate()
    # Locked (and so read as committed): a user acting on one of these dossiers at the same
    # time finishes first, and its step is what the next action is computed from — read
    # unlocked, the step's own next action was overwritten with one from before it.
    open_dossiers = (
        Candidacy.objects.filter(person_id__in=ids, is_open=True)
        .select_related("person", "organisation")
        .select_for_update(of=("self",), no_key=True)
        .order_by("pk")
    )
    moved: list[tuple[DueState | None, DueState | None]] = []
    for candidacy in open_dossiers:
        counted = due_state(candidacy)
        candidacy_refresh_next(candidacy, today)
        moved.append((counted, due_state(candidacy)))
    tallies_due_changed(moved)


def _tallied_change(was: PersonBefore, person: Person) -> bool:
    return (
        was.birth_date != person.birth_date
        or any(
            getattr(was, name, None) != getattr(person, name) for name in _TALLIED + _TALLIED_FLAGS
        )
        or set(getattr(was, "target_groups", ()) or ()) != set(person.target_groups or ())
    )


def _tallied_path(snapshot: MembershipSnapshot | None) -> str | None:
    """Where a membership without a dossier counts its admission (the tallies' recount:
    not a transfer record), None when it does not."""
    if (
        snapshot is None
        or snapshot.candidacy_id is not None
        or snapshot.admission_decision_date is None
        or snapshot.status == MembershipStatus.TRANSFERRED_OUT
    ):
        return None
    return snapshot.organisation_path


def membership_changed(
    *, changes: Sequence[tuple[MembershipSnapshot | None, MembershipSnapshot]]
) -> None:
    """The listener of the "membership_changed" hook (fired by
    ptdv.members.derived.membership_changed, after the counters and localities): the
    admission tallies of members without a dossier, and the next action of the open dossiers
    of the cells whose official members changed (the branch vote counts them)."""
    added = [now.pk for was, now in changes if was is None and _tallied_path(now)]
    for start in range(0, len(added), 5000):
        # The members' hook has counted them in the retention tally already.
        aggregates_rows_added(membership_ids=added[start : start + 5000], retention=False)
    moved = [
        (was, now)
        for was, now in changes
        if was is not None and _tallied_path(was) != _tallied_path(now)
    ]
    if moved:
        people = Person.objects.in_bulk([now.person_id for _was, now in moved])
        tallies_memberships_moved(
            (people[now.person_id], now.admission_decision_date, _tallied_path(was), now_path)
            for was, now in moved
            if now.admission_decision_date is not None
            for now_path in (_tallied_path(now),)
        )
    cells: set[int] = set()
    for was, now in changes:
        if was is None or (was.official, was.organisation_id) != (
            now.official,
            now.organisation_id,
        ):
            if was is not None and was.official:
                cells.add(was.organisation_id)
            if now.official:
                cells.add(now.organisation_id)
    if cells:
        Candidacy.objects.filter(organisation_id__in=sorted(cells), is_open=True).update(
            next_stale=True
        )
