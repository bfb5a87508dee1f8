"""The demo's exempted and attached members: each state has the event that records it."""

from __future__ import annotations

import datetime as dt

import pytest

from ptdv.demo.membership_states import membership_states_load
from ptdv.factories import MembershipFactory, PersonFactory, make_tree
from ptdv.members.models import MembershipAction, MembershipEvent, MembershipStatus, PartyMembership

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 15)


def test_every_exemption_and_attachment_has_its_event_and_only_those_who_fit():
    cell = make_tree()["cell_a1"]
    for index in range(60):
        old = index % 2 == 0
        person = PersonFactory(
            organisation=cell, birth_date=dt.date(1940 if old else 1995, 3, 1 + index % 27)
        )
        MembershipFactory(
            organisation=cell,
            person=person,
            status=MembershipStatus.OFFICIAL,
            official_date=dt.date(1975 if old else 2020, 1, 1),
            ceremony_date=dt.date(1974 if old else 2019, 1, 1),
        )
    counts = membership_states_load(seed=3, today=TODAY)

    exempt = PartyMembership.objects.filter(exempt_from__isnull=False)
    assert counts["exempt"] == exempt.count() > 0
    assert all(m.person.birth_date.year == 1940 for m in exempt.select_related("person"))
    assert all(m.exempt_from <= TODAY for m in exempt)
    events = MembershipEvent.objects.filter(action=MembershipAction.EXEMPT)
    assert {(e.membership_id, e.date) for e in events} == {(m.pk, m.exempt_from) for m in exempt}
    attached = PartyMembership.objects.filter(attached_from__isnull=False)
    assert counts["attached"] == attached.count()
    assert {
        (e.membership_id, e.date)
        for e in MembershipEvent.objects.filter(action=MembershipAction.ATTACH)
    } == {(m.pk, m.attached_from) for m in attached}
    assert all(m.attached_note for m in attached)
