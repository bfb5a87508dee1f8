"""`ptdv pipeline refresh`: the next lawful action of every open dossier, in bulk.

A full run recomputes every open dossier; the nightly incremental run touches only those
whose facts changed (`next_stale`) or whose stored answer may change today by the calendar
alone (`next_valid_until` reached). Everything a case needs is loaded per chunk with a fixed
number of queries — never a query per dossier — and written back with one bulk update.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Q

from ptdv.candidacies.case import (
    DossierContext,
    candidacy_next,
    engine_consent,
    engine_introducer,
    next_fields,
    previous_membership_from,
)
from ptdv.candidacies.models import Candidacy, Consent, Introducer
from ptdv.candidacies.tallies import tallies_due_changed
from ptdv.members.models import FORMER_MEMBER_STATUSES, MembershipStatus, PartyMembership
from ptdv.organisations.competence import Competent
from ptdv.organisations.models import PATH_STEP, Competence, Organisation
from ptdv.rules.services import rules_calendar

NEXT_FIELDS = [
    "next_action",
    "next_earliest",
    "next_due",
    "next_missing",
    "next_expiring",
    "next_checked_on",
    "next_valid_until",
    "next_stale",
]


# What a case needs, and nothing else: building full model instances costs more than the
# rule engine itself.
_CANDIDACY_COLUMNS = (
    "id", "organisation_id", "person_id", "stage", "is_open", "is_readmission", "version",
    "certificate_date", "application_date", "history_date", "verification_concluded_on",
    "verification_waived", "opinions_date", "branch_resolution_date",
    "committee_resolution_date", "decision_date", "decision_received_date",
    "extension_working_days", "ceremony_date", "newmember_course_date",
    "recognition_resolution_date", "failed_recognition_votes",
    "person__birth_date", "person__education", "person__roles", "person__youth_union_member",
    "person__trade_union_member", "person__residence_locality__area_flags",
)  # fmt: skip


_PERSON_PREFIX = "person__"


def _row(values: tuple[Any, ...]) -> Any:
    """A light stand-in for a Candidacy with its person and residence: the attributes
    `build_case` and `candidacy_next` read, without building model instances."""
    data = dict(zip(_CANDIDACY_COLUMNS, values, strict=True))
    locality = SimpleNamespace(area_flags=data.pop("person__residence_locality__area_flags"))
    person = SimpleNamespace(
        **{
            k[len(_PERSON_PREFIX) :]: data.pop(k)
            for k in list(data)
            if k.startswith(_PERSON_PREFIX)
        }
    )
    person.residence_locality = locality if locality.area_flags is not None else None
    for name in ("roles",):
        value = getattr(person, name)
        if isinstance(value, str):
            setattr(person, name, json.loads(value))
        elif value is None:
            setattr(person, name, [])
    row = SimpleNamespace(**data, person=person)
    row.pk = data["id"]
    return row


@dataclass
class RefreshStats:
    mode: str
    examined: int
    written: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.examined / self.seconds if self.seconds else 0.0


class _Tree:
    """Organisations by id and their ancestor chains, loaded once per run."""

    def __init__(self, ids: set[int] | None = None) -> None:
        fields = (
            "id", "path", "kind", "area_flags", "authorised_to_admit", "has_youth_union",
            "has_trade_union", "parent_id", "code", "name", "valid_to",
        )  # fmt: skip
        qs = Organisation.objects.only(*fields)
        self.by_id: dict[int, Organisation] = {o.pk: o for o in qs.iterator(chunk_size=10000)}
        self.by_path = {o.path: o for o in self.by_id.values()}
        self.ids = {o.path: o.pk for o in self.by_id.values()}
        self._chains: dict[int, list[Organisation]] = {}
        # Who decides for whom, dated (a small table: read whole, by subject).
        self._competences: dict[int, list[Competence]] = defaultdict(list)
        for row in Competence.objects.select_related("decider", "grassroots"):
            self._competences[row.subject_id].append(row)
        self._chain_competences: dict[int, list[Competence]] = {}
        # Who decides for a cell on a day, worked out once per refresh (case.DossierContext).
        self.competent_answers: dict[tuple[int, dt.date], Competent] = {}

    def competences(self, org_id: int) -> list[Competence]:
        """The competence rows of the organisation's chain (all dates)."""
        rows = self._chain_competences.get(org_id)
        if rows is None:
            rows = [r for o in self.ancestors(org_id) for r in self._competences.get(o.pk, ())]
            self._chain_competences[org_id] = rows
        return rows

    def ancestors(self, org_id: int) -> list[Organisation]:
        chain = self._chains.get(org_id)
        if chain is None:
            path = self.by_id[org_id].path
            chain = [
                self.by_path[path[:end]]
                for end in range(len(path), 0, -PATH_STEP)
                if path[:end] in self.by_path
            ]
            self._chains[org_id] = chain
        return chain


def _next_values(row: Any) -> list[Any]:
    return [
        json.dumps(getattr(row, name), ensure_ascii=False)
        if name in ("next_missing", "next_expiring")
        else getattr(row, name)
        for name in NEXT_FIELDS
    ]


def _write_next(rows: list[Any], ids: dict[str, int]) -> int:
    """Store the computed next actions; a dossier whose version moved since it was read (a
    user acted on it meanwhile, and that action stored its own next action) is left alone.
    The deadline tally follows the dates that changed, from the rows as they stand under
    their locks (`ids`: organisation id by path). Returns the number of rows written."""
    if not rows:
        return 0
    table = Candidacy._meta.db_table
    with transaction.atomic():
        # Locked, and so read as committed (on SQLite the IMMEDIATE transaction already
        # holds the write lock): what the tally counts each dossier under right now.
        lock = " FOR NO KEY UPDATE" if connection.vendor == "postgresql" else ""
        placeholders = ", ".join(["%s"] * len(rows))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, version, next_due FROM {table} "  # noqa: S608
                f"WHERE id IN ({placeholders}) ORDER BY id{lock}",
                [row.pk for row in rows],
            )
            stored = {pk: (version, due) for pk, version, due in cursor.fetchall()}
        current = [row for row in rows if stored.get(row.pk, (None,))[0] == row.version]
        if not current:
            return 0
        written = (
            _write_next_postgresql(current)
            if connection.vendor == "postgresql"
            else _write_next_sqlite(current)
        )
        tallies_due_changed(
            (
                (
                    (row.organisation.path, True, _as_date(stored[row.pk][1])),
                    (row.organisation.path, True, row.next_due),
                )
                for row in current
            ),
            ids,
        )
        return written


def _as_date(value: Any) -> dt.date | None:
    """A date column read through a raw cursor (SQLite gives its ISO text)."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _write_next_sqlite(rows: list[Any]) -> int:
    """SQLite: one parameterised UPDATE per dossier, sent as a batch (Django's bulk_update
    builds a CASE expression per field and row, which costs more than the computation)."""
    table = Candidacy._meta.db_table
    assignments = ", ".join(f"{name} = %s" for name in NEXT_FIELDS)
    sql = f"UPDATE {table} SET {assignments} WHERE id = %s AND version = %s"  # noqa: S608
    params = [[*_next_values(row), row.pk, row.version] for row in rows]
    with connection.cursor() as cursor:
        before = connection.connection.total_changes
        cursor.executemany(sql, params)
        return int(connection.connection.total_changes - before)


_NEXT_TEMP = "pipeline_next"
_NEXT_TEMP_COLUMNS = (
    "id bigint, version integer, next_action varchar(40), next_earliest date, next_due date, "
    "next_missing jsonb, next_expiring jsonb, next_checked_on date, next_valid_until date, "
    "next_stale boolean"
)


def _write_next_postgresql(rows: list[Any]) -> int:
    """PostgreSQL: the rows go into a temporary table with COPY, then one UPDATE … FROM —
    a round trip per chunk instead of one per dossier."""
    table = Candidacy._meta.db_table
    columns = ["id", "version", *NEXT_FIELDS]
    assignments = ", ".join(f"{name} = n.{name}" for name in NEXT_FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {_NEXT_TEMP} ({_NEXT_TEMP_COLUMNS}) "
            "ON COMMIT DELETE ROWS"
        )
        cursor.execute(f"TRUNCATE {_NEXT_TEMP}")  # inside an outer transaction (tests)
        with (
            connection.connection.cursor() as raw,
            raw.copy(f"COPY {_NEXT_TEMP} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row([row.pk, row.version, *_next_values(row)])
        cursor.execute(
            f"UPDATE {table} c SET {assignments} FROM {_NEXT_TEMP} n "  # noqa: S608
            "WHERE c.id = n.id AND c.version = n.version"
        )
        return int(cursor.rowcount)


@dataclass
class _Run:
    """What every chunk of a run shares: loaded once (before the workers fork)."""

    today: dt.date
    full: bool
    chunk: int
    tree: _Tree
    official: dict[int, int]
    calendar: Any

    def queryset(self) -> Any:
        base = Candidacy.objects.filter(is_open=True)
        if not self.full:
            base = base.filter(
                Q(next_stale=True)
                | Q(next_valid_until__lte=self.today)
                | Q(next_checked_on__isnull=True)
            )
        return base


def _refresh_range(
    run: _Run,
    low: int,
    high: int | None,
    progress: Callable[[int], None] | None,
) -> tuple[int, int]:
    """Refresh the dossiers with low < id <= high (high None: no upper end), chunk by chunk;
    returns (examined, written). `progress` gets the dossiers examined so far."""
    examined = written = 0
    last_id = low
    base = run.queryset()
    if high is not None:
        base = base.filter(pk__lte=high)
    while True:
        rows = [
            _row(values)
            for values in base.filter(pk__gt=last_id)
            .order_by("pk")
            .values_list(*_CANDIDACY_COLUMNS)[: run.chunk]
        ]
        if not rows:
            break
        last_id = rows[-1].pk
        ids = [c.pk for c in rows]
        introducers: dict[int, list[Any]] = defaultdict(list)
        for introducer in Introducer.objects.filter(
            candidacy_id__in=ids, withdrawn=False
        ).select_related("membership"):
            introducers[introducer.candidacy_id].append(engine_introducer(introducer))
        consents: dict[int, list[Any]] = defaultdict(list)
        for consent in Consent.objects.filter(candidacy_id__in=ids):
            consents[consent.candidacy_id].append(engine_consent(consent))
        readmitted = [c.person_id for c in rows if c.is_readmission]
        former: dict[int, list[PartyMembership]] = defaultdict(list)
        if readmitted:
            for membership in PartyMembership.objects.filter(
                person_id__in=readmitted, status__in=FORMER_MEMBER_STATUSES
            ):
                former[membership.person_id].append(membership)
        tree = run.tree
        for candidacy in rows:
            candidacy.organisation = tree.by_id[candidacy.organisation_id]
            context = DossierContext(
                ancestors=tree.ancestors(candidacy.organisation_id),
                official_members=run.official.get(candidacy.organisation_id, 0),
                introducers=introducers.get(candidacy.pk, []),
                consents=consents.get(candidacy.pk, []),
                previous_membership=previous_membership_from(former.get(candidacy.person_id, []))
                if candidacy.is_readmission
                else None,
                competences=tree.competences(candidacy.organisation_id),
                answers=tree.competent_answers,
            )
            fields = next_fields(
                candidacy_next(candidacy, run.today, context, run.calendar), run.today
            )
            for name, value in fields.items():
                setattr(candidacy, name, value)
        written += _write_next(rows, run.tree.ids)
        examined += len(rows)
        if progress:
            progress(examined)
    return examined, written


# What a forked worker inherits (set just before the workers start): the run and a shared
# counter of examined dossiers (a synchronised value may only be inherited, never passed).
_FORKED_RUN: _Run | None = None
_FORKED_COUNTER: Any = None


def _forked_range(low: int, high: int | None) -> tuple[int, int]:
    """One worker process: its own database connection, its share of the id range."""
    from django.db import connections

    assert _FORKED_RUN is not None
    counter = _FORKED_COUNTER

    reported = [0]

    def count(examined: int) -> None:
        with counter.get_lock():
            counter.value += examined - reported[0]
        reported[0] = examined

    try:
        return _refresh_range(_FORKED_RUN, low, high, count)
    finally:
        connections.close_all()


def _split(run: _Run, jobs: int) -> list[tuple[int, int | None]]:
    """Id ranges holding about the same number of the run's dossiers."""
    cuts = list(
        run.queryset().order_by("pk").values_list("pk", flat=True).iterator(chunk_size=50_000)
    )
    if not cuts:
        return []
    bounds = [cuts[len(cuts) * k // jobs - 1] for k in range(1, jobs)] if jobs > 1 else []
    lows = [0, *bounds]
    highs: list[int | None] = [*bounds, None]
    return [(lo, hi) for lo, hi in zip(lows, highs, strict=True) if hi is None or hi > lo]


def _refresh_parallel(
    run: _Run, jobs: int, progress: Callable[[int], None] | None
) -> tuple[int, int]:
    """PostgreSQL: the id range cut in `jobs` parts, each refreshed by a forked process
    (the rule engine is pure Python: one process keeps one core busy)."""
    import multiprocessing

    from django.db import connections

    global _FORKED_RUN, _FORKED_COUNTER
    ranges = _split(run, jobs)
    connections.close_all()  # a forked child must never share the parent's connection
    context = multiprocessing.get_context("fork")
    counter = context.Value("q", 0)
    _FORKED_RUN, _FORKED_COUNTER = run, counter
    try:
        with context.Pool(len(ranges) or 1) as pool:
            pending = pool.starmap_async(_forked_range, ranges)
            while not pending.ready():
                pending.wait(1.0)
                if progress:
                    progress(counter.value)
            parts = pending.get()
    finally:
        _FORKED_RUN, _FORKED_COUNTER = None, None
    return sum(p[0] for p in parts), sum(p[1] for p in parts)


def default_jobs() -> int:
    """Worker processes for a refresh: one per core on PostgreSQL (at most 4), one on
    SQLite (a single writer)."""
    import os

    if connection.vendor != "postgresql":
        return 1
    return max(1, min(4, os.cpu_count() or 1))


def pipeline_refresh(
    *,
    today: dt.date,
    full: bool = True,
    chunk: int = 2000,
    jobs: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> RefreshStats:
    """Recompute the next action of the open dossiers (all, or the nightly incremental set).

    `jobs` > 1 (default: `default_jobs()`) runs that many worker processes on PostgreSQL
    when not inside a transaction (each chunk commits on its own); otherwise, and always on
    SQLite, this process does the work. `progress` gets the dossiers examined so far.
    """
    started = time.perf_counter()
    jobs = default_jobs() if jobs is None else jobs
    run = _Run(
        today=today,
        full=full,
        chunk=chunk,
        tree=_Tree(),
        official=dict(
            PartyMembership.objects.filter(status=MembershipStatus.OFFICIAL)
            .values_list("organisation_id")
            .annotate(n=Count("id"))
            .values_list("organisation_id", "n")
        ),
        calendar=rules_calendar(),
    )
    parallel = jobs > 1 and connection.vendor == "postgresql" and not connection.in_atomic_block
    if parallel:
        examined, written = _refresh_parallel(run, jobs, progress)
    else:
        examined, written = _refresh_range(run, 0, None, progress)
    return RefreshStats(
        mode="full" if full else "incremental",
        examined=examined,
        written=written,
        seconds=time.perf_counter() - started,
    )
