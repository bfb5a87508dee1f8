"""The reports as PDF party documents: a Django template laid out per Hướng dẫn 36-HD/VPTW,
printed by WeasyPrint with the Times-compatible Liberation Serif (fonts-liberation2)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from weasyprint import HTML

from ptdv.reports.builders import IndicatorsReport, ProgressReport


def _render(template: str, report: Any) -> bytes:
    html = render_to_string(template, {"report": report})
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


def progress_pdf(report: ProgressReport) -> bytes:
    return _render("reports/progress.html", report)


def indicators_pdf(report: IndicatorsReport) -> bytes:
    return _render("reports/indicators.html", report)
