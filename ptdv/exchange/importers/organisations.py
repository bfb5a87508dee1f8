"""Organisations: new nodes below ones in the administrator's scope (or below earlier rows)."""

from __future__ import annotations

from typing import Any

from ptdv.exchange.importers.base import Importer
from ptdv.exchange.importers.context import ADMINISTRATOR, OrgInfo
from ptdv.exchange.importers.parsing import parse_rows
from ptdv.organisations.models import CELL_KINDS, Organisation
from ptdv.organisations.services import organisation_create


class OrganisationImporter(Importer):
    kind = "organisations"

    def check(self) -> None:
        ctx = self.ctx
        codes: dict[str, int] = {}
        for row, data in parse_rows(ctx):
            code = data["code"]
            if code in codes:
                ctx.error(row, "code", f"Trùng mã với dòng {codes[code]}.")
                continue
            codes[code] = row
            parent = ctx.new_orgs.get(data["parent"])
            if parent is None:
                parent = ctx.org(row, "parent", data["parent"], min_rank=ADMINISTRATOR)
            if parent is None:
                continue
            if parent.kind in CELL_KINDS:
                ctx.error(row, "parent", "Chi bộ không có tổ chức trực thuộc.")
                continue
            # A later row may hang below this one: give it a provisional path in the scope.
            ctx.new_orgs[code] = OrgInfo(0, parent.path + "~", data["kind"], data["name"], True)
            self.items.append((row, data, parent))
        existing = set(
            Organisation.objects.filter(code__in=list(codes)).values_list("code", flat=True)
        )
        for code in sorted(existing):
            ctx.error(codes[code], "code", f"Mã “{code}” đã có trong hệ thống.")

    def write(self) -> int:
        created: dict[str, Organisation] = {}
        for _row, data, parent in self.items:
            parent_obj = created.get(data["parent"]) or Organisation.objects.get(pk=parent.id)
            organisation = organisation_create(
                parent=parent_obj,
                code=data["code"],
                name=data["name"],
                kind=data["kind"],
                sector=data.get("sector") or "other",
                area_flags=data.get("area_flags") or [],
                admin_unit_code=data.get("admin_unit_code") or "",
                abbreviation=data.get("abbreviation") or "",
                authorised_to_admit=bool(data.get("authorised_to_admit")),
                valid_from=data.get("valid_from"),
            )
            Organisation.objects.filter(pk=organisation.pk).update(**_extra(data))
            created[organisation.code] = organisation
        return len(created)


def _extra(data: dict[str, Any]) -> dict[str, Any]:
    """The columns `organisation_create` does not take."""
    extra = {
        "superior_name": data.get("superior_name") or "",
        "place_name": data.get("place_name") or "",
    }
    if data.get("has_youth_union") is not None:
        extra["has_youth_union"] = data["has_youth_union"]
    if data.get("has_trade_union") is not None:
        extra["has_trade_union"] = data["has_trade_union"]
    return extra
