"""The write path of evaluations: a new formula version, a computation of a year.

* `formula_create` — a new version (never an edit in place), by an administrator of a root
  of the organisation tree (the formula is the same for every organisation, so that ranks
  compare like with like).
* `evaluation_compute` — the evaluation of every active organisation of a subtree for a year,
  by an administrator of the subtree's root: set-based figures (`compute.py`), the score of
  each under the formula of the year, the ranks inside each peer group (among the units of
  the subtree) and the grades; the subtree's rows of that year are replaced in one
  transaction and the run is audited.
* `evaluation_run_request` — a run queued for the background worker (the web's button).
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ptdv.audit.services import audit_record
from ptdv.core.policies import Action, Actor, role_rank_at
from ptdv.core.roles import ROLE_RANK, Role
from ptdv.evaluations.compute import component_figures, subtree_figures
from ptdv.evaluations.formula import (
    DEFAULT_COMPONENTS,
    DEFAULT_GRADES,
    grade_for,
    peer_group,
    score_of,
    validate_components,
    validate_grades,
)
from ptdv.evaluations.models import Evaluation, EvaluationRun, Formula, RunStatus
from ptdv.organisations.models import Organisation
from ptdv.organisations.policies import organisation_policy

FIRST_YEAR = 2000
LAST_YEAR = 2100
ADMIN_RANK = ROLE_RANK[Role.ADMINISTRATOR]


def may_set_formula(actor: Actor | None) -> bool:
    """An administrator of a root organisation (one without a parent)."""
    roots = Organisation.objects.filter(parent__isnull=True, valid_to__isnull=True)
    return any(
        role_rank_at(actor, path) >= ADMIN_RANK for path in roots.values_list("path", flat=True)
    )


def _check_year(year: Any, field: str = "year") -> int:
    try:
        value = int(year)
    except (TypeError, ValueError):
        raise ValidationError({field: [_("Năm phải là một số.")]}) from None
    if not FIRST_YEAR <= value <= LAST_YEAR:
        raise ValidationError(
            {field: [_("Năm phải trong khoảng %(a)s–%(b)s.") % {"a": FIRST_YEAR, "b": LAST_YEAR}]}
        )
    return value


def formula_for(year: int) -> Formula | None:
    """The version that applies to `year`: the newest one applying from that year or before."""
    return Formula.objects.filter(year_from__lte=year).order_by("-version").first()


@transaction.atomic
def formula_create(
    *,
    actor: Actor | None,
    year_from: Any,
    components: Any,
    grades: Any,
    note: str = "",
) -> Formula:
    if actor is not None and not may_set_formula(actor):
        raise PermissionDenied(_("Chỉ quản trị viên cấp cao nhất được thay đổi công thức."))
    year = _check_year(year_from, "year_from")
    errors: dict[str, list[str]] = {}
    if problems := validate_components(components):
        errors["components"] = problems
    if problems := validate_grades(grades):
        errors["grades"] = problems
    if errors:
        raise ValidationError(errors)
    # Serialise versions: the last one locked while the next number is taken.
    list(Formula.objects.select_for_update().order_by("-version")[:1])
    version = (Formula.objects.aggregate(n=Max("version"))["n"] or 0) + 1
    formula = Formula.objects.create(
        version=version,
        year_from=year,
        components=[
            {
                **{k: v for k, v in item.items() if k in ("code", "days")},
                "weight": float(item["weight"]),
                "full": float(item["full"]),
                "zero": float(item["zero"]),
            }
            for item in components
        ],
        grades={k: float(grades[k]) for k in ("excellent", "good", "fulfilled")},
        note=note[:255],
        created_by=actor if getattr(actor, "is_authenticated", False) else None,  # type: ignore[misc]
    )
    audit_record(
        actor=actor,
        action="create",
        obj=formula,
        summary=_("Lập công thức đánh giá phiên bản %(v)s, áp dụng từ năm %(y)s")
        % {"v": version, "y": year},
        data={"components": formula.components, "grades": formula.grades},
    )
    return formula


def _formula_or_default(actor: Actor | None, year: int) -> Formula:
    formula = formula_for(year)
    if formula is None:
        formula = formula_create(
            actor=None,
            year_from=FIRST_YEAR,
            components=DEFAULT_COMPONENTS,
            grades=DEFAULT_GRADES,
            note=_("Công thức mặc định"),
        )
    return formula


def resolve_root(
    actor: Actor | None, organisation: Any, field: str = "organisation"
) -> Organisation:
    """The organisation whose subtree is computed: one `actor` administers."""
    return organisation_policy.resolve_named(
        actor,
        organisation,
        field=field,
        message=_("Không có tổ chức này trong phạm vi bạn quản trị."),
        action=Action.ADMINISTER,
        queryset=Organisation.objects.filter(valid_to__isnull=True),
    )


@dataclass
class _Row:
    """One evaluation before it is written (lighter than a model instance: there is one per
    organisation of the country)."""

    organisation_id: int
    score: Decimal | None
    components: list[dict[str, Any]]
    peer_group: str
    grade: str
    rank: int | None = None
    peer_count: int = 0


def _rank(rows: list[_Row]) -> None:
    """Ranks inside each peer group: by score, ties share a rank (1, 2, 2, 4)."""
    groups: dict[str, list[_Row]] = defaultdict(list)
    for row in rows:
        if row.score is not None:
            groups[row.peer_group].append(row)
    for members in groups.values():
        members.sort(key=lambda r: (-(r.score or Decimal(0)), r.organisation_id))
        previous: Decimal | None = None
        rank = 0
        for index, row in enumerate(members, start=1):
            if row.score != previous:
                rank, previous = index, row.score
            row.rank = rank
            row.peer_count = len(members)


_COLUMNS = (
    "organisation_id", "year", "run_id", "formula_id", "score", "components", "peer_group",
    "rank", "peer_count", "grade",
)  # fmt: skip


def _write(rows: list[_Row], *, year: int, run: EvaluationRun, formula: Formula) -> None:
    """Insert the rows: COPY on PostgreSQL (the JSON of every organisation of the country in
    one stream), bulk_create elsewhere."""
    if connection.vendor == "postgresql":
        table = Evaluation._meta.db_table
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {table} ({', '.join(_COLUMNS)}) FROM STDIN") as copy:
                for r in rows:
                    copy.write_row(
                        (
                            r.organisation_id, year, run.pk, formula.pk, r.score,
                            json.dumps(r.components, ensure_ascii=False), r.peer_group, r.rank,
                            r.peer_count, r.grade,
                        )
                    )  # fmt: skip
        return
    Evaluation.objects.bulk_create(
        (
            Evaluation(
                organisation_id=r.organisation_id, year=year, run=run, formula=formula,
                score=r.score, components=r.components, peer_group=r.peer_group, rank=r.rank,
                peer_count=r.peer_count, grade=r.grade,
            )
            for r in rows
        ),
        batch_size=2000,
    )  # fmt: skip


def evaluation_compute(
    *,
    actor: Actor | None,
    year: Any,
    organisation: Any = None,
    today: dt.date | None = None,
    run: EvaluationRun | None = None,
) -> EvaluationRun:
    """Compute the year for the subtree of `organisation` (default: the actor's outermost
    administered organisation). `actor=None` is the system (the demo, the bench)."""
    value = _check_year(year)
    if organisation is None:
        if actor is None:
            raise ValidationError({"organisation": [_("Chưa chọn tổ chức.")]})
        paths = sorted(
            path
            for path in organisation_policy.visible_to(actor)
            .filter(valid_to__isnull=True)
            .values_list("path", flat=True)
            if role_rank_at(actor, path) >= ADMIN_RANK
        )
        if not paths:
            raise PermissionDenied(_("Bạn không quản trị tổ chức nào."))
        root = Organisation.objects.get(path=min(paths, key=len))
    elif actor is None:
        root = (
            organisation
            if isinstance(organisation, Organisation)
            else Organisation.objects.get(pk=organisation)
        )
    else:
        root = resolve_root(actor, organisation)
    today = today or timezone.localdate()
    started = time.perf_counter()
    try:
        with transaction.atomic():
            formula = _formula_or_default(actor, value)
            user = actor if getattr(actor, "is_authenticated", False) else None
            if run is None:
                run = EvaluationRun.objects.create(
                    organisation=root,
                    year=value,
                    actor=user,
                    status=RunStatus.RUNNING,  # type: ignore[misc]
                )
            days = next(
                (
                    int(c.get("days") or 0)
                    for c in formula.components
                    if c["code"] == "recognition_on_time"
                ),
                0,
            )
            rows: list[_Row] = []
            for figures in subtree_figures(root, value, today, recognition_days=days or None):
                score, components = score_of(formula.components, component_figures(figures))
                rows.append(
                    _Row(
                        organisation_id=figures.id,
                        score=score,
                        components=components,
                        peer_group=peer_group(figures.kind, figures.sector),
                        grade=grade_for(float(score), formula.grades) if score is not None else "",
                    )
                )
            _rank(rows)
            Evaluation.objects.filter(organisation__path__startswith=root.path, year=value).delete()
            _write(rows, year=value, run=run, formula=formula)
            run.formula = formula
            run.status = RunStatus.DONE
            run.evaluated = len(rows)
            run.seconds = round(time.perf_counter() - started, 3)
            run.finished_at = timezone.now()
            run.error = ""
            run.save()
            audit_record(
                actor=actor,
                action="create",
                obj=run,
                organisation=root,
                summary=_("Tính đánh giá năm %(y)s cho %(n)s tổ chức thuộc %(o)s")
                % {"y": value, "n": len(rows), "o": root.name},
                data={"year": value, "formula": formula.version, "evaluated": len(rows)},
            )
    except Exception as exc:
        if run is not None and run.pk:
            EvaluationRun.objects.filter(pk=run.pk).update(
                status=RunStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
            )
        raise
    return run


@transaction.atomic
def evaluation_run_request(*, actor: Actor, year: Any, organisation: Any) -> EvaluationRun:
    """Queue a computation (the web's button): checked now, computed by the worker."""
    value = _check_year(year)
    root = resolve_root(actor, organisation)
    run = EvaluationRun.objects.create(
        organisation=root,
        year=value,
        actor=actor,
        status=RunStatus.QUEUED,  # type: ignore[misc]
    )
    audit_record(
        actor=actor,
        action="create",
        obj=run,
        organisation=root,
        summary=_("Yêu cầu tính đánh giá năm %(y)s cho %(o)s") % {"y": value, "o": root.name},
    )
    return run


def evaluation_runs_interrupted_fail() -> int:
    """Mark failed the runs a stopped worker left "running" (killed, or the server went
    down): a run writes its evaluations in one transaction, so nothing of it was kept. The
    worker calls this when it starts, like `import_jobs_interrupted_fail`. Answers how many
    runs were marked."""
    return EvaluationRun.objects.filter(status=RunStatus.RUNNING).update(
        status=RunStatus.FAILED,
        error=_(
            "Việc tính bị gián đoạn vì tiến trình nền dừng giữa chừng; chưa có kết quả nào "
            "được ghi. Hãy yêu cầu tính lại."
        ),
        finished_at=timezone.now(),
    )


def evaluation_run_execute(run_id: int) -> EvaluationRun:
    """The worker's side: compute a queued run as the user who asked for it."""
    run = EvaluationRun.objects.select_related("actor", "organisation").get(pk=run_id)
    if run.status != RunStatus.QUEUED:
        return run
    EvaluationRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING)
    run.status = RunStatus.RUNNING
    try:
        return evaluation_compute(
            actor=run.actor, year=run.year, organisation=run.organisation_id, run=run
        )
    except (ValidationError, PermissionDenied) as exc:
        run.refresh_from_db()
        EvaluationRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, error=str(exc)[:2000]
        )
        run.refresh_from_db()
        return run
