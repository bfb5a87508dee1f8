"""Indexes for finding people by name at national scale (millions of rows).

`person_search_birth` (every database): exact lookups of a folded full name and birth date,
as the import's duplicate check does for each row.

`person_search_trgm` (PostgreSQL only), for the word search. It filters `search_text LIKE
'% token%'` for every query token (the start of a word of the folded name): no B-tree can
serve a pattern that starts with a wildcard, so every search read the whole table. A
`gin_trgm_ops` index answers these patterns, and the padded trigrams of pg_trgm (" ng",
"  n") even keep the start-of-word anchoring. SQLite has no such index: there the search
stays a scan.
"""

from django.db import migrations, models

INDEX = "person_search_trgm"


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON people_person USING gin (search_text gin_trgm_ops)"
    )


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["search_text", "birth_date"], name="person_search_birth"),
        ),
        migrations.RunPython(create, drop, elidable=False),
    ]
