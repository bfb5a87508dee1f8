"""Members, mode "update": the go-live backfill of the exits (removal, expulsion, death,
transfer out of the province) the old records hold.

Each row names a member by national ID, among the current members (probationary or official)
of the organisations where the actor may act, and the exit to record with its date, facts and
document. Every row goes through the membership action service (`membership_act`: role,
scope, state, date rules, history step, audit, derived data through the hook) — first all of
them in a savepoint that is rolled back, to collect every row's refusal into the annotated
workbook; then, when none is refused, all of them again for good, in the import's one
transaction (all or nothing).

The import page, the job and `ptdv import --kind members --mode update` run it through
`import_workbook` like every kind; its columns are `MEMBER_EXITS` (ptdv/exchange/columns.py).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404

from ptdv.exchange.columns import MEMBER_EXITS
from ptdv.exchange.importers.base import Importer
from ptdv.exchange.importers.context import Issue
from ptdv.exchange.importers.parsing import parse_rows
from ptdv.members.actions import (
    MEMBERSHIP_SPECS,
    StaleVersion,
    WrongState,
    membership_act,
)
from ptdv.members.models import ACTIVE_STATUSES, PartyMembership
from ptdv.members.policies import membership_policy
from ptdv.people.crypto import national_id_hash

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
    modes = ("update",)

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


__all__ = ["MEMBER_EXITS", "Issue", "MemberUpdateImporter"]
