"""The obstacle pages, under /obstacles/ (URL namespace "obstacles"): the list (filters:
status, category, level, month), the form that records one, an obstacle with its history and
the steps the user may take, the monthly list of a level for the organisation department (and
its Excel export), the statistics by category.

Every page that names people (the dossiers an obstacle blocks) is written to the audit trail,
as are the list pages and the export."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ptdv.audit.services import audit_list_read, audit_record
from ptdv.candidacies.policies import require_clerk_somewhere
from ptdv.core.api import SourceCountPaginator
from ptdv.core.forms import add_service_errors
from ptdv.core.policies import Actor, subtree_q, user_scopes
from ptdv.core.roles import ROLE_RANK, Role
from ptdv.core.spreadsheets import workbook_write
from ptdv.core.views import render_page
from ptdv.obstacles.forms import (
    AnswerForm,
    EscalateForm,
    MonthlyForm,
    ObstacleFilterForm,
    ObstacleForm,
    StatsForm,
)
from ptdv.obstacles.models import Obstacle, Status
from ptdv.obstacles.parameters import due_working_days
from ptdv.obstacles.policies import obstacle_policy
from ptdv.obstacles.selectors import (
    ObstacleFilters,
    monthly_list,
    obstacle_candidacies,
    obstacle_history,
    obstacle_list,
    obstacle_stats,
    visible_organisation,
)
from ptdv.obstacles.services import (
    NewObstacle,
    StaleObstacle,
    WrongStatus,
    obstacle_escalate,
    obstacle_record,
    obstacle_resolve,
)
from ptdv.organisations.models import CELL_KINDS, Organisation

PER_PAGE = 50
ACTIONS = ("escalate", "resolve", "decline")
CHOICES_LIMIT = 1000


def level_choices(actor: Actor) -> list[tuple[int, str]]:
    """Organisations offered by the filters: those the user is assigned to and the
    committees (not cells) of their subtrees."""
    own = [path for path, _rank in user_scopes(actor)]
    rows = (
        Organisation.objects.filter(subtree_q(actor, "path"), valid_to__isnull=True)
        .filter(~Q(kind__in=CELL_KINDS) | Q(path__in=own))
        .order_by("path")
        .values_list("pk", "name")[:CHOICES_LIMIT]
    )
    return list(rows)


def recording_choices(actor: Actor) -> list[tuple[int, str]]:
    """Organisations where the user may record an obstacle (clerk or above)."""
    rank = ROLE_RANK[Role.CLERK]
    rows = (
        Organisation.objects.filter(subtree_q(actor, "path", min_rank=rank), valid_to__isnull=True)
        .order_by("path")
        .values_list("pk", "name")[:CHOICES_LIMIT]
    )
    return list(rows)


def _may_record(actor: Actor) -> bool:
    return any(rank >= ROLE_RANK[Role.CLERK] for _path, rank in user_scopes(actor))


@never_cache
@require_safe
def obstacle_list_view(request: HttpRequest) -> HttpResponse:
    form = ObstacleFilterForm(request.GET, levels=level_choices(request.user))
    data = form.cleaned_data if form.is_valid() else {}
    filters = ObstacleFilters(
        status=data.get("status", ""),
        category=data.get("category", ""),
        level=data.get("level"),
        month=data.get("month"),
        candidacy=data.get("candidacy"),
    )
    today = timezone.localdate()
    rows = obstacle_list(actor=request.user, filters=filters, today=today)
    page = SourceCountPaginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    audit_list_read(
        actor=request.user,
        object_type="obstacles.obstacle",
        ids=[o.pk for o in page.object_list],
        count=page.paginator.count,
        summary="Xem danh sách khó khăn, vướng mắc",
        filters={**filters.as_audit(), "page": page.number},
    )
    return render_page(
        request,
        "obstacles/list.html",
        {
            "form": form,
            "page": page,
            "today": today,
            "may_record": _may_record(request.user),
            "section": "obstacles",
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def obstacle_create_view(request: HttpRequest) -> HttpResponse:
    require_clerk_somewhere(request.user)
    initial: dict[str, Any] = {}
    if request.GET.get("candidacy", "").isdigit():
        initial["candidacies"] = request.GET["candidacy"]
    form = ObstacleForm(
        request.POST or None, initial=initial, organisations=recording_choices(request.user)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            obstacle = obstacle_record(
                actor=request.user,
                data=NewObstacle(
                    organisation=data["organisation"],
                    category=data["category"],
                    title=data["title"],
                    description=data["description"],
                    candidacies=data["candidacies"],
                ),
                today=timezone.localdate(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Đã ghi nhận khó khăn, vướng mắc.")
            return redirect("obstacles:detail", pk=obstacle.pk)
    return render_page(
        request,
        "obstacles/create.html",
        {"form": form, "due_days": due_working_days(), "section": "obstacles"},
    )


def _detail_context(request: HttpRequest, obstacle: Obstacle, **forms: Any) -> dict[str, Any]:
    may_act = obstacle.is_open and obstacle_policy.can_act(request.user, obstacle)
    version = {"version": obstacle.version}
    return {
        "obstacle": obstacle,
        "history": list(obstacle_history(obstacle)),
        "candidacies": obstacle_candidacies(obstacle),
        "today": timezone.localdate(),
        "may_act": may_act,
        "may_escalate": may_act and obstacle.level.parent_id is not None,
        "escalate_form": forms.get("escalate_form") or EscalateForm(initial=version),
        "resolve_form": forms.get("resolve_form") or AnswerForm(initial=version, prefix="resolve"),
        "decline_form": forms.get("decline_form") or AnswerForm(initial=version, prefix="decline"),
        "section": "obstacles",
    }


def _audit_view(request: HttpRequest, obstacle: Obstacle, people: list[Any]) -> None:
    audit_record(
        actor=request.user,
        action="view",
        obj=obstacle,
        organisation=obstacle.organisation,
        summary="Xem khó khăn, vướng mắc",
        data={"candidacies": [c.pk for c in people], "people": [c.person_id for c in people]},
    )


@never_cache
@require_safe
def obstacle_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    obstacle = obstacle_policy.get_visible(request.user, pk)
    context = _detail_context(request, obstacle)
    _audit_view(request, obstacle, context["candidacies"])
    return render_page(request, "obstacles/detail.html", context)


_DONE = {
    "escalate": "Đã chuyển lên cấp trên.",
    "resolve": "Đã ghi nhận kết quả giải quyết.",
    "decline": "Đã trả lời không giải quyết được (đã kết thúc).",
}


def _version(value: Any) -> int | None:
    return value if isinstance(value, int) else None


@never_cache
@require_POST
def obstacle_action_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    obstacle = obstacle_policy.get_visible(request.user, pk)
    if action not in ACTIONS:
        raise Http404
    obstacle_policy.authorize_act(request.user, obstacle)
    today = timezone.localdate()
    form: Any = (
        EscalateForm(request.POST)
        if action == "escalate"
        else AnswerForm(request.POST, prefix=action)
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action == "escalate":
                obstacle_escalate(
                    actor=request.user,
                    obstacle_id=obstacle.pk,
                    note=data["note"],
                    today=today,
                    version=_version(data.get("version")),
                )
            else:
                obstacle_resolve(
                    actor=request.user,
                    obstacle_id=obstacle.pk,
                    outcome=Status.RESOLVED if action == "resolve" else Status.DECLINED,
                    answer=data["answer"],
                    today=today,
                    version=_version(data.get("version")),
                )
        except (StaleObstacle, WrongStatus) as exc:
            text = str(exc) if isinstance(exc, StaleObstacle) else " ".join(exc.messages)
            messages.error(request, text)
            return HttpResponseRedirect(obstacle.get_absolute_url())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _DONE[action])
            return HttpResponseRedirect(obstacle.get_absolute_url())
    fresh = obstacle_policy.get_visible(request.user, pk)
    context = _detail_context(request, fresh, **{f"{action}_form": form})
    return render_page(request, "obstacles/detail.html", context)


# --- Monthly list and statistics ------------------------------------------------------------


def _default_organisation(actor: Actor) -> int | None:
    scopes = sorted(user_scopes(actor), key=lambda s: len(s[0]))
    if not scopes:
        return None
    return Organisation.objects.filter(path=scopes[0][0]).values_list("pk", flat=True).first()


def _monthly(request: HttpRequest) -> tuple[MonthlyForm, Any]:
    today = timezone.localdate()
    query = request.GET.copy()
    query.setdefault("month", f"{today:%m/%Y}")
    default = _default_organisation(request.user)
    if default is not None:
        query.setdefault("organisation", str(default))
    form = MonthlyForm(query, levels=level_choices(request.user))
    if not form.is_valid():
        return form, None
    report = monthly_list(
        actor=request.user,
        organisation=form.cleaned_data["organisation"],
        month=form.cleaned_data["month"],
    )
    return form, report


@never_cache
@require_safe
def obstacle_monthly_view(request: HttpRequest) -> HttpResponse:
    form, report = _monthly(request)
    if report is not None:
        audit_list_read(
            actor=request.user,
            object_type="obstacles.obstacle",
            ids=[o.pk for o in report.rows],
            count=len(report.rows),
            summary="Xem danh sách khó khăn, vướng mắc theo tháng",
            filters={"organisation": report.organisation.pk, "month": f"{report.start:%m/%Y}"},
            organisation=report.organisation,
        )
    return render_page(
        request,
        "obstacles/monthly.html",
        {"form": form, "report": report, "section": "obstacles"},
    )


def _monthly_rows(rows: list[Obstacle]) -> Any:
    for index, o in enumerate(rows, start=1):
        yield [
            index,
            o.organisation.name,
            o.get_category_display(),
            o.title,
            o.description,
            o.n_candidacies,  # type: ignore[attr-defined]
            o.recorded_on,
            o.level.name,
            o.due_on if o.is_open else None,
            o.get_status_display(),
            o.closed_on,
            o.closed_by_level.name if o.closed_by_level else "",
            o.answer,
        ]


@never_cache
@require_safe
def obstacle_monthly_export_view(request: HttpRequest) -> HttpResponseBase:
    _form, report = _monthly(request)
    if report is None:
        messages.error(request, "Chọn tổ chức và tháng (tháng/năm) để xuất Excel.")
        return redirect("obstacles:monthly")
    handle, count = workbook_write(
        f"Tháng {report.start:%m-%Y}",
        [
            "STT",
            "Tổ chức ghi nhận",
            "Nhóm vướng mắc",
            "Tóm tắt",
            "Nội dung",
            "Số hồ sơ bị vướng",
            "Ngày ghi nhận",
            "Cấp đang giải quyết",
            "Hạn ở cấp hiện tại",
            "Tình trạng",
            "Ngày kết thúc",
            "Cấp trả lời",
            "Nội dung trả lời",
        ],
        _monthly_rows(report.rows),
    )
    audit_record(
        actor=request.user,
        action="export",
        object_type="obstacles.obstacle",
        organisation=report.organisation,
        summary="Xuất Excel danh sách khó khăn, vướng mắc theo tháng",
        data={
            "count": count,
            "organisation": report.organisation.pk,
            "month": f"{report.start:%m/%Y}",
        },
    )
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"kho-khan-vuong-mac-{report.start:%Y-%m}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@never_cache
@require_safe
def obstacle_stats_view(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    query = request.GET.copy()
    query.setdefault("year", str(today.year))
    form = StatsForm(query, levels=level_choices(request.user))
    rows = None
    organisation = None
    if form.is_valid():
        year = form.cleaned_data["year"]
        named = form.cleaned_data.get("organisation")
        organisation = visible_organisation(request.user, named) if named else None
        rows = obstacle_stats(
            actor=request.user,
            organisation=organisation,
            start=dt.date(year, 1, 1),
            end=dt.date(year, 12, 31),
        )
    return render_page(
        request,
        "obstacles/stats.html",
        {"form": form, "rows": rows, "organisation": organisation, "section": "obstacles"},
    )
