"""`ptdv worker`: the background worker — django-tasks-db's `db_worker`, same options — with a
heartbeat for /healthz. `make run` and the deployment kit start this one."""

from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from ptdv.work.heartbeat import beat_in_background


class Command(DbWorkerCommand):
    help = "Chạy việc nền (nhập dữ liệu lớn, tính toán dài) và báo tín hiệu hoạt động."

    def handle(self, *args: Any, **options: Any) -> None:
        stop = beat_in_background("worker")
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
