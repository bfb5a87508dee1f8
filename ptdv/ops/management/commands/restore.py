"""`ptdv restore DIR [--force]`: the archive in DIR restored into this installation's
database and files — only into an empty database and empty file folders unless --force; a
damaged archive or one from a newer PTĐV is refused before anything is written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from ptdv.ops.backup import BackupError, restore, restored_counts, settings_place


class Command(BaseCommand):
    help = "Khôi phục một bản sao lưu vào cơ sở dữ liệu và thư mục tệp trống."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", type=Path, help="Thư mục bản sao lưu.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Ghi đè cơ sở dữ liệu và tệp đang có (mặc định: từ chối nếu đã có dữ liệu).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        place = settings_place()
        # The restore swaps the database file (SQLite) or writes from another process
        # (PostgreSQL): this process keeps no connection open across it.
        connections.close_all()
        try:
            manifest = restore(source=options["source"], place=place, force=options["force"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        counts = restored_counts(place)
        differing = sorted(t for t, n in manifest.rows.items() if counts.get(t) != n)
        if differing:
            raise CommandError(
                f"Số dòng sau khôi phục không khớp ở bảng {differing[0]} "
                f"({len(differing)} bảng): hãy kiểm tra lại bản sao lưu."
            )
        self.stdout.write(
            f"Đã khôi phục {options['source']} (tạo lúc {manifest.created_at}): "
            f"{len(manifest.rows)} bảng, {sum(manifest.rows.values())} dòng."
        )
        # An archive from an older PTĐV: bring its schema up to this code's.
        call_command("migrate", "--noinput", verbosity=0)
