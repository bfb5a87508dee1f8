"""`ptdv audit purge [--dry-run]`: remove the audit entries older than the retention
(PTDV_AUDIT_RETENTION_DAYS, default 5 years). It is the only path that removes entries; the
purge itself is recorded. Meant for a nightly or monthly cron job."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from ptdv.audit.services import audit_purge


class Command(BaseCommand):
    help = "Xóa các mục nhật ký đã quá thời hạn lưu trữ (purge)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{purge}")
        purge = actions.add_parser(
            "purge", help="Xóa các mục nhật ký cũ hơn thời hạn lưu trữ PTDV_AUDIT_RETENTION_DAYS."
        )
        purge.add_argument(
            "--dry-run", action="store_true", help="Chỉ đếm, không xóa và không ghi nhật ký."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = audit_purge(dry_run=options["dry_run"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        cutoff = timezone.localtime(result.cutoff).strftime("%d/%m/%Y %H:%M")
        if result.dry_run:
            self.stdout.write(
                f"Thử: {result.count} mục nhật ký trước {cutoff} "
                f"(lưu trữ {result.retention_days} ngày) sẽ bị xóa. Chưa xóa gì."
            )
        else:
            self.stdout.write(
                f"Đã xóa {result.count} mục nhật ký trước {cutoff} "
                f"(lưu trữ {result.retention_days} ngày)."
            )
