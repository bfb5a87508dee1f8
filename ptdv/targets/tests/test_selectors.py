"""Progress, forecast, trend, retention and indicators on a hand-built tree."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ptdv.candidacies.tallies import aggregates_rebuild
from ptdv.factories import MembershipFactory, OrganisationFactory
from ptdv.members.models import MembershipStatus
from ptdv.organisations.models import Kind
from ptdv.targets.forecast import MIN_DAYS_TO_DECISION, days_left, forecast
from ptdv.targets.models import ConversionRate
from ptdv.targets.selectors import (
    indicators_for,
    members_at_start,
    progress_children,
    progress_for,
    progress_trend,
    retention_for,
    target_suggestion,
)
from ptdv.targets.services import target_set, term_create
from ptdv.targets.tests.scenario import TODAY, YEAR, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tree):
    return {"tree": tree, **build(tree)}


def test_progress_of_the_province(world):
    tree = world["tree"]
    target_set(actor=world["user"], organisation=tree["province"], year=YEAR, number=4)
    progress = progress_for(tree["province"], YEAR, TODAY)
    data = progress.to_dict()
    assert data["members_at_start"] == 35 and data["members_at_start_estimated"] is False
    assert data["admitted"] == 2 and data["target"] == 4
    assert data["admission_rate"] == pytest.approx(2 / 35)
    assert data["achievement"] == 0.5 and data["floor_rate"] == 0.03
    assert data["pipeline"] == {
        "source": 1, "trained": 0, "applied": 1, "branch_resolved": 0,
        "committee_resolved": 0, "decided": 2, "probationary": 0,
    }  # fmt: skip
    breakdown = data["breakdown"]
    assert breakdown["women"] == 1 and breakdown["ethnic_minority"] == 1
    assert breakdown["religious"] == 1 and breakdown["youth_union"] == 1
    assert breakdown["age_18_30"] == 1 and breakdown["average_age"] == (26 + 41) / 2
    assert breakdown["upper_secondary_plus"] == 2 and breakdown["college_plus"] == 1
    assert breakdown["occupation"]["worker"] == 1 and breakdown["occupation"]["other"] == 1
    assert breakdown["enterprise"] == {"private": 1, "foreign": 0}
    assert data["white_localities"] == 2  # Thôn Hai and Thôn Ba: nobody lives there
    assert data["localities_without_cell"] == 2  # Thôn Hai (none), Thôn Ba (shared)
    assert data["overdue"] == 3  # the applied one, and two ceremonies long past due
    # 32 days left: the applied candidate can still be decided, the source one cannot.
    assert data["forecast"]["upper_bound"] == 3
    assert data["forecast"]["can_reach_target"] is False
    assert 2 <= data["forecast"]["expected"] <= 3


def test_children_and_query_count_independent_of_their_number(world, django_assert_num_queries):
    tree = world["tree"]
    user = world["user"]
    rows = {
        p.organisation.code: p
        for p in progress_children(
            actor=user, organisation=tree["province"], year=YEAR, today=TODAY
        )
    }
    assert rows["Xa"].admitted == 2 and rows["Xb"].admitted == 0
    assert rows["Xa"].members_at_start == 15 and rows["Xb"].members_at_start == 20
    assert (rows["Xa"].white_localities, rows["Xb"].white_localities) == (2, 0)
    assert (rows["Xa"].overdue, rows["Xb"].overdue) == (2, 1)
    assert rows["Xb"].pipeline["source"] == 1

    def count(parent):
        with CaptureQueriesContext(connection) as ctx:
            progress_children(actor=user, organisation=parent, year=YEAR, today=TODAY)
        return len(ctx.captured_queries)

    few = count(tree["province"])
    for index in range(28):
        OrganisationFactory(parent=tree["province"], kind=Kind.COMMUNE, code=f"Y{index}")
    assert count(tree["province"]) == few


def test_members_at_start_falls_back_to_the_current_count_without_a_snapshot(world):
    tree = world["tree"]
    assert members_at_start(tree["province"], YEAR) == (35, False)
    tree["province"].refresh_from_db()
    assert members_at_start(tree["province"], YEAR + 1) == (tree["province"].member_count, True)
    progress = progress_for(tree["province"], YEAR + 1, TODAY)
    assert progress.to_dict()["members_at_start_estimated"] is True


def test_suggested_target_is_the_ceiling_of_three_percent():
    # Exactly 3% must not round up through a float error, anything above must.
    tree_root = OrganisationFactory(kind=Kind.PROVINCE, code="R")
    cell = OrganisationFactory(parent=tree_root, code="RC")
    for _ in range(100):
        MembershipFactory(organisation=cell)
    tree_root.refresh_from_db()
    assert target_suggestion(tree_root, 2030).suggested == 3
    MembershipFactory(organisation=cell)
    tree_root.refresh_from_db()
    assert target_suggestion(tree_root, 2030).suggested == 4


def test_forecast_bounds():
    pipeline = {
        "source": 10,
        "trained": 5,
        "applied": 4,
        "branch_resolved": 2,
        "committee_resolved": 1,
    }
    rates = {
        "source": 0.0,
        "trained": 0.1,
        "applied": 0.5,
        "branch_resolved": 1.0,
        "committee_resolved": 1.0,
    }
    early = forecast(
        admitted=3, target=20, pipeline=pipeline, rates=rates, year=2026, today=dt.date(2026, 3, 1)
    )
    assert early.upper_bound == 3 + 22 and early.can_reach_target is True
    assert early.expected == 9  # 3 + 0.5 + 2 + 2 + 1 = 8.5, rounded half up
    late = forecast(
        admitted=3,
        target=20,
        pipeline=pipeline,
        rates=rates,
        year=2026,
        today=dt.date(2026, 12, 29),
    )
    assert late.days_left == 2
    assert late.upper_bound == 3 + 1  # only the committee-resolved one is still possible
    assert late.can_reach_target is False
    assert late.expected <= late.upper_bound
    over = forecast(
        admitted=7,
        target=None,
        pipeline=pipeline,
        rates=rates,
        year=2025,
        today=dt.date(2026, 1, 5),
    )
    assert (over.expected, over.upper_bound, over.can_reach_target) == (7, 7, None)
    assert days_left(2026, dt.date(2026, 12, 31)) == 0
    assert min(MIN_DAYS_TO_DECISION.values()) >= 1


def test_forecast_uses_stored_rates_of_the_nearest_ancestor(world):
    tree = world["tree"]
    ConversionRate.objects.create(
        organisation=tree["province"],
        stage="applied",
        month=11,
        entered=40,
        converted=40,
        computed_on=TODAY,
    )
    progress = progress_for(tree["commune_b"], YEAR, TODAY)
    assert progress.forecast.rates["applied"] == 1.0
    assert progress.forecast.expected == 1


def test_trend(world):
    tree = world["tree"]
    target_set(actor=world["user"], organisation=tree["province"], year=YEAR, number=4)
    rows = progress_trend(tree["province"], [2015, 2025, YEAR])
    assert [r["admitted"] for r in rows] == [35, 0, 2]
    assert [r["target"] for r in rows] == [None, None, 4]
    assert rows[2]["members_at_start"] == 35 and rows[0]["members_at_start_estimated"]


def test_retention_by_age_band(tree):
    cell = tree["cell_a1"]

    def member(birth, decided, status=MembershipStatus.OFFICIAL, exit_date=None):
        m = MembershipFactory(
            organisation=cell, admission_decision_date=decided, status=status, exit_date=exit_date
        )
        m.person.birth_date = birth
        m.person.save()
        return m

    decided = dt.date(2019, 6, 1)
    member(dt.date(1995, 1, 1), decided, MembershipStatus.REMOVED, dt.date(2020, 3, 1))
    member(dt.date(1995, 1, 1), decided, MembershipStatus.EXPELLED, dt.date(2022, 8, 1))
    member(dt.date(1995, 1, 1), decided)
    member(dt.date(1995, 1, 1), decided, MembershipStatus.DECEASED, dt.date(2020, 1, 1))
    member(dt.date(1980, 1, 1), decided, MembershipStatus.REMOVED, dt.date(2024, 1, 1))
    member(dt.date(1960, 1, 1), decided)
    member(dt.date(1995, 1, 1), decided, MembershipStatus.TRANSFERRED_OUT, dt.date(2021, 1, 1))
    aggregates_rebuild()  # the factory writes rows as an import would, without the hooks
    [cohort] = retention_for(tree["province"], [2019], TODAY)
    young = cohort.bands["18–30"]
    assert young.size == 4
    assert young.left == {1: 1, 2: 1, 3: 1, 5: 2}
    assert young.share(5) == 0.5
    assert cohort.bands["31–45"].left == {1: 0, 2: 0, 3: 0, 5: 1}
    assert cohort.bands["46+"].size == 1
    assert cohort.total.size == 6
    assert all(cohort.complete.values())
    [recent] = retention_for(tree["province"], [2024], TODAY)
    assert recent.complete == {1: True, 2: False, 3: False, 5: False}


def test_indicators_of_a_term(world):
    tree = world["tree"]
    term = term_create(
        actor=world["user"],
        organisation=tree["province"],
        name="2025–2030",
        start_year=2025,
        end_year=2029,
        congress_target=10,
        programmes=[("Chương trình 18-CTr/TU", 20)],
    )
    indicators = indicators_for(organisation=tree["province"], term=term, year=YEAR)
    assert [row["year"] for row in indicators.by_year] == [2025, 2026]
    assert indicators.admitted == 2 and indicators.years_counted == 2
    assert indicators.average_per_year == 1
    assert indicators.congress_share == 0.2
    assert indicators.congress_pro_rata == pytest.approx(2 / (10 * 2 / 5))
    [programme] = indicators.programmes
    assert programme["share"] == 0.1 and programme["pro_rata"] == pytest.approx(0.25)
    assert indicators.year_rate == pytest.approx(2 / 35)
    assert indicators.estimated is True  # no snapshot of 2025
