"""Report downloads from the dashboard: /reports/progress/<id>.xlsx|pdf?year= and
/reports/indicators/<id>.xlsx|pdf?term=&year=."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from ptdv.organisations.policies import organisation_policy
from ptdv.reports.selectors import report_term
from ptdv.reports.services import (
    FORMATS,
    ExportedReport,
    report_indicators_export,
    report_progress_export,
)
from ptdv.targets.views import selected_year


def as_download(report: ExportedReport) -> HttpResponse:
    response = HttpResponse(report.content, content_type=report.content_type)
    response["Content-Disposition"] = f'attachment; filename="{report.filename}"'
    return response


@require_safe
def progress_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    organisation = organisation_policy.get_visible(request.user, pk)
    today = timezone.localdate()
    year = selected_year(request, today)
    return as_download(
        report_progress_export(
            actor=request.user, organisation=organisation, year=year, fmt=fmt, today=today
        )
    )


@require_safe
def indicators_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    organisation = organisation_policy.get_visible(request.user, pk)
    today = timezone.localdate()
    year = selected_year(request, today)
    term = report_term(
        actor=request.user, organisation=organisation, term=request.GET.get("term"), year=year
    )
    return as_download(
        report_indicators_export(
            actor=request.user,
            organisation=organisation,
            term=term,
            year=year,
            fmt=fmt,
            today=today,
        )
    )
