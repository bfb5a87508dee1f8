"""The responsibility demo: a year of assignments and personal quotas on a small tree."""

from __future__ import annotations

import datetime as dt

import pytest

from ptdv.candidacies.models import Stage
from ptdv.demo.responsibility import responsibility_demo_load
from ptdv.factories import CandidacyFactory, MembershipFactory
from ptdv.targets.models import PlanAssignment, ResponsibilityQuota

pytestmark = pytest.mark.django_db

YEAR = 2025
TODAY = dt.date(2025, 10, 1)


def test_demo_loader_adds_assignments_and_quotas(tree):
    cell = tree["cell_a1"]
    leader = MembershipFactory(organisation=cell)
    helper = MembershipFactory(organisation=cell)
    for index in range(3):
        CandidacyFactory(
            organisation=cell,
            stage=Stage.DECIDED,
            decision_date=dt.date(YEAR, 3 + index, 1),
            responsible_leader=leader.person,
            helper=helper,
        )
    summary = responsibility_demo_load(root=tree["province"], today=TODAY, seed=1)
    assert "3 phân công" in summary
    assert PlanAssignment.objects.filter(year=YEAR, responsible_person=leader.person).count() == 3
    quota = ResponsibilityQuota.objects.get(person=leader.person, year=YEAR)
    assert 2 <= quota.number <= 4
    # Loading again adds nothing.
    responsibility_demo_load(root=tree["province"], today=TODAY, seed=1)
    assert PlanAssignment.objects.count() == 3


def test_demo_accounts_are_linked_to_responsible_people(tree, settings, client):
    """Each demo account gets the person responsible for the most open dossiers planned in
    its subtree (a different one each), so "Quần chúng tôi phụ trách" shows real rows; the
    same people every time."""
    from django.urls import reverse
    from django.utils import timezone

    from ptdv.accounts.models import User
    from ptdv.demo.accounts import demo_accounts_ensure

    settings.PTDV_DEMO = True
    year = timezone.localdate().year
    leaders = {
        key: MembershipFactory(organisation=tree[cell]).person
        for key, cell in (("a_many", "cell_a1"), ("a_few", "cell_a2"), ("b_most", "cell_b1"))
    }
    for key, cell, count in (
        ("a_many", "cell_a1", 2),
        ("a_few", "cell_a2", 1),
        ("b_most", "cell_b1", 3),
    ):
        for _index in range(count):
            PlanAssignment.objects.create(
                year=year,
                organisation=tree[cell],
                candidacy=CandidacyFactory(organisation=tree[cell], stage=Stage.APPLIED),
                responsible_person=leaders[key],
            )
    demo_accounts_ensure()
    linked = dict(
        User.objects.filter(username__startswith="demo-").values_list("username", "person_id")
    )
    assert linked == {"demo-xa": leaders["a_many"].pk, "demo-admin": leaders["b_most"].pk}
    demo_accounts_ensure()
    again = dict(
        User.objects.filter(username__startswith="demo-").values_list("username", "person_id")
    )
    assert again == linked
    client.force_login(User.objects.get(username="demo-xa"))
    text = client.get(reverse("targets:mine")).content.decode()
    assert 'id="mine-candidates"' in text and text.count("<tr") == 3  # the header and two rows
