"""GET /healthz: the database and the heartbeats of the worker and the scheduler."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.utils import timezone

from ptdv.work.heartbeat import STALE_SECONDS, beat, beat_in_background
from ptdv.work.models import Heartbeat


@pytest.mark.django_db
def test_ok_when_both_processes_beat_degraded_when_one_is_stale() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded" and body["database"] == {"ok": True}
    assert body["worker"] == {"ok": False, "last": None}

    beat("worker")
    beat("scheduler")
    body = Client().get("/healthz").json()
    assert body["status"] == "ok" and body["worker"]["ok"] and body["scheduler"]["ok"]

    long_ago = timezone.now() - dt.timedelta(seconds=STALE_SECONDS + 60)
    Heartbeat.objects.filter(name="scheduler").update(at=long_ago)
    body = Client().get("/healthz").json()
    assert body["status"] == "degraded"
    assert body["worker"]["ok"] and not body["scheduler"]["ok"]
    assert body["scheduler"]["last"].startswith(timezone.localtime(long_ago).strftime("%Y-%m-%d"))


@pytest.mark.django_db
def test_down_with_503_when_the_database_is_out_of_reach() -> None:
    def fail(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")):
            return execute(sql, params, many, context)
        raise OperationalError("could not connect to server")

    with connection.execute_wrapper(fail):
        response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "down", "database": {"ok": False}}


@pytest.mark.django_db
def test_the_scheduler_beats_on_every_tick(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from django.core.management import call_command

    monkeypatch.setattr("ptdv.work.management.commands.scheduler.run_due", lambda **kw: [])
    # The loop drops stale connections; inside the test's transaction that would end it.
    monkeypatch.setattr(
        "ptdv.work.management.commands.scheduler.close_old_connections", lambda: None
    )
    call_command("scheduler", "--max-ticks", "1", stdout=io.StringIO())
    assert Heartbeat.objects.filter(name="scheduler").exists()


@pytest.mark.django_db(transaction=True)
def test_the_worker_beats_from_its_own_thread() -> None:
    stop = beat_in_background("worker", every=0.1)
    try:
        deadline = time.monotonic() + 10
        while not Heartbeat.objects.filter(name="worker").exists():
            assert time.monotonic() < deadline, "no heartbeat within 10 s"
            time.sleep(0.05)
    finally:
        stop.set()
    first = Heartbeat.objects.get(name="worker").at
    assert timezone.now() - first < dt.timedelta(seconds=10)


@pytest.mark.django_db
def test_metrics_for_a_root_administrator_or_the_scraper_token_only(tree, settings) -> None:
    from ptdv.accounts.models import Role
    from ptdv.factories import user_with_role

    assert Client().get("/metrics").status_code == 404
    clerk = Client()
    clerk.force_login(user_with_role(tree["commune_a"], Role.ADMINISTRATOR))
    assert clerk.get("/metrics").status_code == 404  # an administrator below the root
    root = Client()
    root.force_login(user_with_role(tree["province"], Role.ADMINISTRATOR))
    response = root.get("/metrics")
    assert response.status_code == 200
    assert b"django_http_requests_total_by_method_total" in response.content

    settings.PTDV_METRICS_TOKEN = "scraper-secret-token-1234567890"
    wrong = Client().get("/metrics", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 404
    scraper = Client().get(
        "/metrics", headers={"Authorization": "Bearer scraper-secret-token-1234567890"}
    )
    assert scraper.status_code == 200 and b"django_http_responses" in scraper.content
