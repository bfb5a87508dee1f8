"""`ptdv scheduler`: the nightly jobs on their schedule (ptdv/work/schedule.py).

ptdv scheduler                       run until stopped (make run starts it)
ptdv scheduler --once [--today D]    run the jobs due on D that have not run, then exit
ptdv scheduler --run JOB [--today D] run one job now (a manual run)
ptdv scheduler --list                the schedule and each job's last run
"""

from __future__ import annotations

import argparse
import datetime as dt
import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections
from django.utils import timezone

from ptdv.work.heartbeat import beat_safely
from ptdv.work.models import JobRun, RunState
from ptdv.work.schedule import JOBS, TICK, job_named, last_runs, run_due, run_now


def parse_day(value: str) -> dt.date:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise CommandError(f"--today: ngày không hợp lệ “{value}”; hãy nhập dạng dd/mm/yyyy.")


class Command(BaseCommand):
    help = "Chạy các việc định kỳ (tính lại hồ sơ, thông báo, thư tổng hợp, tỷ lệ, chốt số)."

    def add_arguments(self, parser: CommandParser) -> None:
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--once", action="store_true", help="Chạy các việc đến hạn rồi thoát.")
        mode.add_argument("--run", metavar="JOB", help="Chạy ngay một việc (xem --list).")
        mode.add_argument("--list", action="store_true", help="Lịch và lần chạy gần nhất.")
        parser.add_argument("--today", help="Ngày chạy (dd/mm/yyyy), mặc định hôm nay.")
        # Tests: stop after this many looks at the clock.
        parser.add_argument("--max-ticks", type=int, default=0, help=argparse.SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        today = parse_day(options["today"]) if options.get("today") else None
        if options["list"]:
            self._list()
        elif options["run"]:
            job = job_named(options["run"])
            if job is None:
                names = ", ".join(j.name for j in JOBS)
                raise CommandError(f"Không có việc “{options['run']}”; các việc: {names}.")
            self._report([run_now(job, today or timezone.localdate())])
        elif options["once"]:
            day = today or timezone.localdate()
            runs = run_due(today=day, ignore_time=True)
            self._report(runs)
            if not runs:
                self.stdout.write(f"Không có việc nào cần chạy ngày {day:%d/%m/%Y}.")
        else:
            self._loop(options["max_ticks"])

    def _report(self, runs: list[JobRun]) -> None:
        for run in runs:
            if run.state == RunState.DONE:
                self.stdout.write(f"{run.job} ({run.period}): {run.message}")
            else:
                self.stderr.write(f"{run.job} ({run.period}): LỖI\n{run.message}")

    def _list(self) -> None:
        latest = last_runs()
        for job in JOBS:
            run = latest.get(job.name)
            last = (
                f"lần gần nhất {timezone.localtime(run.started_at):%d/%m/%Y %H:%M} "
                f"({run.get_state_display()})"
                if run
                else "chưa chạy"
            )
            self.stdout.write(f"{job.name:24} {job.when():32} {last} — {job.label}")

    def _loop(self, max_ticks: int) -> None:
        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        self.stdout.write("Bộ lập lịch đang chạy (Ctrl-C để dừng).")
        ticks = 0
        try:
            while not stopping:
                close_old_connections()  # a long-lived process: no connection kept too long
                beat_safely("scheduler")  # for /healthz (one row, every tick)
                self._report(run_due(today=timezone.localdate()))
                ticks += 1
                if max_ticks and ticks >= max_ticks:
                    break
                for _second in range(TICK):
                    if stopping:
                        break
                    time.sleep(1)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        self.stdout.write("Bộ lập lịch đã dừng.")
