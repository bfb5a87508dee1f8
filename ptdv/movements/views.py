"""The pages of mass organisations and movements: the lists, adding and editing, each one's
page with the candidates that came from it (paginated, the names read written to the audit
trail), a mass organisation's yearly targets, and the yield page with its Excel export.

Every page starts from the policies (404 outside the user's subtree); a page that changes
something needs the clerk's role there (403 otherwise).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ptdv.audit.services import audit_list_read, audit_record
from ptdv.core.forms import add_service_errors
from ptdv.core.policies import Action, Actor
from ptdv.core.spreadsheets import workbook_write
from ptdv.core.views import render_page
from ptdv.movements import selectors, services
from ptdv.movements.forms import MassOrganisationForm, MovementForm, TargetForm, YieldForm
from ptdv.movements.models import MassOrganisation, MassOrganisationKind, Movement, MovementKind
from ptdv.movements.policies import mass_organisation_policy, movement_policy
from ptdv.organisations.models import Organisation
from ptdv.organisations.policies import locality_policy, organisation_policy
from ptdv.organisations.selectors import organisation_children, organisation_roots

PER_PAGE = 50
CHOICES_LIMIT = 2000


def _scope_filter(request: HttpRequest) -> Organisation | None:
    raw = request.GET.get("organisation", "")
    if raw.isdigit() and len(raw) < 10:
        return organisation_policy.get_visible(request.user, raw)
    return None


def _year(request: HttpRequest) -> int | None:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else None


def _organiser_options(actor: Actor) -> list[tuple[int, str]]:
    return [(o.pk, o.name) for o in selectors.organiser_choices(actor=actor)[:CHOICES_LIMIT]]


def _audit_candidates(
    request: HttpRequest, rows: list[Any], count: int, obj: Any, organisation: Organisation
) -> None:
    audit_list_read(
        actor=request.user,
        object_type="candidacies.candidacy",
        ids=[c.pk for c in rows],
        person_ids=[c.person_id for c in rows],
        count=count,
        summary=f"Xem danh sách quần chúng của {obj._meta.verbose_name}",
        filters={obj._meta.model_name: obj.pk},
        organisation=organisation,
    )


# --- mass organisations ---------------------------------------------------------------------


@never_cache
@require_safe
def mass_list_view(request: HttpRequest) -> HttpResponse:
    organisation = _scope_filter(request)
    kind = request.GET.get("kind", "")
    kind = kind if kind in MassOrganisationKind.values else ""
    q = request.GET.get("q", "")[:100]
    qs = selectors.mass_organisation_list(
        actor=request.user, organisation=organisation, kind=kind, q=q
    )
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return render_page(
        request,
        "movements/mass_list.html",
        {
            "page": page,
            "organisation": organisation,
            "kind": kind,
            "q": q,
            "kinds": MassOrganisationKind.choices,
            "may_create": selectors.organiser_choices(actor=request.user).exists(),
            "section": "movements",
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def mass_create_view(request: HttpRequest) -> HttpResponse:
    services.require_clerk_somewhere(request.user)
    form = MassOrganisationForm(
        request.POST or None, organisations=_organiser_options(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            body = services.mass_organisation_create(
                actor=request.user, data=form.data_for_service()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Đã thêm đoàn thể.")
            return redirect(body)
    return render_page(request, "movements/mass_form.html", {"form": form, "section": "movements"})


def _mass(request: HttpRequest, pk: int, action: Action = Action.VIEW) -> MassOrganisation:
    body = selectors.mass_organisation_get(actor=request.user, pk=pk)
    mass_organisation_policy.authorize(request.user, action, body)
    return body


@never_cache
@require_http_methods(["GET", "POST"])
def mass_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    body = _mass(request, pk, Action.CHANGE)
    form = MassOrganisationForm(
        request.POST or None,
        initial={"kind": body.kind, "name": body.name},
        organisations=[],
        editing=True,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.mass_organisation_update(
                actor=request.user, pk=body.pk, data=form.data_for_service()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Đã lưu thông tin đoàn thể.")
            return redirect(body)
    return render_page(
        request, "movements/mass_form.html", {"form": form, "body": body, "section": "movements"}
    )


@never_cache
@require_safe
def mass_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    body = _mass(request, pk)
    page = Paginator(selectors.candidates_of(actor=request.user, body=body), PER_PAGE).get_page(
        request.GET.get("page")
    )
    rows = list(page.object_list)
    _audit_candidates(request, rows, page.paginator.count, body, body.organisation)
    may_change = mass_organisation_policy.can(request.user, Action.CHANGE, body)
    return render_page(
        request,
        "movements/mass_detail.html",
        {
            "body": body,
            "page": page,
            "rows": rows,
            "targets": list(selectors.mass_targets(body=body)),
            "movements": list(body.movements.order_by("-starts_on")[:50]),
            "may_change": may_change,
            "target_form": TargetForm(initial={"year": timezone.localdate().year})
            if may_change
            else None,
            "section": "movements",
        },
    )


@require_POST
def mass_target_view(request: HttpRequest, pk: int) -> HttpResponse:
    body = _mass(request, pk, Action.CHANGE)
    form = TargetForm(request.POST)
    if form.is_valid():
        try:
            services.mass_target_set(
                actor=request.user,
                pk=body.pk,
                year=form.cleaned_data["year"],
                referrals=form.cleaned_data["referrals"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, "Đã lưu chỉ tiêu giới thiệu.")
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else str(error))
    return redirect(body)


# --- movements ------------------------------------------------------------------------------


@never_cache
@require_safe
def movement_list_view(request: HttpRequest) -> HttpResponse:
    organisation = _scope_filter(request)
    kind = request.GET.get("kind", "")
    kind = kind if kind in MovementKind.values else ""
    year = _year(request)
    q = request.GET.get("q", "")[:100]
    qs = selectors.movement_list(
        actor=request.user, organisation=organisation, kind=kind, year=year, q=q
    )
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return render_page(
        request,
        "movements/list.html",
        {
            "page": page,
            "organisation": organisation,
            "kind": kind,
            "year": year,
            "q": q,
            "kinds": MovementKind.choices,
            "may_create": selectors.organiser_choices(actor=request.user).exists(),
            "section": "movements",
        },
    )


def _movement_form(request: HttpRequest, editing: Movement | None = None) -> MovementForm:
    actor = request.user
    bodies_qs = mass_organisation_policy.visible_to(actor)
    localities_qs = locality_policy.visible_to(actor)
    bodies = [
        (b.pk, f"{b.name} — {b.organisation.name}")
        for b in bodies_qs.select_related("organisation").order_by("organisation__path", "name")[
            :CHOICES_LIMIT
        ]
    ]
    localities = [
        (lo.pk, f"{lo.name} — {lo.organisation.name}")
        for lo in localities_qs.select_related("organisation").order_by(
            "organisation__path", "sort_key"
        )[:CHOICES_LIMIT]
    ]
    initial: dict[str, Any] = {}
    if editing is not None:
        initial = {
            "kind": editing.kind,
            "name": editing.name,
            "mass_organisation": editing.mass_organisation_id,
            "locality": editing.locality_id,
            "starts_on": editing.starts_on,
            "ends_on": editing.ends_on,
            "description": editing.description,
        }
    return MovementForm(
        request.POST or None,
        initial=initial,
        organisers=[] if editing else _organiser_options(actor),
        bodies=bodies,
        localities=localities,
        editing=editing is not None,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def movement_create_view(request: HttpRequest) -> HttpResponse:
    services.require_clerk_somewhere(request.user)
    form = _movement_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            movement = services.movement_create(actor=request.user, data=form.data_for_service())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Đã thêm phong trào, câu lạc bộ.")
            return redirect(movement)
    return render_page(request, "movements/form.html", {"form": form, "section": "movements"})


def _movement(request: HttpRequest, pk: int, action: Action = Action.VIEW) -> Movement:
    movement = selectors.movement_get(actor=request.user, pk=pk)
    movement_policy.authorize(request.user, action, movement)
    return movement


@never_cache
@require_http_methods(["GET", "POST"])
def movement_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    movement = _movement(request, pk, Action.CHANGE)
    form = _movement_form(request, editing=movement)
    if request.method == "POST" and form.is_valid():
        try:
            services.movement_update(
                actor=request.user, pk=movement.pk, data=form.data_for_service()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Đã lưu thông tin phong trào, câu lạc bộ.")
            return redirect(movement)
    return render_page(
        request,
        "movements/form.html",
        {"form": form, "movement": movement, "section": "movements"},
    )


@never_cache
@require_safe
def movement_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    movement = _movement(request, pk)
    page = Paginator(
        selectors.candidates_of(actor=request.user, movement=movement), PER_PAGE
    ).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    _audit_candidates(request, rows, page.paginator.count, movement, movement.organiser)
    return render_page(
        request,
        "movements/detail.html",
        {
            "movement": movement,
            "page": page,
            "rows": rows,
            "may_change": movement_policy.can(request.user, Action.CHANGE, movement),
            "section": "movements",
        },
    )


# --- yield ----------------------------------------------------------------------------------


def _yield_request(request: HttpRequest) -> tuple[YieldForm, Organisation, int]:
    roots = list(organisation_roots(actor=request.user))
    if not roots:
        raise PermissionDenied
    chosen = request.GET.get("organisation", "")
    organisation = (
        organisation_policy.get_visible(request.user, chosen)
        if chosen.isdigit() and len(chosen) < 10
        else roots[0]
    )
    options = [(o.pk, o.name) for o in roots]
    if organisation.pk not in {pk for pk, _n in options}:
        options.append((organisation.pk, organisation.name))
    options += [
        (c.pk, f"— {c.name}")
        for c in organisation_children(actor=request.user, organisation=organisation)[:200]
    ]
    today = timezone.localdate()
    form = YieldForm(
        {"organisation": organisation.pk, "year": request.GET.get("year") or today.year},
        organisations=options,
    )
    year = form.cleaned_data["year"] if form.is_valid() else today.year
    return form, organisation, year


@never_cache
@require_safe
def yield_view(request: HttpRequest) -> HttpResponse:
    form, organisation, year = _yield_request(request)
    result = selectors.movement_yield(actor=request.user, organisation=organisation, year=year)
    return render_page(
        request,
        "movements/yield.html",
        {"form": form, "result": result, "section": "movements"},
    )


YIELD_HEADERS = ["Nhóm", "Tên", "Đơn vị", "Phát hiện", "Đã học lớp", "Được kết nạp", "Chỉ tiêu"]


def yield_lines(result: selectors.Yield) -> list[list[Any]]:
    lines: list[list[Any]] = [
        ["Tổng số", "", result.organisation.name, *_figures(result.total), None]
    ]
    lines += [["Nguồn giới thiệu", r.label, "", *_figures(r), None] for r in result.channels]
    lines += [
        ["Phong trào, câu lạc bộ", r.label, r.obj.organiser.name, *_figures(r), None]
        for r in result.movements
    ]
    lines += [
        ["Đoàn thể", r.label, r.obj.organisation.name, *_figures(r), r.target]
        for r in result.mass_organisations
    ]
    return lines


def _figures(row: selectors.YieldRow) -> list[int]:
    return [row.found, row.trained, row.admitted]


@require_safe
def yield_export_view(request: HttpRequest) -> FileResponse:
    _form, organisation, year = _yield_request(request)
    result = selectors.movement_yield(actor=request.user, organisation=organisation, year=year)
    handle, count = workbook_write(f"Hiệu quả {year}", YIELD_HEADERS, iter(yield_lines(result)))
    audit_record(
        actor=request.user,
        action="export",
        obj=organisation,
        summary="Xuất Excel hiệu quả phong trào, đoàn thể",
        data={"year": year, "rows": count},
    )
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"hieu-qua-phong-trao-{year}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
