"""Reads of obstacles: the list with its filters, the monthly list of a level, the statistics
by category, the work items and the review figures. Every read starts from the obstacle
policy (the recording organisation's subtree) and costs a fixed number of queries."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet
from django.urls import reverse

from ptdv.candidacies.policies import candidacy_policy
from ptdv.core.policies import Actor, user_scopes
from ptdv.core.review import ReviewFigure
from ptdv.core.roles import ROLE_RANK, Role
from ptdv.core.work import WorkItem
from ptdv.obstacles.models import Category, EventKind, Obstacle, ObstacleEvent, Status
from ptdv.obstacles.policies import obstacle_policy
from ptdv.organisations.models import Organisation
from ptdv.organisations.policies import organisation_policy

OVERDUE = "overdue"
STATUS_FILTERS = {**dict(Status.choices), OVERDUE: "Quá hạn ở cấp hiện tại"}
STATUS_FILTER_CHOICES = list(STATUS_FILTERS.items())
WORK_LIMIT = 200


@dataclass
class ObstacleFilters:
    status: str = ""  # a Status, or "overdue" (open and past its due date)
    category: str = ""
    level: Any = None  # the organisation (id) where it sits now
    organisation: Any = None  # the recording organisation's subtree (id)
    month: dt.date | None = None  # recorded in this month (any day of it)
    candidacy: Any = None  # blocking this dossier (id)

    def as_audit(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "category": self.category,
            "level": getattr(self.level, "pk", self.level),
            "organisation": getattr(self.organisation, "pk", self.organisation),
            "month": f"{self.month:%m/%Y}" if self.month else "",
            "candidacy": getattr(self.candidacy, "pk", self.candidacy),
        }


def month_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    start = day.replace(day=1)
    return start, start.replace(day=calendar.monthrange(start.year, start.month)[1])


def visible_organisation(actor: Actor, named: Any) -> Organisation:
    """An organisation a filter names, through the actor's scope (404 outside)."""
    return organisation_policy.get_visible(actor, getattr(named, "pk", named))


def obstacle_list(
    *, actor: Actor, filters: ObstacleFilters | None = None, today: dt.date
) -> QuerySet[Obstacle]:
    """The obstacles the actor sees, newest first, with the number of dossiers each blocks.
    A `level`, `organisation` or `candidacy` filter outside the actor's scope answers 404."""
    filters = filters or ObstacleFilters()
    qs = obstacle_policy.visible_to(actor).annotate(n_candidacies=Count("candidacies"))
    if filters.status == OVERDUE:
        qs = qs.filter(status=Status.OPEN, due_on__lt=today)
    elif filters.status:
        qs = qs.filter(status=filters.status)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.level not in (None, ""):
        qs = qs.filter(level=visible_organisation(actor, filters.level))
    if filters.organisation not in (None, ""):
        organisation = visible_organisation(actor, filters.organisation)
        qs = qs.filter(organisation__path__startswith=organisation.path)
    if filters.month is not None:
        start, end = month_bounds(filters.month)
        qs = qs.filter(recorded_on__range=(start, end))
    if filters.candidacy not in (None, ""):
        candidacy = candidacy_policy.get_visible(
            actor, getattr(filters.candidacy, "pk", filters.candidacy)
        )
        qs = qs.filter(candidacies=candidacy)
    return qs.order_by("-recorded_on", "-pk")


def obstacle_history(obstacle: Obstacle) -> QuerySet[ObstacleEvent]:
    return obstacle.events.select_related("actor", "level", "to_level").order_by("at", "pk")


def obstacle_candidacies(obstacle: Obstacle) -> list[Any]:
    return list(
        obstacle.candidacies.select_related("person", "organisation").order_by(
            "person__given_name", "person__family_name", "pk"
        )
    )


# --- The monthly list of a level -------------------------------------------------------------


@dataclass
class MonthlyList:
    organisation: Organisation
    start: dt.date
    end: dt.date
    rows: list[Any]  # Obstacle, annotated with n_candidacies
    recorded: int
    resolved: int
    declined: int
    escalated: int
    open_at_end: int


def monthly_list(*, actor: Actor, organisation: Any, month: dt.date) -> MonthlyList:
    """For the organisation department of `organisation` (in the actor's scope, 404
    otherwise): every obstacle of its subtree open at some time during `month` (recorded by
    its end, not closed before its start), with the month's counts."""
    org = visible_organisation(actor, organisation)
    start, end = month_bounds(month)
    base = obstacle_policy.visible_to(actor).filter(organisation__path__startswith=org.path)
    rows = list(
        base.filter(recorded_on__lte=end)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=start))
        .annotate(n_candidacies=Count("candidacies"))
        .order_by("level__path", "recorded_on", "pk")
    )
    escalated = ObstacleEvent.objects.filter(
        obstacle__in=base,
        kind__in=(EventKind.ESCALATED, EventKind.AUTO_ESCALATED),
        on__range=(start, end),
    ).count()
    return MonthlyList(
        organisation=org,
        start=start,
        end=end,
        rows=rows,
        recorded=sum(1 for r in rows if start <= r.recorded_on <= end),
        resolved=sum(
            1 for r in rows if r.status == Status.RESOLVED and r.closed_on and r.closed_on <= end
        ),
        declined=sum(
            1 for r in rows if r.status == Status.DECLINED and r.closed_on and r.closed_on <= end
        ),
        escalated=escalated,
        open_at_end=sum(1 for r in rows if r.closed_on is None or r.closed_on > end),
    )


# --- Statistics by category ------------------------------------------------------------------


@dataclass
class CategoryRow:
    category: str
    label: str
    total: int
    open: int
    resolved: int
    declined: int
    average_days: float | None  # days from recording to resolution (resolved only)


def obstacle_stats(
    *, actor: Actor, organisation: Organisation | None, start: dt.date, end: dt.date
) -> list[CategoryRow]:
    """Per category, the obstacles of `organisation`'s subtree (or all the actor sees)
    recorded in `start..end`: how many, still open, resolved, declined, and the average days
    from recording to resolution. One grouped query; every category appears, the last row is
    the total (category "")."""
    qs = obstacle_policy.visible_to(actor).filter(recorded_on__range=(start, end))
    if organisation is not None:
        qs = qs.filter(organisation__path__startswith=organisation.path)
    grouped: dict[str, dict[str, Any]] = {
        row["category"]: dict(row)
        for row in qs.values("category")
        .annotate(
            total=Count("pk"),
            open=Count("pk", filter=Q(status=Status.OPEN)),
            resolved=Count("pk", filter=Q(status=Status.RESOLVED)),
            declined=Count("pk", filter=Q(status=Status.DECLINED)),
            average=Avg("days_to_close", filter=Q(status=Status.RESOLVED)),
        )
        .order_by()
    }
    rows = []
    for value, label in Category.choices:
        row = grouped.get(value, {})
        average = row.get("average")
        rows.append(
            CategoryRow(
                category=value,
                label=str(label),
                total=row.get("total", 0),
                open=row.get("open", 0),
                resolved=row.get("resolved", 0),
                declined=row.get("declined", 0),
                average_days=round(float(average), 1) if average is not None else None,
            )
        )
    resolved_days = [(r.average_days or 0) * r.resolved for r in rows if r.average_days is not None]
    resolved = sum(r.resolved for r in rows)
    rows.append(
        CategoryRow(
            category="",
            label="Tổng cộng",
            total=sum(r.total for r in rows),
            open=sum(r.open for r in rows),
            resolved=resolved,
            declined=sum(r.declined for r in rows),
            average_days=round(sum(resolved_days) / resolved, 1) if resolved else None,
        )
    )
    return rows


# --- "Việc của tôi" --------------------------------------------------------------------------


def _clerk_paths(actor: Actor) -> list[str]:
    return [path for path, rank in user_scopes(actor) if rank >= ROLE_RANK[Role.CLERK]]


def _item(obstacle: Obstacle, kind: str, detail: str) -> WorkItem:
    return WorkItem(
        kind=kind,
        title=f"{obstacle.title} — {obstacle.organisation.name}",
        url=reverse("obstacles:detail", args=[obstacle.pk]),
        due=obstacle.due_on,
        organisation_id=obstacle.level_id,
        object_key=obstacle.object_key,
        detail=detail,
    )


def obstacle_waiting_items(actor: Actor, today: dt.date) -> list[WorkItem]:
    """Open obstacles sitting at an organisation the actor is assigned to as a clerk or
    above (not yet overdue: those are in the next list)."""
    paths = _clerk_paths(actor)
    if not paths:
        return []
    rows = (
        obstacle_policy.visible_to(actor)
        .filter(status=Status.OPEN, level__path__in=paths, due_on__gte=today)
        .order_by("due_on", "pk")[:WORK_LIMIT]
    )
    return [
        _item(
            o,
            "obstacle_waiting",
            f"{o.get_category_display()}; đến cấp này {o.level_since:%d/%m/%Y}",
        )
        for o in rows
    ]


def obstacle_overdue_items(actor: Actor, today: dt.date) -> list[WorkItem]:
    """Open obstacles past their due date at a level the actor may act at (their subtree,
    clerk or above): the nightly job moves them up, except at the top of the tree."""
    paths = _clerk_paths(actor)
    if not paths:
        return []
    condition = Q()
    for path in paths:
        condition |= Q(level__path__startswith=path)
    rows = (
        obstacle_policy.visible_to(actor)
        .filter(condition, status=Status.OPEN, due_on__lt=today)
        .order_by("due_on", "pk")[:WORK_LIMIT]
    )
    return [
        _item(o, "obstacle_overdue", f"Quá hạn ở {o.level.name} từ {o.due_on:%d/%m/%Y}")
        for o in rows
    ]


# --- Review figures (directive task 9) -------------------------------------------------------


def review_figures(
    actor: Actor, organisation: Any, start: dt.date, end: dt.date
) -> list[ReviewFigure]:
    """Task 9 of the sơ kết / tổng kết: the obstacles of `organisation`'s subtree recorded
    in the period, how they ended, and how long a resolution took on average."""
    rows = obstacle_stats(actor=actor, organisation=organisation, start=start, end=end)
    total = rows[-1]
    figures = [
        ReviewFigure("Số khó khăn, vướng mắc được ghi nhận", total.total, "việc"),
        ReviewFigure("Đã giải quyết", total.resolved, "việc"),
        ReviewFigure("Đã trả lời không giải quyết được", total.declined, "việc"),
        ReviewFigure("Còn đang chờ giải quyết", total.open, "việc"),
    ]
    if total.average_days is not None:
        figures.append(ReviewFigure("Thời gian giải quyết bình quân", total.average_days, "ngày"))
    figures.extend(
        ReviewFigure(f"Nhóm “{row.label}”", row.total, "việc") for row in rows[:-1] if row.total
    )
    return figures
