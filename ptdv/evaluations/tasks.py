"""Background computation of an evaluation (django-tasks, like ptdv/exchange/tasks.py)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django_tasks import signals as _signals  # noqa: F401 - resets backends when TASKS changes
from django_tasks import task

from ptdv.evaluations.models import EvaluationRun
from ptdv.evaluations.services import evaluation_run_execute, evaluation_run_request


@task()
def evaluation_run_task(run_id: int) -> str:
    return str(evaluation_run_execute(run_id).status)


def evaluation_run_start(*, actor: Any, year: Any, organisation: Any) -> EvaluationRun:
    """Queue a run for the worker (`ptdv db_worker`); it starts once this transaction commits."""
    with transaction.atomic():
        run = evaluation_run_request(actor=actor, year=year, organisation=organisation)
        transaction.on_commit(lambda: evaluation_run_task.enqueue(run.pk))
    run.refresh_from_db()
    return run
