"""PostgreSQL: the word prefixes stored in a generated column `words` of the search table,
indexed by GIN, instead of an index on the expression.

With the expression index, every row the planner filtered instead of looking up (walking the
name order, or rechecking a bitmap) recomputed the prefixes: a search for "nguyen dung"
walked 120,000 entries in 1.1 s. A stored column costs an array comparison per row and gives
the planner element statistics. Django does not know the column: it is written by
PostgreSQL from `search_text` and read only by ptdv/candidacies/search.py. SQLite: nothing.
"""

from django.db import migrations

TABLE = "candidacies_candidacysearch"
INDEX = "candidacy_search_words"


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    schema_editor.execute(
        f"ALTER TABLE {TABLE} ADD COLUMN words text[] "
        "GENERATED ALWAYS AS (ptdv_word_prefixes(search_text)) STORED"
    )
    schema_editor.execute(f"CREATE INDEX {INDEX} ON {TABLE} USING gin (words)")


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    schema_editor.execute(f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS words")
    schema_editor.execute(
        f"CREATE INDEX {INDEX} ON {TABLE} USING gin (ptdv_word_prefixes(search_text))"
    )


class Migration(migrations.Migration):
    dependencies = [("candidacies", "0005_candidacy_search")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
