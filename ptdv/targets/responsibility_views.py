"""Responsibility pages (directive tasks 3, 4): "what each leader achieved" for a subtree and
a year (page and Excel), the personal quotas an organisation sets, one responsible person's
candidates with their stages and deadlines, and the same list of the signed-in user's own
person ("Quần chúng tôi phụ trách").

Every organisation and person named by the URL or the form is resolved through the user's
scope (404 outside it); writes go through `services.py` (403 when the role may not). The
pages name people: each view of one is audited.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from ptdv.audit.services import audit_list_read, audit_record
from ptdv.core.forms import add_service_errors
from ptdv.core.views import render_page
from ptdv.organisations.models import Organisation
from ptdv.organisations.policies import organisation_policy
from ptdv.people.policies import person_policy
from ptdv.targets.forms import QuotaForm
from ptdv.targets.models import PlanAssignment
from ptdv.targets.policies import TargetAction, quota_policy, targets_policy
from ptdv.targets.responsibility import (
    ResponsibilityReport,
    next_action_label,
    person_criterion,
    person_quotas,
    quotas_in,
    responsibility_report,
    responsible_candidates,
)
from ptdv.targets.services import quota_delete, quota_set
from ptdv.targets.views import _base, _plan_choices, selected_year, year_choices

PAGE_SIZE = 50
CRITERION_YEARS = 5
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _audit_rows(
    request: HttpRequest, report: ResponsibilityReport, person_ids: list[int], summary: str
) -> None:
    audit_list_read(
        actor=request.user,
        object_type="people.person",
        ids=person_ids,
        person_ids=person_ids,
        count=len(report.rows),
        summary=summary,
        filters={"year": report.year},
        organisation=report.organisation,
    )


@require_safe
def responsibility_view(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = organisation_policy.get_visible(request.user, pk)
    year = selected_year(request, timezone.localdate())
    report = responsibility_report(actor=request.user, organisation=organisation, year=year)
    page = Paginator(report.rows, PAGE_SIZE).get_page(request.GET.get("page"))
    _audit_rows(
        request,
        report,
        [row.person_id for row in page.object_list],
        "Xem kết quả phụ trách quần chúng của từng người",
    )
    context = {
        **_base(request, organisation, year),
        "report": report,
        "totals": report.totals,
        "page": page,
        "keep": {},
        "may_plan": targets_policy.can(request.user, TargetAction.PLAN, organisation),
    }
    return render_page(request, "targets/responsibility.html", context)


def report_workbook(report: ResponsibilityReport) -> bytes:
    """The report as an Excel workbook: a title, one row per person, the totals."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Kết quả phụ trách"
    sheet.append(
        [
            f"KẾT QUẢ PHỤ TRÁCH BỒI DƯỠNG, KẾT NẠP QUẦN CHÚNG NĂM {report.year} — "
            f"{report.organisation.name.upper()}"
        ]
    )
    sheet["A1"].font = Font(bold=True)
    sheet.append([])
    header = [
        "STT",
        "Họ và tên",
        "Tổ chức",
        "Vai trò",
        "Số quần chúng phụ trách",
        "Đã kết nạp trong năm",
        "Đang bồi dưỡng",
        "Đã đóng hồ sơ",
        "Chỉ tiêu cá nhân",
        "Tỷ lệ đạt chỉ tiêu (%)",
    ]
    sheet.append(header)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for index, row in enumerate(report.rows, start=1):
        achievement = row.achievement
        sheet.append(
            [
                index,
                row.name,
                row.organisation,
                row.role,
                row.nurtured,
                row.admitted,
                row.in_progress,
                row.closed,
                row.quota,
                None if achievement is None else round(achievement * 100, 1),
            ]
        )
    totals = report.totals
    sheet.append(
        [
            None,
            "Tổng cộng",
            None,
            f"{totals['people']} người",
            totals["nurtured"],
            totals["admitted"],
            totals["in_progress"],
            None,
            totals["quota"],
            None,
        ]
    )
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEFGHIJ", (6, 28, 30, 30, 14, 14, 14, 14, 14, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@require_safe
def responsibility_export(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = organisation_policy.get_visible(request.user, pk)
    year = selected_year(request, timezone.localdate())
    report = responsibility_report(actor=request.user, organisation=organisation, year=year)
    _audit_rows(
        request,
        report,
        [row.person_id for row in report.rows],
        "Tải Excel kết quả phụ trách quần chúng của từng người",
    )
    response = HttpResponse(report_workbook(report), content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="phu-trach-quan-chung-{organisation.code}-{year}.xlsx"'
    )
    return response


def _quota_url(organisation: Organisation, year: int) -> str:
    return reverse("targets:quotas", args=[organisation.pk]) + f"?year={year}"


@require_http_methods(["GET", "POST"])
def quotas_view(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = organisation_policy.get_visible(request.user, pk)
    year = selected_year(request, timezone.localdate())
    may_plan = targets_policy.can(request.user, TargetAction.PLAN, organisation)
    choices = _plan_choices(request, organisation) if may_plan else None
    form = (
        QuotaForm(
            request.POST if request.POST.get("step") == "set" else None,
            members=choices["members"],
            leaders=choices["leaders"],
        )
        if choices
        else None
    )
    if request.method == "POST":
        if not may_plan:
            raise PermissionDenied
        if request.POST.get("step") == "remove":
            quota = quota_policy.get_visible(
                request.user,
                request.POST.get("quota"),
                quotas_in(actor=request.user, organisation=organisation, year=year),
            )
            quota_delete(actor=request.user, quota=quota)
            messages.success(request, _("Đã bỏ chỉ tiêu cá nhân."))
            return redirect(_quota_url(organisation, year))
        if form is not None and form.is_valid():
            data = form.cleaned_data
            try:
                quota_set(
                    actor=request.user,
                    organisation=organisation,
                    year=year,
                    person=data["person"],
                    member=data["member"],
                    number=data["number"],
                    note=data["note"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Đã lưu chỉ tiêu cá nhân."))
                return redirect(_quota_url(organisation, year))
    quotas = quotas_in(actor=request.user, organisation=organisation, year=year)
    page = Paginator(quotas, PAGE_SIZE).get_page(request.GET.get("page"))
    people = [q.person_id or q.member.person_id for q in page.object_list]  # type: ignore[union-attr]
    audit_list_read(
        actor=request.user,
        object_type="targets.responsibilityquota",
        ids=[q.pk for q in page.object_list],
        person_ids=people,
        count=page.paginator.count,
        summary="Xem chỉ tiêu cá nhân phụ trách quần chúng",
        filters={"year": year},
        organisation=organisation,
    )
    context = {
        **_base(request, organisation, year),
        "page": page,
        "form": form,
        "may_plan": may_plan,
        "keep": {},
        "truncated": bool(choices and choices["truncated"]),
    }
    return render_page(request, "targets/quotas.html", context)


def candidate_rows(
    assignments: Iterable[PlanAssignment], person_id: int, today: dt.date
) -> list[dict[str, Any]]:
    """The rows of a responsible person's candidates (their page and "Quần chúng tôi phụ
    trách"): the assignment, the role it gives the person, the next action, overdue."""
    return [
        {
            "assignment": a,
            "as_leader": a.responsible_person_id == person_id,
            "next_action": next_action_label(a.candidacy.next_action),
            "overdue": bool(a.candidacy.next_due and a.candidacy.next_due < today),
        }
        for a in assignments
    ]


@require_safe
def responsible_view(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_policy.get_visible(request.user, pk)
    today = timezone.localdate()
    year = selected_year(request, today)
    assignments = list(responsible_candidates(actor=request.user, person=person, year=year))
    rows = candidate_rows(assignments, person.pk, today)
    audit_record(
        actor=request.user,
        action="view",
        obj=person,
        person=person,
        summary="Xem danh sách quần chúng do một người phụ trách",
        data={"year": year, "candidacies": [a.candidacy_id for a in assignments]},
    )
    context = {
        "person": person,
        "year": year,
        "years": list(range(today.year + 1, today.year - 10, -1)),
        "keep": {},
        "today": today,
        "rows": rows,
        "quotas": list(person_quotas(actor=request.user, person=person, year=year)),
        "criterion": person_criterion(
            actor=request.user,
            person=person,
            years=range(today.year - CRITERION_YEARS + 1, today.year + 1),
        ),
        "section": "targets",
    }
    return render_page(request, "targets/responsible.html", context)


@require_safe
def mine_view(request: HttpRequest) -> HttpResponse:
    """The page "Quần chúng tôi phụ trách": the candidates the signed-in user's person (the
    account's link to a person, set by an administrator) is responsible for in the year, as
    leader or as member, by deadline — only those inside the user's own scope. Without a link
    the page says whom to ask. Each page read is audited like a page of the candidate list."""
    today = timezone.localdate()
    year = selected_year(request, today)
    # The account's person (None: not linked; an anonymous visitor never gets here).
    person = getattr(request.user, "person", None)
    context: dict[str, Any] = {
        "year": year,
        "years": year_choices(today),
        "keep": {},
        "today": today,
        "linked": person is not None,
        "page": None,
        "rows": [],
        "section": "mine",
    }
    if person is not None:
        page = Paginator(
            responsible_candidates(actor=request.user, person=person, year=year), PAGE_SIZE
        ).get_page(request.GET.get("page"))
        assignments = list(page.object_list)
        context["page"] = page
        context["rows"] = candidate_rows(assignments, person.pk, today)
        audit_list_read(
            actor=request.user,
            object_type="candidacies.candidacy",
            ids=[a.candidacy_id for a in assignments],
            person_ids=[a.candidacy.person_id for a in assignments],
            count=page.paginator.count,
            summary="Xem danh sách quần chúng tôi phụ trách",
            filters={"year": year},
        )
    return render_page(request, "targets/mine.html", context)
