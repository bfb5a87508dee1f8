"""Exporting a report: build it, render it, record the export in the audit trail.

The caller fetches the organisation (and the term) through the access policy, and the
export checks them again (404 outside the actor's subtrees); a report covers that
organisation's subtree, so it never shows anything the user could not open.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from ptdv.audit.services import audit_record
from ptdv.core.policies import Actor
from ptdv.organisations.models import Organisation
from ptdv.organisations.policies import organisation_policy
from ptdv.reports.builders import indicators_report, progress_report
from ptdv.reports.excel import indicators_workbook, progress_workbook
from ptdv.reports.pdf import indicators_pdf, progress_pdf
from ptdv.targets.models import Term

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


@dataclass(frozen=True)
class ExportedReport:
    content: bytes
    filename: str
    content_type: str


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ValidationError({"format": [_("Định dạng phải là xlsx hoặc pdf.")]})


def _in_scope(actor: Actor, organisation: Organisation, term: Term | None = None) -> Organisation:
    """The organisation (and term) again through the policy, whatever the caller did: a
    report never covers a subtree outside the actor's (404, as absent)."""
    organisation = organisation_policy.get_visible(actor, organisation.pk)
    if term is not None and term.organisation_id != organisation.pk:
        raise Http404
    return organisation


def report_progress_export(
    *, actor: Actor, organisation: Organisation, year: int, fmt: str, today: dt.date
) -> ExportedReport:
    _check_format(fmt)
    organisation = _in_scope(actor, organisation)
    report = progress_report(actor=actor, organisation=organisation, year=year, today=today)
    content = progress_workbook(report) if fmt == "xlsx" else progress_pdf(report)
    audit_record(
        actor=actor,
        action="export",
        obj=organisation,
        summary=_("Xuất báo cáo tiến độ kết nạp năm %(year)s (%(fmt)s)")
        % {"year": year, "fmt": fmt},
        data={"report": "progress", "year": year, "format": fmt, "organisation": organisation.code},
    )
    return ExportedReport(
        content=content,
        filename=f"bao-cao-tien-do-{organisation.code}-{year}.{fmt}",
        content_type=FORMATS[fmt],
    )


def report_indicators_export(
    *,
    actor: Actor,
    organisation: Organisation,
    term: Term,
    year: int,
    fmt: str,
    today: dt.date,
) -> ExportedReport:
    _check_format(fmt)
    organisation = _in_scope(actor, organisation, term)
    report = indicators_report(
        actor=actor, organisation=organisation, term=term, year=year, today=today
    )
    content = indicators_workbook(report) if fmt == "xlsx" else indicators_pdf(report)
    audit_record(
        actor=actor,
        action="export",
        obj=organisation,
        summary=_("Xuất báo cáo kết quả phát triển đảng viên nhiệm kỳ %(term)s (%(fmt)s)")
        % {"term": term.name, "fmt": fmt},
        data={
            "report": "indicators",
            "term": term.pk,
            "year": year,
            "format": fmt,
            "organisation": organisation.code,
        },
    )
    return ExportedReport(
        content=content,
        filename=f"bao-cao-chi-so-{organisation.code}-{term.start_year}-{year}.{fmt}",
        content_type=FORMATS[fmt],
    )
