"""`ptdv backup --output DIR`: an archive of the database and the private files into DIR (a
new or empty directory). `ptdv backup --into DIR --keep N`: a new archive named by the time
inside DIR, keeping the N newest (the nightly schedule of the deployment kit)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ptdv.ops.backup import BackupError, backup, default_archive_name, settings_place


class Command(BaseCommand):
    help = "Sao lưu cơ sở dữ liệu và các tệp riêng (bản quét đã ký) vào một thư mục."

    def add_arguments(self, parser: CommandParser) -> None:
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--output", type=Path, help="Thư mục mới (hoặc trống) nhận bản sao lưu.")
        where.add_argument(
            "--into", type=Path, help="Thư mục chứa các bản sao lưu; bản mới mang tên theo giờ."
        )
        parser.add_argument(
            "--keep", type=int, default=0, help="Với --into: giữ N bản mới nhất (0: giữ tất cả)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        keep: int = options["keep"]
        if keep < 0:
            raise CommandError("--keep: phải là số không âm.")
        if options["output"] is not None:
            if keep:
                raise CommandError("--keep chỉ dùng với --into.")
            output: Path = options["output"]
        else:
            name = default_archive_name()
            output = options["into"] / name
            # Two archives in the same second: the second is "-2", and so on.
            suffix = 1
            while output.exists():
                suffix += 1
                output = options["into"] / f"{name}-{suffix}"
        try:
            manifest = backup(output=output, place=settings_place())
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Đã sao lưu vào {output}: {len(manifest.rows)} bảng, "
            f"{sum(manifest.rows.values())} dòng, {len(manifest.checksums)} tệp."
        )
        if options["into"] is not None and keep:
            archives = sorted(
                p for p in options["into"].iterdir() if p.is_dir() and p.name.startswith("ptdv-")
            )
            for old in archives[:-keep]:
                shutil.rmtree(old)
                self.stdout.write(f"Đã xóa bản sao lưu cũ {old.name}.")
