"""The list filters, the monthly list, the statistics, the work items and the review
figures, each within the actor's scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404

from ptdv.core.review import review_sources
from ptdv.core.work import work_sources
from ptdv.obstacles import selectors, services
from ptdv.obstacles.models import Status
from ptdv.obstacles.tests.conftest import TODAY, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def mix(tree, cell_clerk, grassroots_clerk, commune_clerk, other_clerk):
    a = record(cell_clerk, tree["cell_a1"], category="pool")
    b = record(cell_clerk, tree["cell_a1"], category="pool", today=TODAY + dt.timedelta(days=1))
    c = record(commune_clerk, tree["commune_a"], category="procedure")
    foreign = record(other_clerk, tree["commune_b"], category="pool")
    services.obstacle_resolve(
        actor=cell_clerk, obstacle_id=a.pk, outcome="resolved", answer="Xong.",
        today=TODAY + dt.timedelta(days=4),
    )  # fmt: skip
    services.obstacle_escalate(actor=cell_clerk, obstacle_id=b.pk, note="Lên", today=TODAY)
    services.obstacle_resolve(
        actor=commune_clerk, obstacle_id=c.pk, outcome="declined", answer="Không thể.",
        today=TODAY + dt.timedelta(days=2),
    )  # fmt: skip
    return {"a": a, "b": b, "c": c, "foreign": foreign}


def test_list_is_scoped_and_filtered(tree, mix, cell_clerk, commune_clerk):
    F = selectors.ObstacleFilters
    ids = lambda actor, f=None: set(  # noqa: E731
        selectors.obstacle_list(actor=actor, filters=f, today=TODAY).values_list("pk", flat=True)
    )
    assert ids(cell_clerk) == {mix["a"].pk, mix["b"].pk}
    assert ids(commune_clerk) == {mix["a"].pk, mix["b"].pk, mix["c"].pk}
    assert ids(commune_clerk, F(status="declined")) == {mix["c"].pk}
    assert ids(commune_clerk, F(category="pool")) == {mix["a"].pk, mix["b"].pk}
    assert ids(commune_clerk, F(level=tree["grassroots_a"].pk)) == {mix["b"].pk}
    assert ids(commune_clerk, F(month=dt.date(2026, 3, 15))) == {
        mix["a"].pk,
        mix["b"].pk,
        mix["c"].pk,
    }
    assert ids(commune_clerk, F(month=dt.date(2026, 4, 1))) == set()
    with pytest.raises(Http404):
        ids(cell_clerk, F(level=tree["commune_b"].pk))


def test_stats_by_category(tree, mix, commune_clerk):
    rows = selectors.obstacle_stats(
        actor=commune_clerk, organisation=None, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31)
    )
    by = {r.category: r for r in rows}
    assert (by["pool"].total, by["pool"].open, by["pool"].resolved) == (2, 1, 1)
    assert by["pool"].average_days == 4.0
    assert (by["procedure"].declined, by["procedure"].average_days) == (1, None)
    assert (by[""].total, by[""].resolved, by[""].declined, by[""].open) == (3, 1, 1, 1)


def test_monthly_list(tree, mix, commune_clerk, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        report = selectors.monthly_list(
            actor=commune_clerk, organisation=tree["commune_a"].pk, month=dt.date(2026, 3, 1)
        )
    assert {o.pk for o in report.rows} == {mix["a"].pk, mix["b"].pk, mix["c"].pk}
    assert (report.recorded, report.resolved, report.declined, report.escalated) == (3, 1, 1, 1)
    assert report.open_at_end == 1
    april = selectors.monthly_list(
        actor=commune_clerk, organisation=tree["commune_a"].pk, month=dt.date(2026, 4, 1)
    )
    assert [o.pk for o in april.rows] == [mix["b"].pk]  # still open, carried over


def test_work_items(tree, mix, grassroots_clerk, cell_clerk, commune_clerk):
    waiting = work_sources()["obstacle_waiting"]
    overdue = work_sources()["obstacle_overdue"]
    assert [i.object_key for i in waiting(grassroots_clerk, TODAY)] == [f"obstacle:{mix['b'].pk}"]
    assert list(waiting(cell_clerk, TODAY)) == []
    late = TODAY + dt.timedelta(days=60)
    assert [i.object_key for i in overdue(commune_clerk, late)] == [f"obstacle:{mix['b'].pk}"]
    assert list(overdue(cell_clerk, late)) == []  # it no longer sits in the cell's subtree


def test_review_source_is_registered(tree, mix, commune_clerk):
    source = dict(review_sources()[9])["obstacles"]
    figures = source(commune_clerk, tree["commune_a"], dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    values = {f.label: f.value for f in figures}
    assert values["Số khó khăn, vướng mắc được ghi nhận"] == 3
    assert values["Đã giải quyết"] == 1
    assert values["Còn đang chờ giải quyết"] == 1
    assert Status.OPEN in dict(Status.choices)
