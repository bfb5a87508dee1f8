"""The trail is append-only in Python and, on PostgreSQL, in the database; only the purge
removes entries, only those past the retention, and it records itself."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from ptdv.audit.models import AppendOnly, AuditEntry
from ptdv.audit.services import audit_purge, audit_record, common_path

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only"
)


def entry_at(moment: dt.datetime, monkeypatch: pytest.MonkeyPatch, **kwargs: object) -> AuditEntry:
    """An entry written at `moment` (auto_now_add reads django.utils.timezone.now)."""
    with monkeypatch.context() as patch:
        patch.setattr(timezone, "now", lambda: moment)
        return audit_record(actor=None, action="view", object_type="x", **kwargs)  # type: ignore[arg-type]


def test_an_entry_cannot_be_changed_or_deleted_from_python(monkeypatch) -> None:
    entry = audit_record(actor=None, action="view", object_type="x", summary="gốc")
    entry.summary = "sửa"
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()
    with pytest.raises(AppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(summary="sửa")
    with pytest.raises(AppendOnly):
        AuditEntry.objects.all().delete()
    with pytest.raises(AppendOnly):
        AuditEntry.objects.bulk_update([entry], ["summary"])
    assert AuditEntry.objects.get(pk=entry.pk).summary == "gốc"


@on_postgresql
def test_the_database_refuses_update_and_delete(monkeypatch) -> None:
    entry = audit_record(actor=None, action="view", object_type="x", summary="gốc")
    old = entry_at(timezone.now() - dt.timedelta(days=4000), monkeypatch)
    table = AuditEntry._meta.db_table
    for statement in (
        f"UPDATE {table} SET summary = 'sửa' WHERE id = %s",  # noqa: S608
        f"DELETE FROM {table} WHERE id = %s",  # noqa: S608
    ):
        for target in (entry, old):
            with pytest.raises(DatabaseError, match="Nhật ký chỉ được ghi thêm"):
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(statement, [target.pk])
    # Declaring a retention lets old entries go, never a recent one, and never an UPDATE.
    with pytest.raises(DatabaseError, match="chưa hết hạn"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT set_config('ptdv.audit_retention_days', '30', true)")
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [entry.pk])  # noqa: S608
    with pytest.raises(DatabaseError, match="không được sửa"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT set_config('ptdv.audit_retention_days', '30', true)")
            cursor.execute(f"UPDATE {table} SET summary = '' WHERE id = %s", [old.pk])  # noqa: S608
    assert AuditEntry.objects.filter(pk__in=[entry.pk, old.pk]).count() == 2


def test_purge_removes_only_entries_past_the_retention_and_records_itself(
    settings, monkeypatch
) -> None:
    settings.PTDV_AUDIT_RETENTION_DAYS = 365
    now = timezone.now()
    old = [entry_at(now - dt.timedelta(days=400 + i), monkeypatch) for i in range(3)]
    kept = [
        entry_at(now - dt.timedelta(days=300), monkeypatch),
        audit_record(actor=None, action="view", object_type="x"),
    ]

    dry = audit_purge(dry_run=True)
    assert (dry.count, dry.retention_days) == (3, 365)
    assert AuditEntry.objects.count() == 5  # a dry run changes nothing, records nothing

    result = audit_purge()
    assert result.count == 3
    remaining = set(AuditEntry.objects.values_list("pk", flat=True))
    assert not remaining & {e.pk for e in old}
    assert {e.pk for e in kept} <= remaining
    record = AuditEntry.objects.get(action="purge")
    assert record.data["count"] == 3 and record.data["retention_days"] == 365
    assert dt.datetime.fromisoformat(record.data["cutoff"]) == result.cutoff
    assert record.channel == "console"


def test_purge_command(settings, monkeypatch) -> None:
    settings.PTDV_AUDIT_RETENTION_DAYS = 30
    entry_at(timezone.now() - dt.timedelta(days=31), monkeypatch)
    out = io.StringIO()
    call_command("audit", "purge", "--dry-run", stdout=out)
    assert "Thử: 1 mục" in out.getvalue() and AuditEntry.objects.count() == 1
    out = io.StringIO()
    call_command("audit", "purge", stdout=out)
    assert "Đã xóa 1 mục" in out.getvalue()
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["purge"]


def test_common_path() -> None:
    assert common_path(["00010002", "00010003"]) == "0001"
    assert common_path(["000100020005", "00010002"]) == "00010002"
    assert common_path(["0001", "0002"]) == ""
    assert common_path([]) == ""


@on_postgresql
def test_the_demo_wipe_sets_the_trigger_aside_for_itself_only() -> None:
    from ptdv.demo.wipe import demo_wipe

    audit_record(actor=None, action="view", object_type="x")
    demo_wipe()
    assert not AuditEntry.objects.exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgenabled FROM pg_trigger WHERE tgname = 'audit_entry_append_only'")
        assert cursor.fetchone()[0] == "O"  # enabled again
    entry = audit_record(actor=None, action="view", object_type="x")
    with pytest.raises(DatabaseError, match="Nhật ký chỉ được ghi thêm"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE id = %s", [entry.pk])  # noqa: S608


def test_a_retention_that_is_not_a_positive_number_of_days_is_refused(settings) -> None:
    from django.core.management.base import CommandError

    settings.PTDV_AUDIT_RETENTION_DAYS = 0
    audit_record(actor=None, action="view", object_type="x")
    with pytest.raises(CommandError, match="PTDV_AUDIT_RETENTION_DAYS"):
        call_command("audit", "purge", stdout=io.StringIO())
    assert AuditEntry.objects.count() == 1
