"""Report downloads from the dashboard: /reports/progress/<id>.xlsx|pdf?year= and
/reports/indicators/<id>.xlsx|pdf?term=&year=, each also for a quarter, a half-year or a
range of days (`?quarter=&year=`, `?half=&year=`, `?from=dd/mm/yyyy&to=dd/mm/yyyy`); the
page of an organisation's reports by period (/reports/<id>/) with their forms; the review
report (sơ kết / tổng kết) /reports/review/<id>.docx?kind=&…period…."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from ptdv.core.views import render_page
from ptdv.organisations.models import Organisation
from ptdv.organisations.policies import organisation_policy
from ptdv.organisations.selectors import organisation_ancestors, organisation_children
from ptdv.reports.periods import PERIOD_FIELDS, Period, period_parse
from ptdv.reports.review import KINDS
from ptdv.reports.selectors import report_term
from ptdv.reports.services import (
    FORMATS,
    ExportedReport,
    report_indicators_export,
    report_progress_export,
    report_review_export,
    review_kind_parse,
)
from ptdv.targets.selectors import term_list
from ptdv.targets.views import selected_year, year_choices


def as_download(report: ExportedReport) -> HttpResponse:
    response = HttpResponse(report.content, content_type=report.content_type)
    response["Content-Disposition"] = f'attachment; filename="{report.filename}"'
    return response


def _errors(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [message for messages in error.message_dict.values() for message in messages]
    return list(error.messages)


def _page(
    request: HttpRequest,
    organisation: Organisation,
    *,
    errors: list[str] | None = None,
    form: str = "",
    status: int = 200,
) -> HttpResponse:
    """The reports-by-period page; on a refused request, the form that sent it with the
    reasons (and the values sent)."""
    today = timezone.localdate()
    query = {name: request.GET.get(name, "") for name in (*PERIOD_FIELDS, "term", "kind")}
    units = [organisation, *organisation_children(actor=request.user, organisation=organisation)]
    context: dict[str, Any] = {
        "organisation": organisation,
        "ancestors": list(organisation_ancestors(actor=request.user, organisation=organisation)),
        "year": selected_year(request, today),
        "years": year_choices(today),
        "today": today,
        "section": "targets",
        "terms": list(term_list(actor=request.user, organisation=organisation)),
        "units": units,
        "kinds": list(KINDS.items()),
        "quarters": [(1, "Quý I"), (2, "Quý II"), (3, "Quý III"), (4, "Quý IV")],
        "halves": [(1, "6 tháng đầu năm"), (2, "6 tháng cuối năm")],
        "query": query,
        "errors": errors or [],
        "form": form,
        "selected_unit": request.GET.get("organisation", ""),
    }
    return render_page(request, "reports/periods.html", context, status=status)


@require_safe
def periods_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The forms; the review form comes back here (`?review=1`): its organisation is one of
    the page's own subtree, checked through the policy, then the download starts."""
    organisation = organisation_policy.get_visible(request.user, pk)
    if not request.GET.get("review"):
        return _page(request, organisation)
    try:
        unit_id = request.GET.get("organisation") or str(organisation.pk)
        if not unit_id.isdigit():
            raise ValidationError({"organisation": ["Tổ chức không hợp lệ."]})
        unit = organisation_policy.get_visible(request.user, int(unit_id))
        if not unit.path.startswith(organisation.path):
            raise Http404
        period = period_parse(request.GET, today=timezone.localdate())
        kind = review_kind_parse(request.GET.get("kind"))
    except ValidationError as error:
        return _page(request, organisation, errors=_errors(error), form="review", status=400)
    url = reverse("reports:review", args=[unit.pk])
    return redirect(f"{url}?{urlencode({'kind': kind, **period.query()})}")


def _period(request: HttpRequest) -> Period:
    return period_parse(request.GET, today=timezone.localdate())


@require_safe
def progress_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    organisation = organisation_policy.get_visible(request.user, pk)
    today = timezone.localdate()
    try:
        period = _period(request)
    except ValidationError as error:
        return _page(request, organisation, errors=_errors(error), form="progress", status=400)
    return as_download(
        report_progress_export(
            actor=request.user,
            organisation=organisation,
            year=period.year,
            fmt=fmt,
            today=today,
            period=period,
        )
    )


@require_safe
def indicators_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    organisation = organisation_policy.get_visible(request.user, pk)
    today = timezone.localdate()
    try:
        period = _period(request)
    except ValidationError as error:
        return _page(request, organisation, errors=_errors(error), form="indicators", status=400)
    term = report_term(
        actor=request.user,
        organisation=organisation,
        term=request.GET.get("term"),
        year=period.year,
    )
    return as_download(
        report_indicators_export(
            actor=request.user,
            organisation=organisation,
            term=term,
            year=period.year,
            fmt=fmt,
            today=today,
            period=period,
        )
    )


@require_safe
def review_download(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = organisation_policy.get_visible(request.user, pk)
    try:
        period = _period(request)
        kind = review_kind_parse(request.GET.get("kind"))
    except ValidationError as error:
        return _page(request, organisation, errors=_errors(error), form="review", status=400)
    return as_download(
        report_review_export(
            actor=request.user,
            organisation=organisation,
            period=period,
            kind=kind,
            today=timezone.localdate(),
        )
    )
