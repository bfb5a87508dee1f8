"""The pages of evaluations: the ranking (by year, peer group, grade; paginated), an
evaluation with every component and its figures, an organisation's evaluation, the lists to
commend and to correct with the responsible leader, the Excel export of the ranking by peer
group, the formula with its history and a new version, the runs and the compute button
(queued for the background worker)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ptdv.audit.services import audit_record
from ptdv.core.forms import add_service_errors
from ptdv.core.policies import Actor, role_rank_at
from ptdv.core.views import render_page
from ptdv.evaluations import selectors, services
from ptdv.evaluations.excel import ranking_workbook
from ptdv.evaluations.forms import FormulaForm
from ptdv.evaluations.formula import PEER_GROUPS, peer_group_label
from ptdv.evaluations.models import Grade
from ptdv.evaluations.tasks import evaluation_run_start
from ptdv.organisations.models import Organisation
from ptdv.organisations.policies import organisation_policy
from ptdv.organisations.selectors import organisation_roots

PER_PAGE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_viewer(request: HttpRequest) -> None:
    if not organisation_roots(actor=request.user).exists():
        raise Http404


def _year(request: HttpRequest) -> int:
    years = selectors.evaluation_years(actor=request.user)
    raw = request.GET.get("year", "")
    if raw.isdigit() and services.FIRST_YEAR <= int(raw) <= services.LAST_YEAR:
        return int(raw)
    return years[0] if years else timezone.localdate().year - 1


def _organisation(request: HttpRequest) -> Organisation | None:
    raw = request.GET.get("organisation", "")
    if not raw:
        return None
    return organisation_policy.get_visible(request.user, raw)


def _administered(actor: Actor) -> list[Organisation]:
    return [
        o
        for o in organisation_roots(actor=actor).filter(valid_to__isnull=True)
        if role_rank_at(actor, o.path) >= services.ADMIN_RANK
    ]


@never_cache
@require_safe
def ranking_view(request: HttpRequest) -> HttpResponse:
    _require_viewer(request)
    year = _year(request)
    organisation = _organisation(request)
    peer = request.GET.get("peer_group", "")
    peer = peer if peer in PEER_GROUPS else ""
    grade = request.GET.get("grade", "")
    grade = grade if grade in Grade.values else ""
    qs = selectors.evaluation_list(
        actor=request.user, year=year, peer_group=peer, organisation=organisation, grade=grade
    )
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    for row in rows:
        row.peer_label = peer_group_label(row.peer_group)  # type: ignore[attr-defined]
    return render_page(
        request,
        "evaluations/ranking.html",
        {
            "section": "evaluations",
            "page": page,
            "rows": rows,
            "year": year,
            "years": selectors.evaluation_years(actor=request.user),
            "organisation": organisation,
            "peer_groups": [(code, peer_group_label(code)) for code in PEER_GROUPS],
            "grades": Grade.choices,
            "filters": {"peer_group": peer, "grade": grade},
            "administered": _administered(request.user),
            "runs": list(selectors.run_list(actor=request.user)[:5]),
        },
    )


@never_cache
@require_safe
def detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = selectors.evaluation_get(actor=request.user, pk=pk)
    leaders = selectors.responsible_leaders([evaluation.organisation_id])
    return render_page(
        request,
        "evaluations/detail.html",
        {
            "section": "evaluations",
            "evaluation": evaluation,
            "components": selectors.component_rows(evaluation),
            "peer_label": peer_group_label(evaluation.peer_group),
            "leaders": leaders.get(evaluation.organisation_id, []),
        },
    )


@never_cache
@require_safe
def organisation_view(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = organisation_policy.get_visible(request.user, pk)
    year = _year(request)
    evaluation = selectors.evaluation_of(actor=request.user, organisation=organisation, year=year)
    if evaluation is not None:
        return redirect("evaluations:detail", pk=evaluation.pk)
    return render_page(
        request,
        "evaluations/missing.html",
        {"section": "evaluations", "organisation": organisation, "year": year},
    )


@never_cache
@require_safe
def honours_view(request: HttpRequest) -> HttpResponse:
    _require_viewer(request)
    year = _year(request)
    organisation = _organisation(request)
    base = selectors.evaluation_list(actor=request.user, year=year, organisation=organisation)
    commend = list(base.filter(grade__in=selectors.COMMEND_GRADES)[:200])
    correct = list(base.filter(grade__in=selectors.CORRECT_GRADES)[:200])
    leaders = selectors.responsible_leaders([e.organisation_id for e in commend + correct])
    for row in commend + correct:
        row.leaders = leaders.get(row.organisation_id, [])  # type: ignore[attr-defined]
        row.peer_label = peer_group_label(row.peer_group)  # type: ignore[attr-defined]
    return render_page(
        request,
        "evaluations/honours.html",
        {
            "section": "evaluations",
            "year": year,
            "organisation": organisation,
            "commend": commend,
            "correct": correct,
        },
    )


@never_cache
@require_safe
def export_view(request: HttpRequest) -> HttpResponse:
    _require_viewer(request)
    year = _year(request)
    organisation = _organisation(request)
    rows = list(selectors.evaluation_list(actor=request.user, year=year, organisation=organisation))
    leaders = selectors.responsible_leaders(
        [e.organisation_id for e in rows if e.grade in (Grade.EXCELLENT, Grade.NOT_FULFILLED)]
    )
    heading = organisation.name if organisation else "Đánh giá công tác phát triển đảng viên"
    content = ranking_workbook(rows, leaders, year=year, heading=heading)
    audit_record(
        actor=request.user,
        action="export",
        object_type="evaluations.evaluation",
        organisation=organisation,
        summary=f"Xuất bảng xếp hạng đánh giá năm {year} ({len(rows)} tổ chức)",
        data={"year": year, "organisation": organisation.pk if organisation else None},
    )
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="xep-hang-danh-gia-{year}.xlsx"'
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@require_safe
def formula_view(request: HttpRequest) -> HttpResponse:
    _require_viewer(request)
    history = list(selectors.formula_history())
    for formula in history:
        formula.rows = selectors.formula_rows(formula)  # type: ignore[attr-defined]
    return render_page(
        request,
        "evaluations/formula.html",
        {
            "section": "evaluations",
            "history": history,
            "may_change": services.may_set_formula(request.user),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def formula_create_view(request: HttpRequest) -> HttpResponse:
    _require_viewer(request)
    if not services.may_set_formula(request.user):
        raise PermissionDenied
    current = selectors.formula_history().first()
    form = FormulaForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            formula = services.formula_create(
                actor=request.user,
                year_from=form.cleaned_data["year_from"],
                components=form.components(),
                grades=form.grades(),
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Đã lập công thức phiên bản {formula.version}.")
            return redirect("evaluations:formula")
    return render_page(
        request, "evaluations/formula_form.html", {"section": "evaluations", "form": form}
    )


@never_cache
@require_safe
def runs_view(request: HttpRequest) -> HttpResponse:
    _require_viewer(request)
    page = Paginator(selectors.run_list(actor=request.user), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render_page(
        request,
        "evaluations/runs.html",
        {"section": "evaluations", "page": page, "administered": _administered(request.user)},
    )


@require_POST
def compute_view(request: HttpRequest) -> HttpResponse:
    _require_viewer(request)
    # The organisation named: absent or outside the scope answers 404, inside without the
    # administrator's role 403; the service checks it again inside its transaction.
    organisation = organisation_policy.get_visible(request.user, request.POST.get("organisation"))
    if role_rank_at(request.user, organisation.path) < services.ADMIN_RANK:
        raise PermissionDenied
    try:
        run = evaluation_run_start(
            actor=request.user,
            year=request.POST.get("year"),
            organisation=request.POST.get("organisation"),
        )
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
        return redirect("evaluations:runs")
    messages.success(
        request,
        f"Đã đưa yêu cầu tính đánh giá năm {run.year} vào hàng đợi; trang này cho biết khi xong.",
    )
    return redirect("evaluations:runs")
