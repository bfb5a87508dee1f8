"""The candidate search's narrow table (ptdv/candidacies/search.py), filled for the existing
candidacies in name order.

On PostgreSQL, `ptdv_word_prefixes(text)` lists every prefix of every word of a folded name
(" nguyen van an" → {a, an, n, ng, …, nguyen, v, va, van}) and a GIN index of it answers
`@> ARRAY[tokens]` exactly: each token is one posting list, the rarest one drives the scan,
and nothing is rechecked. SQLite has no such index: there the search tests LIKE on this narrow
table.
"""

import django.db.models.deletion
from django.db import migrations, models

INDEX = "candidacy_search_words"
FUNCTION = """
CREATE OR REPLACE FUNCTION ptdv_word_prefixes(text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT left(word, n)), '{}')
    FROM unnest(string_to_array(btrim($1), ' ')) AS word, generate_series(1, length(word)) AS n
   WHERE word <> ''
$$
"""


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    schema_editor.execute(
        "INSERT INTO candidacies_candidacysearch (candidacy_id, path, search_text, sort_key) "
        "SELECT c.id, o.path, p.search_text, p.sort_key FROM candidacies_candidacy c "
        "JOIN people_person p ON p.id = c.person_id "
        "JOIN organisations_organisation o ON o.id = c.organisation_id "
        "ORDER BY p.sort_key, c.id"
    )


def create_word_index(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON candidacies_candidacysearch "
        "USING gin (ptdv_word_prefixes(search_text))"
    )


def drop_word_index(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    schema_editor.execute("DROP FUNCTION IF EXISTS ptdv_word_prefixes(text)")


class Migration(migrations.Migration):
    dependencies = [
        ("candidacies", "0004_introducer_declared_official"),
        ("people", "0002_person_search_indexes"),
        ("organisations", "0003_document_fields"),
    ]

    operations = [
        migrations.CreateModel(
            name="CandidacySearch",
            fields=[
                (
                    "candidacy",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_entry",
                        serialize=False,
                        to="candidacies.candidacy",
                    ),
                ),
                ("path", models.CharField(max_length=255)),
                ("search_text", models.CharField(max_length=255)),
                ("sort_key", models.CharField(max_length=400)),
            ],
            options={
                "verbose_name": "mục tìm kiếm hồ sơ",
                "verbose_name_plural": "mục tìm kiếm hồ sơ",
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
        migrations.AddIndex(
            model_name="candidacysearch",
            index=models.Index(fields=["sort_key", "candidacy"], name="candidacy_search_order"),
        ),
        migrations.AddIndex(
            model_name="candidacysearch",
            index=models.Index(
                fields=["path"], name="candidacy_search_path", opclasses=["varchar_pattern_ops"]
            ),
        ),
        migrations.RunPython(create_word_index, drop_word_index, elidable=False),
    ]
