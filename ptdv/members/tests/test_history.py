"""The membership history: the steps the dates give (backfill) and the dossier's steps."""

from __future__ import annotations

import datetime as dt

import pytest

from ptdv.factories import MembershipFactory
from ptdv.members.models import MembershipAction, MembershipEvent, MembershipStatus, PartyMembership
from ptdv.members.services import (
    membership_events_backfill,
    memberships_create,
)

pytestmark = pytest.mark.django_db


def actions(membership: PartyMembership) -> list[tuple[str, dt.date]]:
    return list(membership.events.order_by("date", "id").values_list("action", "date"))


def test_backfill_gives_admission_recognition_and_exit(tree):
    official = MembershipFactory(organisation=tree["cell_a1"])
    removed = MembershipFactory(
        organisation=tree["cell_a1"],
        status=MembershipStatus.REMOVED,
        official_date=None,
        exit_date=dt.date(2016, 1, 5),
        exit_reason="removed",
    )
    MembershipEvent.objects.all().delete()
    written = membership_events_backfill()
    assert written == 4
    assert actions(official) == [
        (MembershipAction.ADMIT, dt.date(2015, 3, 20)),
        (MembershipAction.RECOGNISE, dt.date(2016, 3, 20)),
    ]
    assert actions(removed) == [
        (MembershipAction.ADMIT, dt.date(2015, 3, 20)),
        (MembershipAction.REMOVE, dt.date(2016, 1, 5)),
    ]
    # A second run writes nothing: every membership has its history.
    assert membership_events_backfill() == 0


def test_bulk_creation_writes_the_history(tree):
    person = MembershipFactory(organisation=tree["cell_a1"]).person
    [created] = memberships_create(
        [
            PartyMembership(
                person=person,
                organisation=tree["cell_a2"],
                status=MembershipStatus.PROBATIONARY,
                ceremony_date=dt.date(2024, 2, 1),
            )
        ]
    )
    assert actions(created) == [(MembershipAction.ADMIT, dt.date(2024, 2, 1))]


def test_dossier_steps_write_the_history(tree):
    from ptdv.candidacies.models import Stage
    from ptdv.factories import CandidacyFactory
    from ptdv.members.services import membership_admit, membership_recognise, membership_remove

    cell = tree["cell_a1"]
    kept = CandidacyFactory(organisation=cell, stage=Stage.PROBATIONARY)
    dropped = CandidacyFactory(organisation=cell, stage=Stage.PROBATIONARY)
    first = membership_admit(
        person_id=kept.person_id,
        organisation_id=cell.pk,
        candidacy_id=kept.pk,
        decision_date=dt.date(2025, 3, 1),
        ceremony_date=dt.date(2025, 3, 20),
        readmitted=False,
    )
    second = membership_admit(
        person_id=dropped.person_id,
        organisation_id=cell.pk,
        candidacy_id=dropped.pk,
        decision_date=dt.date(2025, 3, 1),
        ceremony_date=dt.date(2025, 3, 20),
        readmitted=False,
    )
    assert membership_recognise(candidacy_id=kept.pk, official_date=dt.date(2026, 3, 20)) == 1
    assert membership_remove(candidacy_id=dropped.pk, exit_date=dt.date(2026, 2, 1)) == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.version) == (MembershipStatus.OFFICIAL, 2)
    assert actions(first) == [
        (MembershipAction.ADMIT, dt.date(2025, 3, 20)),
        (MembershipAction.RECOGNISE, dt.date(2026, 3, 20)),
    ]
    assert actions(second)[-1] == (MembershipAction.REMOVE, dt.date(2026, 2, 1))
