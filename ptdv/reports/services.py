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
from ptdv.documents.docx_writer import render_docx
from ptdv.organisations.models import Organisation
from ptdv.organisations.policies import organisation_policy
from ptdv.reports.builders import indicators_report, progress_report
from ptdv.reports.excel import indicators_workbook, progress_workbook
from ptdv.reports.pdf import indicators_pdf, progress_pdf
from ptdv.reports.periods import Period, period_year
from ptdv.reports.review import KINDS, ReviewKind, review_document
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


def _period_data(period: Period) -> dict[str, str]:
    return {"period": period.kind, "from": period.start.isoformat(), "to": period.end.isoformat()}


def report_progress_export(
    *,
    actor: Actor,
    organisation: Organisation,
    year: int,
    fmt: str,
    today: dt.date,
    period: Period | None = None,
) -> ExportedReport:
    """`period` (a quarter, a half-year, a range; default the whole `year`)."""
    _check_format(fmt)
    organisation = _in_scope(actor, organisation)
    period = period or period_year(year)
    year = period.year
    report = progress_report(
        actor=actor, organisation=organisation, year=year, today=today, period=period
    )
    content = progress_workbook(report) if fmt == "xlsx" else progress_pdf(report)
    audit_record(
        actor=actor,
        action="export",
        obj=organisation,
        summary=_("Xuất báo cáo tiến độ kết nạp %(period)s (%(fmt)s)")
        % {"period": report.period_text, "fmt": fmt},
        data={
            "report": "progress",
            "year": year,
            **_period_data(period),
            "format": fmt,
            "organisation": organisation.code,
        },
    )
    return ExportedReport(
        content=content,
        filename=f"bao-cao-tien-do-{organisation.code}-{period.slug}.{fmt}",
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
    period: Period | None = None,
) -> ExportedReport:
    """The term up to `year`; or, with a `period` other than a whole year, that period."""
    _check_format(fmt)
    organisation = _in_scope(actor, organisation, term)
    if period is not None and period.is_year:
        year, period = period.year, None
    report = indicators_report(
        actor=actor, organisation=organisation, term=term, year=year, today=today, period=period
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
            "year": report.year,
            **(_period_data(period) if period is not None else {}),
            "format": fmt,
            "organisation": organisation.code,
        },
    )
    slug = f"{term.start_year}-{year}" if period is None else period.slug
    return ExportedReport(
        content=content,
        filename=f"bao-cao-chi-so-{organisation.code}-{slug}.{fmt}",
        content_type=FORMATS[fmt],
    )


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def review_kind_parse(value: str | None) -> ReviewKind:
    """ "interim" (sơ kết, the default) or "final" (tổng kết)."""
    value = (value or "interim").strip()
    if value == "final":
        return "final"
    if value == "interim":
        return "interim"
    raise ValidationError(
        {"kind": [_("Loại báo cáo phải là sơ kết (interim) hoặc tổng kết (final).")]}
    )


def report_review_export(
    *,
    actor: Actor,
    organisation: Organisation,
    period: Period,
    kind: str,
    today: dt.date,
) -> ExportedReport:
    """The sơ kết / tổng kết report of the directive as an editable DOCX."""
    review_kind = review_kind_parse(kind)
    organisation = _in_scope(actor, organisation)
    document = review_document(
        actor=actor, organisation=organisation, period=period, kind=review_kind, today=today
    )
    content = render_docx(document)
    audit_record(
        actor=actor,
        action="export",
        obj=organisation,
        summary=_("Xuất báo cáo %(kind)s thực hiện Chỉ thị, %(period)s (docx)")
        % {"kind": KINDS[review_kind].lower(), "period": period.label},
        data={
            "report": "review",
            "kind": review_kind,
            **_period_data(period),
            "format": "docx",
            "organisation": organisation.code,
        },
    )
    return ExportedReport(content=content, filename=f"{document.filename}.docx", content_type=DOCX)
