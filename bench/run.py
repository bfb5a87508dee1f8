"""`make bench` / `python -m bench.run --scale national|province`.

1. Datasets. The demo generator's data (national: 34 provinces, ~5.6 million members; province:
   Hà Tĩnh) on SQLite (`var/bench/<scale>.sqlite3`) and PostgreSQL (`ptdv_bench_<scale>`),
   built once and reused while the generator, the loader, the seed and the data key are
   unchanged (a marker beside the SQLite file, a comment on the PostgreSQL database).
   National SQLite: two generator processes, merged (`bench.load`); then the generator's end
   of load (subtree counters, monitoring tallies). PostgreSQL: the generated rows copied from
   SQLite with COPY while that runs, then its counters and tallies, then VACUUM ANALYZE.
2. For each database in turn: `migrate`, the full pipeline refresh (measured; it also gives
   every open dossier its next action before anything is read), then gunicorn (2 workers,
   production settings) on a free port of 127.0.0.1, a token for an administrator of the root,
   and sequential requests: progress of the root, a province and a commune, the children
   table of a province, candidate search for 20 names.
3. Beside each, the plain-SQL baseline on the raw tables, the import of 100,000 rows (issue 5)
   and the nightly incremental refresh; on the province, `ptdv aggregates verify`. On
   PostgreSQL, the yearly evaluation of every organisation (issue 14, goal < 2 min) checked
   against a recount (`bench.evaluations`).
4. A table on stdout and `bench/results.json`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import secrets
import shutil
import subprocess
import sys
import time
from typing import Any
from zoneinfo import ZoneInfo

from bench import report
from bench.bulk import bulk_measure
from bench.config import (
    POSTGRES,
    PYTHON,
    REPO,
    RESULTS,
    VAR,
    Dataset,
    django_env,
)
from bench.http import Client, Server
from bench.loadtest import DURATION, load_measure
from bench.stats import summary

YEAR = 2026
# Unaccented name queries drawn once (seeded) from the generator's name tables
# (ptdv/demo/names.py): full names, family + given, middle + given.
QUERIES = [
    "ngo thanh dat", "ngo hong", "phan duy phuc", "thi duyen", "tran thanh anh", "le huong",
    "phan quoc tu", "hai nga", "nguyen dinh hung", "duong tinh", "cao viet quang",
    "thuy huong", "le duc long", "nguyen dung", "nguyen quang son", "thi lien",
    "ha xuan thang", "le anh", "nguyen dinh nam", "thanh mai",
]  # fmt: skip
PAGE_SIZE = 50
WARM_UP = 6  # sequential: enough for both gunicorn workers to have served before timing
WARM_UP_BUDGET = 10.0  # seconds

STARTED = time.perf_counter()


def say(message: str) -> None:
    elapsed = time.perf_counter() - STARTED
    print(f"[{elapsed / 60:5.1f} min] {message}", flush=True)


# --- Workers -------------------------------------------------------------------------------------


class Worker:
    """`python -m bench.worker TASK …` for one database; its result is read when it ends."""

    running: list[Worker] = []

    def __init__(self, label: str, env: dict[str, str], task: str, *args: str) -> None:
        self.label = label
        self.out = VAR / f".{label}-{task}-{os.getpid()}.json"
        self.out.unlink(missing_ok=True)
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [PYTHON, "-m", "bench.worker", task, "--out", str(self.out), *args],
            cwd=REPO,
            env={**env, "BENCH_LABEL": label},
        )
        Worker.running.append(self)

    @classmethod
    def stop_all(cls) -> None:
        """Stop the workers this run started that are still running (after a failure)."""
        for worker in cls.running:
            if worker.process.poll() is None:
                worker.process.terminate()
                worker.process.wait()

    def result(self) -> dict[str, Any]:
        code = self.process.wait()
        if code != 0:
            raise SystemExit(f"bench: worker {self.label} failed (exit {code})")
        data: dict[str, Any] = json.loads(self.out.read_text())
        self.out.unlink(missing_ok=True)
        return data


def run_worker(label: str, env: dict[str, str], task: str, *args: str) -> dict[str, Any]:
    return Worker(label, env, task, *args).result()


def dataset_args(dataset: Dataset) -> list[str]:
    args = ["--scale", dataset.scale, "--seed", str(dataset.seed)]
    if dataset.members is not None:
        args += ["--members", str(dataset.members)]
    return args


# --- PostgreSQL administration (psycopg only, no Django) -----------------------------------------


def pg_admin() -> Any:
    import psycopg

    return psycopg.connect(f"{POSTGRES.rstrip('/')}/postgres", autocommit=True)


def pg_marker(dataset: Dataset) -> dict[str, Any] | None:
    try:
        with pg_admin() as conn:
            row = conn.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                [dataset.pg_name],
            ).fetchone()
    except Exception as exc:
        raise SystemExit(f"bench: PostgreSQL does not answer at {POSTGRES}: {exc}") from None
    if not row or not row[0]:
        return None
    try:
        marker: dict[str, Any] = json.loads(row[0])
    except ValueError:
        return None
    return marker


def pg_recreate(dataset: Dataset) -> None:
    from psycopg import sql

    name = sql.Identifier(dataset.pg_name)
    with pg_admin() as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(name))
        # The one setting changed from PostgreSQL's defaults (README, Benchmark): JIT
        # compilation costs more than it saves on the dashboards' short queries.
        conn.execute(sql.SQL("ALTER DATABASE {} SET jit = off").format(name))


def pg_mark(dataset: Dataset, marker: dict[str, Any] | None) -> None:
    from psycopg import sql

    with pg_admin() as conn:
        conn.execute(
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                sql.Identifier(dataset.pg_name), sql.Literal(json.dumps(marker) if marker else "")
            )
        )


def pg_size(dataset: Dataset) -> int:
    with pg_admin() as conn:
        row = conn.execute("SELECT pg_database_size(%s)", [dataset.pg_name]).fetchone()
    return int(row[0]) if row else 0


def sqlite_marker(dataset: Dataset) -> dict[str, Any] | None:
    if not dataset.sqlite_path.exists() or not dataset.sqlite_marker.exists():
        return None
    marker: dict[str, Any] = json.loads(dataset.sqlite_marker.read_text())
    return marker


def sqlite_size(dataset: Dataset) -> int:
    return sum(
        p.stat().st_size
        for p in dataset.sqlite_path.parent.glob(dataset.sqlite_path.name + "*")
        if p.suffix != ".json"
    )


# --- Datasets ------------------------------------------------------------------------------------


def provinces_split() -> int:
    """Where to cut the 34 provinces into two runs of about the same number of rows, by the
    generator's weights (communes; cities count 1.6 times). Only the balance depends on it."""
    from ptdv.organisations.admin_units import communes_of, provinces

    every = list(provinces())
    weights = [len(communes_of(p.code)) * (1.6 if p.kind == "city" else 1.0) for p in every]
    half, running = sum(weights) / 2, 0.0
    for index, weight in enumerate(weights):
        running += weight
        if running >= half:
            # Cut after this province or before it, whichever is closer to half.
            return index + 1 if running - half < weight / 2 else index
    return len(every) // 2


def build_sqlite(dataset: Dataset, workers: int) -> dict[str, Any]:
    """Generate the raw SQLite dataset; returns timings and whether the end of load ran."""
    path = dataset.sqlite_path
    for leftover in path.parent.glob(path.name + "*"):
        leftover.unlink()
    env = django_env(dataset, "sqlite")
    started = time.perf_counter()
    if dataset.scale != "national" or workers < 2:
        say(f"generating {dataset.scale} on SQLite (one process)…")
        result = run_worker("sqlite", env, "generate", *dataset_args(dataset))
        say(f"generated {result['total_rows']:,} rows in {result['seconds']:.0f} s")
        return {"generate": time.perf_counter() - started, "finished": result["finished"],
                "rows": result["total_rows"]}  # fmt: skip
    cut = provinces_split()
    stage = path.with_name(path.stem + ".part2.sqlite3")
    for leftover in stage.parent.glob(stage.name + "*"):
        leftover.unlink()
    say(f"generating national on SQLite in two processes (provinces 1–{cut} and {cut + 1}–34)…")
    first = Worker("gen-1", env, "generate", *dataset_args(dataset), "--last", str(cut))
    second = Worker(
        "gen-2", django_env(dataset, "sqlite", DATABASE_URL=f"sqlite:///{stage}"), "generate",
        *dataset_args(dataset), "--first", str(cut),
    )  # fmt: skip
    parts = [first.result(), second.result()]
    generated = time.perf_counter() - started
    rows = sum(p["total_rows"] for p in parts) - 1  # the root is in both
    say(f"generated {rows:,} rows in {generated:.0f} s; merging the two files…")
    tick = time.perf_counter()
    run_worker("merge", env, "merge", *dataset_args(dataset), "--source", str(stage))
    for part in stage.parent.glob(stage.name + "*"):
        part.unlink()
    merged = time.perf_counter() - tick
    say(f"merged in {merged:.0f} s")
    return {"generate": generated, "merge": merged, "finished": False, "rows": rows}


def ensure_datasets(
    dataset: Dataset, dbs: list[str], *, rebuild: bool, workers: int
) -> dict[str, Any]:
    marker = dataset.marker()
    build: dict[str, Any] = {"marker": marker}
    sqlite_ok = not rebuild and sqlite_marker(dataset) == marker
    pg_ok = "postgresql" not in dbs or (not rebuild and pg_marker(dataset) == marker)
    if sqlite_ok and pg_ok:
        say(f"reusing the cached {dataset.scale} datasets ({', '.join(dbs)})")
        build["cached"] = True
        return build
    build["cached"] = False
    started = time.perf_counter()
    sqlite_env, pg_env = django_env(dataset, "sqlite"), django_env(dataset, "postgresql")
    finishing: Worker | None = None
    copying: Worker | None = None
    if not pg_ok:
        pg_recreate(dataset)  # an empty database at once: its old copy no longer takes disk
    if not sqlite_ok:
        dataset.sqlite_marker.unlink(missing_ok=True)
        generated = build_sqlite(dataset, workers)
        build["sqlite"] = generated
        if not generated["finished"]:
            say("SQLite: the generator's end of load (counters, tallies)…")
            finishing = Worker("sqlite", sqlite_env, "chain", *dataset_args(dataset),
                               "--steps", "finish")  # fmt: skip
    if not pg_ok:
        say(f"PostgreSQL: copying the generated rows into {dataset.pg_name}…")
        source = str(dataset.sqlite_path)
        copying = Worker("postgresql", pg_env, "chain", *dataset_args(dataset),
                         "--steps", "migrate,pgcopy", "--source", source)  # fmt: skip
    if finishing is not None:
        build["sqlite"]["finish"] = finishing.result()
    if not sqlite_ok:
        dataset.sqlite_marker.write_text(json.dumps(marker))
        say("SQLite dataset ready")
    if copying is not None:
        build["postgresql"] = {"copy": copying.result()}
        say("PostgreSQL: counters and tallies from SQLite, VACUUM ANALYZE…")
        build["postgresql"]["derived"] = run_worker(
            "postgresql", pg_env, "chain", *dataset_args(dataset),
            "--steps", "pgderived,vacuum", "--source", str(dataset.sqlite_path),
        )  # fmt: skip
        pg_mark(dataset, marker)
        say("PostgreSQL dataset ready")
    build["seconds"] = time.perf_counter() - started
    say(f"datasets built in {build['seconds'] / 60:.1f} min")
    return build


# --- Measuring one database ------------------------------------------------------------------


def http_loop(client: Client, path: str, count: int, budget: float) -> tuple[list[float], Any]:
    body: Any = None
    for _ in range(WARM_UP):
        status, body, _s = client.get(path)
        if status != 200:
            raise SystemExit(f"bench: GET {path} answered {status}: {str(body)[:300]}")
    samples: list[float] = []
    body = None
    started = time.perf_counter()
    for _ in range(count):
        status, body, seconds = client.get(path)
        if status != 200:
            raise SystemExit(f"bench: GET {path} answered {status}: {str(body)[:300]}")
        samples.append(seconds)
        if len(samples) >= 5 and time.perf_counter() - started > budget:
            break
    return samples, body


def search_path(query: str) -> str:
    from urllib.parse import urlencode

    return "/api/v1/candidacies/?" + urlencode({"search": query, "page_size": PAGE_SIZE})


def bench_database(dataset: Dataset, db: str, args: argparse.Namespace) -> dict[str, Any]:
    env = django_env(dataset, db)
    password = secrets.token_urlsafe(32)  # lives only in this process and the bench DB
    # Any migration added since the dataset was built, then the full pipeline refresh (issue
    # 3): it is measured here, and it gives every open dossier its next action and due date
    # before the endpoints are read.
    # On PostgreSQL the refresh rewrites most dossier rows: VACUUM ANALYZE then does now what
    # autovacuum would soon do anyway, rather than in the middle of the measurements.
    say(f"{db}: migrate, then the full pipeline refresh…")
    chain = "migrate,refresh,vacuum" if db == "postgresql" else "migrate,refresh"
    steps = run_worker(db, env, "chain", *dataset_args(dataset), "--steps", chain)
    refreshed = steps["refresh"]
    say(
        f"{db}: full refresh of {refreshed['examined']:,} dossiers in "
        f"{refreshed['seconds']:.1f} s ({refreshed['rate']:,.0f}/s)"
    )
    prep = run_worker(f"{db}", {**env, "BENCH_PASSWORD": password}, "prepare",
                      *dataset_args(dataset))  # fmt: skip
    orgs = prep["organisations"]
    targets = {"root": orgs["root"]["id"], "commune": orgs["commune"]["id"]}
    if orgs["province"]["id"] != orgs["root"]["id"]:
        targets = {"root": orgs["root"]["id"], "province": orgs["province"]["id"],
                   "commune": orgs["commune"]["id"]}  # fmt: skip
    result: dict[str, Any] = {
        "rows": prep["rows"],
        "organisations": orgs,
        "endpoints": {},
        "refresh_full": refreshed,
    }
    today = dt.datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
    say(f"{db}: starting gunicorn ({dataset.scale})…")
    with Server(env, log=str(VAR / f"gunicorn-{db}.log")) as server:
        client = Client(server.port)
        status, body, _s = client.request(
            "POST", "/api/v1/auth/token/", {"username": prep["username"], "password": password}
        )
        if status != 200:
            raise SystemExit(f"bench: token request answered {status}: {body}")
        client.token = body["token"]
        for label, org_id in targets.items():
            path = f"/api/v1/organisations/{org_id}/progress/?year={YEAR}"
            samples, answer = http_loop(client, path, args.requests, args.budget)
            result["endpoints"][f"progress:{label}"] = {**summary(samples), "answer": answer}
            say(f"{db}: progress {label}: p95 {summary(samples)['p95_ms']:.1f} ms")
        # The dashboard's breakdowns (by sector, area and target group: issue 12 §4) for the
        # root, with the progress they come with.
        path = f"/api/v1/organisations/{targets['root']}/progress/?year={YEAR}&breakdown=true"
        samples, answer = http_loop(client, path, min(args.requests, 10), args.budget)
        result["endpoints"]["breakdowns:root"] = {**summary(samples)}
        say(f"{db}: progress with breakdowns, root: p95 {summary(samples)['p95_ms']:.1f} ms")
        province = orgs["province"]["id"]
        path = f"/api/v1/organisations/{province}/progress/children/?year={YEAR}"
        samples, answer = http_loop(client, path, args.requests, args.budget)
        result["endpoints"]["children:province"] = {**summary(samples), "answer": answer}
        say(f"{db}: children of the province: p95 {summary(samples)['p95_ms']:.1f} ms")
        samples, answers = [], {}
        started = time.perf_counter()
        for query in QUERIES:  # a warm-up round (cut short when the queries are slow)
            client.get(search_path(query))
            if time.perf_counter() - started > WARM_UP_BUDGET:
                break
        started = time.perf_counter()
        for _round in range(args.search_rounds):
            for query in QUERIES:
                status, body, seconds = client.get(search_path(query))
                if status != 200:
                    raise SystemExit(f"bench: search {query!r} answered {status}: {body}")
                samples.append(seconds)
                answers[query] = {"count": body["count"], "ids": [r["id"] for r in body["results"]]}
            if time.perf_counter() - started > args.budget:
                break
        result["endpoints"]["search"] = {**summary(samples), "answer": answers}
        say(f"{db}: search: p95 {summary(samples)['p95_ms']:.1f} ms")
        # Issue 15 §5: the pages a user opens first, at the root, as a browser asks them (a
        # session), and an official form generated as PDF.
        pages = Client(server.port, cookie=prep["session"])
        page_paths = {
            "page:dashboard": f"/targets/{targets['root']}/",
            "page:candidate list": f"/candidacies/?organisation={targets['root']}",
        }
        if prep["form_dossier"]:
            page_paths["page:form PDF"] = f"/documents/candidacies/{prep['form_dossier']}/1-knd.pdf"
        for label, path in page_paths.items():
            samples, _answer = http_loop(pages, path, args.requests, args.budget)
            result["endpoints"][label] = summary(samples)
            say(f"{db}: {label[5:]}: p95 {summary(samples)['p95_ms']:.1f} ms")
    params = {
        "organisations": targets,
        "children_of": orgs["province"]["id"],
        "year": YEAR,
        "today": today.isoformat(),
        "queries": QUERIES,
        "count": args.requests,
        "search_rounds": args.search_rounds,
        "page_size": PAGE_SIZE,
        "budget": args.baseline_budget,
        "import_rows": args.import_rows,
        # Issue 12: a provincial reform's merger list, on the province only.
        "merger": [200, 70] if dataset.scale == "province" else None,
        "warm_up_budget": WARM_UP_BUDGET,
    }
    say(f"{db}: baselines, pipeline refresh and import in process…")
    inside = run_worker(db, env, "measure", *dataset_args(dataset), "--params", json.dumps(params))
    result.update(inside)
    result["bulk"] = bulk_measure(db, env)  # issue 13: a bulk action on 1,000 dossiers
    if db == "postgresql":
        # Issue 14: the yearly evaluation of every organisation (< 2 min), equal to a recount.
        say(f"{db}: the evaluation of every organisation…")
        result["evaluations"] = run_worker(
            db, env, "evaluations", *dataset_args(dataset),
            "--params", json.dumps({"year": YEAR - 1, "today": today.isoformat()}),
        )  # fmt: skip
    if db == "postgresql" and dataset.scale == "province" and not args.no_load:
        # The import, the merger rolled back and the bulk action above left some 100,000
        # dead dossier rows behind: VACUUM ANALYZE first, as autovacuum would in production
        # (the servers these runs use may have it off; with the dead rows left in, the
        # candidate list's queries cost PostgreSQL three times the CPU).
        say(f"{db}: VACUUM ANALYZE before the load…")
        result["load_vacuum_s"] = run_worker(
            db, env, "chain", *dataset_args(dataset), "--steps", "vacuum"
        )["vacuum"]
        # Issue 15 §5: 50 clerks at once against the real server, then every write checked.
        result["load"] = load_measure(
            run_worker, db, env, year=YEAR, today=today, queries=QUERIES, say=say,
            seconds=args.load_seconds,
        )  # fmt: skip
    if args.verify:
        result["verify"] = run_worker(db, env, "verify", *dataset_args(dataset))
    return result


# --- Main --------------------------------------------------------------------------------------


def disk_usage(dataset: Dataset, dbs: list[str]) -> dict[str, int]:
    usage = {}
    if dataset.sqlite_path.exists():
        usage["sqlite"] = sqlite_size(dataset)
    if "postgresql" in dbs:
        usage["postgresql"] = pg_size(dataset)
    return usage


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=("national", "province"), default="national")
    parser.add_argument(
        "--members",
        type=int,
        default=None,
        help="active members in total (default: the generator's real size)",
    )
    parser.add_argument("--db", choices=("both", "sqlite", "postgresql"), default="both")
    parser.add_argument("--rebuild", action="store_true", help="regenerate the datasets")
    parser.add_argument("--workers", type=int, default=2, help="generator processes (national)")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--search-rounds", type=int, default=3)
    parser.add_argument(
        "--budget",
        type=float,
        default=120.0,
        help="seconds after which a measurement loop stops early (≥ 5 runs)",
    )
    parser.add_argument(
        "--baseline-budget",
        type=float,
        default=30.0,
        help="the same for each plain-SQL baseline (they take seconds at the national scale)",
    )
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument(
        "--verify",
        action="store_true",
        help="also run `ptdv aggregates verify` (default on the province)",
    )
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument(
        "--no-load", action="store_true", help="skip the load test (province, PostgreSQL)"
    )
    parser.add_argument(
        "--load-seconds", type=int, default=DURATION, help="how long the load test runs"
    )
    args = parser.parse_args(argv)
    if args.scale == "province":
        args.verify = True
    dbs = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    dataset = Dataset(scale=args.scale, members=args.members)
    VAR.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(VAR).free
    say(f"PTĐV bench: scale {args.scale}, databases {', '.join(dbs)}; {free / 1e9:.0f} GB free")
    results: dict[str, Any] = {
        "scale": args.scale,
        "members": args.members,
        "year": YEAR,
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
    }
    try:
        results["build"] = ensure_datasets(dataset, dbs, rebuild=args.rebuild, workers=args.workers)
        results["disk_bytes"] = disk_usage(dataset, dbs)
        if not args.build_only:
            # The pages are served as in production: hashed static files (WhiteNoise's
            # manifest), collected once (quick when nothing changed).
            subprocess.check_call(  # noqa: S603 - fixed arguments
                [PYTHON, "-m", "ptdv.cli", "collectstatic", "--noinput", "-v", "0"],
                cwd=REPO, env=django_env(dataset, dbs[0]),
            )  # fmt: skip
            results["databases"] = {db: bench_database(dataset, db, args) for db in dbs}
    finally:
        Worker.stop_all()
    results["seconds"] = time.perf_counter() - STARTED
    text = "" if args.build_only else report.table(results)  # also marks the answer checks
    RESULTS.write_text(json.dumps(results, indent=1, default=str, ensure_ascii=False))
    print(text)
    say(f"done in {results['seconds'] / 60:.1f} min; results in {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    main()
