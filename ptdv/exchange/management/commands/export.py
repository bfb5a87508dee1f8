"""`ptdv export candidacies|members|organisations|localities --as USERNAME --output FILE
[filters]` and `ptdv export template --kind KIND [--mode MODE] --output FILE`."""

from __future__ import annotations

import shutil
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from ptdv.documents.cli import add_actor_argument, command_actor
from ptdv.exchange.columns import KINDS, kind_spec
from ptdv.exchange.exports import EXPORT_FILTERS, EXPORTS
from ptdv.exchange.services import import_mode, vn_number
from ptdv.exchange.workbook import template_build
from ptdv.organisations.models import Locality, Organisation

# The roster's filters the console takes as they are (values as in the query string).
MEMBER_OPTIONS = (
    "gender", "ethnicity", "age_band", "year_admitted", "exempt", "sector", "area_flag",
    "target_group",
)  # fmt: skip


class Command(BaseCommand):
    help = "Xuất danh sách ra Excel theo bộ lọc (có ghi nhật ký), hoặc tải tệp mẫu nhập."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        for name, label in (
            ("candidacies", "Hồ sơ phát triển đảng viên"),
            ("members", "Đảng viên"),
            ("organisations", "Tổ chức đảng"),
            ("localities", "Thôn, tổ dân phố"),
        ):
            listing = sub.add_parser(name, help=label)
            listing.add_argument("--output", required=True)
            add_actor_argument(listing)
            listing.add_argument("--organisation", help="Mã tổ chức (lấy cả cấp dưới).")
            if name != "localities":
                listing.add_argument("--search", help="Tìm theo tên.")
            if name == "candidacies":
                listing.add_argument("--stage")
                listing.add_argument("--target-group", dest="target_group")
                listing.add_argument("--status", choices=["open", "closed", "all"], default="open")
                listing.add_argument("--due", choices=["overdue", "30d"])
            if name == "members":
                listing.add_argument("--status", help="Tình trạng (mặc định: đang sinh hoạt; all).")
                listing.add_argument("--locality", help="Mã thôn, tổ dân phố cư trú.")
                for option in MEMBER_OPTIONS:
                    listing.add_argument(f"--{option.replace('_', '-')}", dest=option)
            if name == "localities":
                listing.add_argument("--white", choices=["1", "0"])
                listing.add_argument("--without-cell", dest="without_cell", choices=["1", "0"])
            if name == "organisations":
                listing.add_argument("--kind")
        template = sub.add_parser("template", help="Tệp mẫu nhập.")
        template.add_argument("--kind", required=True, choices=list(KINDS))
        template.add_argument(
            "--mode", help="Chế độ nhập (create, update); mặc định theo loại dữ liệu."
        )
        template.add_argument("--output", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        what = options["what"]
        if what == "template":
            try:
                mode = import_mode(options["kind"], options.get("mode"))
            except ValueError as exc:
                raise CommandError(str(exc)) from None
            template_build(kind_spec(options["kind"], mode), options["output"])
            self.stdout.write(f"Đã ghi {options['output']}.")
            return
        actor = command_actor(options["actor"])
        keys = ("search", "stage", "target_group", "status", "due", "kind", "white", "without_cell")
        params = {key: options[key] for key in (*keys, *MEMBER_OPTIONS) if options.get(key)}
        if options.get("organisation"):
            found = Organisation.objects.filter(code=options["organisation"]).first()
            params["organisation"] = str(found.pk) if found else "0"
        if options.get("locality"):
            locality = Locality.objects.filter(code=options["locality"]).first()
            params["locality"] = str(locality.pk) if locality else "0"
        try:
            filters = EXPORT_FILTERS[what](actor, params)
        except Http404:
            raise CommandError(
                "Không tìm thấy tổ chức hoặc thôn, tổ dân phố trong phạm vi người dùng."
            ) from None
        export = EXPORTS[what](actor=actor, filters=filters)
        with open(options["output"], "wb") as target:
            shutil.copyfileobj(export.file, target)
        export.file.close()
        self.stdout.write(f"Đã xuất {vn_number(export.rows)} dòng ra {options['output']}.")
