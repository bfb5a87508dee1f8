"""Access rows of evaluations (issue 14 §3): the pages, the export, the API, the compute
button, the formula's new version and the console command.

An evaluation lies in its organisation's subtree: its viewers read it. Computing needs the
administrator's role at the organisation computed; a new formula version, an administrator
of a root. The world has no evaluation: `evaluations_made` writes one row (with a formula
and a run) for each organisation-level site the first time a door asks (and again after a
door's test rolled it back).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.urls import reverse

from ptdv.accounts.models import Role
from ptdv.core.tests.access_matrix import (
    READ_ONLY,
    AdminModel,
    Command,
    Door,
    Url,
    root_administrator,
)
from ptdv.core.tests.access_matrix import rev as _rev
from ptdv.core.tests.access_world import SITES, YEAR, World
from ptdv.evaluations.formula import DEFAULT_COMPONENTS, DEFAULT_GRADES
from ptdv.evaluations.models import Evaluation, EvaluationRun, Formula, RunStatus
from ptdv.organisations.models import Organisation


def evaluations_made(world: World) -> None:
    formula = Formula.objects.order_by("-version").first() or Formula.objects.create(
        version=1, year_from=2000, components=DEFAULT_COMPONENTS, grades=DEFAULT_GRADES
    )
    for site in SITES:
        organisation = world.org_site[site]
        if Evaluation.objects.filter(organisation=organisation, year=YEAR).exists():
            continue
        run = EvaluationRun.objects.create(
            organisation=organisation, year=YEAR, formula=formula, status=RunStatus.DONE
        )
        Evaluation.objects.create(
            organisation=organisation,
            year=YEAR,
            run=run,
            formula=formula,
            score=Decimal("80.00"),
            components=[],
            peer_group="cell.communes",
            rank=1,
            peer_count=1,
            grade="good",
        )


def _list(name: str, query: str = "") -> Url:
    def build(world: World, obj: Any, user: Any, **extra: Any) -> str:
        evaluations_made(world)
        return reverse(name) + (f"?{query}" if query else "")

    return build


def _on_evaluation(name: str) -> Url:
    def build(world: World, obj: Organisation, user: Any, **extra: Any) -> str:
        evaluations_made(world)
        evaluation = Evaluation.objects.get(organisation=obj, year=YEAR)
        return reverse(name, kwargs={"pk": evaluation.pk})

    return build


def _on_organisation(world: World, obj: Organisation, user: Any) -> str:
    evaluations_made(world)
    return reverse("evaluations:organisation", kwargs={"pk": obj.pk}) + f"?year={YEAR}"


def _org_query(world: World, site: str) -> str:
    return f"organisation={world.org_site[site].pk}"


def _count(path: str) -> int:
    return Evaluation.objects.filter(organisation__path__startswith=path, year=YEAR).count()


def _compute_body(world: World, site: str, user: Any) -> dict[str, Any]:
    return {"year": YEAR, "organisation": world.org_site[site].pk}


def _formula_body(world: World, site: str, user: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "year_from": YEAR + 1,
        "note": "Phiên bản thử",
        "recognition_days": 407,
        **DEFAULT_GRADES,
    }
    for item in DEFAULT_COMPONENTS:
        for key in ("weight", "full", "zero"):
            body[f"{item['code']}__{key}"] = item[key]
    return body


DOORS = [
    Door("evaluations/", _list("evaluations:ranking", f"year={YEAR}"), query=_org_query),
    Door("evaluations/commend/", _list("evaluations:honours", f"year={YEAR}"), query=_org_query),
    Door("evaluations/export.xlsx", _list("evaluations:export", f"year={YEAR}"), query=_org_query),
    Door("evaluations/<int:pk>/", _on_evaluation("evaluations:detail"), obj="organisation"),
    Door(
        "evaluations/organisation/<int:pk>/",
        _on_organisation,
        obj="organisation",
        ok=(302,),
    ),
    Door("evaluations/formula/", _list("evaluations:formula")),
    Door(
        "evaluations/formula/new/",
        _rev("evaluations:formula_create", pk=None),
        read=root_administrator,
        writes=("POST",),
        write=root_administrator,
        data=_formula_body,
        effective=True,
    ),
    Door("evaluations/runs/", _list("evaluations:runs")),
    Door(
        "evaluations/compute/",
        _rev("evaluations:compute", pk=None),
        reads=(),
        writes=("POST",),
        write=Role.ADMINISTRATOR,
        data=_compute_body,
        positional_body=True,
        effective=True,
    ),
    Door(
        "api/v1/evaluations/",
        _list("api:evaluation-list", f"year={YEAR}"),
        count=_count,
        query=_org_query,
    ),
    Door("api/v1/evaluations/formula/", _list("api:evaluation-formula", f"year={YEAR}")),
]

ADMIN_MODELS = {
    "evaluations.evaluation": AdminModel(None, **READ_ONLY),
    "evaluations.evaluationrun": AdminModel(None, **READ_ONLY),
}

COMMANDS = {
    "evaluations compute": Command(
        lambda w, s, u, out: [
            "evaluations",
            "compute",
            "--year",
            str(YEAR),
            "--organisation",
            w.org_site[s].code,
            "--as",
            u.username,
        ],
        who=Role.ADMINISTRATOR,
        write=True,
    ),
}
