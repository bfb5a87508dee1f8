"""The scheduler runs each job once per period, in order, when its time has come; a restart
(or a second scheduler) does not run it again; a failure is recorded and retried later."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from ptdv.work.models import JobRun, RunState
from ptdv.work.schedule import JOBS, Job, job_named, run_due, run_now

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 10)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.fixture
def calls():
    return []


@pytest.fixture
def jobs(calls):
    def job(name):
        def run(today):
            calls.append((name, today))
            return f"{name} xong"

        return run

    return [
        Job("early", "Sớm", job("early"), dt.time(1, 0)),
        Job("monthly", "Tháng", job("monthly"), dt.time(3, 0), every="monthly", day=1),
        Job(
            "yearly",
            "Năm",
            job("yearly"),
            dt.time(0, 30),
            every="yearly",
            month_day=lambda: (3, 8),
        ),
        Job("late", "Muộn", job("late"), dt.time(6, 30)),
    ]


def test_jobs_run_when_their_time_comes_once_per_period(jobs, calls):
    runs = run_due(today=DAY, now=at(DAY, 2), jobs=jobs)
    assert [r.job for r in runs] == ["early", "yearly"]
    assert calls == [("early", DAY), ("yearly", DAY)]
    # Later the same day, and after a "restart": only what had not run.
    assert [r.job for r in run_due(today=DAY, now=at(DAY, 7), jobs=jobs)] == ["monthly", "late"]
    assert run_due(today=DAY, now=at(DAY, 8), jobs=jobs) == []
    # The next day: the daily jobs again, not the monthly or the yearly one.
    nxt = DAY + dt.timedelta(days=1)
    assert [r.job for r in run_due(today=nxt, now=at(nxt, 7), jobs=jobs)] == ["early", "late"]
    assert set(JobRun.objects.values_list("state", flat=True)) == {RunState.DONE}
    assert JobRun.objects.get(job="monthly").period == "2026-03"
    assert JobRun.objects.get(job="yearly").period == "2026"


def test_a_run_claimed_elsewhere_is_not_run_again(jobs, calls):
    JobRun.objects.create(job="early", period=DAY.isoformat(), run_for=DAY, started_at=at(DAY, 1))
    assert "early" not in [r.job for r in run_due(today=DAY, now=at(DAY, 2), jobs=jobs)]
    # …unless it has been "running" for longer than a crashed process could take.
    later = at(DAY, 9)
    assert "early" in [r.job for r in run_due(today=DAY, now=later, jobs=jobs)]
    assert JobRun.objects.get(job="early").attempts == 2


def test_a_failure_is_recorded_and_retried(calls):
    attempts = []

    def flaky(today):
        attempts.append(today)
        if len(attempts) == 1:
            raise RuntimeError("mất kết nối")
        return "được"

    jobs = [Job("flaky", "Chập chờn", flaky, dt.time(1, 0))]
    (run,) = run_due(today=DAY, now=at(DAY, 1, 5), jobs=jobs)
    assert run.state == RunState.FAILED and "mất kết nối" in run.message
    assert run_due(today=DAY, now=at(DAY, 1, 10), jobs=jobs) == []  # too soon
    (again,) = run_due(today=DAY, now=at(DAY, 2), jobs=jobs)
    assert again.state == RunState.DONE and again.attempts == 2 and again.message == "được"


def test_a_yearly_job_waits_for_its_day_and_catches_up_a_week():
    job = Job("y", "y", lambda d: "", dt.time(0, 30), every="yearly", month_day=lambda: (3, 15))
    assert not job.due_on(DAY) and job.due_on(dt.date(2026, 3, 15))
    assert job.due_on(dt.date(2026, 3, 22)) and job.period(dt.date(2026, 3, 22)) == "2026"
    # Later in the year it does not run: a snapshot of a tree imported since would be wrong.
    assert not job.due_on(dt.date(2026, 3, 23)) and not job.due_on(dt.date(2026, 12, 1))


def test_manual_runs_do_not_take_the_scheduled_one(jobs, calls):
    run_now(job_named("early", jobs), DAY)
    assert [r.job for r in run_due(today=DAY, now=at(DAY, 2), jobs=jobs)] == ["early", "yearly"]
    assert JobRun.objects.filter(job="early").count() == 2


def test_the_declared_schedule():
    names = [j.name for j in JOBS]
    assert names.index("pipeline_refresh") < names.index("dossier_notifications")
    assert names.index("dossier_notifications") < names.index("digest")
    assert {"snapshot", "rates", "target_notifications"} <= set(names)
    assert all(j.command.startswith("ptdv ") for j in JOBS)


def test_the_command_once_runs_the_day_then_nothing(tree):
    out = io.StringIO()
    call_command("scheduler", "--once", "--today", "10/03/2026", stdout=out, stderr=io.StringIO())
    ran = set(JobRun.objects.values_list("job", flat=True))
    assert {"pipeline_refresh", "rates", "dossier_notifications", "digest"} <= ran
    assert not JobRun.objects.filter(state=RunState.FAILED).exists(), list(
        JobRun.objects.filter(state=RunState.FAILED).values_list("job", "message")
    )
    again = io.StringIO()
    call_command("scheduler", "--once", "--today", "10/03/2026", stdout=again)
    assert "Không có việc nào cần chạy ngày 10/03/2026" in again.getvalue()
    listing = io.StringIO()
    call_command("scheduler", "--list", stdout=listing)
    assert "pipeline_refresh" in listing.getvalue() and "Xong" in listing.getvalue()
    with pytest.raises(CommandError):
        call_command("scheduler", "--run", "khong-co")
    with pytest.raises(CommandError):
        call_command("scheduler", "--once", "--today", "31/02/2026")


def test_the_loop_stops_after_its_ticks(monkeypatch):
    monkeypatch.setattr("ptdv.work.management.commands.scheduler.run_due", lambda **kw: [])
    out = io.StringIO()
    call_command("scheduler", "--max-ticks", "1", stdout=out)
    assert "Bộ lập lịch đã dừng" in out.getvalue()
