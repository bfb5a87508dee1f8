"""`ptdv report progress|indicators --organisation CODE --year Y --format xlsx|pdf
--output FILE --as USERNAME [--term NAME_OR_ID]`.

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
from ptdv.reports.selectors import report_term
from ptdv.reports.services import FORMATS, report_indicators_export, report_progress_export
from ptdv.targets.selectors import FIRST_YEAR, LAST_YEAR


class Command(BaseCommand):
    help = "Xuất báo cáo tiến độ (progress) hoặc chỉ số theo nhiệm kỳ (indicators) ra Excel, PDF."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="kind", required=True, metavar="{progress,indicators}")
        for name, text in (
            ("progress", "Báo cáo tiến độ kết nạp của một năm."),
            ("indicators", "Báo cáo chỉ số theo Chỉ thị của một nhiệm kỳ."),
        ):
            report = sub.add_parser(name, help=text)
            report.add_argument("--organisation", required=True, help="Mã tổ chức đảng.")
            report.add_argument("--year", type=int, help="Năm (mặc định: năm nay).")
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
        year = options.get("year") or today.year
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise CommandError("Năm không hợp lệ.")
        organisation = (
            organisation_policy.visible_to(user).filter(code=options["organisation"]).first()
        )
        if organisation is None:
            raise CommandError(
                f"Không tìm thấy tổ chức “{options['organisation']}” trong phạm vi của "
                f"{user.username}."
            )
        try:
            if options["kind"] == "progress":
                report = report_progress_export(
                    actor=user,
                    organisation=organisation,
                    year=year,
                    fmt=options["format"],
                    today=today,
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
