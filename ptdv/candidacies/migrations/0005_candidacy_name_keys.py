"""The person's folded name and sort key copied onto each candidacy (see
ptdv/candidacies/names.py), so that the candidate search reads the dossiers alone.

Existing rows get their person's keys in one statement. `candidacy_name_order` serves the name
order; on PostgreSQL `candidacy_search_trgm` (pg_trgm, as `person_search_trgm` on people)
answers the word-start patterns `search_text LIKE '% token%'`. SQLite has no such index: there
the search reads the dossiers' table, no longer the people's.
"""

from django.db import migrations, models

INDEX = "candidacy_search_trgm"


def copy_names(apps, schema_editor):  # type: ignore[no-untyped-def]
    schema_editor.execute(
        "UPDATE candidacies_candidacy AS c SET search_text = p.search_text, sort_key = p.sort_key "
        "FROM people_person AS p WHERE p.id = c.person_id"
    )


def create_trigram_index(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON candidacies_candidacy "
        "USING gin (search_text gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("candidacies", "0004_introducer_declared_official"),
        ("people", "0002_person_search_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="candidacy",
            name="search_text",
            field=models.CharField(default="", editable=False, max_length=255),
        ),
        migrations.AddField(
            model_name="candidacy",
            name="sort_key",
            field=models.CharField(default="", editable=False, max_length=400),
        ),
        migrations.RunPython(copy_names, migrations.RunPython.noop, elidable=False),
        migrations.AddIndex(
            model_name="candidacy",
            index=models.Index(fields=["sort_key", "id"], name="candidacy_name_order"),
        ),
        migrations.RunPython(create_trigram_index, drop_trigram_index, elidable=False),
    ]
