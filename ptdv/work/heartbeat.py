"""Signs of life of the background worker and the scheduler, for /healthz (issue 15 §6).

Each long-running process writes its row of `Heartbeat` every HEARTBEAT_SECONDS: the
scheduler from its loop, the worker (`ptdv worker`, the queue's `db_worker` with a
heartbeat) from a small thread with its own connection. A row older than STALE_SECONDS
means the process is gone or cannot reach the database.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
from dataclasses import dataclass

from django.db import DatabaseError, connection
from django.utils import timezone

from ptdv.work.models import Heartbeat

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 30
STALE_SECONDS = 120
PROCESSES = ("worker", "scheduler")


def beat(name: str) -> None:
    Heartbeat.objects.update_or_create(
        name=name, defaults={"at": timezone.now(), "pid": os.getpid()}
    )


def beat_safely(name: str) -> None:
    """A beat that never stops its process: a database out of reach is just no beat."""
    try:
        beat(name)
    except DatabaseError:
        logger.warning("Không ghi được tín hiệu hoạt động của %s.", name)


def beat_in_background(name: str, every: float = HEARTBEAT_SECONDS) -> threading.Event:
    """Beat from a daemon thread until the returned event is set (or the process ends)."""
    stop = threading.Event()

    def run() -> None:
        try:
            while not stop.is_set():
                beat_safely(name)
                stop.wait(every)
        finally:
            connection.close()  # the thread's own connection

    threading.Thread(target=run, name=f"heartbeat-{name}", daemon=True).start()
    return stop


@dataclass(frozen=True)
class Pulse:
    name: str
    at: dt.datetime | None

    def fresh(self, now: dt.datetime) -> bool:
        return self.at is not None and (now - self.at).total_seconds() <= STALE_SECONDS


def pulses() -> list[Pulse]:
    seen = dict(Heartbeat.objects.filter(name__in=PROCESSES).values_list("name", "at"))
    return [Pulse(name, seen.get(name)) for name in PROCESSES]
