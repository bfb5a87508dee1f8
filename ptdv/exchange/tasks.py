"""Background work of the exchange app, run by the task queue's worker (`ptdv db_worker`).

django-tasks (the backport of Django 6.0's tasks framework) with its database backend
(django-tasks-db): the queue is a table, so it works on SQLite and PostgreSQL alike and
needs no broker. Without a TASKS setting the immediate backend runs the task at once.
"""

from __future__ import annotations

from django_tasks import signals as _signals  # noqa: F401 - resets backends when TASKS changes
from django_tasks import task


@task()
def import_job_task(job_id: int) -> str:
    from ptdv.exchange.services import import_job_run

    return str(import_job_run(job_id).status)
