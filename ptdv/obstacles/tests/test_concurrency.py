"""Two users acting on the same obstacle at once: the cell's clerk resolves it while the
commune's clerk sends it up. The row lock lets the first one through; the second, waiting
for the lock, finds it closed (409) and writes nothing. Real concurrent transactions need
PostgreSQL."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections

from ptdv.accounts.models import Role
from ptdv.factories import make_tree, user_with_role
from ptdv.obstacles import services
from ptdv.obstacles.models import EventKind, Obstacle, ObstacleEvent, Status
from ptdv.obstacles.tests.conftest import TODAY, record

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs it)"
)
def test_resolve_and_escalate_at_once_one_wins(monkeypatch):
    tree = make_tree()
    first = user_with_role(tree["cell_a1"], Role.CLERK)
    second = user_with_role(tree["commune_a"], Role.CLERK)
    obstacle = record(first, tree["cell_a1"])
    locked = threading.Event()
    original = services._event

    def slow_event(obstacle_row, kind, **kwargs):
        if kwargs.get("actor") is not None and kwargs["actor"].pk == first.pk:
            locked.set()
            time.sleep(0.6)  # hold the row lock while the other user tries
        return original(obstacle_row, kind, **kwargs)

    monkeypatch.setattr(services, "_event", slow_event)
    results: dict[str, object] = {}

    def run(name, call):
        try:
            results[name] = call()
        except Exception as exc:
            results[name] = exc
        finally:
            connections.close_all()

    one = threading.Thread(
        target=run,
        args=(
            "first",
            lambda: services.obstacle_resolve(
                actor=first,
                obstacle_id=obstacle.pk,
                outcome=Status.RESOLVED,
                answer="Đã giải quyết.",
                today=TODAY,
            ),
        ),
    )
    one.start()
    assert locked.wait(5)
    two = threading.Thread(
        target=run,
        args=(
            "second",
            lambda: services.obstacle_escalate(
                actor=second, obstacle_id=obstacle.pk, note="Lên tỉnh", today=TODAY
            ),
        ),
    )
    two.start()
    one.join()
    two.join()
    assert isinstance(results["first"], Obstacle)
    assert isinstance(results["second"], services.WrongStatus)
    fresh = Obstacle.objects.get(pk=obstacle.pk)
    assert fresh.status == Status.RESOLVED and fresh.level == tree["cell_a1"]
    assert not ObstacleEvent.objects.filter(kind=EventKind.ESCALATED).exists()
