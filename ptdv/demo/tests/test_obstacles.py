"""The obstacles of the demo: on a small tree, a mix of resolved, declined, escalated and
waiting ones, each with a history that starts with its recording and ends where it sits."""

from __future__ import annotations

import datetime as dt

import pytest

from ptdv.demo.obstacles import obstacles_demo_load
from ptdv.factories import CandidacyFactory
from ptdv.obstacles.models import EventKind, Obstacle, Status

pytestmark = pytest.mark.django_db


def test_the_loader_makes_a_year_of_obstacles(tree):
    for key in ("cell_a1", "cell_a2", "cell_b1", "cell_b2"):
        CandidacyFactory.create_batch(2, organisation=tree[key])
    today = dt.date(2026, 6, 30)
    summary = obstacles_demo_load(root=tree["province"], today=today, seed=3)
    assert summary.startswith("Khó khăn, vướng mắc: 4 việc")
    rows = list(Obstacle.objects.prefetch_related("events"))
    assert len(rows) == 4
    for obstacle in rows:
        events = list(obstacle.events.order_by("on", "pk"))
        assert events[0].kind == EventKind.RECORDED and events[0].level == obstacle.organisation
        assert today - dt.timedelta(days=366) <= obstacle.recorded_on <= today
        assert obstacle.level.path.startswith(tree["province"].path)
        assert obstacle.organisation.path.startswith(obstacle.level.path)
        if obstacle.status != Status.OPEN:
            assert events[-1].kind in (EventKind.RESOLVED, EventKind.DECLINED)
            assert obstacle.days_to_close == (obstacle.closed_on - obstacle.recorded_on).days
        assert obstacle.escalations == sum(
            e.kind in (EventKind.ESCALATED, EventKind.AUTO_ESCALATED) for e in events
        )
