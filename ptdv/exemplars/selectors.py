"""Reads of exemplars: the list (filters, folded-token search), one exemplar, the figures of
the review report (directive task 9)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from ptdv.core.policies import Actor, subtree_q
from ptdv.core.review import ReviewFigure
from ptdv.core.roles import ROLE_RANK, Role
from ptdv.core.text import tokens
from ptdv.exemplars.models import Exemplar, ExemplarField
from ptdv.exemplars.policies import exemplar_policy
from ptdv.organisations.models import Organisation


@dataclass(frozen=True)
class ExemplarFilters:
    organisation: Any = None  # an Organisation already resolved in scope: its subtree
    field: str = ""
    year: int | None = None
    q: str = ""
    candidate: str = ""  # "yes": linked to a dossier, "no": not linked

    def as_audit(self) -> dict[str, Any]:
        return {
            "organisation": getattr(self.organisation, "pk", None),
            "field": self.field,
            "year": self.year,
            "q": bool(self.q),  # a typed search is a name: recorded as present only
            "candidate": self.candidate,
        }


def exemplar_list(*, actor: Actor, filters: ExemplarFilters | None = None) -> QuerySet[Exemplar]:
    """The exemplars the actor sees, newest first; `q` matches word starts of the name, the
    deed and the description, accents and case aside."""
    filters = filters or ExemplarFilters()
    qs = exemplar_policy.visible_to(actor).select_related(
        "organisation", "candidacy", "candidacy__organisation"
    )
    if filters.organisation is not None:
        qs = qs.filter(organisation__path__startswith=filters.organisation.path)
    if filters.field:
        qs = qs.filter(field=filters.field)
    if filters.year:
        qs = qs.filter(recognised_on__year=filters.year)
    for token in tokens(filters.q)[:8]:
        qs = qs.filter(search_text__contains=" " + token)
    if filters.candidate == "yes":
        qs = qs.filter(candidacy__isnull=False)
    elif filters.candidate == "no":
        qs = qs.filter(candidacy__isnull=True)
    return qs.order_by("-recognised_on", "-pk")


def exemplar_get(*, actor: Actor, pk: Any) -> Exemplar:
    """One exemplar the actor may see (404 otherwise)."""
    return exemplar_policy.get_visible(
        actor,
        pk,
        Exemplar.objects.select_related(
            "organisation", "person", "candidacy", "candidacy__organisation", "candidacy__person"
        ),
    )


def exemplar_review_figures(
    actor: Actor, organisation: Any, start: dt.date, end: dt.date
) -> list[ReviewFigure]:
    """Task 9 of the directive: exemplars recorded in `organisation`'s subtree in the period,
    by field, and how many of them became candidates. One query."""
    qs = exemplar_policy.visible_to(actor, Exemplar.objects.all()).filter(
        organisation__path__startswith=organisation.path,
        recognised_on__gte=start,
        recognised_on__lte=end,
    )
    counts = {f"f_{value}": Count("pk", filter=Q(field=value)) for value in ExemplarField.values}
    row = qs.aggregate(
        total=Count("pk"), candidates=Count("pk", filter=Q(candidacy__isnull=False)), **counts
    )
    figures = [
        ReviewFigure("Số gương điển hình được phát hiện, ghi nhận", row["total"], "người"),
        ReviewFigure(
            "Trong đó đã trở thành quần chúng ưu tú (có hồ sơ)", row["candidates"], "người"
        ),
    ]
    for value, label in ExemplarField.choices:
        if row[f"f_{value}"]:
            figures.append(ReviewFigure(f"Lĩnh vực {label.lower()}", row[f"f_{value}"], "người"))
    return figures


def organisation_choices(*, actor: Actor) -> QuerySet[Organisation]:
    """The active organisations where the actor may record an exemplar (clerk or above)."""
    return Organisation.objects.filter(
        subtree_q(actor, "path", min_rank=ROLE_RANK[Role.CLERK]), valid_to__isnull=True
    ).order_by("path")
