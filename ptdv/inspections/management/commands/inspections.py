"""`ptdv inspections remind [--today dd/mm/yyyy]`: tell both sides, once, about every
recommendation of an inspection or supervision still open past its due date (the nightly
job runs the same function)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from ptdv.candidacies.management.commands.pipeline import parse_day
from ptdv.inspections.services import followups_overdue_notify


class Command(BaseCommand):
    help = "Kiểm tra, giám sát: nhắc các kiến nghị quá hạn chưa thực hiện."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        remind = sub.add_parser("remind", help="Gửi thông báo (mỗi kiến nghị một lần).")
        remind.add_argument("--today", help="Ngày tính (dd/mm/yyyy), mặc định hôm nay.")

    def handle(self, *args: Any, **options: Any) -> None:
        today = parse_day(options["today"]) if options.get("today") else timezone.localdate()
        told = followups_overdue_notify(today=today)
        self.stdout.write(f"Đã thông báo {told} lần về kiến nghị quá hạn.")
