"""`ptdv report progress|indicators --organisation CODE --year Y --format xlsx|pdf
--output FILE --as USERNAME [--term NAME_OR_ID]`, for a shorter period with `--quarter N` or
`--half N` (of `--year`) or `--from dd/mm/yyyy --to dd/mm/yyyy`; `ptdv report review
--organisation CODE --kind interim|final [period] --output FILE.docx --as USERNAME` (the sơ
kết / tổng kết report of the directive).

The report is scoped like the web download: the organisation must lie in the subtrees of the
user named by `--as` (otherwise "not found"), and the export is written to the audit trail
under that user.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404
from django.utils import timezone

from ptdv.accounts.models import User
from ptdv.organisations.policies import organisation_policy
from ptdv.reports.periods import period_parse
from ptdv.reports.selectors import report_term
from ptdv.reports.services import (
    FORMATS,
    ExportedReport,
    report_indicators_export,
    report_progress_export,
    report_review_export,
)


class Command(BaseCommand):
    help = "Xuất báo cáo tiến độ (progress) hoặc chỉ số theo nhiệm kỳ (indicators) ra Excel, PDF."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(
            dest="kind", required=True, metavar="{progress,indicators,review}"
        )
        for name, text in (
            ("progress", "Báo cáo tiến độ kết nạp của một năm hoặc một kỳ."),
            ("indicators", "Báo cáo chỉ số theo Chỉ thị của một nhiệm kỳ hoặc một kỳ."),
            ("review", "Báo cáo sơ kết, tổng kết thực hiện Chỉ thị (docx)."),
        ):
            report = sub.add_parser(name, help=text)
            report.add_argument("--organisation", required=True, help="Mã tổ chức đảng.")
            report.add_argument("--year", help="Năm (mặc định: năm nay).")
            report.add_argument("--quarter", help="Quý (1–4) của năm.")
            report.add_argument("--half", help="6 tháng đầu (1) hoặc cuối (2) năm.")
            report.add_argument("--from", dest="start", help="Từ ngày (dd/mm/yyyy).")
            report.add_argument("--to", dest="end", help="Đến ngày (dd/mm/yyyy).")
            if name == "review":
                report.add_argument(
                    "--kind", dest="review_kind", choices=["interim", "final"], default="interim"
                )
            else:
                report.add_argument("--format", choices=sorted(FORMATS), required=True)
            report.add_argument("--output", required=True, help="Tệp ghi ra.")
            report.add_argument("--as", dest="username", required=True, help="Người xuất báo cáo.")
            if name == "indicators":
                report.add_argument(
                    "--term",
                    help="Mã hoặc tên nhiệm kỳ (mặc định: nhiệm kỳ "
                    "chứa năm, hoặc nhiệm kỳ gần nhất).",
                )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"Không tìm thấy người dùng “{options['username']}”.")
        today = timezone.localdate()
        params = {
            "year": options.get("year") or "",
            "quarter": options.get("quarter") or "",
            "half": options.get("half") or "",
            "from": options.get("start") or "",
            "to": options.get("end") or "",
        }
        try:
            period = period_parse(params, today=today)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        year = period.year
        organisation = (
            organisation_policy.visible_to(user).filter(code=options["organisation"]).first()
        )
        if organisation is None:
            raise CommandError(
                f"Không tìm thấy tổ chức “{options['organisation']}” trong phạm vi của "
                f"{user.username}."
            )
        report: ExportedReport
        try:
            if options["kind"] == "review":
                report = report_review_export(
                    actor=user,
                    organisation=organisation,
                    period=period,
                    kind=options["review_kind"],
                    today=today,
                )
            elif options["kind"] == "progress":
                report = report_progress_export(
                    actor=user,
                    organisation=organisation,
                    year=year,
                    fmt=options["format"],
                    today=today,
                    period=period,
                )
            else:
                term = report_term(
                    actor=user, organisation=organisation, term=options.get("term"), year=year
                )
                report = report_indicators_export(
                    actor=user,
                    organisation=organisation,
                    term=term,
                    year=year,
                    fmt=options["format"],
                    today=today,
                    period=period,
                )
        except Http404:
            raise CommandError("Tổ chức này chưa có nhiệm kỳ nào.") from None
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        output = Path(options["output"])
        output.write_bytes(report.content)
        self.stdout.write(
            self.style.SUCCESS(f"Đã ghi {output} ({len(report.content):,} byte).".replace(",", "."))
        )
