"""Localities (villages, residential groups) of communes in the administrator's scope."""

from __future__ import annotations

from ptdv.core.text import title_sort_key
from ptdv.exchange.importers.base import Importer
from ptdv.exchange.importers.context import ADMINISTRATOR, BATCH
from ptdv.exchange.importers.parsing import parse_rows
from ptdv.organisations.localities import locality_counters_created
from ptdv.organisations.models import CELL_KINDS, Locality


class LocalityImporter(Importer):
    kind = "localities"

    def check(self) -> None:
        ctx = self.ctx
        codes: dict[str, int] = {}
        for row, data in parse_rows(ctx):
            code = data["code"]
            if code in codes:
                ctx.error(row, "code", f"Trùng mã với dòng {codes[code]}.")
                continue
            codes[code] = row
            commune = ctx.org(row, "organisation", data["organisation"], min_rank=ADMINISTRATOR)
            if commune is None:
                continue
            if commune.kind in CELL_KINDS:
                ctx.error(row, "organisation", "Phải là mã đảng bộ xã, phường (không phải chi bộ).")
                continue
            cell = None
            if data.get("cell"):
                cell = ctx.org(row, "cell", data["cell"], kinds=CELL_KINDS)
                if cell is None:
                    continue
                if not cell.path.startswith(commune.path):
                    ctx.error(row, "cell", "Chi bộ phụ trách phải thuộc đảng bộ xã, phường này.")
                    continue
            self.items.append((row, data, commune, cell))
        for code in Locality.objects.filter(code__in=list(codes)).values_list("code", flat=True):
            ctx.error(codes[code], "code", f"Mã “{code}” đã có trong hệ thống.")

    def write(self) -> int:
        rows = [
            Locality(
                code=data["code"],
                name=data["name"],
                sort_key=title_sort_key(data["name"]),
                kind=data["kind"],
                organisation_id=commune.id,
                cell_id=cell.id if cell else None,
                cell_is_shared=bool(data.get("cell_is_shared")),
                area_flags=data.get("area_flags") or [],
            )
            for _row, data, commune, cell in self.items
        ]
        Locality.objects.bulk_create(rows, batch_size=BATCH)
        locality_counters_created(rows)
        return len(rows)
