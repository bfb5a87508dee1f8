"""Django-side measurements: the bench account, the plain-SQL baselines, the pipeline refresh
(issue 3) and the import (issue 5). Run through `bench.worker`.

A baseline computes the endpoint's answer straight from the raw tables (memberships,
candidacies, people, localities joined to the organisations on the path prefix) in one SQL
statement, with no stored counter or tally, and is timed the same way: the same number of
runs, sequentially, p50/p95.
"""

from __future__ import annotations

import datetime as dt
import time
from functools import partial
from typing import Any

from django.conf import settings
from django.db import connection
from django.test import Client

from bench.imports import SCRATCH_PREFIX, exchange_bench_import
from bench.load import Say, refresh
from bench.merger import merger_bench
from bench.stats import summary, timed_loop
from ptdv.accounts.models import Assignment, Role, User
from ptdv.candidacies.counters import organisation_counter_mismatches
from ptdv.candidacies.models import Candidacy, Stage
from ptdv.candidacies.tallies import PIPELINE_FIELDS, aggregates_mismatches
from ptdv.core.text import tokens
from ptdv.demo.generator import DemoOptions
from ptdv.members.models import ACTIVE_STATUSES, MembershipStatus, PartyMembership
from ptdv.organisations.models import PATH_STEP, Locality, Organisation
from ptdv.people.models import Person

BENCH_USER = "bench-admin"
# Thành Sen ward of Hà Tĩnh: the commune measured at both scales.
PROVINCE_CODE = "42"
COMMUNE_CODE = "18073"


# --- The account and the organisations measured ----------------------------------------------


def _root() -> Organisation:
    root = (
        Organisation.objects.filter(parent__isnull=True)
        .exclude(code__startswith=SCRATCH_PREFIX)
        .order_by("path")
        .first()
    )
    if root is None:
        raise RuntimeError("no organisation tree in the benchmark database")
    return root


def prepare(*, password: str) -> dict[str, Any]:
    """The bench administrator (root of the tree) with this run's password, and the ids of the
    organisations measured. The password exists only in this database and the orchestrator's
    memory."""
    root = _root()
    user, _created = User.objects.get_or_create(username=BENCH_USER)
    user.set_password(password)
    user.is_active = True
    user.save()
    Assignment.objects.get_or_create(user=user, organisation=root, role=Role.ADMINISTRATOR)
    province = Organisation.objects.get(kind="province", admin_unit_code=PROVINCE_CODE)
    commune = Organisation.objects.get(admin_unit_code=COMMUNE_CODE, valid_to__isnull=True)
    # The pages are read with a session, as a browser does (signed in here, no password).
    client, name = Client(), settings.SESSION_COOKIE_NAME
    client.force_login(user)
    # A dossier of the province whose application form (1-KNĐ) can be generated.
    form_dossier = (
        Candidacy.objects.filter(
            organisation__path__startswith=province.path, is_open=True, stage=Stage.APPLIED
        )
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    return {
        "username": BENCH_USER,
        "session": f"{name}={client.cookies[name].value}",
        "form_dossier": form_dossier,
        "organisations": {
            "root": {"id": root.pk, "name": root.name},
            "province": {"id": province.pk, "name": province.name},
            "commune": {"id": commune.pk, "name": commune.name},
        },
        "rows": {
            "organisations": Organisation.objects.count(),
            "localities": Locality.objects.count(),
            "persons": Person.objects.count(),
            "memberships": PartyMembership.objects.count(),
            "active_members": PartyMembership.objects.filter(status__in=ACTIVE_STATUSES).count(),
            "candidacies": Candidacy.objects.count(),
            "open_candidacies": Candidacy.objects.filter(is_open=True).count(),
        },
    }


# --- Baselines ----------------------------------------------------------------------------------

ORG = Organisation._meta.db_table
LOC = Locality._meta.db_table
PER = Person._meta.db_table
MEM = PartyMembership._meta.db_table
CAN = Candidacy._meta.db_table


def _stage_sums(prefix: str = "") -> tuple[str, list[Any]]:
    sql = ", ".join(
        f"SUM(CASE WHEN c.stage = %s THEN 1 ELSE 0 END) AS {prefix}{stage}"
        for stage in PIPELINE_FIELDS
    )
    return sql, list(PIPELINE_FIELDS)


def _white(locality: str) -> str:
    """No active member lives in the locality (the endpoint's "white" localities)."""
    people = f"{PER} p JOIN {MEM} m ON m.person_id = p.id"
    where = f"p.residence_locality_id = {locality}.id AND m.status IN (%s, %s)"
    return f"NOT EXISTS (SELECT 1 FROM {people} WHERE {where})"  # noqa: S608


def progress_baseline_sql(path: str, year: int, today: dt.date) -> tuple[str, list[Any]]:
    """Members, admissions of the year (with two breakdown columns), open candidacies per
    stage, overdue dossiers and the localities of one subtree, from the raw rows."""
    first, last = dt.date(year, 1, 1).isoformat(), dt.date(year, 12, 31).isoformat()
    active = [str(s) for s in ACTIVE_STATUSES]
    stages = ", ".join(
        f"(SELECT COUNT(*) FROM pipe WHERE stage = %s) AS {stage}"  # noqa: S608
        for stage in PIPELINE_FIELDS
    )
    sql = f"""
WITH sub AS (SELECT id FROM {ORG} WHERE path LIKE %s),
adm AS (
  SELECT p.gender, p.ethnicity FROM {CAN} c JOIN sub ON sub.id = c.organisation_id
    JOIN {PER} p ON p.id = c.person_id
   WHERE c.decision_date >= %s AND c.decision_date <= %s
  UNION ALL
  SELECT p.gender, p.ethnicity FROM {MEM} m JOIN sub ON sub.id = m.organisation_id
    JOIN {PER} p ON p.id = m.person_id
   WHERE m.candidacy_id IS NULL AND m.status <> %s
     AND m.admission_decision_date >= %s AND m.admission_decision_date <= %s
),
pipe AS (SELECT c.stage, c.next_due FROM {CAN} c JOIN sub ON sub.id = c.organisation_id
          WHERE c.is_open = %s),
loc AS (SELECT l.id, l.cell_id, l.cell_is_shared FROM {LOC} l
          JOIN sub ON sub.id = l.organisation_id)
SELECT
  (SELECT COUNT(*) FROM {MEM} m JOIN sub ON sub.id = m.organisation_id
    WHERE m.status IN (%s, %s)) AS members,
  (SELECT COUNT(*) FROM adm) AS admitted,
  (SELECT COUNT(*) FROM adm WHERE gender = %s) AS women,
  (SELECT COUNT(*) FROM adm WHERE ethnicity <> %s) AS ethnic_minority,
  {stages},
  (SELECT COUNT(*) FROM pipe WHERE next_due < %s) AS overdue,
  (SELECT COUNT(*) FROM loc) AS localities,
  (SELECT COUNT(*) FROM loc WHERE cell_id IS NULL OR cell_is_shared = %s) AS without_cell,
  (SELECT COUNT(*) FROM loc WHERE {_white("loc")}) AS white
"""  # noqa: S608 - table names from the models, values as parameters
    params: list[Any] = [
        path + "%", first, last, str(MembershipStatus.TRANSFERRED_OUT), first, last, True,
        *active, "female", "01", *PIPELINE_FIELDS, today.isoformat(), True, *active,
    ]  # fmt: skip
    return sql, params


PROGRESS_KEYS = ("members", "admitted", "women", "ethnic_minority", *PIPELINE_FIELDS, "overdue",
                 "localities", "without_cell", "white")  # fmt: skip


def children_baseline_sql(parent: Organisation, year: int, today: dt.date) -> tuple[str, list[Any]]:
    """The same figures for every child of `parent`, grouped by the child's path prefix."""
    first, last = dt.date(year, 1, 1).isoformat(), dt.date(year, 12, 31).isoformat()
    active = [str(s) for s in ACTIVE_STATUSES]
    length = len(parent.path) + PATH_STEP
    stage_sql, stage_params = _stage_sums()
    sql = f"""
WITH sub AS (SELECT id, SUBSTR(path, 1, {length}) AS prefix FROM {ORG}
              WHERE path LIKE %s AND depth > %s),
mem AS (SELECT sub.prefix, COUNT(*) AS n FROM {MEM} m JOIN sub ON sub.id = m.organisation_id
         WHERE m.status IN (%s, %s) GROUP BY sub.prefix),
adm AS (SELECT prefix, COUNT(*) AS n, SUM(CASE WHEN gender = %s THEN 1 ELSE 0 END) AS women,
               SUM(CASE WHEN ethnicity <> %s THEN 1 ELSE 0 END) AS ethnic_minority
          FROM (SELECT sub.prefix, p.gender, p.ethnicity FROM {CAN} c
                  JOIN sub ON sub.id = c.organisation_id JOIN {PER} p ON p.id = c.person_id
                 WHERE c.decision_date >= %s AND c.decision_date <= %s
                UNION ALL
                SELECT sub.prefix, p.gender, p.ethnicity FROM {MEM} m
                  JOIN sub ON sub.id = m.organisation_id JOIN {PER} p ON p.id = m.person_id
                 WHERE m.candidacy_id IS NULL AND m.status <> %s
                   AND m.admission_decision_date >= %s AND m.admission_decision_date <= %s) a
         GROUP BY prefix),
pipe AS (SELECT sub.prefix, {stage_sql},
                SUM(CASE WHEN c.next_due < %s THEN 1 ELSE 0 END) AS overdue
           FROM {CAN} c JOIN sub ON sub.id = c.organisation_id WHERE c.is_open = %s
          GROUP BY sub.prefix),
loc AS (SELECT sub.prefix, COUNT(*) AS n,
               SUM(CASE WHEN l.cell_id IS NULL OR l.cell_is_shared = %s THEN 1 ELSE 0 END)
                 AS without_cell,
               SUM(CASE WHEN {_white("l")} THEN 1 ELSE 0 END) AS white
          FROM {LOC} l JOIN sub ON sub.id = l.organisation_id GROUP BY sub.prefix)
SELECT k.id, COALESCE(mem.n, 0), COALESCE(adm.n, 0), COALESCE(adm.women, 0),
       COALESCE(adm.ethnic_minority, 0),
       {", ".join(f"COALESCE(pipe.{s}, 0)" for s in PIPELINE_FIELDS)},
       COALESCE(pipe.overdue, 0), COALESCE(loc.n, 0), COALESCE(loc.without_cell, 0),
       COALESCE(loc.white, 0)
  FROM {ORG} k
  LEFT JOIN mem ON mem.prefix = k.path LEFT JOIN adm ON adm.prefix = k.path
  LEFT JOIN pipe ON pipe.prefix = k.path LEFT JOIN loc ON loc.prefix = k.path
 WHERE k.parent_id = %s
 ORDER BY k.id
"""  # noqa: S608 - table names from the models, values as parameters
    params: list[Any] = [
        parent.path + "%", parent.depth, *active, "female", "01", first, last,
        str(MembershipStatus.TRANSFERRED_OUT), first, last, *stage_params,
        today.isoformat(), True, True, *active, parent.pk,
    ]  # fmt: skip
    return sql, params


def search_patterns(query: str) -> list[str]:
    return [f"% {token}%" for token in tokens(query)[:8]]


def search_baseline_sql(query: str, page_size: int) -> tuple[str, list[Any]]:
    """Candidacies whose person's folded name has every query token at the start of a word
    (a plain LIKE per token), in name order, with the total count."""
    patterns = search_patterns(query)
    where = " AND ".join("p.search_text LIKE %s" for _ in patterns)
    sql = (
        f"SELECT c.id, COUNT(*) OVER () FROM {CAN} c JOIN {PER} p ON p.id = c.person_id "  # noqa: S608
        f"WHERE {where} ORDER BY p.sort_key, c.id LIMIT %s"
    )
    return sql, [*patterns, page_size]


def _query(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()]


def baselines(
    *,
    organisations: dict[str, int],
    children_of: int,
    year: int,
    today: dt.date,
    queries: list[str],
    count: int,
    search_rounds: int,
    page_size: int,
    budget: float,
    warm_up_budget: float,
    say: Say,
) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for label, org_id in organisations.items():
        org = Organisation.objects.get(pk=org_id)
        sql, params = progress_baseline_sql(org.path, year, today)
        _query(sql, params)  # warm-up, as for the endpoint
        samples, rows = timed_loop(partial(_query, sql, params), count=count, budget=budget)
        answer = dict(zip(PROGRESS_KEYS, (int(v or 0) for v in rows[0]), strict=True))
        results[f"progress:{label}"] = {**summary(samples), "answer": answer}
        say(f"  baseline progress {label}: p95 {summary(samples)['p95_ms']:.1f} ms")
    parent = Organisation.objects.get(pk=children_of)
    sql, params = children_baseline_sql(parent, year, today)
    _query(sql, params)
    samples, rows = timed_loop(lambda: _query(sql, params), count=count, budget=budget)
    keys = PROGRESS_KEYS
    answer_rows = {
        str(row[0]): dict(zip(keys, (int(v or 0) for v in row[1:]), strict=True)) for row in rows
    }
    results["children:province"] = {**summary(samples), "answer": answer_rows}
    say(f"  baseline children: p95 {summary(samples)['p95_ms']:.1f} ms")
    search_samples: list[float] = []
    answers: dict[str, Any] = {}
    started = time.perf_counter()
    for query in queries:  # a warm-up round, cut short like the endpoint's
        sql, params = search_baseline_sql(query, page_size)
        _query(sql, params)
        if time.perf_counter() - started > warm_up_budget:
            break
    started = time.perf_counter()
    for _round in range(search_rounds):
        for query in queries:
            sql, params = search_baseline_sql(query, page_size)
            tick = time.perf_counter()
            rows = _query(sql, params)
            search_samples.append(time.perf_counter() - tick)
            answers[query] = {"count": rows[0][1] if rows else 0, "ids": [r[0] for r in rows]}
        if time.perf_counter() - started > budget:
            break
    results["search"] = {**summary(search_samples), "answer": answers}
    say(f"  baseline search: p95 {summary(search_samples)['p95_ms']:.1f} ms")
    return results


# --- Everything measured inside the process ------------------------------------------------------


def in_process(
    *, options: DemoOptions, params: dict[str, Any], today: dt.date, say: Say
) -> dict[str, Any]:
    result: dict[str, Any] = {"vendor": connection.vendor}
    say("baselines (plain SQL on the raw tables)…")
    result["baselines"] = baselines(
        organisations=params["organisations"],
        children_of=params["children_of"],
        year=params["year"],
        today=today,
        queries=params["queries"],
        count=params["count"],
        search_rounds=params["search_rounds"],
        page_size=params["page_size"],
        budget=params["budget"],
        warm_up_budget=params["warm_up_budget"],
        say=say,
    )
    if params.get("import_rows"):
        say(f"import of {params['import_rows']:,} candidates (issue 5)…")
        timings = exchange_bench_import(params["import_rows"])
        result["import"] = timings
        say(f"  import: {timings.get('import', 0):.1f} s, status {timings.get('status')}")
    if params.get("merger"):
        communes, into = params["merger"]
        say(f"merger of {communes} communes into {into} (issue 12), rolled back…")
        timings = merger_bench(communes, into, today=options.today)
        result["merger"] = timings
        say(
            f"  merger: {timings.get('merger', 0):.1f} s, status {timings.get('status')}, "
            f"mismatches {timings.get('mismatches')}"
        )
    nightly = options.today + dt.timedelta(days=1)
    say(f"pipeline refresh, incremental (the next night, {nightly:%d/%m/%Y})…")
    result["refresh_incremental"] = refresh(nightly, full=False, say=say)
    say(
        f"  incremental: {result['refresh_incremental']['examined']:,} dossiers in "
        f"{result['refresh_incremental']['seconds']:.1f} s"
    )
    return result


def verify(*, say: Say) -> dict[str, Any]:
    """`ptdv aggregates verify`: stored counters and tallies against a recount."""
    started = time.perf_counter()
    counters = organisation_counter_mismatches()
    tallies = aggregates_mismatches()
    say(f"  aggregates verify: {len(counters)} counter and {len(tallies)} tally mismatches")
    return {
        "counter_mismatches": len(counters),
        "tally_mismatches": len(tallies),
        "examples": [*counters[:3], *tallies[:3]],
        "seconds": time.perf_counter() - started,
    }
