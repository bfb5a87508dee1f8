"""`targets_demo_load`: terms that read like the directive, snapshots, locked targets, plans."""

import datetime as dt

import pytest

from ptdv.candidacies.tallies import aggregates_mismatches
from ptdv.factories import MembershipFactory
from ptdv.targets.demo import targets_demo_load
from ptdv.targets.models import MemberSnapshot, PlanAssignment, Target, TargetState, Term
from ptdv.targets.selectors import indicators_for
from ptdv.targets.tests.scenario import TODAY, build

pytestmark = pytest.mark.django_db


def test_demo_targets(tree):
    world = build(tree)
    for year, count in ((2021, 3), (2022, 4), (2023, 4), (2024, 5), (2025, 4)):
        for _ in range(count):
            MembershipFactory(
                organisation=tree["cell_b1"],
                admission_decision_date=dt.date(year, 5, 1),
                ceremony_date=dt.date(year, 5, 20),
                official_date=dt.date(year + 1, 5, 20),
            )
    # Someone responsible for the dossier close to a vote makes it part of the year's plan.
    applied = world["applied"]
    applied.responsible_leader = world["members"]["cell_b1"][3].person
    applied.save(update_fields=["responsible_leader"])
    report = targets_demo_load(root=tree["province"], today=TODAY, seed=1)
    assert aggregates_mismatches() == []
    assert report.snapshots == [2021, 2022, 2023, 2024, 2025]  # 2026 was taken by build()
    assert MemberSnapshot.objects.filter(organisation=tree["province"]).count() == 6
    past = Term.objects.get(name="2020–2025")
    indicators = indicators_for(organisation=tree["province"], term=past, year=2025)
    assert indicators.admitted == 20
    assert indicators.congress_pro_rata == pytest.approx(0.8, abs=0.01)
    assert indicators.programmes[0]["pro_rata"] == pytest.approx(0.7, abs=0.02)  # 20 / 29
    assert indicators.average_rate == pytest.approx(20 / indicators.members_at_start_total)
    assert Term.objects.filter(name="2025–2030").exists()
    this_year = Target.objects.filter(year=TODAY.year, group="")
    assert {t.organisation.code for t in this_year} == {"P", "Xa", "Xb"}
    assert set(this_year.values_list("state", flat=True)) == {TargetState.LOCKED}
    assert Target.objects.filter(year=TODAY.year).exclude(group="").count() == 3
    assert PlanAssignment.objects.filter(candidacy=applied, year=TODAY.year).exists()
    # Again: nothing new.
    again = targets_demo_load(root=tree["province"], today=TODAY, seed=1)
    assert (again.snapshots, again.terms, again.targets, again.plans) == ([], 0, 0, 0)
