"""Background work of the exchange app, run by the task queue's worker (`ptdv db_worker`).

django-tasks (the backport of Django 6.0's tasks framework) with its database backend
(django-tasks-db): the queue is a table, so it works on SQLite and PostgreSQL alike and
needs no broker. Without a TASKS setting the immediate backend runs the task at once.

The task runs a job through the services; starting a job (now or in the queue) lives here,
above both, so that the services never import the task.
"""

from __future__ import annotations

from django.db import transaction
from django_tasks import signals as _signals  # noqa: F401 - resets backends when TASKS changes
from django_tasks import task

from ptdv.exchange.models import ImportJob
from ptdv.exchange.services import BACKGROUND_THRESHOLD, import_job_rows, import_job_run


@task()
def import_job_task(job_id: int) -> str:
    return str(import_job_run(job_id).status)


def import_job_start(job: ImportJob) -> ImportJob:
    """Run a small job now; queue a large one for the worker (`ptdv db_worker`)."""
    rows = import_job_rows(job)
    ImportJob.objects.filter(pk=job.pk).update(rows_total=rows)
    if rows <= BACKGROUND_THRESHOLD:
        return import_job_run(job.pk)
    transaction.on_commit(lambda: import_job_task.enqueue(job.pk))
    job.refresh_from_db()
    return job
