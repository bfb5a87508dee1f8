"""Reads of inspections and supervisions: the list with the recommendations' counts, one
inspection, the follow-ups of "Việc của tôi" and the figures of the review report (task 10)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse

from ptdv.core.policies import Actor, subtree_q
from ptdv.core.review import ReviewFigure
from ptdv.core.roles import ROLE_RANK, Role
from ptdv.core.work import WorkItem
from ptdv.inspections.models import (
    Inspection,
    InspectionKind,
    Recommendation,
    RecommendationStatus,
)
from ptdv.inspections.policies import inspection_policy
from ptdv.organisations.models import Organisation

# A follow-up enters "Việc của tôi" this many days before its due date.
DUE_SOON_DAYS = 14
WORK_LIMIT = 200
OPEN = RecommendationStatus.OPEN


@dataclass(frozen=True)
class InspectionFilters:
    organisation: Any = None  # resolved in scope: inspections made by or on its subtree
    kind: str = ""
    year: int | None = None
    followup: str = ""  # "open": some recommendation open; "overdue": one past its due date

    def as_audit(self) -> dict[str, Any]:
        return {
            "organisation": getattr(self.organisation, "pk", None),
            "kind": self.kind,
            "year": self.year,
            "followup": self.followup,
        }


def inspection_list(
    *, actor: Actor, today: dt.date, filters: InspectionFilters | None = None
) -> QuerySet[Inspection]:
    """The inspections the actor sees (either side in their subtree), newest first, with the
    number of recommendations, done and overdue on `today`."""
    filters = filters or InspectionFilters()
    qs = inspection_policy.visible_to(actor)
    if filters.organisation is not None:
        path = filters.organisation.path
        qs = qs.filter(Q(body__path__startswith=path) | Q(organisation__path__startswith=path))
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.year:
        qs = qs.filter(starts_on__year=filters.year)
    # Exists, not a join: the counts below must see every recommendation of the inspection.
    pending = Recommendation.objects.filter(inspection=OuterRef("pk"), status=OPEN)
    if filters.followup == "open":
        qs = qs.filter(Exists(pending))
    elif filters.followup == "overdue":
        qs = qs.filter(Exists(pending.filter(due_on__lt=today)))
    return qs.annotate(
        recommended=Count("recommendations", distinct=True),
        done=Count(
            "recommendations",
            filter=Q(recommendations__status=RecommendationStatus.DONE),
            distinct=True,
        ),
        overdue=Count(
            "recommendations",
            filter=Q(recommendations__status=OPEN, recommendations__due_on__lt=today),
            distinct=True,
        ),
    ).order_by("-starts_on", "-pk")


def inspection_get(*, actor: Actor, pk: Any) -> Inspection:
    """One inspection the actor may see (404 otherwise)."""
    return inspection_policy.get_visible(actor, pk)


def inspection_recommendations(*, inspection: Inspection) -> QuerySet[Recommendation]:
    return inspection.recommendations.select_related("done_by").order_by("due_on", "pk")


def organisation_choices(*, actor: Actor) -> QuerySet[Organisation]:
    """The active organisations where the actor may record an inspection (clerk or above)."""
    return Organisation.objects.filter(
        subtree_q(actor, "path", min_rank=ROLE_RANK[Role.CLERK]), valid_to__isnull=True
    ).order_by("path")


# --- "Việc của tôi" --------------------------------------------------------------------------


def followup_items(actor: Actor, today: dt.date) -> Iterable[WorkItem]:
    """Recommendations open and due within DUE_SOON_DAYS (or overdue), for the clerks of the
    inspected organisation and of the inspecting body."""
    clerk = ROLE_RANK[Role.CLERK]
    rows = (
        Recommendation.objects.filter(
            subtree_q(actor, "inspection__organisation__path", min_rank=clerk)
            | subtree_q(actor, "inspection__body__path", min_rank=clerk),
            status=OPEN,
            due_on__lte=today + dt.timedelta(days=DUE_SOON_DAYS),
        )
        .order_by("due_on", "pk")
        .values_list(
            "pk",
            "text",
            "due_on",
            "inspection_id",
            "inspection__organisation_id",
            "inspection__organisation__name",
            "inspection__body__name",
        )[:WORK_LIMIT]
    )
    for pk, text, due, inspection_id, organisation_id, organisation, body in rows:
        yield WorkItem(
            kind="inspection_followup",
            title=f"{organisation}: {text[:120]}",
            url=reverse("inspections:detail", args=[inspection_id]),
            due=due,
            organisation_id=organisation_id,
            object_key=f"recommendation:{pk}",
            detail=("Quá hạn — " if due < today else "") + f"kiến nghị của {body}",
        )


# --- The review report -----------------------------------------------------------------------


def inspection_review_figures(
    actor: Actor, organisation: Any, start: dt.date, end: dt.date
) -> list[ReviewFigure]:
    """Task 10 of the directive: inspections and supervisions on party-member development
    made by `organisation`'s subtree in the period, and their recommendations (done, done
    late, still open, overdue at `end`). Two queries."""
    made = inspection_policy.visible_to(actor, Inspection.objects.all()).filter(
        body__path__startswith=organisation.path, starts_on__gte=start, starts_on__lte=end
    )
    counts = made.aggregate(
        inspections=Count("pk", filter=Q(kind=InspectionKind.INSPECTION)),
        supervisions=Count("pk", filter=Q(kind=InspectionKind.SUPERVISION)),
        inspected=Count("organisation", distinct=True),
    )
    recs = Recommendation.objects.filter(inspection__in=made.values("pk")).aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(status=RecommendationStatus.DONE, done_on__lte=end)),
        open_overdue=Count(
            "pk",
            filter=Q(due_on__lt=end)
            & (Q(status=OPEN) | Q(status=RecommendationStatus.DONE, done_on__gt=end)),
        ),
    )
    return [
        ReviewFigure("Số cuộc kiểm tra", counts["inspections"], "cuộc"),
        ReviewFigure("Số cuộc giám sát", counts["supervisions"], "cuộc"),
        ReviewFigure("Số tổ chức được kiểm tra, giám sát", counts["inspected"], "tổ chức"),
        ReviewFigure("Số kiến nghị sau kiểm tra, giám sát", recs["total"], "kiến nghị"),
        ReviewFigure("Số kiến nghị đã thực hiện xong", recs["done"], "kiến nghị"),
        ReviewFigure("Số kiến nghị quá hạn chưa thực hiện", recs["open_overdue"], "kiến nghị"),
    ]
