"""`ptdv documents render|number|forms|prune`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404
from django.utils import timezone

from ptdv.core.policies import Actor
from ptdv.documents.cli import add_actor_argument, command_actor, parse_day
from ptdv.documents.models import Attachment
from ptdv.documents.official_forms import FORMS
from ptdv.documents.services import FormNotAvailable, document_number_reserve, document_render
from ptdv.documents.storage import private_storage
from ptdv.organisations.policies import organisation_policy


class Command(BaseCommand):
    help = "Biểu mẫu chính thức của hồ sơ, sổ số văn bản và tệp đính kèm."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        render = sub.add_parser("render", help="Xuất một biểu mẫu của hồ sơ ra PDF hoặc DOCX.")
        render.add_argument("--candidacy", type=int, required=True, help="Mã (id) hồ sơ.")
        render.add_argument("--slug", required=True, help="Biểu mẫu, ví dụ 9-knd.")
        render.add_argument("--format", choices=["pdf", "docx"], default="pdf")
        render.add_argument("--output", required=True, help="Tệp ghi ra.")
        add_actor_argument(render)
        number = sub.add_parser("number", help="Lấy số văn bản tiếp theo của một cơ quan.")
        number.add_argument("--organisation", required=True, help="Mã tổ chức ban hành.")
        number.add_argument("--kind", required=True, help="QĐ, NQ, BC, GCN, TTr, CV.")
        number.add_argument("--date", help="Ngày văn bản (dd/mm/yyyy), mặc định hôm nay.")
        add_actor_argument(number)
        sub.add_parser("forms", help="Liệt kê các biểu mẫu.")
        sub.add_parser("prune", help="Xóa tệp đính kèm không còn bản ghi (sau giao dịch hủy).")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["subcommand"]
        if name == "forms":
            for spec in FORMS.values():
                self.stdout.write(f"{spec.slug}\t{spec.code or '-'}\t{spec.name}")
            return
        if name == "prune":
            self.stdout.write(f"Đã xóa {prune_orphans()} tệp không còn bản ghi.")
            return
        actor = command_actor(options["actor"])
        try:
            if name == "render":
                self._render(actor, options)
            else:
                self._number(actor, options)
        except (Http404, PermissionDenied):
            raise CommandError(
                "Không tìm thấy hoặc không có quyền trong phạm vi người dùng."
            ) from None
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None

    def _render(self, actor: Actor, options: dict[str, Any]) -> None:
        try:
            rendered = document_render(
                actor=actor,
                candidacy_id=options["candidacy"],
                slug=options["slug"],
                fmt=options["format"],
            )
        except FormNotAvailable as exc:
            raise CommandError(exc.message) from None
        Path(options["output"]).write_bytes(rendered.content)
        self.stdout.write(f"Đã ghi {options['output']} ({len(rendered.content)} byte).")

    def _number(self, actor: Actor, options: dict[str, Any]) -> None:
        organisation = (
            organisation_policy.visible_to(actor).filter(code=options["organisation"]).first()
        )
        if organisation is None:
            raise Http404
        day = parse_day(options["date"], "--date") if options.get("date") else timezone.localdate()
        entry = document_number_reserve(
            actor=actor, organisation=organisation, kind=options["kind"], on=day
        )
        self.stdout.write(f"Số {entry.symbol}")


def prune_orphans() -> int:
    storage = private_storage()
    root = Path(storage.location) / "attachments"
    if not root.exists():
        return 0
    known = set(Attachment.objects.values_list("storage_name", flat=True))
    removed = 0
    for path in root.rglob("*"):
        if path.is_file():
            name = path.relative_to(storage.location).as_posix()
            if name not in known:
                path.unlink()
                removed += 1
    return removed
