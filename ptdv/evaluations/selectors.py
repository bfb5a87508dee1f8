"""Reads of evaluations, every one filtered to the actor's subtrees."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import QuerySet

from ptdv.accounts.models import Assignment, Role
from ptdv.core.policies import Actor
from ptdv.evaluations.formula import SPECS, peer_group_label
from ptdv.evaluations.models import Evaluation, EvaluationRun, Formula, Grade
from ptdv.evaluations.policies import evaluation_policy, run_policy

COMMEND_GRADES = (Grade.EXCELLENT,)
CORRECT_GRADES = (Grade.NOT_FULFILLED,)


def evaluation_list(
    *,
    actor: Actor,
    year: int,
    peer_group: str = "",
    organisation: Any = None,
    grade: str = "",
) -> QuerySet[Evaluation]:
    """Evaluations of `year` in the actor's subtrees (under `organisation` when given, an
    organisation already fetched through the policy), best first inside each peer group."""
    qs = evaluation_policy.visible_to(actor).filter(year=year).select_related("organisation")
    if organisation is not None:
        qs = qs.filter(organisation__path__startswith=organisation.path)
    if peer_group:
        qs = qs.filter(peer_group=peer_group)
    if grade:
        qs = qs.filter(grade=grade)
    return qs.order_by("peer_group", "rank", "organisation__name", "pk")


def evaluation_get(*, actor: Actor, pk: Any) -> Evaluation:
    return evaluation_policy.get_visible(
        actor, pk, Evaluation.objects.select_related("organisation", "formula", "run")
    )


def evaluation_of(*, actor: Actor, organisation: Any, year: int) -> Evaluation | None:
    return (
        evaluation_policy.visible_to(actor)
        .filter(organisation=organisation, year=year)
        .select_related("organisation", "formula", "run")
        .first()
    )


def evaluation_years(*, actor: Actor) -> list[int]:
    return sorted(
        set(evaluation_policy.visible_to(actor).values_list("year", flat=True).distinct()),
        reverse=True,
    )


def run_list(*, actor: Actor) -> QuerySet[EvaluationRun]:
    return run_policy.visible_to(actor).select_related("organisation", "actor", "formula")


def formula_history() -> QuerySet[Formula]:
    return Formula.objects.select_related("created_by").order_by("-version")


def responsible_leaders(organisation_ids: list[int]) -> dict[int, list[str]]:
    """The responsible leader of each organisation, as far as PTĐV knows one: the users holding
    the administrator role on the organisation itself (its committee's office). One query."""
    found: dict[int, list[str]] = defaultdict(list)
    for org_id, full_name, username in (
        Assignment.objects.filter(
            organisation_id__in=organisation_ids,
            role=Role.ADMINISTRATOR,
            user__is_active=True,
        )
        .order_by("organisation_id", "user__username")
        .values_list("organisation_id", "user__full_name", "user__username")
    ):
        found[org_id].append(full_name or username)
    return found


def component_rows(evaluation: Evaluation) -> list[dict[str, Any]]:
    """The components with their labels, for the pages."""
    rows = []
    for item in evaluation.component_details():
        spec = SPECS.get(item["code"])
        rows.append(
            {
                **item,
                "label": str(spec.label) if spec else item["code"],
                "explanation": str(spec.explanation) if spec else "",
                "lower_is_better": bool(spec and spec.lower_is_better),
            }
        )
    return rows


def formula_rows(formula: Formula) -> list[dict[str, Any]]:
    return [
        {
            **item,
            "label": str(SPECS[item["code"]].label) if item["code"] in SPECS else item["code"],
            "explanation": str(SPECS[item["code"]].explanation) if item["code"] in SPECS else "",
        }
        for item in formula.components
    ]


def peer_label(code: str) -> str:
    return peer_group_label(code)
