"""`ptdv evaluations compute --year Y [--as USERNAME] [--organisation CODE]`: the yearly
evaluation of every organisation of a subtree. With `--as`, the user must administer the
organisation (default: the user's outermost administered one); without it, the system
computes the whole tree from `--organisation` (default: every root)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ptdv.accounts.models import User
from ptdv.evaluations.services import evaluation_compute
from ptdv.organisations.models import Organisation


class Command(BaseCommand):
    help = "Đánh giá, xếp loại tổ chức đảng về công tác phát triển đảng viên."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        compute = sub.add_parser("compute", help="Tính đánh giá một năm cho mọi tổ chức.")
        compute.add_argument("--year", type=int, required=True, help="Năm đánh giá.")
        compute.add_argument("--as", dest="username", help="Người tính (ghi nhật ký).")
        compute.add_argument(
            "--organisation", help="Mã tổ chức gốc (mặc định: cây của người tính)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = None
        if options.get("username"):
            user = User.objects.filter(username=options["username"], is_active=True).first()
            if user is None:
                raise CommandError(f"Không tìm thấy người dùng “{options['username']}”.")
        roots: list[Any] = [None]
        code = options.get("organisation")
        if code:
            found = Organisation.objects.filter(code=code, valid_to__isnull=True).first()
            if found is None:
                raise CommandError(f"Không tìm thấy tổ chức “{code}”.")
            roots = [found.pk]
        elif user is None:
            roots = list(
                Organisation.objects.filter(parent__isnull=True, valid_to__isnull=True)
                .order_by("path")
                .values_list("pk", flat=True)
            )
        for root in roots:
            try:
                run = evaluation_compute(actor=user, year=options["year"], organisation=root)
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from None
            except PermissionDenied as exc:
                raise CommandError(str(exc) or "Không có quyền.") from None
            self.stdout.write(
                f"Đã đánh giá {run.evaluated} tổ chức thuộc {run.organisation.name} năm "
                f"{run.year} trong {run.seconds:.1f} giây."
            )
