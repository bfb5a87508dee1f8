"""The demo's notifications: a year of reminders, read, before each deadline-bound step,
and today's unread ones — for the people of each dossier's unit; loading twice adds nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from ptdv.accounts.models import Role
from ptdv.candidacies.models import CandidacyEvent, DossierAction, Stage
from ptdv.demo.notifications import demo_notifications_load
from ptdv.factories import CandidacyFactory, user_with_role
from ptdv.notifications.models import Notification

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 29)


def test_a_year_of_reminders_then_todays(tree):
    clerk = user_with_role(tree["commune_a"], Role.CLERK)
    other = user_with_role(tree["commune_b"], Role.CLERK)
    decided = CandidacyFactory(organisation=tree["cell_a1"], stage=Stage.DECIDED)
    for action, days in ((DossierAction.ADMISSION_DECISION, 40), (DossierAction.BRANCH_VOTE, 60)):
        CandidacyEvent.objects.create(
            candidacy=decided,
            action=action,
            on=TODAY - dt.timedelta(days=days),
            stage_before=Stage.COMMITTEE_RESOLVED,
            stage_after=Stage.DECIDED,
            organisation=tree["cell_a1"],
        )
    CandidacyFactory(
        organisation=tree["cell_a2"],
        stage=Stage.APPLIED,
        next_action=DossierAction.BRANCH_VOTE,
        next_due=TODAY - dt.timedelta(days=1),
    )

    added = demo_notifications_load(today=TODAY, seed=1)

    mine = Notification.objects.filter(user=clerk).order_by("created_at")
    assert added == 2 and mine.count() == 2
    past, current = mine
    # The decision's reminder (the branch vote is not a deadline-bound step), read.
    assert past.kind == "dossier_due" and past.due == TODAY - dt.timedelta(days=40)
    assert past.created_at.date() < past.due and past.read_at is not None
    assert current.kind == "dossier_overdue" and current.read_at is None
    assert not Notification.objects.filter(user=other).exists()
    assert demo_notifications_load(today=TODAY, seed=1) == 0
