"""The pages of exemplars: the list (search, filters, Excel and a printable PDF for
propaganda), recording and changing one, its page, linking it to a dossier and its evidence.

Every page starts from the exemplar policy (404 outside the user's subtree); a page that
changes something needs the clerk's role at the exemplar's organisation (403 otherwise).
Pages showing people's names are written to the audit trail.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from weasyprint import HTML

from ptdv.audit.services import audit_list_read, audit_record
from ptdv.candidacies.policies import require_clerk_somewhere
from ptdv.core.forms import add_service_errors
from ptdv.core.policies import Action
from ptdv.core.spreadsheets import workbook_write
from ptdv.core.views import render_page
from ptdv.exemplars import selectors, services
from ptdv.exemplars.forms import ExemplarForm, LinkForm
from ptdv.exemplars.models import Exemplar, ExemplarField
from ptdv.exemplars.policies import exemplar_policy
from ptdv.organisations.policies import organisation_policy

PER_PAGE = 50
EXPORT_LIMIT = 5000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filters(request: HttpRequest) -> selectors.ExemplarFilters:
    organisation = None
    value = request.GET.get("organisation", "")
    if value.isdigit() and len(value) < 10:
        organisation = organisation_policy.get_visible(request.user, value)
    field = request.GET.get("field", "")
    year = request.GET.get("year", "")
    candidate = request.GET.get("candidate", "")
    return selectors.ExemplarFilters(
        organisation=organisation,
        field=field if field in ExemplarField.values else "",
        year=int(year) if year.isdigit() and 1900 <= int(year) <= 2999 else None,
        q=request.GET.get("q", "")[:200],
        candidate=candidate if candidate in ("yes", "no") else "",
    )


def _audit_rows(request: HttpRequest, rows: list[Exemplar], count: int, filters: Any) -> None:
    audit_list_read(
        actor=request.user,
        object_type="exemplars.exemplar",
        ids=[e.pk for e in rows],
        person_ids=[e.person_id for e in rows if e.person_id],
        count=count,
        summary="Xem danh sách gương điển hình",
        filters=filters.as_audit(),
    )


@never_cache
@require_safe
def exemplar_list_view(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    page = Paginator(
        selectors.exemplar_list(actor=request.user, filters=filters), PER_PAGE
    ).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    _audit_rows(request, rows, page.paginator.count, filters)
    return render_page(
        request,
        "exemplars/list.html",
        {
            "page": page,
            "rows": rows,
            "filters": filters,
            "fields": ExemplarField.choices,
            "may_create": selectors.organisation_choices(actor=request.user).exists(),
            "section": "exemplars",
        },
    )


def _rows_for_export(request: HttpRequest) -> tuple[list[Exemplar], selectors.ExemplarFilters]:
    filters = _filters(request)
    rows = list(selectors.exemplar_list(actor=request.user, filters=filters)[:EXPORT_LIMIT])
    return rows, filters


def _audit_export(request: HttpRequest, rows: list[Exemplar], filters: Any, what: str) -> None:
    audit_record(
        actor=request.user,
        action="export",
        object_type="exemplars.exemplar",
        summary=what,
        data={"count": len(rows), "filters": filters.as_audit(), "ids": [e.pk for e in rows][:500]},
    )


@never_cache
@require_safe
def exemplar_export_view(request: HttpRequest) -> FileResponse:
    """The list, with its filters, as an Excel workbook (audited as an export)."""
    rows, filters = _rows_for_export(request)
    handle, _count = workbook_write(
        "Gương điển hình",
        [
            "Mã",
            "Họ và tên",
            "Chức vụ, nơi làm việc",
            "Lĩnh vực",
            "Thành tích, việc làm tiêu biểu",
            "Tổ chức",
            "Ngày ghi nhận",
            "Minh chứng",
            "Đã là quần chúng ưu tú",
        ],
        iter(
            [
                e.pk,
                e.name,
                e.description,
                e.get_field_display(),
                e.deed,
                e.organisation.name,
                e.recognised_on,
                e.evidence,
                "Có" if e.candidacy_id else "",
            ]
            for e in rows
        ),
    )
    _audit_export(request, rows, filters, "Xuất Excel danh sách gương điển hình")
    return FileResponse(
        handle, as_attachment=True, filename="guong-dien-hinh.xlsx", content_type=XLSX
    )


@never_cache
@require_safe
def exemplar_print_view(request: HttpRequest) -> HttpResponse:
    """The list, with its filters, as a printable PDF for propaganda (audited as an export)."""
    rows, filters = _rows_for_export(request)
    html = render_to_string(
        "exemplars/print.html",
        {"rows": rows, "filters": filters, "today": timezone.localdate()},
    )
    pdf: bytes = HTML(string=html).write_pdf()
    _audit_export(request, rows, filters, "In danh sách gương điển hình")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="guong-dien-hinh.pdf"'
    return response


def _organisation_options(request: HttpRequest) -> list[tuple[int, str]]:
    return [(o.pk, o.name) for o in selectors.organisation_choices(actor=request.user)[:1000]]


def _attach(request: HttpRequest, form: ExemplarForm, exemplar: Exemplar) -> None:
    upload = form.cleaned_data.get("file")
    if upload:
        services.exemplar_evidence_attach(
            actor=request.user, exemplar_id=exemplar.pk, upload=upload, original_name=upload.name
        )


@never_cache
@require_http_methods(["GET", "POST"])
def exemplar_create_view(request: HttpRequest) -> HttpResponse:
    require_clerk_somewhere(request.user)
    initial: dict[str, Any] = {"recognised_on": timezone.localdate()}
    if request.GET.get("person", "").isdigit():
        initial["person"] = request.GET["person"]
    form = ExemplarForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        organisations=_organisation_options(request),
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                exemplar = services.exemplar_create(
                    actor=request.user, data=form.data_for_service()
                )
                _attach(request, form, exemplar)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Đã ghi nhận gương điển hình.")
            return redirect(exemplar)
    return render_page(request, "exemplars/form.html", {"form": form, "section": "exemplars"})


def _exemplar(request: HttpRequest, pk: int, action: Action = Action.VIEW) -> Exemplar:
    exemplar = selectors.exemplar_get(actor=request.user, pk=pk)
    exemplar_policy.authorize(request.user, action, exemplar)
    return exemplar


def _version(request: HttpRequest) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() and len(value) < 10 else None


@never_cache
@require_http_methods(["GET", "POST"])
def exemplar_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    exemplar = _exemplar(request, pk, Action.CHANGE)
    initial = {
        "organisation": exemplar.organisation_id,
        "person": exemplar.person_id,
        "name": exemplar.name,
        "description": exemplar.description,
        "field": exemplar.field,
        "recognised_on": exemplar.recognised_on,
        "deed": exemplar.deed,
        "evidence": exemplar.evidence,
    }
    options = _organisation_options(request)
    if exemplar.organisation_id not in {pk for pk, _name in options}:
        options.insert(0, (exemplar.organisation_id, exemplar.organisation.name))
    form = ExemplarForm(
        request.POST or None, request.FILES or None, initial=initial, organisations=options
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.exemplar_update(
                    actor=request.user,
                    exemplar_id=exemplar.pk,
                    data=form.data_for_service(),
                    version=_version(request),
                )
                _attach(request, form, exemplar)
        except services.StaleExemplar as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Đã lưu gương điển hình.")
            return redirect(exemplar)
    return render_page(
        request,
        "exemplars/form.html",
        {"form": form, "exemplar": exemplar, "section": "exemplars"},
    )


@never_cache
@require_safe
def exemplar_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    exemplar = _exemplar(request, pk)
    audit_record(
        actor=request.user,
        action="view",
        obj=exemplar,
        person=exemplar.person,
        organisation=exemplar.organisation,
        summary="Xem gương điển hình",
    )
    return render_page(
        request,
        "exemplars/detail.html",
        {
            "exemplar": exemplar,
            "may_change": exemplar_policy.can(request.user, Action.CHANGE, exemplar),
            "link_form": LinkForm(initial={"candidacy": exemplar.candidacy_id}),
            "section": "exemplars",
        },
    )


@never_cache
@require_POST
def exemplar_link_view(request: HttpRequest, pk: int) -> HttpResponse:
    exemplar = _exemplar(request, pk, Action.CHANGE)
    form = LinkForm(request.POST)
    if form.is_valid():
        try:
            services.exemplar_link_candidacy(
                actor=request.user,
                exemplar_id=exemplar.pk,
                candidacy=form.cleaned_data.get("candidacy"),
            )
        except ValidationError as exc:
            for errors in getattr(exc, "message_dict", {"": exc.messages}).values():
                for error in errors:
                    messages.error(request, error)
        else:
            messages.success(request, "Đã cập nhật hồ sơ quần chúng của gương điển hình.")
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, f"Mã hồ sơ: {error}")
    return redirect(exemplar)


@never_cache
@require_safe
def exemplar_evidence_view(request: HttpRequest, pk: int) -> FileResponse:
    exemplar = _exemplar(request, pk)
    if not exemplar.has_evidence_file:
        raise Http404
    handle = services.exemplar_evidence_open(actor=request.user, exemplar=exemplar)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=exemplar.evidence_name or "minh-chung",
        content_type=exemplar.evidence_type or "application/octet-stream",
    )
