"""The Excel export of the audit trail as filtered on its page, written row by row (openpyxl
write-only, ptdv.core.spreadsheets) into a temporary file. The export is itself an
entry of the trail: it shows who read whom."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from django.utils import timezone

from ptdv.audit.models import AuditAction, AuditChannel, AuditEntry
from ptdv.audit.selectors import AuditFilters, audit_list, audit_organisations
from ptdv.audit.services import audit_record
from ptdv.core.policies import Actor
from ptdv.core.spreadsheets import Export, workbook_write

HEADERS = [
    "Thời điểm",
    "Người thực hiện",
    "Hành động",
    "Kênh truy cập",
    "Loại đối tượng",
    "Mã đối tượng",
    "Mã công dân",
    "Công dân",
    "Tổ chức liên quan",
    "Nội dung",
    "Chi tiết",
]
CHUNK = 2000
_ACTIONS = dict(AuditAction.choices)
_CHANNELS = dict(AuditChannel.choices)


def _chunk_rows(chunk: list[AuditEntry]) -> Iterator[list[Any]]:
    organisations = audit_organisations(chunk)
    for entry in chunk:
        organisation = organisations.get(entry.org_path)
        yield [
            timezone.localtime(entry.at).strftime("%d/%m/%Y %H:%M:%S"),
            entry.actor.username if entry.actor else "",
            str(_ACTIONS.get(entry.action, entry.action)),
            str(_CHANNELS.get(entry.channel, entry.channel)),
            entry.object_type,
            entry.object_id,
            entry.person_id or "",
            entry.person.full_name if entry.person else "",
            organisation.name if organisation else "",
            entry.summary,
            json.dumps(entry.data, ensure_ascii=False) if entry.data else "",
        ]


def _rows(entries: Any) -> Iterator[list[Any]]:
    """The rows a chunk at a time (one query for the organisations of each chunk)."""
    chunk: list[AuditEntry] = []
    for entry in entries.iterator(chunk_size=CHUNK):
        chunk.append(entry)
        if len(chunk) == CHUNK:
            yield from _chunk_rows(chunk)
            chunk = []
    yield from _chunk_rows(chunk)


def audit_export(*, actor: Actor, filters: AuditFilters) -> Export:
    """The entries `actor` may read under `filters`, as a workbook; the export is audited."""
    entries = audit_list(actor=actor, filters=filters)
    handle, count = workbook_write("Nhat ky", HEADERS, _rows(entries))
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        object_type="audit.auditentry",
        organisation=filters.organisation,
        summary=f"Xuất Excel nhật ký truy cập ({count} dòng)",
        data={"filters": filters.as_audit_data(), "rows": count},
    )
    return Export(handle, "nhat-ky-truy-cap.xlsx", count)
