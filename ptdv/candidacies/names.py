"""The person's name keys copied onto each candidacy (`Candidacy.search_text`, `sort_key`).

The candidate search filters and orders candidacies by name. Read through the person, every
search joined the whole people table (millions of rows nationally, most of them members with
no dossier); copied onto the candidacy, the search reads one table of dossiers with its own
indexes. The copy is kept equal to the person's keys here: at creation (the services and the
import set it from the person at hand), for every dossier at the generator's end of load, and
when a person's name is corrected. `candidacy_name_mismatches` is the check.
"""

from __future__ import annotations

from django.db import connection

from ptdv.candidacies.models import Candidacy
from ptdv.people.models import Person

_CANDIDACY = Candidacy._meta.db_table
_PERSON = Person._meta.db_table
_DIFFERS = "(c.search_text <> p.search_text OR c.sort_key <> p.sort_key)"


def candidacy_copy_person_names(*, person_ids: list[int] | None = None) -> int:
    """Copy the people's keys onto their candidacies where they differ (every candidacy, or
    those of `person_ids`); returns the number of candidacies changed. One statement."""
    sql = (
        f"UPDATE {_CANDIDACY} AS c SET search_text = p.search_text, sort_key = p.sort_key "  # noqa: S608
        f"FROM {_PERSON} AS p WHERE p.id = c.person_id AND {_DIFFERS}"
    )
    params: list[int] = []
    if person_ids is not None:
        if not person_ids:
            return 0
        sql += f" AND c.person_id IN ({', '.join(['%s'] * len(person_ids))})"
        params = list(person_ids)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)


def candidacy_name_mismatches() -> int:
    """How many candidacies hold name keys that differ from their person's."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM {_CANDIDACY} c JOIN {_PERSON} p ON p.id = c.person_id "  # noqa: S608
            f"WHERE {_DIFFERS}"
        )
        return int(cursor.fetchone()[0])
