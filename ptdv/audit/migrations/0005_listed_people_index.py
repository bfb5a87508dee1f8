"""On PostgreSQL, an index of the people a list read showed (`data -> 'person_ids'`), so that
the audit page's person filter (ptdv.audit.selectors._lists_person, `@>`) reads postings
instead of every entry of the subtree. SQLite has no such index (json_each scans)."""

from django.db import migrations

INDEX = "audit_listed_people"


def create_index(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON audit_auditentry "
        "USING gin ((data -> 'person_ids') jsonb_path_ops)"
    )


def drop_index(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_append_only_trigger")]

    operations = [migrations.RunPython(create_index, drop_index)]
