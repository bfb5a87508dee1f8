"""The pages of inspections and supervisions: the list (with its Excel export), recording and
changing one, its page with the recommendations, adding a recommendation and recording its
result.

Every page starts from the inspection policy (either side in the user's subtree; 404
otherwise); recording, changing and recommending need a clerk of the inspecting body, the
result of a recommendation a clerk of either side (403 otherwise).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ptdv.audit.services import audit_record
from ptdv.candidacies.policies import require_clerk_somewhere
from ptdv.core.forms import add_service_errors
from ptdv.core.policies import Action
from ptdv.core.spreadsheets import workbook_write
from ptdv.core.views import render_page
from ptdv.inspections import selectors, services
from ptdv.inspections.forms import CloseForm, InspectionForm, RecommendationForm
from ptdv.inspections.models import Inspection, InspectionKind, RecommendationStatus
from ptdv.inspections.policies import BODY, inspection_policy
from ptdv.organisations.policies import organisation_policy

PER_PAGE = 50
EXPORT_LIMIT = 5000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filters(request: HttpRequest) -> selectors.InspectionFilters:
    organisation = None
    value = request.GET.get("organisation", "")
    if value.isdigit() and len(value) < 10:
        organisation = organisation_policy.get_visible(request.user, value)
    kind = request.GET.get("kind", "")
    year = request.GET.get("year", "")
    followup = request.GET.get("followup", "")
    return selectors.InspectionFilters(
        organisation=organisation,
        kind=kind if kind in InspectionKind.values else "",
        year=int(year) if year.isdigit() and 1900 <= int(year) <= 2999 else None,
        followup=followup if followup in ("open", "overdue") else "",
    )


@never_cache
@require_safe
def inspection_list_view(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    filters = _filters(request)
    qs = selectors.inspection_list(actor=request.user, today=today, filters=filters)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return render_page(
        request,
        "inspections/list.html",
        {
            "page": page,
            "filters": filters,
            "kinds": InspectionKind.choices,
            "may_create": selectors.organisation_choices(actor=request.user).exists(),
            "section": "inspections",
        },
    )


@never_cache
@require_safe
def inspection_export_view(request: HttpRequest) -> FileResponse:
    """The list, with its filters, as an Excel workbook (audited as an export)."""
    today = timezone.localdate()
    filters = _filters(request)
    rows = list(
        selectors.inspection_list(actor=request.user, today=today, filters=filters)[:EXPORT_LIMIT]
    )
    handle, count = workbook_write(
        "Kiểm tra, giám sát",
        [
            "Mã",
            "Loại",
            "Chủ thể kiểm tra, giám sát",
            "Tổ chức được kiểm tra, giám sát",
            "Nội dung",
            "Từ ngày",
            "Đến ngày",
            "Thành viên đoàn",
            "Kết quả, nhận xét",
            "Số kiến nghị",
            "Đã hoàn thành",
            "Quá hạn",
        ],
        iter(
            [
                i.pk,
                i.get_kind_display(),
                i.body.name,
                i.organisation.name,
                i.subject,
                i.starts_on,
                i.ends_on,
                "; ".join(i.inspector_list),
                i.findings,
                i.recommended,  # type: ignore[attr-defined]
                i.done,  # type: ignore[attr-defined]
                i.overdue,  # type: ignore[attr-defined]
            ]
            for i in rows
        ),
    )
    audit_record(
        actor=request.user,
        action="export",
        object_type="inspections.inspection",
        summary="Xuất Excel danh sách kiểm tra, giám sát",
        data={"count": count, "filters": filters.as_audit(), "ids": [i.pk for i in rows][:500]},
    )
    return FileResponse(
        handle, as_attachment=True, filename="kiem-tra-giam-sat.xlsx", content_type=XLSX
    )


def _bodies(request: HttpRequest) -> list[tuple[int, str]]:
    return [(o.pk, o.name) for o in selectors.organisation_choices(actor=request.user)[:1000]]


@never_cache
@require_http_methods(["GET", "POST"])
def inspection_create_view(request: HttpRequest) -> HttpResponse:
    require_clerk_somewhere(request.user)
    initial: dict[str, Any] = {}
    if request.GET.get("organisation", "").isdigit():
        initial["organisation"] = request.GET["organisation"]
    form = InspectionForm(request.POST or None, initial=initial, bodies=_bodies(request))
    if request.method == "POST" and form.is_valid():
        try:
            inspection = services.inspection_create(
                actor=request.user, data=form.data_for_service()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Đã ghi nhận cuộc kiểm tra, giám sát.")
            return redirect(inspection)
    return render_page(request, "inspections/form.html", {"form": form, "section": "inspections"})


def _inspection(request: HttpRequest, pk: int) -> Inspection:
    return selectors.inspection_get(actor=request.user, pk=pk)


def _version(request: HttpRequest) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() and len(value) < 10 else None


@never_cache
@require_http_methods(["GET", "POST"])
def inspection_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _inspection(request, pk)
    inspection_policy.authorize_on(request.user, Action.CHANGE, inspection, BODY)
    initial = {
        name: getattr(inspection, name)
        for name in ("kind", "subject", "starts_on", "ends_on", "inspectors", "findings")
    }
    initial.update(body=inspection.body_id, organisation=inspection.organisation_id)
    bodies = _bodies(request)
    if inspection.body_id not in {b for b, _name in bodies}:
        bodies.insert(0, (inspection.body_id, inspection.body.name))
    form = InspectionForm(request.POST or None, initial=initial, bodies=bodies)
    if request.method == "POST" and form.is_valid():
        try:
            services.inspection_update(
                actor=request.user,
                inspection_id=inspection.pk,
                data=form.data_for_service(),
                version=_version(request),
            )
        except services.StaleInspection as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Đã lưu cuộc kiểm tra, giám sát.")
            return redirect(inspection)
    return render_page(
        request,
        "inspections/form.html",
        {"form": form, "inspection": inspection, "section": "inspections"},
    )


@never_cache
@require_safe
def inspection_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _inspection(request, pk)
    today = timezone.localdate()
    return render_page(
        request,
        "inspections/detail.html",
        {
            "inspection": inspection,
            "recommendations": list(selectors.inspection_recommendations(inspection=inspection)),
            "today": today,
            "may_change": inspection_policy.can_on(request.user, Action.CHANGE, inspection, BODY),
            "may_close": inspection_policy.can(request.user, Action.CHANGE, inspection),
            "recommendation_form": RecommendationForm(),
            "close_form": CloseForm(initial={"done_on": today}),
            "open": RecommendationStatus.OPEN,
            "section": "inspections",
        },
    )


def _flash(request: HttpRequest, exc: ValidationError) -> None:
    for errors in getattr(exc, "message_dict", {"": exc.messages}).values():
        for error in errors:
            messages.error(request, error)


def _form_errors(request: HttpRequest, form: Any) -> None:
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


@never_cache
@require_POST
def recommendation_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _inspection(request, pk)
    inspection_policy.authorize_on(request.user, Action.CHANGE, inspection, BODY)
    form = RecommendationForm(request.POST)
    if form.is_valid():
        try:
            services.recommendation_add(
                actor=request.user,
                inspection_id=inspection.pk,
                text=form.cleaned_data["text"],
                due_on=form.cleaned_data["due_on"],
            )
        except ValidationError as exc:
            _flash(request, exc)
        else:
            messages.success(request, "Đã thêm kiến nghị.")
    else:
        _form_errors(request, form)
    return redirect(inspection)


@never_cache
@require_POST
def recommendation_close_view(request: HttpRequest, pk: int, rid: int) -> HttpResponse:
    inspection = _inspection(request, pk)
    # Either side's clerks record the result: the inspected organisation reports it, the body
    # confirms it.
    inspection_policy.authorize(request.user, Action.CHANGE, inspection)
    if not inspection.recommendations.filter(pk=rid).exists():
        raise Http404
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.recommendation_close(
                actor=request.user,
                recommendation_id=rid,
                result=form.cleaned_data["result"],
                done_on=form.cleaned_data["done_on"],
            )
        except ValidationError as exc:
            _flash(request, exc)
        else:
            messages.success(request, "Đã ghi nhận kết quả thực hiện kiến nghị.")
    else:
        _form_errors(request, form)
    return redirect(inspection)
