"""`ptdv targets snapshot --year Y [--replace] [--as USERNAME]` and `ptdv targets rates`.

`snapshot` freezes the members at the start of a year (run it on the snapshot date, e.g. from
cron on 1 January; a past year is counted back from the membership rows). Running it again
changes nothing unless `--replace`, which is audited. `rates` recomputes the historical
conversion rates the forecast uses (nightly).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from ptdv.accounts.models import User
from ptdv.targets.rates import conversion_rates_rebuild
from ptdv.targets.services import snapshot_take


def parse_day(value: str) -> dt.date:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise CommandError(f"Ngày không hợp lệ “{value}”; hãy nhập dạng dd/mm/yyyy.")


class Command(BaseCommand):
    help = "Chốt số đảng viên đầu năm (snapshot) và tính tỷ lệ chuyển thành kết nạp (rates)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="{snapshot,rates}")
        snapshot = sub.add_parser("snapshot", help="Chốt số đảng viên đầu năm.")
        snapshot.add_argument("--year", type=int, required=True)
        snapshot.add_argument(
            "--replace", action="store_true", help="Chốt lại năm đã chốt (ghi nhật ký)."
        )
        snapshot.add_argument("--as", dest="username", help="Người thực hiện (ghi nhật ký).")
        snapshot.add_argument("--today", help="Ngày chạy (dd/mm/yyyy), mặc định hôm nay.")
        rates = sub.add_parser("rates", help="Tính lại tỷ lệ chuyển thành kết nạp từ lịch sử.")
        rates.add_argument("--today", help="Ngày chạy (dd/mm/yyyy), mặc định hôm nay.")

    def handle(self, *args: Any, **options: Any) -> None:
        today = parse_day(options["today"]) if options.get("today") else timezone.localdate()
        if options["subcommand"] == "rates":
            stored = conversion_rates_rebuild(today=today)
            self.stdout.write(f"Đã tính {stored:,} tỷ lệ chuyển thành kết nạp.".replace(",", "."))
            return
        actor = None
        if options.get("username"):
            actor = User.objects.filter(username=options["username"], is_active=True).first()
            if actor is None:
                raise CommandError(f"Không tìm thấy người dùng “{options['username']}”.")
        try:
            run, taken = snapshot_take(
                year=options["year"], actor=actor, replace=options["replace"], today=today
            )
        except PermissionDenied:
            raise CommandError(
                f"{options['username']} không quản trị tổ chức đảng cấp cao nhất: không được chốt "
                "số đảng viên toàn hệ thống."
            ) from None
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        members = f"{run.members:,}".replace(",", ".")
        when = run.snapshot_date.strftime("%d/%m/%Y")
        if taken:
            verb = "Đã chốt lại" if run.replaced else "Đã chốt"
            self.stdout.write(
                self.style.SUCCESS(f"{verb} số đảng viên ngày {when}: {members} đảng viên.")
            )
        else:
            self.stdout.write(
                f"Năm {run.year} đã được chốt ngày {when} ({members} đảng viên); "
                "không thay đổi (dùng --replace để chốt lại)."
            )
