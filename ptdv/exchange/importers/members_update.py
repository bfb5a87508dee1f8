"""Members, mode "update": the go-live backfill of the exits (removal, expulsion, death,
transfer out of the province) the old records hold.

Each row names a member by national ID, among the current members (probationary or official)
of the organisations where the actor may act, and the exit to record with its date, facts and
document. Every row goes through the membership action service (`membership_act`: role,
scope, state, date rules, history step, audit, derived data through the hook) — first all of
them in a savepoint that is rolled back, to collect every row's refusal into the annotated
workbook; then, when none is refused, all of them again for good, in the import's one
transaction (all or nothing).

`members_update_import` runs it like `import_workbook` runs the other kinds; the import page
and command offer it once the kinds have modes (kind "members", mode "update").
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from ptdv.audit.services import audit_record
from ptdv.core.policies import Actor
from ptdv.exchange.columns import Column, KindSpec, _choices
from ptdv.exchange.importers.base import Importer
from ptdv.exchange.importers.context import ImportContext, Issue
from ptdv.exchange.importers.parsing import parse_rows
from ptdv.exchange.workbook import SheetData, WorkbookError, errors_workbook, sheet_read
from ptdv.members.actions import (
    EXPULSION_REASONS,
    MEMBERSHIP_SPECS,
    StaleVersion,
    WrongState,
    membership_act,
)
from ptdv.members.models import ACTIVE_STATUSES, MembershipAction, PartyMembership, RemovalGrounds
from ptdv.members.policies import membership_policy
from ptdv.people.crypto import national_id_hash

EXIT_ACTIONS = (
    MembershipAction.REMOVE,
    MembershipAction.EXPEL,
    MembershipAction.DEATH,
    MembershipAction.TRANSFER_OUT,
)

MEMBER_EXITS = KindSpec(
    "members",
    "Đảng viên ra khỏi tổ chức",
    [
        Column(
            "national_id", "Số định danh cá nhân (CCCD)", "national_id", required=True,
            example="042301012345", width=18,
            note="Số định danh của đảng viên đang sinh hoạt: dùng để tìm đảng viên.",
        ),
        Column(
            "action", "Thao tác", "code", required=True,
            choices=_choices([(a.value, a.label) for a in EXIT_ACTIONS]), example="Xóa tên",
            width=22,
        ),
        Column("date", "Ngày có hiệu lực", "date", required=True, example=dt.date(2024, 6, 1)),
        Column(
            "grounds", "Căn cứ xóa tên", "code", choices=_choices(RemovalGrounds.choices),
            width=30, example="Bỏ sinh hoạt đảng hoặc không đóng đảng phí 3 tháng",
            note="Bắt buộc khi xóa tên.",
        ),
        Column(
            "exit_reason", "Lý do khai trừ", "code",
            choices=_choices([(r.value, r.label) for r in EXPULSION_REASONS]), width=30,
        ),
        Column(
            "destination", "Nơi chuyển đến", width=24,
            note="Bắt buộc khi chuyển sinh hoạt ra ngoài tỉnh.",
        ),
        Column("reason", "Lý do", width=30, max_length=2000, example="Bỏ sinh hoạt 4 tháng"),
        Column("document_number", "Số văn bản", max_length=60, example="15-QĐ/ĐU"),
        Column("document_date", "Ngày văn bản", "date", example=dt.date(2024, 6, 1)),
        Column("issuing_body", "Cơ quan ban hành", width=24, example="Đảng ủy xã Mẫu"),
        Column("signer", "Người ký", max_length=150, example="Nguyễn Văn Ký"),
    ],
    "mau-cap-nhat-dang-vien-ra-khoi-to-chuc.xlsx",
)  # fmt: skip

_FACTS = ("grounds", "exit_reason", "destination", "reason")
# The service's error keys → the sheet's columns.
_COLUMN_OF = {
    "document.number": "document_number",
    "document.date": "document_date",
    "document.issuing_body": "issuing_body",
    "document.signer": "signer",
    "action": "action",
    "organisation": "action",
}


def _body(action: str, data: dict[str, Any]) -> dict[str, Any]:
    """The action's body as the API takes it, from a parsed row."""
    fields = MEMBERSHIP_SPECS[action].facts().fields
    body: dict[str, Any] = {"date": data["date"].isoformat()}
    for name in _FACTS:
        if name in fields and data.get(name) not in (None, ""):
            body[name] = data[name]
    document_date = data.get("document_date")
    body["document"] = {
        "number": data.get("document_number") or "",
        "date": document_date.isoformat() if document_date else None,
        "issuing_body": data.get("issuing_body") or "",
        "signer": data.get("signer") or "",
    }
    return body


class _Rollback(Exception):
    pass


class MemberUpdateImporter(Importer):
    """The exits of current members, matched by national ID."""

    kind = "members"

    def check(self) -> None:
        ctx = self.ctx
        rows = parse_rows(ctx)
        hashes = {national_id_hash(d["national_id"]) for _r, d in rows if d.get("national_id")}
        found: dict[str | None, list[int]] = {}
        visible = membership_policy.visible_to(
            ctx.actor,
            PartyMembership.objects.filter(
                status__in=ACTIVE_STATUSES, person__national_id_hash__in=sorted(hashes)
            ),
        ).values_list("person__national_id_hash", "id")
        for digest, pk in visible:
            found.setdefault(digest, []).append(pk)
        first: dict[int, int] = {}
        items: list[tuple[int, int, str, dict[str, Any]]] = []
        for row, data in rows:
            ids = found.get(national_id_hash(data["national_id"]), [])
            if not ids:
                ctx.error(
                    row,
                    "national_id",
                    "Không tìm thấy đảng viên đang sinh hoạt có số định danh này trong phạm vi "
                    "được phân quyền.",
                )
                continue
            if len(ids) > 1:
                ctx.error(row, "national_id", "Số định danh này có nhiều quá trình sinh hoạt.")
                continue
            if ids[0] in first:
                ctx.error(row, "national_id", f"Đảng viên này đã có ở dòng {first[ids[0]]}.")
                continue
            first[ids[0]] = row
            items.append((row, ids[0], str(data["action"]), _body(str(data["action"]), data)))
        # Every row found through the service, in a savepoint rolled back: its refusals by
        # row, beside the rows not found.
        try:
            with transaction.atomic():
                for row, pk, action, body in items:
                    self._act(row, pk, action, body)
                raise _Rollback
        except _Rollback:
            pass
        self.items = items

    def _act(self, row: int, pk: int, action: str, body: dict[str, Any]) -> bool:
        ctx = self.ctx
        try:
            with transaction.atomic():
                membership_act(actor=ctx.actor, membership_id=pk, action=action, data=body)
        except (WrongState, StaleVersion) as exc:
            ctx.error(row, "action", "; ".join(getattr(exc, "messages", [str(exc)])))
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                column = _COLUMN_OF.get(key, key)
                if column not in {c.key for c in ctx.spec.columns}:
                    column = ""
                for message in messages:
                    ctx.error(row, column, message)
        except (PermissionDenied, Http404):
            ctx.error(row, "action", "Vai trò của bạn không được thực hiện thao tác này.")
        else:
            return True
        return False

    def write(self) -> int:
        for _row, pk, action, body in self.items:
            membership_act(actor=self.ctx.actor, membership_id=pk, action=action, data=body)
        return len(self.items)


def members_update_import(
    *,
    actor: Actor,
    path: Path,
    dry_run: bool = False,
    today: dt.date | None = None,
    errors_path: Path | None = None,
) -> Any:
    """Check and (unless `dry_run`) record the exits in the workbook at `path`, all or
    nothing; with errors, the annotated copy is written to `errors_path` when given.
    Returns an `ImportOutcome` (ptdv/exchange/services.py)."""
    from ptdv.exchange.models import ImportStatus
    from ptdv.exchange.policies import import_allowed
    from ptdv.exchange.services import ImportOutcome, errors_by_cell, vn_number

    if not import_allowed(actor, "members"):
        raise PermissionDenied
    try:
        sheet: SheetData = sheet_read(path, MEMBER_EXITS)
    except WorkbookError as exc:
        return ImportOutcome(ImportStatus.REJECTED, message=exc.message)
    ctx = ImportContext(
        actor=actor,  # type: ignore[arg-type]
        spec=MEMBER_EXITS,
        sheet=sheet,
        today=today or timezone.localdate(),
    )
    importer = MemberUpdateImporter(ctx)
    importer.check()
    outcome = ImportOutcome(
        ImportStatus.REJECTED,
        rows=len(sheet.rows),
        errors=ctx.errors,
        warnings=ctx.warnings,
        sheet=sheet,
    )
    if ctx.errors:
        bad_rows = len({e.row for e in ctx.errors})
        outcome.message = (
            f"Có {vn_number(len(ctx.errors))} lỗi ở {vn_number(bad_rows)} dòng: chưa cập nhật "
            "dòng nào."
        )
        if errors_path is not None:
            cells, messages = errors_by_cell(sheet, ctx.errors)
            errors_workbook(path, errors_path, sheet, cells, messages)
        return outcome
    if not importer.items:
        outcome.message = "Tệp không có dòng dữ liệu nào (ngoài dòng tiêu đề và dòng ví dụ)."
        return outcome
    if dry_run:
        outcome.status = ImportStatus.CHECKED
        outcome.message = (
            f"Kiểm tra xong {vn_number(len(importer.items))} dòng: không có lỗi, có thể cập nhật."
        )
        return outcome
    with transaction.atomic():
        written = importer.write()
        audit_record(
            actor=actor,
            action="import",
            object_type="exchange.import",
            summary=f"Nhập Excel: cập nhật đảng viên ra khỏi tổ chức ({vn_number(written)} dòng)",
            data={"kind": "members", "mode": "update", "rows": written, "file": path.name},
        )
    outcome.status = ImportStatus.IMPORTED
    outcome.written = written
    outcome.message = f"Đã cập nhật {vn_number(written)} đảng viên."
    return outcome


__all__ = ["MEMBER_EXITS", "Issue", "MemberUpdateImporter", "members_update_import"]
