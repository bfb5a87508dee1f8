"""Party members with their membership history (no dossier)."""

from __future__ import annotations

from typing import Any

from ptdv.exchange.bulk import RowWriter, reserve_ids
from ptdv.exchange.importers.base import Importer
from ptdv.exchange.importers.context import BATCH
from ptdv.exchange.importers.parsing import parse_rows
from ptdv.exchange.importers.people import (
    PersonRow,
    people_duplicates,
    person_check,
    person_values,
)
from ptdv.members.derived import memberships_added
from ptdv.members.models import ACTIVE_STATUSES, MembershipStatus, PartyMembership
from ptdv.members.services import memberships_create
from ptdv.organisations.models import CELL_KINDS
from ptdv.people.models import Person


class MemberImporter(Importer):
    """Party members with their history: rows sharing a national ID are one person's
    successive memberships (at most one of them current)."""

    kind = "members"

    def check(self) -> None:
        ctx = self.ctx
        items = []
        for row, data in parse_rows(ctx):
            if not person_check(ctx, data, row):
                continue
            cell = ctx.org(row, "organisation", data["organisation"], kinds=CELL_KINDS)
            if cell is None:
                continue
            if not self._dates_ok(row, data):
                continue
            items.append(PersonRow(row, data, cell))
        people_duplicates(ctx, items, history=True)
        active: dict[str, int] = {}
        for item in items:
            if item.national_id_hash and item.data["status"] in ACTIVE_STATUSES:
                if item.national_id_hash in active:
                    ctx.error(
                        item.row,
                        "status",
                        f"Một người chỉ có một quá trình sinh hoạt hiện tại (đã có ở dòng "
                        f"{active[item.national_id_hash]}).",
                    )
                active[item.national_id_hash] = item.row
        self.items = items

    def _dates_ok(self, row: int, data: dict[str, Any]) -> bool:
        ctx = self.ctx
        status = data["status"]
        decision, ceremony = data.get("admission_decision_date"), data.get("ceremony_date")
        official, exit_date = data.get("official_date"), data.get("exit_date")
        ok = True
        if ceremony is None:
            ctx.error(row, "ceremony_date", "Cần ngày kết nạp.")
            ok = False
        if decision and ceremony and decision > ceremony:
            ctx.error(row, "ceremony_date", "Ngày kết nạp phải sau ngày quyết định kết nạp.")
            ok = False
        if ceremony and ceremony < data["birth_date"]:
            ctx.error(row, "ceremony_date", "Ngày kết nạp trước ngày sinh.")
            ok = False
        if official and ceremony and official < ceremony:
            ctx.error(row, "official_date", "Ngày chính thức phải sau ngày kết nạp.")
            ok = False
        if status == MembershipStatus.OFFICIAL and official is None:
            ctx.warn(row, "official_date", "Đảng viên chính thức chưa có ngày chính thức.")
        if status in ACTIVE_STATUSES and exit_date:
            ctx.error(row, "exit_date", "Đảng viên đang sinh hoạt không có ngày ra khỏi tổ chức.")
            ok = False
        if status not in ACTIVE_STATUSES and exit_date is None:
            ctx.error(row, "exit_date", "Cần ngày ra khỏi tổ chức với tình trạng này.")
            ok = False
        if exit_date and ceremony and exit_date < ceremony:
            ctx.error(row, "exit_date", "Ngày ra khỏi tổ chức trước ngày kết nạp.")
            ok = False
        return ok

    def write(self) -> int:
        people, person_of_row = self._people()
        ids = reserve_ids(Person, len(people))
        self.person_ids = ids
        writer = RowWriter(Person)
        for pk, values in zip(ids, people, strict=True):
            writer.add({"id": pk, **values})
        writer.flush()
        memberships = []
        for item, placeholder in zip(self.items, person_of_row, strict=True):
            data = item.data
            memberships.append(
                PartyMembership(
                    person_id=ids[-placeholder - 1],
                    organisation_id=item.organisation.id,
                    status=data["status"],
                    admission_decision_date=data.get("admission_decision_date"),
                    ceremony_date=data.get("ceremony_date"),
                    official_date=data.get("official_date"),
                    exit_date=data.get("exit_date"),
                    exit_reason=data.get("exit_reason") or "",
                    expunged_on=None,
                    readmitted=bool(data.get("readmitted")),
                    candidacy=None,
                )
            )
        created = memberships_create(memberships, batch_size=BATCH)
        # The counters, localities and tallies follow through the memberships' hook; nothing
        # is left for the service's `tallies_add_for_people`.
        memberships_added([m.pk for m in created])
        self.person_ids = []
        return len(memberships)

    def _people(self) -> tuple[list[dict[str, Any]], list[int]]:
        """One new person per national ID (rows without one are each a person), and each
        row's person as a placeholder (-1, -2, …) until the ids are reserved."""
        owner: dict[str, int] = {}
        person_of_row: list[int] = []
        people: list[dict[str, Any]] = []
        for item in self.items:
            pk = owner.get(item.national_id_hash) if item.national_id_hash else None
            if pk is None:
                pk = -len(people) - 1
                values = person_values(item.data, item.organisation.id, keys=item.data.get("_keys"))
                people.append(values)
                if item.national_id_hash:
                    owner[item.national_id_hash] = pk
            person_of_row.append(pk)
            if item.data["status"] in ACTIVE_STATUSES:
                people[-pk - 1]["organisation_id"] = item.organisation.id
        return people, person_of_row
