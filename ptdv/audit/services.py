"""One function writes the audit trail; one removes what is past its retention.

Never put a name, a national ID or a search typed by the user into `summary` or `data`:
names of fields changed, ids, counts and codes are enough. Each entry says who (`actor`),
when (`at`), about whom (`person`, or the ids of a list in `data["ids"]`), through which door
(`channel`: the web, the API, the admin, the console — set per request by
ptdv.audit.middleware) and which organisation it concerns (`org_path`), so that the
administrators of that subtree can read it (ptdv.audit.selectors).
"""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from ptdv.audit.models import AuditAction, AuditChannel, AuditEntry
from ptdv.core.policies import Actor, user_scopes

# The audit writer sits below the organisations (every layer writes entries): it names their
# model and its path step instead of importing them.
_ORGANISATION = "organisations.Organisation"
PATH_STEP = 4  # ptdv.organisations.models.PATH_STEP

_channel: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "ptdv_audit_channel", default=None
)


@contextmanager
def audit_channel(channel: AuditChannel | str) -> Iterator[None]:
    """Entries written inside the block name `channel` as their door."""
    token = _channel.set(str(channel))
    try:
        yield
    finally:
        _channel.reset(token)


def current_channel() -> str:
    """The door of the code running now; outside any request, the console (commands and the
    background worker, which is a console command too)."""
    return _channel.get() or AuditChannel.CONSOLE


def common_path(paths: Iterable[str]) -> str:
    """The path of the deepest organisation above every one of `paths` ("" when none)."""
    items = [p for p in paths if p]
    if not items:
        return ""
    first, last = min(items), max(items)
    size = 0
    while size < min(len(first), len(last)) and first[size] == last[size]:
        size += 1
    return first[: size - size % PATH_STEP]


def actor_path(actor: Actor | None) -> str:
    """The subtree a user acts on: their one organisation, or the common ancestor of theirs."""
    return common_path(path for path, _rank in user_scopes(actor))


def _path_of(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    meta = getattr(value, "_meta", None)
    if meta is not None and meta.label == _ORGANISATION:
        return str(value.path)
    return ""


def _person_path(person: Any) -> str:
    cached = person._state.fields_cache.get("organisation")
    if cached is not None:
        return str(cached.path)
    path = (
        apps.get_model(_ORGANISATION)
        ._default_manager.filter(pk=person.organisation_id)
        .values_list("path", flat=True)
        .first()
    )
    return path or ""


def _organisation_path(*, organisation: Any, obj: Any, person: Any, actor: Actor | None) -> str:
    """The organisation an entry concerns: the one named; else the object's own (an
    organisation, or the organisation a dossier or a row belongs to); else the managing
    organisation of the person; else the actor's subtree."""
    path = _path_of(organisation)
    if path:
        return path
    if obj is not None:
        path = _path_of(obj)
        if not path and any(f.name == "organisation" for f in obj._meta.concrete_fields):
            path = _path_of(getattr(obj, "organisation", None))
        if path:
            return path
    if person is not None:
        path = _person_path(person)
        if path:
            return path
    return actor_path(actor)


def audit_record(
    *,
    actor: Actor | None,
    action: AuditAction | str,
    obj: Any = None,
    object_type: str = "",
    object_id: str = "",
    person: Any = None,
    organisation: Any = None,
    summary: str = "",
    data: dict[str, Any] | None = None,
    channel: AuditChannel | str | None = None,
) -> AuditEntry:
    """Append one entry. `organisation` (an Organisation or a path) names the organisation it
    concerns when neither `obj` nor `person` says it; `channel` overrides the current door."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    # The signed-in user's row (AUTH_USER_MODEL: the audit sits below the accounts app).
    user: Any = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=user,
        action=action,
        channel=str(channel or current_channel()),
        object_type=object_type,
        object_id=object_id,
        person=person,
        org_path=_organisation_path(organisation=organisation, obj=obj, person=person, actor=user),
        summary=summary[:255],
        data=data or {},
    )


# Lists keep the entry small: the ids of one page at most.
MAX_IDS = 500


def audit_list_read(
    *,
    actor: Actor,
    object_type: str,
    ids: Iterable[Any],
    count: Any,
    summary: str,
    filters: dict[str, Any] | None = None,
    organisation: Any = None,
    person_ids: Iterable[Any] | None = None,
) -> AuditEntry:
    """One entry for one page of a list of personal data: the ids shown, the people they
    are about (`person_ids`, the same as `ids` for a list of people; the audit page's person
    filter finds the entry by them), the number of matches and the filters (a search typed
    by the user is recorded as present, never as the text: it is a name)."""
    shown = list(ids)[:MAX_IDS]
    people = shown if person_ids is None else sorted({pk for pk in person_ids if pk})[:MAX_IDS]
    return audit_record(
        actor=actor,
        action=AuditAction.VIEW,
        object_type=object_type,
        organisation=organisation,
        summary=summary,
        data={
            "ids": shown,
            "person_ids": people,
            "count": count,
            "filters": audit_filters(filters or {}),
        },
    )


# Filter keys whose value is typed text that may be a name.
_FREE_TEXT = frozenset({"q", "search", "name", "full_name"})


def audit_filters(filters: dict[str, Any]) -> dict[str, Any]:
    """Filters as they may be written to the trail: objects by id, dates in ISO, free text
    reduced to the fact that it was given."""
    from django.db import models

    shown: dict[str, Any] = {}
    for key, value in filters.items():
        if value in (None, "", [], ()):
            continue
        if key in _FREE_TEXT:
            shown[key] = True
        elif isinstance(value, models.Model):
            shown[key] = value.pk
        elif isinstance(value, dt.date | dt.datetime):
            shown[key] = value.isoformat()
        elif isinstance(value, bool | int | float):
            shown[key] = value
        else:
            shown[key] = str(value)[:60]
    return shown


# --- Retention -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PurgeResult:
    cutoff: dt.datetime
    retention_days: int
    count: int
    dry_run: bool


def audit_retention_days() -> int:
    days = int(settings.PTDV_AUDIT_RETENTION_DAYS)
    if days < 1:
        raise ValueError("PTDV_AUDIT_RETENTION_DAYS phải là số ngày dương.")
    return days


@transaction.atomic
def audit_purge(*, dry_run: bool = False) -> PurgeResult:
    """Remove the entries older than the retention (PTDV_AUDIT_RETENTION_DAYS), the only way
    entries ever leave the trail, and record the purge (count and cutoff) as a new entry.

    On PostgreSQL the cutoff is taken from the database clock and the retention is declared
    to the append-only trigger for this transaction only (`SET LOCAL`): the trigger lets the
    DELETE through for entries older than that, and refuses any other. A dry run counts and
    changes nothing (and records nothing).
    """
    days = audit_retention_days()
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT set_config('ptdv.audit_retention_days', %s, true), "
                "now() - %s * interval '1 day'",
                [str(days), days],
            )
            cutoff = cursor.fetchone()[1]
        else:
            cutoff = timezone.now() - dt.timedelta(days=days)
        count = AuditEntry.objects.filter(at__lt=cutoff).count()
        if not dry_run and count:
            # The queryset refuses delete(); this statement is the purge's own door.
            cursor.execute(f"DELETE FROM {table} WHERE at < %s", [cutoff])  # noqa: S608
            count = cursor.rowcount
    if not dry_run:
        audit_record(
            actor=None,
            action=AuditAction.PURGE,
            object_type="audit.auditentry",
            summary=f"Xóa {count} mục nhật ký quá hạn lưu trữ",
            data={"count": count, "cutoff": cutoff.isoformat(), "retention_days": days},
        )
    return PurgeResult(cutoff=cutoff, retention_days=days, count=count, dry_run=dry_run)
