"""The pages of courses: the list, opening and editing a course, its page with the enrolled
candidates, enrolment from the pool, the attendance grid, the results, the certificates (issue
and print) and the yearly figures (with their Excel export).

Every page starts from the course policy (404 outside the user's subtree); a page that
changes something needs the clerk's role at the organiser (403 otherwise). Every page that
shows people's names is written to the audit trail.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ptdv.audit.services import audit_list_read, audit_record
from ptdv.candidacies.policies import require_clerk_somewhere
from ptdv.core.forms import add_service_errors
from ptdv.core.policies import Action
from ptdv.core.spreadsheets import workbook_write
from ptdv.core.views import render_page
from ptdv.courses import selectors, services
from ptdv.courses.certificates import FORMATS, certificates_render
from ptdv.courses.forms import CertificateForm, CourseForm, FiguresForm, SessionForm
from ptdv.courses.models import Course, CourseFormat, CourseKind, Enrolment, Result
from ptdv.courses.policies import course_policy
from ptdv.organisations.policies import organisation_policy
from ptdv.organisations.selectors import organisation_roots

PER_PAGE = 50


def _course(request: HttpRequest, pk: int, action: Action = Action.VIEW) -> Course:
    course = selectors.course_get(actor=request.user, pk=pk)
    course_policy.authorize(request.user, action, course)
    return course


def _may_change(request: HttpRequest, course: Course) -> bool:
    return course_policy.can(request.user, Action.CHANGE, course)


def _audit_names(request: HttpRequest, course: Course, rows: list[Enrolment], summary: str) -> None:
    audit_list_read(
        actor=request.user,
        object_type="courses.enrolment",
        ids=[e.pk for e in rows],
        person_ids=[e.candidacy.person_id for e in rows],
        count=len(rows),
        summary=summary,
        filters={"course": course.pk},
        organisation=course.organiser,
    )


def _context(request: HttpRequest, course: Course, tab: str, **extra: Any) -> dict[str, Any]:
    return {
        "course": course,
        "tab": tab,
        "may_change": _may_change(request, course),
        "section": "courses",
        **extra,
    }


@never_cache
@require_safe
def course_list_view(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    filters: dict[str, Any] = {}
    for name, values in (
        ("kind", CourseKind.values),
        ("format", CourseFormat.values),
        ("status", ("planned", "running", "finished")),
    ):
        value = request.GET.get(name, "")
        if value in values:
            filters[name] = value
    year = request.GET.get("year", "")
    if year.isdigit() and 1900 <= int(year) <= 2999:
        filters["year"] = int(year)
    organisation = None
    if request.GET.get("organisation", "").isdigit():
        organisation = organisation_policy.get_visible(request.user, request.GET["organisation"])
        filters["organisation"] = organisation
    courses = selectors.course_list(actor=request.user, filters=filters, today=today)
    page = Paginator(courses, PER_PAGE).get_page(request.GET.get("page"))
    may_create = selectors.organiser_choices(actor=request.user).exists()
    return render_page(
        request,
        "courses/list.html",
        {
            "page": page,
            "filters": filters,
            "organisation": organisation,
            "today": today,
            "kinds": CourseKind.choices,
            "formats": CourseFormat.choices,
            "may_create": may_create,
            "section": "courses",
        },
    )


def _organiser_options(request: HttpRequest) -> list[tuple[int, str]]:
    return [(o.pk, o.name) for o in selectors.organiser_choices(actor=request.user)[:1000]]


@never_cache
@require_http_methods(["GET", "POST"])
def course_create_view(request: HttpRequest) -> HttpResponse:
    require_clerk_somewhere(request.user)
    form = CourseForm(request.POST or None, organisers=_organiser_options(request))
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_create(actor=request.user, data=form.data_for_service())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Đã mở lớp.")
            return redirect(course)
    return render_page(request, "courses/form.html", {"form": form, "section": "courses"})


@never_cache
@require_http_methods(["GET", "POST"])
def course_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    course = _course(request, pk, Action.CHANGE)
    initial = {
        name: getattr(course, name)
        for name in (
            "kind",
            "format",
            "name",
            "issuing_body",
            "starts_on",
            "ends_on",
            "venue",
            "teachers",
            "capacity",
        )
    }
    form = CourseForm(request.POST or None, initial=initial, organisers=[], editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.course_update(
                actor=request.user,
                course_id=course.pk,
                data=form.data_for_service(),
                version=_version(request),
            )
        except services.StaleCourse as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Đã lưu thông tin lớp.")
            return redirect(course)
    return render_page(
        request, "courses/form.html", {"form": form, "course": course, "section": "courses"}
    )


def _version(request: HttpRequest) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() and len(value) < 10 else None


@never_cache
@require_safe
def course_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    course = _course(request, pk)
    course = selectors.course_list(actor=request.user).get(pk=course.pk)
    page = Paginator(selectors.course_enrolments(course=course), PER_PAGE).get_page(
        request.GET.get("page")
    )
    rows = list(page.object_list)
    _audit_names(request, course, rows, "Xem danh sách học viên lớp bồi dưỡng")
    return render_page(
        request,
        "courses/detail.html",
        _context(request, course, "enrolments", page=page, rows=rows, today=timezone.localdate()),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def course_enrol_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Enrol candidates of the pool: the candidates the user may enrol, with a checkbox each
    (those given as `?candidacies=1,2` — the candidate list's selection — ticked)."""
    course = _course(request, pk, Action.CHANGE)
    if request.method == "POST":
        ids = [int(v) for v in request.POST.getlist("candidacies") if v.isdigit() and len(v) < 10]
        try:
            added = services.enrolments_add(
                actor=request.user,
                course_id=course.pk,
                candidacy_ids=ids,
                today=timezone.localdate(),
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, f"Đã ghi danh {len(added)} người vào lớp.")
            return redirect(course)
    chosen = {
        int(v)
        for v in request.GET.get("candidacies", "").split(",")
        if v.strip().isdigit() and len(v.strip()) < 10
    }
    page = Paginator(
        selectors.enrollable_candidacies(actor=request.user, course=course), 200
    ).get_page(request.GET.get("page"))
    candidates = list(page.object_list)
    audit_list_read(
        actor=request.user,
        object_type="candidacies.candidacy",
        ids=[c.pk for c in candidates],
        person_ids=[c.person_id for c in candidates],
        count=page.paginator.count,
        summary="Xem danh sách quần chúng để ghi danh vào lớp",
        filters={"course": course.pk},
        organisation=course.organiser,
    )
    return render_page(
        request,
        "courses/enrol.html",
        _context(request, course, "enrol", page=page, candidates=candidates, chosen=chosen),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def course_attendance_view(request: HttpRequest, pk: int) -> HttpResponse:
    course = _course(request, pk)
    today = timezone.localdate()
    sessions, grid = selectors.attendance_grid(course=course)
    if request.method == "POST":
        course_policy.authorize(request.user, Action.CHANGE, course)
        held = [s for s in sessions if s.date <= today]
        present = {
            s.pk: [
                row.enrolment.pk
                for row in grid
                if request.POST.get(f"present-{s.pk}-{row.enrolment.pk}") == "on"
            ]
            for s in held
        }
        try:
            services.attendance_record(
                actor=request.user,
                course_id=course.pk,
                present=present,
                today=today,
                version=_version(request),
            )
        except services.StaleCourse as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, "Đã lưu điểm danh.")
            return redirect("courses:attendance", pk=course.pk)
    _audit_names(request, course, [row.enrolment for row in grid], "Xem điểm danh lớp bồi dưỡng")
    return render_page(
        request,
        "courses/attendance.html",
        _context(
            request,
            course,
            "attendance",
            sessions=sessions,
            grid=grid,
            today=today,
            session_form=SessionForm(),
        ),
    )


@never_cache
@require_POST
def course_session_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    course = _course(request, pk, Action.CHANGE)
    form = SessionForm(request.POST)
    if form.is_valid():
        try:
            services.session_add(
                actor=request.user,
                course_id=course.pk,
                date=form.cleaned_data["date"],
                topic=form.cleaned_data["topic"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, "Đã thêm buổi học.")
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect("courses:attendance", pk=course.pk)


@never_cache
@require_http_methods(["GET", "POST"])
def course_results_view(request: HttpRequest, pk: int) -> HttpResponse:
    course = _course(request, pk)
    rows = list(selectors.course_enrolments(course=course)[:1000])
    if request.method == "POST":
        course_policy.authorize(request.user, Action.CHANGE, course)
        results = {
            e.pk: request.POST.get(f"result-{e.pk}", e.result)
            for e in rows
            if e.certificate_id is None
        }
        try:
            changed = services.results_record(
                actor=request.user, course_id=course.pk, results=results, version=_version(request)
            )
        except services.StaleCourse as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, f"Đã lưu kết quả ({changed} thay đổi).")
            return redirect("courses:results", pk=course.pk)
    _audit_names(request, course, rows, "Xem kết quả lớp bồi dưỡng")
    return render_page(
        request,
        "courses/results.html",
        _context(request, course, "results", rows=rows, results=Result.choices),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def course_certificates_view(request: HttpRequest, pk: int) -> HttpResponse:
    course = _course(request, pk)
    today = timezone.localdate()
    form = CertificateForm(
        request.POST or None, initial={"date": today if course.ends_on <= today else None}
    )
    if request.method == "POST":
        course_policy.authorize(request.user, Action.CHANGE, course)
        if form.is_valid():
            try:
                issued = services.certificates_issue(
                    actor=request.user,
                    course_id=course.pk,
                    on=form.cleaned_data["date"],
                    today=today,
                    signer=form.cleaned_data.get("signer") or "",
                    version=_version(request),
                )
            except services.StaleCourse as exc:
                form.add_error(None, str(exc))
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"Đã cấp {len(issued)} giấy chứng nhận, số {issued[0].certificate_number} "
                    f"đến {issued[-1].certificate_number}.",
                )
                return redirect("courses:certificates", pk=course.pk)
    rows = list(selectors.course_certificates(course=course)[:1000])
    waiting = course.enrolments.filter(result=Result.PASSED, certificate__isnull=True).count()
    _audit_names(request, course, rows, "Xem giấy chứng nhận lớp bồi dưỡng")
    return render_page(
        request,
        "courses/certificates.html",
        _context(request, course, "certificates", rows=rows, form=form, waiting=waiting),
    )


@never_cache
@require_safe
def course_certificates_print_view(request: HttpRequest, pk: int, ext: str) -> HttpResponse:
    if ext not in FORMATS:
        raise Http404
    try:
        rendered = certificates_render(actor=request.user, course_id=pk, fmt=ext)
    except ValueError:
        messages.error(request, "Lớp chưa cấp giấy chứng nhận nào.")
        return redirect("courses:certificates", pk=pk)
    response = HttpResponse(rendered.content, content_type=rendered.content_type)
    response["Content-Disposition"] = f'attachment; filename="{rendered.filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _figures_request(request: HttpRequest) -> tuple[FiguresForm, Any, int]:
    roots = list(organisation_roots(actor=request.user))
    if not roots:
        raise PermissionDenied
    options: list[tuple[int, str]] = [(o.pk, o.name) for o in roots]
    chosen = request.GET.get("organisation", "")
    organisation = (
        organisation_policy.get_visible(request.user, chosen) if chosen.isdigit() else roots[0]
    )
    if organisation.pk not in {pk for pk, _name in options}:
        options.append((organisation.pk, organisation.name))
    today = timezone.localdate()
    data = {"organisation": organisation.pk, "year": request.GET.get("year") or today.year}
    form = FiguresForm(data, organisations=options)
    year = today.year
    if form.is_valid():
        year = form.cleaned_data["year"]
    return form, organisation, year


@never_cache
@require_safe
def course_figures_view(request: HttpRequest) -> HttpResponse:
    form, organisation, year = _figures_request(request)
    total, children = selectors.course_figures(
        actor=request.user, organisation=organisation, year=year
    )
    audit_record(
        actor=request.user,
        action="view",
        obj=organisation,
        summary="Xem số liệu lớp bồi dưỡng",
        data={"year": year},
    )
    return render_page(
        request,
        "courses/figures.html",
        {
            "form": form,
            "organisation": organisation,
            "year": year,
            "total": total,
            "children": children,
            "section": "courses",
        },
    )


@never_cache
@require_safe
def course_figures_export_view(request: HttpRequest) -> FileResponse:
    _form, organisation, year = _figures_request(request)
    total, children = selectors.course_figures(
        actor=request.user, organisation=organisation, year=year
    )
    headers = [
        "Tổ chức",
        "Số học lớp nhận thức về Đảng",
        "Số đạt",
        "Số ngày trung vị từ giấy chứng nhận đến đơn",
        "Số được quyết định kết nạp",
        "Trong đó đã học lớp buổi tối, trực tuyến",
        "Tỷ lệ (%)",
    ]

    def line(row: selectors.Figures) -> list[Any]:
        share = row.flexible_share
        return [
            row.organisation.name,
            row.trained,
            row.passed,
            row.median_days,
            row.admitted,
            row.admitted_flexible,
            round(share * 100, 1) if share is not None else None,
        ]

    handle, count = workbook_write(
        f"Lớp bồi dưỡng {year}", headers, iter([line(total), *(line(c) for c in children)])
    )
    audit_record(
        actor=request.user,
        action="export",
        obj=organisation,
        summary="Xuất Excel số liệu lớp bồi dưỡng",
        data={"year": year, "rows": count},
    )
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"so-lieu-lop-boi-duong-{year}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
