"""One function writes the audit trail. Never put a national ID or a free-text field of
personal data into `data`: names of fields changed are enough."""

from __future__ import annotations

from typing import Any

from ptdv.audit.models import AuditAction, AuditEntry


def audit_record(
    *,
    actor: Any,
    action: AuditAction | str,
    obj: Any = None,
    object_type: str = "",
    object_id: str = "",
    person: Any = None,
    summary: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=user,
        action=action,
        object_type=object_type,
        object_id=object_id,
        person=person,
        summary=summary[:255],
        data=data or {},
    )
