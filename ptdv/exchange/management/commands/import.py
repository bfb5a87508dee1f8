"""`ptdv import FILE --kind KIND [--mode create|update] --as USERNAME [--dry-run]
[--errors-output FILE]`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ptdv.documents.cli import add_actor_argument, command_actor
from ptdv.exchange.models import ImportKind, ImportMode
from ptdv.exchange.services import errors_by_cell, import_mode, import_workbook
from ptdv.exchange.workbook import errors_workbook


class Command(BaseCommand):
    help = (
        "Nhập dữ liệu từ tệp Excel theo mẫu (tất cả hoặc không gì), trong phạm vi của người "
        "dùng --as; có ghi nhật ký."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="Tệp .xlsx theo mẫu.")
        parser.add_argument("--kind", required=True, choices=ImportKind.values)
        parser.add_argument(
            "--mode",
            choices=ImportMode.values,
            help="Thêm mới (create) hoặc cập nhật (update); mặc định theo loại dữ liệu.",
        )
        add_actor_argument(parser)
        parser.add_argument(
            "--dry-run", action="store_true", help="Chỉ kiểm tra, không ghi dữ liệu."
        )
        parser.add_argument(
            "--errors-output", help="Ghi tệp có đánh dấu lỗi ra đây khi tệp bị từ chối."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = command_actor(options["actor"])
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp “{path}”.")
        try:
            mode = import_mode(options["kind"], options.get("mode"))
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        try:
            outcome = import_workbook(
                actor=actor, path=path, kind=options["kind"], mode=mode, dry_run=options["dry_run"]
            )
        except PermissionDenied:
            raise CommandError("Vai trò của người dùng không được nhập loại dữ liệu này.") from None
        for issue in outcome.warnings[:50]:
            where = f"dòng {issue.row}: " if issue.row else ""
            self.stderr.write(f"Cảnh báo — {where}{issue.message}")
        for issue in outcome.errors[:200]:
            self.stderr.write(f"Lỗi — dòng {issue.row}: {issue.message}")
        if outcome.errors and options.get("errors_output") and outcome.sheet is not None:
            cells, messages = errors_by_cell(outcome.sheet, outcome.errors)
            errors_workbook(path, Path(options["errors_output"]), outcome.sheet, cells, messages)
            self.stderr.write(f"Đã ghi tệp có đánh dấu lỗi: {options['errors_output']}")
        if not outcome.ok:
            raise CommandError(outcome.message)
        self.stdout.write(outcome.message)
