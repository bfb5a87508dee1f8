"""`ptdv courses remind [--today dd/mm/yyyy]`: the nightly reminders of courses (the
scheduler runs the same functions) — certificates expiring within 90 days before the cell's
vote, and courses starting within 14 days — each told once to the clerks concerned."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from ptdv.candidacies.management.commands.pipeline import parse_day
from ptdv.courses.services import certificates_expiring_notify, courses_starting_notify


class Command(BaseCommand):
    help = "Lớp bồi dưỡng: nhắc giấy chứng nhận sắp hết hạn và lớp sắp khai giảng."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        remind = sub.add_parser("remind", help="Gửi thông báo (mỗi việc một lần).")
        remind.add_argument("--today", help="Ngày tính (dd/mm/yyyy), mặc định hôm nay.")

    def handle(self, *args: Any, **options: Any) -> None:
        today = parse_day(options["today"]) if options.get("today") else timezone.localdate()
        expiring = certificates_expiring_notify(today=today)
        starting = courses_starting_notify(today=today)
        self.stdout.write(
            f"Đã thông báo: {expiring} về giấy chứng nhận sắp hết hạn, "
            f"{starting} về lớp sắp khai giảng."
        )
