"""The demo's members show their admission and recognition in their history, with the
decision's document when their dossier recorded one."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count

from ptdv.members.models import MembershipAction, MembershipEvent, MembershipStatus, PartyMembership


@pytest.mark.django_db
def test_demo_members_have_their_history():
    call_command("demo", "load", "--members", "1500", "--seed", "1", stdout=StringIO())
    # Every membership has its admission step, every official one its recognition.
    assert not PartyMembership.objects.filter(
        ceremony_date__isnull=False, events__isnull=True
    ).exists()
    official = PartyMembership.objects.filter(status=MembershipStatus.OFFICIAL)
    recognised = official.filter(events__action=MembershipAction.RECOGNISE).count()
    assert recognised == official.count() > 0
    # One admission step each, never two.
    assert not (
        MembershipEvent.objects.filter(action=MembershipAction.ADMIT)
        .values("membership")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .exists()
    )
    # A member admitted through a dossier carries the decision's document.
    from_dossier = MembershipEvent.objects.filter(
        action=MembershipAction.ADMIT, membership__candidacy__isnull=False
    )
    assert from_dossier.exists()
    assert from_dossier.exclude(document_number="").exists()
