"""Building a benchmark dataset (Django side; run through `bench.worker`).

SQLite. The province is one `demo_load`, exactly what `ptdv demo load` does. The national
scale is the same generator split in two: each worker process builds a contiguous run of
provinces (`demo_provinces_load`) into its own SQLite file, the second starting its ids at 1;
`merge` then appends the second file to the first, shifting its ids by the rows before it. As
every province draws only from its own seeded generator and ids are handed out in province
order, the merged rows are the rows one sequential `demo_load` writes, ids included — the
ids an event's facts name (its introducer, consent, membership, a transfer's cell) are
shifted with them. Then
`finish` runs the generator's own end of load (`demo_load_finish`: subtree counters,
monitoring tallies, audit entry) and `refresh` the full pipeline refresh (next actions).

PostgreSQL. The raw generated tables are copied from the SQLite file with COPY (the rows are
formatted by SQLite itself), with the indexes and constraints of those tables dropped during
the copy and re-created after (which re-checks every foreign key); then `finish`, `refresh`
and ANALYZE run on PostgreSQL itself.
"""

from __future__ import annotations

import datetime as dt
import json
import queue
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from django.core.management import call_command
from django.db import connection, models, transaction

from ptdv.candidacies.models import Candidacy, CandidacyEvent, Consent, Introducer
from ptdv.candidacies.pipeline import pipeline_refresh
from ptdv.candidacies.search import candidacy_search_refresh
from ptdv.demo.bulk import reset_sequences
from ptdv.demo.generator import (
    DemoOptions,
    LoadReport,
    Progress,
    demo_load,
    demo_load_finish,
    demo_provinces_load,
    national_root_create,
)
from ptdv.demo.people import Tables
from ptdv.documents.models import DocumentCounter, DocumentNumber, Signer
from ptdv.members.models import PartyMembership
from ptdv.organisations.models import Competence, Locality, Organisation
from ptdv.people.models import Person

# The tables the generator writes, parents first.
GENERATED: tuple[type[models.Model], ...] = (
    Organisation,
    Locality,
    Competence,
    Signer,
    Person,
    PartyMembership,
    Candidacy,
    Introducer,
    Consent,
    CandidacyEvent,
    DocumentNumber,
    DocumentCounter,
)
# The ids an event's facts name (ptdv/candidacies/actions: the row an action wrote, the
# member introducing, the transfer's target), by key.
FACT_IDS: dict[str, type[models.Model]] = {
    "introducer": Introducer,
    "consent": Consent,
    "membership": PartyMembership,
    "organisation": Organisation,
}

Say = Callable[[str], None]


def options_for(scale: str, members: int | None, seed: int) -> DemoOptions:
    return DemoOptions(seed=seed, scale="national" if scale == "national" else "province",
                       members=members)  # fmt: skip


def _progress(say: Say) -> Callable[[Progress], None]:
    def show(step: Progress) -> None:
        rate = step.rows / max(step.seconds, 1e-6)
        say(
            f"  {step.number}/{step.total} {step.name}: {step.rows:,} rows in "
            f"{step.seconds:.1f} s ({rate:,.0f} rows/s)"
        )

    return show


def sqlite_bulk_mode() -> None:
    """Pragmas for writing a fresh file in bulk: no rollback journal, a large page cache.
    A file left half-written is never used: its marker is written only when it is complete."""
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode=OFF")
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA cache_size=-1500000")
        cursor.execute("PRAGMA temp_store=MEMORY")


def sqlite_serve_mode() -> None:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode=WAL")


def migrate() -> None:
    call_command("migrate", verbosity=0, interactive=False)


def generate(options: DemoOptions, *, first: int, last: int | None, say: Say) -> dict[str, Any]:
    """Migrate a fresh database and generate provinces first..last (all: the whole scale,
    through `demo_load` itself, finish included)."""
    migrate()
    if connection.vendor == "sqlite":
        sqlite_bulk_mode()
    started = time.perf_counter()
    if first == 0 and last is None:
        report = demo_load(options, progress=_progress(say))
        finished = True
    else:
        report = LoadReport()
        with transaction.atomic():
            tables = Tables()
            national = national_root_create(report) if options.scale == "national" else None
            demo_provinces_load(
                options, national=national, tables=tables, report=report, first=first,
                last=last, progress=_progress(say),
            )  # fmt: skip
            report.rows["person"] = tables.persons.written
            report.rows["membership"] = tables.memberships.written
            report.rows["candidacy"] = tables.candidacies.written
            histories = tables.histories
            report.rows["event"] = histories.events.written
            report.rows["introducer"] = histories.introducers.written
            report.rows["consent"] = histories.consents.written
            report.rows["document_number"] = histories.numbers.written
        finished = False
    return {
        "seconds": time.perf_counter() - started,
        "rows": dict(report.rows),
        "total_rows": report.total_rows,
        "provinces": report.provinces,
        "finished": finished,
    }


def _columns(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [f for f in model._meta.concrete_fields if f.column]


def _column(field: models.Field[Any, Any]) -> str:
    """The column of a field `_columns` gave (it keeps only fields with one)."""
    return str(field.column)


def _facts_shifter(moves: dict[type[models.Model], tuple[int, int]]) -> Callable[[str], str]:
    """An SQL function moving the ids an event's facts name (`FACT_IDS`) as their rows move;
    the text comes back as `json.dumps` wrote it (key order and spacing kept)."""
    shifts = {key: moves[model] for key, model in FACT_IDS.items() if model in moves}

    def shift(text: str) -> str:
        facts = json.loads(text)
        for key, (low, by) in shifts.items():
            value = facts.get(key)
            if type(value) is int and value >= low:
                facts[key] = value + by
        return json.dumps(facts)

    return shift


def _facts_expression(column: str) -> str:
    """`column`, through the shifter only where it names one of the keys."""
    named = " OR ".join(f"instr({column}, '\"{key}\":') > 0" for key in FACT_IDS)
    return f"CASE WHEN {named} THEN bench_shift_facts({column}) ELSE {column} END"


def merge(stage: str, *, say: Say) -> dict[str, Any]:
    """Append the rows of the SQLite file `stage` (a later run of provinces, ids from 1, with
    its own copy of the national root) to this database, shifting ids past the rows here."""
    started = time.perf_counter()
    sqlite_bulk_mode()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("ATTACH DATABASE %s AS stage", [stage])
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            org = Organisation._meta.db_table
            cursor.execute(f"SELECT id, path FROM {org} WHERE parent_id IS NULL")  # noqa: S608
            here_root = cursor.fetchall()
            cursor.execute(f"SELECT id, path FROM stage.{org} WHERE parent_id IS NULL")  # noqa: S608
            if cursor.fetchall() != here_root or len(here_root) != 1:
                raise RuntimeError("the two parts do not share the same national root")
            # Ids below `low` (the root) are kept; the others move by `shift`.
            moves: dict[type[models.Model], tuple[int, int]] = {}
            for model in GENERATED:
                table = model._meta.db_table
                where = " WHERE parent_id IS NOT NULL" if model is Organisation else ""
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
                top = cursor.fetchone()[0]
                cursor.execute(f"SELECT MIN(id) FROM stage.{table}{where}")  # noqa: S608
                low = cursor.fetchone()[0] or 1
                moves[model] = (low, top - low + 1)
            connection.connection.create_function(
                "bench_shift_facts", 1, _facts_shifter(moves), deterministic=True
            )
            for model in GENERATED:
                table = model._meta.db_table
                names, values = [], []
                for field in _columns(model):
                    target = model if field.primary_key else field.related_model
                    column = quote(_column(field))
                    if isinstance(target, type) and target in moves:
                        low, shift = moves[target]
                        values.append(
                            f"CASE WHEN {column} >= {low} THEN {column} + {shift} ELSE {column} END"
                        )
                    elif model is CandidacyEvent and field.name == "facts":
                        values.append(_facts_expression(column))
                    else:
                        values.append(column)
                    names.append(column)
                where = " WHERE parent_id IS NOT NULL" if model is Organisation else ""
                tick = time.perf_counter()
                cursor.execute(
                    f"INSERT INTO {table} ({', '.join(names)}) "  # noqa: S608
                    f"SELECT {', '.join(values)} FROM stage.{table}{where} ORDER BY id"
                )
                seconds = time.perf_counter() - tick
                say(f"  merged {table}: {cursor.rowcount:,} rows in {seconds:.1f} s")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DETACH DATABASE stage")
    return {"seconds": time.perf_counter() - started}


def finish(options: DemoOptions, *, say: Say) -> dict[str, Any]:
    """The generator's end of load on rows written in parts or copied: the root's child
    counter, id sequences, subtree counters, monitoring tallies, one audit entry."""
    started = time.perf_counter()
    report = LoadReport()
    with transaction.atomic():
        root = Organisation.objects.get(parent__isnull=True)
        national = root if options.scale == "national" else None
        children = Organisation.objects.filter(parent=root).order_by("path")
        if national is not None:
            national.child_seq = children.count()
            report.provinces = list(children.values_list("name", flat=True))
        else:
            report.provinces = [root.name]
        report.rows = Counter(
            {model._meta.model_name or "": model._default_manager.count() for model in GENERATED}
        )
        demo_load_finish(options, national=national, report=report)
    seconds = time.perf_counter() - started
    say(f"  counters, tallies and audit entry in {seconds:.1f} s")
    return {"seconds": seconds}


def refresh(today: dt.date, *, full: bool, say: Say) -> dict[str, Any]:
    """`ptdv pipeline refresh`: every open dossier's next action (full), or the nightly run."""
    shown = [0]

    def progress(examined: int) -> None:
        if examined - shown[0] >= 200_000:
            shown[0] = examined
            say(f"  pipeline refresh: {examined:,} dossiers")

    stats = pipeline_refresh(today=today, full=full, progress=progress)
    return {
        "mode": stats.mode,
        "examined": stats.examined,
        "written": stats.written,
        "seconds": stats.seconds,
        "rate": stats.rate,
    }


# --- SQLite → PostgreSQL ----------------------------------------------------------------------

# COPY's CSV dialect matching SQLite's quote(): text in single quotes with quotes doubled,
# numbers bare, NULL as a bare NULL (booleans are stored as 0/1, which PostgreSQL accepts).
_COPY_OPTIONS = "FORMAT csv, QUOTE '''', ESCAPE '''', NULL 'NULL'"


def _schema_objects(tables: list[str]) -> tuple[list[tuple[str, str, str]], list[tuple[str, str]]]:
    """(table, name, definition) of the unique and foreign-key constraints, and (name,
    definition) of the other non-primary indexes, of `tables`."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) "
            "FROM pg_constraint c WHERE c.conrelid = ANY(%s::regclass[]) "
            "AND c.contype IN ('u', 'f') ORDER BY c.contype DESC, c.conname",
            [tables],
        )
        constraints = [tuple(row) for row in cursor.fetchall()]
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
            "FROM pg_index i WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid "
            "AND c.contype IN ('p', 'u', 'x')) ORDER BY 1",
            [tables],
        )
        indexes = [tuple(row) for row in cursor.fetchall()]
    return constraints, indexes


def _pg_session() -> None:
    with connection.cursor() as cursor:
        for statement in (
            "SET TIME ZONE 'UTC'",
            "SET synchronous_commit = off",
            "SET maintenance_work_mem = '1GB'",
            "SET max_parallel_maintenance_workers = 2",
        ):
            cursor.execute(statement)


def _pg_copy_tables(
    source: str, copied: tuple[type[models.Model], ...], *, say: Say
) -> dict[str, int]:
    """Copy whole tables from the SQLite file into the empty PostgreSQL tables, with their
    unique and foreign-key constraints and other indexes dropped meanwhile and re-created
    after (which checks every row), then move the id sequences past the copied ids."""
    quote = connection.ops.quote_name
    tables = [m._meta.db_table for m in copied]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT " + " + ".join(f"(SELECT count(*) FROM {quote(t)})" for t in tables)  # noqa: S608
        )
        if cursor.fetchone()[0]:
            raise RuntimeError(f"PostgreSQL already has rows in {', '.join(tables)}")
    constraints, indexes = _schema_objects(tables)
    with transaction.atomic(), connection.cursor() as cursor:
        for table, name, _definition in constraints:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    rows: dict[str, int] = {}
    source_db = sqlite3.connect(source, isolation_level=None, check_same_thread=False)
    try:
        source_db.execute("BEGIN")  # one snapshot for every table
        for model in copied:
            tick = time.perf_counter()
            rows[model._meta.db_table] = count = _copy_table(source_db, model)
            seconds = time.perf_counter() - tick
            say(
                f"  copied {model._meta.db_table}: {count:,} rows in {seconds:.1f} s "
                f"({count / max(seconds, 1e-6):,.0f}/s)"
            )
        source_db.execute("COMMIT")
    finally:
        source_db.close()
    tick = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for _name, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in constraints:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")
    say(
        f"  re-created {len(indexes)} indexes and {len(constraints)} constraints in "
        f"{time.perf_counter() - tick:.1f} s"
    )
    reset_sequences(copied)
    return rows


def pg_copy_from_sqlite(source: str, *, say: Say) -> dict[str, Any]:
    """Copy the generated tables of the SQLite file `source` into this freshly migrated
    PostgreSQL database."""
    started = time.perf_counter()
    _pg_session()
    rows = _pg_copy_tables(source, GENERATED, say=say)
    return {"seconds": time.perf_counter() - started, "rows": rows}


# The subtree counters the SQLite side derived (ptdv/organisations/services.py, localities.py).
_ORG_COUNTERS = (
    "member_count", "candidate_count", "child_seq",
    "locality_count", "locality_without_cell_count", "white_locality_count",
)  # fmt: skip


def pg_copy_derived(source: str, options: DemoOptions, *, say: Say) -> dict[str, Any]:
    """What the generator's end of load (`demo_load_finish`) derived on the SQLite side, for
    the same rows: the subtree counters (members, candidates, localities) and the root's child
    counter of every organisation, the resident members of every locality,
    and the monitoring tallies (`ptdv aggregates verify` checks them against a recount on
    the province); the candidate search's entries. Then the load's audit
    entry."""
    from ptdv.audit.models import AuditAction
    from ptdv.audit.services import audit_record
    from ptdv.candidacies.models import AdmissionTally, DueTally, PipelineTally, YieldTally
    from ptdv.members.models import RetentionTally

    started = time.perf_counter()
    _pg_session()
    org = Organisation._meta.db_table
    loc = Locality._meta.db_table
    source_db = sqlite3.connect(source)
    try:
        counters = source_db.execute(
            f"SELECT id, {', '.join(_ORG_COUNTERS)} FROM {org}"  # noqa: S608
        ).fetchall()
        residents = source_db.execute(
            f"SELECT id, active_members FROM {loc} WHERE active_members > 0"  # noqa: S608
        ).fetchall()
    finally:
        source_db.close()
    with transaction.atomic(), connection.cursor() as cursor:
        for table, target, columns, rows in (
            ("bench_counters", org, _ORG_COUNTERS, counters),
            ("bench_residents", loc, ("active_members",), residents),
        ):
            cursor.execute(
                f"CREATE TEMP TABLE {table} (id bigint PRIMARY KEY, "
                f"{', '.join(f'{name} integer' for name in columns)}) ON COMMIT DROP"
            )
            with (
                connection.connection.cursor() as raw,
                raw.copy(f"COPY {table} FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
            assignments = ", ".join(f"{name} = c.{name}" for name in columns)
            cursor.execute(
                f"UPDATE {target} o SET {assignments} FROM {table} c WHERE o.id = c.id"  # noqa: S608
            )
            say(f"  counters of {cursor.rowcount:,} rows of {target}")
    copied = _pg_copy_tables(
        source, (AdmissionTally, PipelineTally, DueTally, YieldTally, RetentionTally), say=say
    )
    tick = time.perf_counter()
    entries = candidacy_search_refresh()
    say(f"  search entries of {entries:,} candidacies in {time.perf_counter() - tick:.1f} s")
    root = Organisation.objects.get(parent__isnull=True)
    provinces = (
        list(
            Organisation.objects.filter(parent=root).order_by("path").values_list("name", flat=True)
        )
        if options.scale == "national"
        else [root.name]
    )
    audit_record(
        actor=None,
        action=AuditAction.IMPORT,
        object_type="demo",
        summary=f"Nạp dữ liệu trình diễn (hạt giống {options.seed}), chép từ SQLite",
        data={"scale": options.scale, "provinces": provinces, "copied": copied},
    )
    return {"seconds": time.perf_counter() - started, "rows": copied}


def _copy_table(source_db: sqlite3.Connection, model: type[models.Model]) -> int:
    """COPY one table: SQLite formats each row as a CSV line (its quote() function), a thread
    reads them while this one sends them (sqlite3 and psycopg both release the GIL)."""
    quote = connection.ops.quote_name
    fields = _columns(model)
    line = " || ',' || ".join(f"quote({quote(_column(f))})" for f in fields)
    names = ", ".join(quote(_column(f)) for f in fields)
    table = quote(model._meta.db_table)
    batches: queue.Queue[tuple[str, int] | BaseException | None] = queue.Queue(maxsize=8)

    def read() -> None:
        try:
            reader = source_db.execute(f"SELECT {line} FROM {table} ORDER BY id")  # noqa: S608
            while batch := reader.fetchmany(20_000):
                batches.put(("\n".join(r[0] for r in batch) + "\n", len(batch)))
            batches.put(None)
        except BaseException as exc:  # handed to the writer, which raises it
            batches.put(exc)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    count = 0
    with transaction.atomic(), connection.connection.cursor() as cursor:
        with cursor.copy(f"COPY {table} ({names}) FROM STDIN WITH ({_COPY_OPTIONS})") as copy:
            while (item := batches.get()) is not None:
                if isinstance(item, BaseException):
                    raise item
                copy.write(item[0])
                count += item[1]
    reader.join()
    return count


def vacuum_analyze() -> float:
    """What autovacuum would do after a bulk load: statistics for the planner and the
    visibility map (index-only scans)."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    return time.perf_counter() - started
