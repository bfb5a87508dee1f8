"""The load test (issue 15 §5): Locust headless against the real server on loopback.

`make bench SCALE=province` runs it on PostgreSQL after the sequential measurements:

1. `prepare` (in a Django worker): ten clerk accounts, administrators of the province, each
   with a session (the pages) and an API token; the rows they will work on, drawn with a
   fixed seed.
2. gunicorn with the production configuration (`config/gunicorn.conf.py`: sync workers, one
   per core plus one), Locust (`bench/locustfile.py`) with USERS simulated clerks for
   DURATION seconds, four requests in five reading and one writing.
3. `check` (in a Django worker): every successful write has exactly one event (dossier
   actions) and one audit entry; no write answered as failed left anything behind. Then the
   bench's own `ptdv aggregates verify` runs as on every province run.

Throughput, p50/p95/p99 per kind and per request, errors and the goals — ≥ 100 requests/s,
read p95 ≤ 300 ms, write p95 ≤ 500 ms, no server error, no lost or duplicated write — go to
the table and `bench/results.json`. Benchmark-only code.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import subprocess
import time
from collections import Counter, defaultdict
from typing import Any

from bench.config import PYTHON, REPO, VAR
from bench.http import free_port
from bench.stats import percentile

USERS = 50
SPAWN_RATE = 10  # users started per second
DURATION = 150  # seconds of load, after the users are spawned
ACCOUNTS = 10
GOALS = {"throughput_rps": 100.0, "read_p95_ms": 300.0, "write_p95_ms": 500.0}
LOAD_USER_PREFIX = "bench-load-"


# --- Django side (bench.worker tasks "loadprep" and "loadcheck") -------------------------------


def prepare(*, year: int, today: dt.date, queries: list[str], seed: int = 1) -> dict[str, Any]:
    """The accounts and the rows of the province the clerks work on."""
    from django.conf import settings
    from django.test import Client

    from bench.measure import PROVINCE_CODE
    from ptdv.accounts.models import Assignment, Role, User
    from ptdv.accounts.tokens import api_token_issue
    from ptdv.candidacies.models import Candidacy, Stage
    from ptdv.organisations.models import CELL_KINDS, Kind, Organisation

    rng = random.Random(seed)  # noqa: S311 - a benchmark's sample, not a secret
    province = Organisation.objects.get(kind=Kind.PROVINCE, admin_unit_code=PROVINCE_CODE)
    # Accounts of this run only: the dataset is kept between runs, and the check counts what
    # the run's accounts wrote, so an earlier run's writes must not be theirs. The accounts
    # of earlier runs are closed.
    User.objects.filter(username__startswith=LOAD_USER_PREFIX).update(is_active=False)
    run = f"{LOAD_USER_PREFIX}{int(time.time())}-"
    accounts = []
    for index in range(ACCOUNTS):
        user, _created = User.objects.get_or_create(username=f"{run}{index:02d}")
        user.set_unusable_password()  # signed in below, never with a password
        user.is_active = True
        user.save()
        Assignment.objects.get_or_create(user=user, organisation=province, role=Role.ADMINISTRATOR)
        _token, key = api_token_issue(user=user)
        client = Client()
        client.force_login(user)
        accounts.append(
            {"session": client.cookies[settings.SESSION_COOKIE_NAME].value, "token": key}
        )
    live = Organisation.objects.filter(path__startswith=province.path, valid_to__isnull=True)
    communes = list(live.filter(kind=Kind.COMMUNE).values_list("pk", flat=True))
    cells = list(live.filter(kind__in=CELL_KINDS).values_list("pk", flat=True))
    in_province = Candidacy.objects.filter(organisation__path__startswith=province.path)
    candidacies = list(in_province.values_list("pk", flat=True))
    people = list(in_province.values_list("person_id", flat=True))
    pool = list(
        in_province.filter(
            is_open=True, stage=Stage.SOURCE, certificate_date__isnull=True
        ).values_list("pk", flat=True)
    )
    forms = list(in_province.filter(is_open=True, stage=Stage.APPLIED).values_list("pk", flat=True))
    return {
        "year": year,
        "today": today.isoformat(),
        # The clerks' choices differ from run to run: the dataset is kept between runs, and
        # the same registrations again would be refused as people with a dossier open.
        "seed": f"{seed}-{run}",
        "run": run,
        "cookie_name": settings.SESSION_COOKIE_NAME,
        "accounts": accounts,
        "organisations": [province.pk, *rng.sample(communes, min(30, len(communes)))],
        "cells": rng.sample(cells, min(300, len(cells))),
        "candidacies": rng.sample(candidacies, min(3000, len(candidacies))),
        "people": rng.sample(people, min(3000, len(people))),
        "certificate_pool": rng.sample(pool, min(6000, len(pool))),
        "form_dossiers": rng.sample(forms, min(500, len(forms))),
        "queries": queries,
    }


def _per(rows: Any, field: str) -> Counter[Any]:
    """How many of `rows` each value of `field` has (one grouped query)."""
    from django.db.models import Count

    return Counter(dict(rows.values(field).annotate(n=Count("id")).values_list(field, "n")))


def check(writes: list[dict[str, Any]], run: str) -> dict[str, Any]:
    """Each acknowledged write against what the database holds, and what the run's load users
    (usernames starting with `run`) wrote that was not acknowledged (a write answered as
    failed must leave nothing)."""
    from ptdv.accounts.models import User
    from ptdv.audit.models import AuditEntry
    from ptdv.candidacies.models import Candidacy, CandidacyEvent

    users = list(User.objects.filter(username__startswith=run).values_list("pk"))
    users_q = [pk for (pk,) in users]
    entries = AuditEntry.objects.filter(actor_id__in=users_q, object_type="candidacies.candidacy")
    by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for write in writes:
        by_kind[write["kind"]].append(write)
    problems: list[str] = []

    # Registrations: the dossier exists, one "create" entry each, nothing unacknowledged.
    registered = [w["candidacy"] for w in by_kind["registration"]]
    created = _per(entries.filter(action="create"), "object_id")
    found = Candidacy.objects.filter(pk__in=registered).count()
    if found != len(registered):
        problems.append(f"{len(registered) - found} acknowledged registrations have no dossier")
    wrong = [pk for pk in registered if created.get(str(pk), 0) != 1]
    if wrong:
        problems.append(f"{len(wrong)} registrations without exactly one audit entry")
    extra = set(created) - {str(pk) for pk in registered}
    if extra:
        problems.append(f"{len(extra)} registrations written but answered as failed")

    # Dossier actions: one event and one "action" entry each, nothing unacknowledged.
    acted = by_kind["action"]
    events = _per(CandidacyEvent.objects.filter(actor_id__in=users_q), "candidacy_id")
    wrong = [w for w in acted if events.get(w["candidacy"], 0) != 1]
    if wrong:
        problems.append(f"{len(wrong)} dossier actions without exactly one event")
    audited = Counter(
        str(event)
        for event in entries.filter(action="action").values_list("data__event", flat=True)
    )
    wrong = [w for w in acted if audited.get(str(w["event"]), 0) != 1]
    if wrong:
        problems.append(f"{len(wrong)} dossier actions without exactly one audit entry")
    extra_events = sum(events.values()) - len(acted)
    if extra_events:
        problems.append(f"{extra_events} events written for actions answered as failed")

    # Official forms generated: one "export" entry per generation.
    generated = Counter(str(w["candidacy"]) for w in by_kind["document"])
    exported = _per(entries.filter(action="export"), "object_id")
    if generated != exported:
        problems.append("form generations and their audit entries differ")

    return {
        "registrations": len(registered),
        "actions": len(acted),
        "documents": sum(generated.values()),
        "problems": problems,
    }


# --- The orchestrator's side ----------------------------------------------------------------


def _summary(samples: list[float]) -> dict[str, Any]:
    if not samples:
        return {"n": 0}
    return {
        "n": len(samples),
        "p50_ms": percentile(samples, 0.50) * 1000,
        "p95_ms": percentile(samples, 0.95) * 1000,
        "p99_ms": percentile(samples, 0.99) * 1000,
    }


def figures(samples: list[list[Any]], seconds: float) -> dict[str, Any]:
    """Throughput and percentiles per kind (read, write) and per request, and the errors."""
    by_kind: dict[str, list[float]] = defaultdict(list)
    by_name: dict[str, list[float]] = defaultdict(list)
    statuses: Counter[str] = Counter()
    failed: Counter[str] = Counter()  # "request: status" of each answer other than 2xx
    for kind, name, took, status in samples:
        by_kind[kind].append(took)
        by_name[name].append(took)
        statuses[f"{status // 100}xx" if status else "no answer"] += 1
        if status // 100 != 2:
            failed[f"{name}: {status or 'no answer'}"] += 1
    return {
        "requests": len(samples),
        "seconds": seconds,
        "throughput_rps": len(samples) / seconds if seconds else 0.0,
        "kinds": {kind: _summary(values) for kind, values in sorted(by_kind.items())},
        "requests_by_name": {name: _summary(v) for name, v in sorted(by_name.items())},
        "statuses": dict(statuses),
        "failed": dict(failed.most_common()),
        "server_errors": sum(n for key, n in statuses.items() if key in ("5xx", "no answer")),
        "client_errors": statuses.get("4xx", 0),
    }


def verdict(result: dict[str, Any]) -> dict[str, bool]:
    kinds = result["kinds"]
    return {
        "throughput": result["throughput_rps"] >= GOALS["throughput_rps"],
        "read_p95": kinds.get("read", {}).get("p95_ms", 1e9) <= GOALS["read_p95_ms"],
        "write_p95": kinds.get("write", {}).get("p95_ms", 1e9) <= GOALS["write_p95_ms"],
        "server_errors": result["server_errors"] == 0,
        "writes": not result["check"]["problems"],
    }


def run_load(
    env: dict[str, str], plan: dict[str, Any], *, seconds: int, say: Any
) -> dict[str, Any]:
    """gunicorn with the production configuration, then Locust against it; the figures."""
    from bench.http import Client

    label = f"{os.getpid()}"
    plan_path = VAR / f".load-plan-{label}.json"
    out_path = VAR / f".load-out-{label}.json"
    plan_path.write_text(json.dumps(plan))
    plan_path.chmod(0o600)  # tokens and sessions of the bench accounts
    out_path.unlink(missing_ok=True)
    port = free_port()
    server_env = {**env, "PORT": str(port), "GUNICORN_LOG_LEVEL": "warning"}
    log = open(VAR / "gunicorn-load.log", "ab")  # closed below
    server = subprocess.Popen(  # noqa: S603 - fixed arguments
        [PYTHON, "-m", "gunicorn", "-c", "config/gunicorn.conf.py"],
        cwd=REPO, env=server_env, stdout=log, stderr=log,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise SystemExit(f"bench: gunicorn exited with {server.returncode}")
            try:
                if Client(port).get("/healthz")[0] in (200, 503):
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("bench: gunicorn did not answer within 60 s")
            time.sleep(0.2)
        say(f"load: {USERS} users for {seconds} s against gunicorn on port {port}…")
        spawn = USERS / SPAWN_RATE
        started = time.perf_counter()
        code = subprocess.call(  # noqa: S603 - fixed arguments
            [
                PYTHON, "-m", "locust", "-f", "bench/locustfile.py", "--headless",
                "--host", f"http://127.0.0.1:{port}",
                "--users", str(USERS), "--spawn-rate", str(SPAWN_RATE),
                "--run-time", f"{int(spawn + seconds)}s", "--stop-timeout", "30",
                "--only-summary", "--loglevel", "WARNING",
            ],
            cwd=REPO,
            env={**env, "PTDV_LOAD_PLAN": str(plan_path), "PTDV_LOAD_OUT": str(out_path)},
        )  # fmt: skip
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        plan_path.unlink(missing_ok=True)
    if not out_path.exists():
        raise SystemExit(f"bench: Locust wrote no result (exit {code})")
    data = json.loads(out_path.read_text())
    out_path.unlink(missing_ok=True)
    # Throughput over the whole run, spawning included (the users' ramp is 5 s of it).
    result = figures(data["samples"], elapsed)
    result["users"] = USERS
    result["duration_s"] = seconds
    result["locust_exit"] = code  # 1 when any request failed (4xx included): see statuses
    result["writes"] = data["writes"]
    return result


def load_measure(
    run_worker: Any, db: str, env: dict[str, str], *, year: int, today: dt.date,
    queries: list[str], say: Any, seconds: int = DURATION,
) -> dict[str, Any]:  # fmt: skip
    """The whole load test on one database (called by bench.run on the province)."""
    params = {"year": year, "today": today.isoformat(), "queries": queries}
    plan = run_worker(db, env, "loadprep", "--params", json.dumps(params))
    result = run_load(env, plan, seconds=seconds, say=say)
    # The writes go in a file: thousands of them exceed what one argument may hold (128 KB).
    writes_path = VAR / f".load-writes-{os.getpid()}.json"
    writes_path.write_text(json.dumps({"writes": result.pop("writes"), "run": plan["run"]}))
    try:
        result["check"] = run_worker(db, env, "loadcheck", "--params", f"@{writes_path}")
    finally:
        writes_path.unlink(missing_ok=True)
    result["goals"] = GOALS
    result["met"] = verdict(result)
    kinds = result["kinds"]
    say(
        f"load: {result['throughput_rps']:.0f} requests/s; read p95 "
        f"{kinds.get('read', {}).get('p95_ms', 0):.0f} ms, write p95 "
        f"{kinds.get('write', {}).get('p95_ms', 0):.0f} ms; {result['server_errors']} server "
        f"errors; writes checked: {result['check']['problems'] or 'all consistent'}"
    )
    return result
