"""`ptdv requests escalate [--today YYYY-MM-DD|dd/mm/yyyy]`: the nightly escalation of the
requests between organisations still unanswered after their due date (they become overdue,
and an addressee of the tree has them escalated to its parent). A system job like
`ptdv pipeline refresh`: it acts for no user (no `--as`) and prints only a count."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from ptdv.correspondence.services import requests_escalate


def parse_day(value: str) -> dt.date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise CommandError(f"Ngày không hợp lệ “{value}”; hãy nhập dạng YYYY-MM-DD hoặc dd/mm/yyyy.")


class Command(BaseCommand):
    help = "Yêu cầu giữa các tổ chức: chuyển các yêu cầu quá hạn lên cấp trên (hằng đêm)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="{escalate}")
        escalate = sub.add_parser("escalate", help="Đánh dấu quá hạn và chuyển cấp trên.")
        escalate.add_argument("--today", help="Ngày chạy (YYYY-MM-DD), mặc định hôm nay.")

    def handle(self, *args: Any, **options: Any) -> None:
        today = parse_day(options["today"]) if options.get("today") else timezone.localdate()
        count = requests_escalate(today=today)
        self.stdout.write(
            f"Ngày {today:%d/%m/%Y}: {count} yêu cầu quá hạn đã được chuyển cấp trên."
        )
