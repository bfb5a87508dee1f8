"""The schedule of the nightly jobs, declared once, and the scheduler that runs them.

`ptdv scheduler` (started by `make run` beside `ptdv db_worker`) wakes up every TICK
seconds and runs, one after the other in the order of JOBS, every job whose time of day
(Asia/Ho_Chi_Minh) has come and that has not yet run for its period (the day, the month or
the year). A run is claimed in the database before it starts (`JobRun`, unique per job and
period), so a restarted scheduler, or a second one, never runs a job twice for a period; a
scheduler that was stopped catches up with the day's jobs when it starts again. A failed run
is tried again RETRY_MINUTES after it started, at most MAX_ATTEMPTS times; a run left "running" by a
killed process counts as failed after STALE_HOURS.

`ptdv scheduler --once [--today dd/mm/yyyy]` runs the jobs due on that day that have not
run yet, whatever the time, and exits; `ptdv scheduler --run JOB` runs one job now (a manual
run, recorded apart); `ptdv scheduler --list` shows the schedule and the last runs. Each job
is also its own command (`Job.command`).

Other apps add their jobs to JOBS (the requests' escalation and the courses' certificate
reminders: see the two lines marked below).
"""

from __future__ import annotations

import datetime as dt
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from ptdv.work.models import JobRun, RunState

TICK = 30  # seconds between two looks at the clock
RETRY_MINUTES = 30
MAX_ATTEMPTS = 3
STALE_HOURS = 6


@dataclass(frozen=True)
class Job:
    name: str
    label: str
    run: Callable[[dt.date], str]  # (today) -> a one-line summary
    at: dt.time  # local time of day from which it runs
    every: str = "daily"  # "daily", "monthly" (from day `day`), "yearly" (from `month_day`)
    day: int = 1
    month_day: Callable[[], tuple[int, int]] | None = None
    # A yearly job catches up at most this many days after its date: the yearly snapshot
    # must not freeze, in March, a tree imported since (nor an empty new deployment).
    window: int = 7
    command: str = ""  # how to run it by hand

    def due_on(self, today: dt.date) -> bool:
        if self.every == "monthly":
            return today.day >= self.day
        if self.every == "yearly":
            month, day = self.month_day() if self.month_day else (1, 1)
            start = dt.date(today.year, month, day)
            return start <= today <= start + dt.timedelta(days=self.window)
        return True

    def period(self, today: dt.date) -> str:
        if self.every == "monthly":
            return f"{today:%Y-%m}"
        if self.every == "yearly":
            return f"{today:%Y}"
        return today.isoformat()

    def when(self) -> str:
        """The schedule in words (the list, the README)."""
        at = self.at.strftime("%H:%M")
        if self.every == "monthly":
            return f"hằng tháng, từ ngày {self.day}, {at}"
        if self.every == "yearly":
            month, day = self.month_day() if self.month_day else (1, 1)
            return f"hằng năm, ngày {day:02d}/{month:02d} (bù đến {self.window} ngày), {at}"
        return f"hằng ngày, {at}"


# --- The jobs ----------------------------------------------------------------------------------


def pipeline_refresh_job(today: dt.date) -> str:
    from ptdv.candidacies.pipeline import pipeline_refresh

    stats = pipeline_refresh(today=today, full=False)
    return f"Đã tính lại {stats.examined} hồ sơ, ghi {stats.written}."


def rates_job(today: dt.date) -> str:
    from ptdv.targets.rates import conversion_rates_rebuild

    return f"Đã tính {conversion_rates_rebuild(today=today)} tỷ lệ chuyển thành kết nạp."


def snapshot_month_day() -> tuple[int, int]:
    month, day = str(getattr(settings, "PTDV_SNAPSHOT_MONTH_DAY", "01-01")).split("-")
    return int(month), int(day)


def snapshot_job(today: dt.date) -> str:
    from ptdv.targets.services import snapshot_take

    run, taken = snapshot_take(year=today.year, actor=None, today=today)
    if not taken:
        return f"Năm {run.year} đã được chốt trước đó ({run.members} đảng viên)."
    return f"Đã chốt số đảng viên năm {run.year}: {run.members}."


def dossier_notifications_job(today: dt.date) -> str:
    from ptdv.work.nightly import dossier_notifications

    return f"Đã tạo {dossier_notifications(today)} thông báo về hồ sơ đến hạn, quá hạn."


def target_notifications_job(today: dt.date) -> str:
    from ptdv.work.nightly import target_notifications

    return f"Đã tạo {target_notifications(today)} thông báo chỉ tiêu có nguy cơ không đạt."


def requests_escalate_job(today: dt.date) -> str:
    from ptdv.correspondence.services import requests_escalate

    return f"Đã chuyển cấp trên {requests_escalate(today=today)} yêu cầu quá hạn."


def obstacles_escalate_job(today: dt.date) -> str:
    from ptdv.obstacles.services import obstacles_escalate

    return f"Đã chuyển cấp trên {obstacles_escalate(today=today)} khó khăn, vướng mắc quá hạn."


def inspections_remind_job(today: dt.date) -> str:
    from ptdv.inspections.services import followups_overdue_notify

    return f"Đã nhắc {followups_overdue_notify(today=today)} lần về kiến nghị quá hạn."


def courses_remind_job(today: dt.date) -> str:
    from ptdv.courses.services import certificates_expiring_notify, courses_starting_notify

    expiring = certificates_expiring_notify(today=today)
    starting = courses_starting_notify(today=today)
    return f"Đã nhắc {expiring} giấy chứng nhận sắp hết hạn, {starting} lớp sắp khai giảng."


def digest_job(today: dt.date) -> str:
    from ptdv.work.digest import digest_send

    return f"Đã gửi {digest_send(today)} thư tổng hợp."


JOBS: list[Job] = [
    Job(
        "snapshot",
        "Chốt số đảng viên đầu năm",
        snapshot_job,
        dt.time(0, 30),
        every="yearly",
        month_day=snapshot_month_day,
        command="ptdv targets snapshot --year Y",
    ),
    Job(
        "pipeline_refresh",
        "Tính lại việc tiếp theo và thời hạn của hồ sơ (gia tăng)",
        pipeline_refresh_job,
        dt.time(1, 0),
        command="ptdv pipeline refresh --incremental",
    ),
    Job(
        "requests_escalate",
        "Chuyển yêu cầu quá hạn lên cấp trên",
        requests_escalate_job,
        dt.time(1, 30),
        command="ptdv requests escalate",
    ),
    Job(
        "obstacles_escalate",
        "Chuyển khó khăn, vướng mắc quá hạn lên cấp trên",
        obstacles_escalate_job,
        dt.time(1, 40),
        command="ptdv obstacles escalate",
    ),
    Job(
        "courses_remind",
        "Nhắc giấy chứng nhận sắp hết hạn, lớp sắp khai giảng",
        courses_remind_job,
        dt.time(1, 45),
        command="ptdv courses remind",
    ),
    Job(
        "inspections_remind",
        "Nhắc kiến nghị sau kiểm tra, giám sát quá hạn",
        inspections_remind_job,
        dt.time(1, 50),
        command="ptdv inspections remind",
    ),
    Job(
        "rates",
        "Tính lại tỷ lệ chuyển thành kết nạp",
        rates_job,
        dt.time(2, 0),
        command="ptdv targets rates",
    ),
    Job(
        "dossier_notifications",
        "Thông báo hồ sơ sắp đến hạn, quá hạn",
        dossier_notifications_job,
        dt.time(2, 30),
        command="ptdv notifications dossiers",
    ),
    Job(
        "target_notifications",
        "Thông báo chỉ tiêu có nguy cơ không đạt (theo dự báo)",
        target_notifications_job,
        dt.time(3, 0),
        every="monthly",
        day=1,
        command="ptdv notifications targets",
    ),
    Job(
        "digest",
        "Gửi thư tổng hợp hằng ngày",
        digest_job,
        dt.time(6, 30),
        command="ptdv notifications digest",
    ),
]


def job_named(name: str, jobs: Sequence[Job] | None = None) -> Job | None:
    return next((j for j in (JOBS if jobs is None else jobs) if j.name == name), None)


# --- Running -----------------------------------------------------------------------------------


def _claim(job: Job, today: dt.date, now: dt.datetime) -> JobRun | None:
    """Take the period's run for this process, or None when it is done or being run."""
    period = job.period(today)
    try:
        with transaction.atomic():
            return JobRun.objects.create(job=job.name, period=period, run_for=today, started_at=now)
    except IntegrityError:
        pass
    with transaction.atomic():
        run = (
            JobRun.objects.select_for_update()
            .filter(job=job.name, period=period, manual=False)
            .first()
        )
        if run is None or run.state == RunState.DONE or run.attempts >= MAX_ATTEMPTS:
            return None
        if run.state == RunState.RUNNING and now - run.started_at < dt.timedelta(hours=STALE_HOURS):
            return None
        if run.state == RunState.FAILED and now - run.started_at < dt.timedelta(
            minutes=RETRY_MINUTES
        ):
            return None
        run.state, run.attempts = RunState.RUNNING, run.attempts + 1
        run.started_at, run.finished_at, run.run_for = now, None, today
        run.save(update_fields=["state", "attempts", "started_at", "finished_at", "run_for"])
        return run


def _execute(job: Job, run: JobRun, today: dt.date) -> JobRun:
    try:
        message = job.run(today)
    except Exception:  # a job's failure is recorded; the scheduler goes on
        run.state, run.message = RunState.FAILED, traceback.format_exc()[-4000:]
    else:
        run.state, run.message = RunState.DONE, message
    run.finished_at = timezone.now()
    run.save(update_fields=["state", "message", "finished_at"])
    return run


def run_due(
    *,
    today: dt.date,
    now: dt.datetime | None = None,
    jobs: Sequence[Job] | None = None,
    ignore_time: bool = False,
) -> list[JobRun]:
    """Run, in order, the jobs due on `today` whose time has come (any time with
    `ignore_time`) and that have not run for their period. Answers the runs made."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    runs = []
    for job in JOBS if jobs is None else jobs:
        if not job.due_on(today):
            continue
        if not ignore_time and today == local.date() and local.time() < job.at:
            continue
        run = _claim(job, today, now)
        if run is not None:
            runs.append(_execute(job, run, today))
    return runs


def run_now(job: Job, today: dt.date) -> JobRun:
    """Run one job by hand (recorded as a manual run; the scheduled one is not affected)."""
    run = JobRun.objects.create(job=job.name, period=job.period(today), run_for=today, manual=True)
    return _execute(job, run, today)


def last_runs(jobs: Sequence[Job] | None = None) -> dict[str, JobRun]:
    """The latest run of each job (one query)."""
    names = [j.name for j in (JOBS if jobs is None else jobs)]
    latest: dict[str, JobRun] = {}
    for run in JobRun.objects.filter(job__in=names).order_by("job", "-started_at", "-pk"):
        latest.setdefault(run.job, run)
    return latest
