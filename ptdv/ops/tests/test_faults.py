"""The worker killed in the middle of a 10,000-row import (issue 15 §4): a real `ptdv worker`
process runs the queued job on the suite's database, is killed (SIGKILL) while it writes,
and nothing of the import is there; the next worker marks the job failed, removes the
uploaded workbook, and the user's page shows it."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from ptdv.accounts.models import Role
from ptdv.exchange.tests.conftest import candidate, filled_template
from ptdv.factories import user_with_role
from ptdv.ops.backup import Place, backup

pytestmark = [pytest.mark.django_db(transaction=True)]

PTDV = str(Path(sys.executable).with_name("ptdv"))
ROWS = 10_000


def _given(i: int) -> str:
    # A name holds letters only: 7 -> "Mai Aaah".
    return "Mai " + "".join("abcdefghij"[int(d)] for d in f"{i:05d}").title()


class Target:
    """The database the worker process uses: the suite's PostgreSQL database itself, or a
    file copy of the suite's in-memory SQLite database (read back from that file)."""

    def __init__(self, tmp_path: Path) -> None:
        self.var = tmp_path / "var"
        self.sqlite = connection.vendor == "sqlite"
        if self.sqlite:
            self.file = self.var / "ptdv.sqlite3"
            backup(
                output=tmp_path / "copy",
                place=Place(database=connection.settings_dict, files={}),
            )
            self.var.mkdir(exist_ok=True)
            os.replace(tmp_path / "copy" / "database.sqlite3", self.file)
            self.url = f"sqlite:///{self.file}"
        else:
            db = connection.settings_dict
            self.url = (
                f"postgres://{db.get('USER') or ''}@{db.get('HOST') or ''}:"
                f"{db.get('PORT') or 5432}/{db['NAME']}"
            )

    def query(self, sql: str) -> Any:
        if self.sqlite:
            with sqlite3.connect(self.file, timeout=30) as db:
                return db.execute(sql).fetchone()
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone()

    def worker(self, *args: str) -> subprocess.Popen[str]:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DATABASE_URL": self.url,
            "PTDV_VAR_DIR": str(self.var),
            "PTDV_DATA_KEY": settings.PTDV_DATA_KEY,
            "PTDV_TEST_DATABASE_URL": "",
        }
        return subprocess.Popen(  # noqa: S603 (our own command)
            [PTDV, "worker", "--no-reload", "--no-startup-delay", "--interval", "0.2", *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )


def _job(target: Target, job_id: int, columns: str) -> Any:
    return target.query(f"SELECT {columns} FROM exchange_importjob WHERE id = {job_id:d}")  # noqa: S608


def test_worker_killed_while_writing_an_import_leaves_nothing(tree, tmp_path: Path) -> None:
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "var" / "private"
    clerk = user_with_role(tree["commune_a"], Role.CLERK)
    rows = [candidate(national_id=f"04230{i:07d}", given_name=_given(i)) for i in range(ROWS)]
    workbook = filled_template(tmp_path, "candidates", rows)
    client = Client()
    client.force_login(clerk)
    queue = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    with override_settings(TASKS=queue), open(workbook, "rb") as handle:
        response = client.post(reverse("exchange:index"), {"kind": "candidates", "file": handle})
    assert response.status_code in (200, 302)
    job_id, status, upload = (
        connection.cursor()
        .execute("SELECT id, status, storage_name FROM exchange_importjob")
        .fetchone()
    )
    assert status == "pending"
    target = Target(tmp_path)
    assert (settings.PRIVATE_MEDIA_ROOT / upload).exists()

    worker = target.worker()
    try:
        deadline = time.monotonic() + 240
        while _job(target, job_id, "phase")[0] != "Đang ghi dữ liệu":
            assert worker.poll() is None, worker.stdout.read() if worker.stdout else ""
            assert time.monotonic() < deadline, "the worker never started writing"
            time.sleep(0.02)
        time.sleep(0.3)  # in the middle of the write
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(30)

    count = "SELECT COUNT(*) FROM candidacies_candidacy"
    assert target.query(count)[0] == 0  # nothing of the import
    assert _job(target, job_id, "status")[0] == "running"

    # The next worker (here: one that runs the queue dry and exits) marks it failed.
    again = target.worker("--batch")
    output, _ = again.communicate(timeout=120)
    assert again.returncode == 0, output
    assert "1 việc nhập bị gián đoạn" in output
    status, message = _job(target, job_id, "status, message")
    assert status == "failed" and "gián đoạn" in message and "chưa có dữ liệu" in message
    assert target.query(count)[0] == 0
    assert not (settings.PRIVATE_MEDIA_ROOT / upload).exists()
