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
