"""On PostgreSQL, the database itself keeps the trail append-only: a trigger refuses every
UPDATE of an entry, and every DELETE except that of an entry older than the retention, by a
transaction that declared the retention (`SET LOCAL ptdv.audit_retention_days`), which only
the purge does (ptdv.audit.services.audit_purge). A DELETE of a recent entry is refused even
then. SQLite has no such trigger here; the application's queryset refuses there.

This guards against the application and its operators' mistakes, not against the table's
owner (who may drop the trigger): run the application with a database role that does not own
the table to close that too.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    keep_days integer;
BEGIN
    IF TG_OP = 'DELETE' THEN
        BEGIN
            keep_days := NULLIF(current_setting('ptdv.audit_retention_days', true), '')::integer;
        EXCEPTION WHEN invalid_text_representation THEN
            keep_days := NULL;
        END;
        IF keep_days IS NOT NULL AND keep_days > 0
           AND OLD.at < now() - keep_days * interval '1 day' THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'Nhật ký chỉ được ghi thêm: mục % chưa hết hạn lưu trữ, không được xóa.',
            OLD.id;
    END IF;
    RAISE EXCEPTION 'Nhật ký chỉ được ghi thêm: mục % không được sửa.', OLD.id;
END;
$$
"""
TRIGGER = """
CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_auditentry
FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()
"""


def create_trigger(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, None)
    schema_editor.execute("DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_auditentry")
    schema_editor.execute(TRIGGER)


def drop_trigger(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_auditentry")
    schema_editor.execute("DROP FUNCTION IF EXISTS audit_entry_append_only()")


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_backfill_entry_organisation")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
