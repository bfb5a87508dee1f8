"""`ptdv worker`: the background worker — django-tasks-db's `db_worker`, same options — that
first marks failed the imports a stopped worker left running, then beats for /healthz while
it runs. `make run` and the deployment kit start this one (one per installation)."""

from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from ptdv.evaluations.services import evaluation_runs_interrupted_fail
from ptdv.exchange.services import import_jobs_interrupted_fail
from ptdv.work.heartbeat import beat_in_background


class Command(DbWorkerCommand):
    help = "Chạy việc nền (nhập dữ liệu lớn, tính toán dài) và báo tín hiệu hoạt động."

    def handle(self, *args: Any, **options: Any) -> None:
        if marked := import_jobs_interrupted_fail():
            self.stdout.write(f"Đã đánh dấu {marked} việc nhập bị gián đoạn là lỗi.")
        if marked := evaluation_runs_interrupted_fail():
            self.stdout.write(f"Đã đánh dấu {marked} lượt tính đánh giá bị gián đoạn là lỗi.")
        stop = beat_in_background("worker")
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
