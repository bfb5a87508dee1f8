"""`ptdv notifications dossiers|targets|digest [--today dd/mm/yyyy]`: each nightly
notification job by hand (the scheduler runs them: `ptdv scheduler --list`)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from ptdv.work.digest import digest_send
from ptdv.work.management.commands.scheduler import parse_day
from ptdv.work.nightly import dossier_notifications, target_notifications


class Command(BaseCommand):
    help = "Tạo thông báo về hồ sơ và chỉ tiêu, gửi thư tổng hợp hằng ngày."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(
            dest="subcommand", required=True, metavar="{dossiers,targets,digest}"
        )
        for name, text in (
            ("dossiers", "Thông báo hồ sơ sắp đến hạn (7 ngày) và quá hạn."),
            ("targets", "Thông báo chỉ tiêu có nguy cơ không đạt (theo dự báo)."),
            ("digest", "Gửi thư tổng hợp hằng ngày cho từng người dùng."),
        ):
            command = sub.add_parser(name, help=text)
            command.add_argument("--today", help="Ngày chạy (dd/mm/yyyy), mặc định hôm nay.")

    def handle(self, *args: Any, **options: Any) -> None:
        today = parse_day(options["today"]) if options.get("today") else timezone.localdate()
        if options["subcommand"] == "dossiers":
            self.stdout.write(f"Đã tạo {dossier_notifications(today)} thông báo về hồ sơ.")
        elif options["subcommand"] == "targets":
            self.stdout.write(f"Đã tạo {target_notifications(today)} thông báo về chỉ tiêu.")
        else:
            self.stdout.write(f"Đã gửi {digest_send(today)} thư tổng hợp.")
