"""`ptdv obstacles escalate [--today YYYY-MM-DD|dd/mm/yyyy]`: the nightly escalation of the
obstacles a level let pass their due date (each goes up to the level's parent). A system job
like `ptdv requests escalate`: it acts for no user (no `--as`) and prints only a count."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from ptdv.obstacles.services import obstacles_escalate


def parse_day(value: str) -> dt.date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise CommandError(f"Ngày không hợp lệ “{value}”; hãy nhập dạng YYYY-MM-DD hoặc dd/mm/yyyy.")


class Command(BaseCommand):
    help = "Khó khăn, vướng mắc: chuyển các việc quá hạn lên cấp trên (hằng đêm)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="{escalate}")
        escalate = sub.add_parser("escalate", help="Chuyển việc quá hạn lên cấp trên.")
        escalate.add_argument("--today", help="Ngày chạy (YYYY-MM-DD), mặc định hôm nay.")

    def handle(self, *args: Any, **options: Any) -> None:
        today = parse_day(options["today"]) if options.get("today") else timezone.localdate()
        count = obstacles_escalate(today=today)
        self.stdout.write(
            f"Ngày {today:%d/%m/%Y}: {count} khó khăn, vướng mắc quá hạn đã được chuyển cấp trên."
        )
