"""`ptdv pipeline refresh [--incremental] [--today dd/mm/yyyy]`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from ptdv.candidacies.pipeline import pipeline_refresh


def parse_day(value: str) -> dt.date:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise CommandError(f"--today: ngày không hợp lệ “{value}”; hãy nhập dạng dd/mm/yyyy.")


class Command(BaseCommand):
    help = "Tính lại việc tiếp theo, thời hạn và hồ sơ quá hạn của các hồ sơ đang mở."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        refresh = sub.add_parser("refresh", help="Tính lại (mặc định: toàn bộ).")
        refresh.add_argument(
            "--incremental",
            action="store_true",
            help="Chỉ các hồ sơ có dữ kiện thay đổi hoặc đến mốc thời gian (chạy hằng đêm).",
        )
        refresh.add_argument("--today", help="Ngày tính (dd/mm/yyyy), mặc định hôm nay.")
        refresh.add_argument("--chunk", type=int, default=2000)
        refresh.add_argument(
            "--jobs",
            type=int,
            default=None,
            help="Số tiến trình song song (PostgreSQL; mặc định: số lõi, tối đa 4).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = parse_day(options["today"]) if options.get("today") else timezone.localdate()
        if options["chunk"] < 1:
            raise CommandError("--chunk phải là số nguyên dương.")
        if options["jobs"] is not None and not 1 <= options["jobs"] <= 32:
            raise CommandError("--jobs phải là số nguyên từ 1 đến 32.")
        stats = pipeline_refresh(
            today=today,
            full=not options["incremental"],
            chunk=options["chunk"],
            jobs=options["jobs"],
        )
        mode = "toàn bộ" if stats.mode == "full" else "gia tăng"
        self.stdout.write(
            f"Đã tính lại ({mode}) {stats.examined:,} hồ sơ, {stats.written:,} đã ghi, "
            f"trong {stats.seconds:.2f} giây ({stats.rate:,.0f} hồ sơ/giây)."
        )
