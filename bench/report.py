"""The results as a readable table, the answer checks and the targets (issue 4 §9)."""

from __future__ import annotations

from typing import Any

from bench.config import RESULTS

PIPELINE = ("source", "trained", "applied", "branch_resolved", "committee_resolved", "decided",
            "probationary")  # fmt: skip
LABELS = {
    "progress:root": "progress, root",
    "progress:province": "progress, province",
    "progress:commune": "progress, commune",
    "breakdowns:root": "progress + breakdowns, root",
    "children:province": "children table, province",
    "search": "candidate search (20 names)",
    "page:dashboard": "dashboard page, root",
    "page:candidate list": "candidate list page, root",
    "page:form PDF": "official form as PDF (1-KNĐ)",
}
# Issue 4 §9 and issue 15 §5, on PostgreSQL: (p95 limit in ms, share of the baseline).
TARGETS = {
    "progress:root": (100.0, 0.1),
    "search": (50.0, None),
    "page:dashboard": (300.0, None),
    "page:candidate list": (300.0, None),
    "page:form PDF": (500.0, None),
}
# Issue 15 §5: progress costs the same at every level — each within this many times the
# commune's p95.
LEVEL_RATIO = 2.0
DB_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def _progress_view(body: dict[str, Any]) -> dict[str, int]:
    view = {
        "members": body["members_at_start"],
        "admitted": body["admitted"],
        "women": body["breakdown"]["women"],
        "ethnic_minority": body["breakdown"]["ethnic_minority"],
        "overdue": body["overdue"],
        "without_cell": body["localities_without_cell"],
        "white": body["white_localities"],
    }
    view.update({stage: body["pipeline"].get(stage, 0) for stage in PIPELINE})
    return view


def _differences(endpoint: dict[str, int], baseline: dict[str, int]) -> list[str]:
    return [
        f"{key} {endpoint[key]} ≠ {baseline[key]}"
        for key in endpoint
        if key in baseline and endpoint[key] != baseline[key]
    ]


def answer_check(name: str, endpoint: Any, baseline: Any) -> list[str]:
    """What differs between the endpoint's answer and the baseline's (empty: the same)."""
    if name.startswith("progress:"):
        return _differences(_progress_view(endpoint), baseline)
    if name.startswith("children:"):
        found = []
        rows = {str(row["id"]): row for row in endpoint["results"]}
        if set(rows) != set(baseline):
            found.append(f"children {sorted(set(rows) ^ set(baseline))[:5]}")
        for key in sorted(set(rows) & set(baseline)):
            found += [f"{key}: {d}" for d in _differences(_progress_view(rows[key]), baseline[key])]
        return found
    found = []
    for query, got in endpoint.items():
        want = baseline.get(query)
        if want is None:
            continue
        count = got["count"]
        if isinstance(count, int) and count != want["count"]:
            found.append(f"{query!r}: count {count} ≠ {want['count']}")
        elif not isinstance(count, int) and want["count"] < 10_000:
            found.append(f"{query!r}: count {count!r} for {want['count']}")
        if got["ids"] != want["ids"]:
            found.append(f"{query!r}: first page differs")
    return found


def _ms(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def _measure_row(
    key: str, label: str, databases: dict[str, Any], names: list[str], checks: list[str]
) -> list[str]:
    """One measure's cells for every database; differing answers are added to `checks`."""
    row = [label]
    for db in names:
        endpoint = databases[db]["endpoints"].get(key)
        baseline = databases[db].get("baselines", {}).get(key)
        if endpoint is None:
            row += ["—"] * 4
            continue
        ratio = endpoint["p95_ms"] / baseline["p95_ms"] if baseline else None
        row += [
            _ms(endpoint["p50_ms"]),
            _ms(endpoint["p95_ms"]),
            _ms(baseline["p95_ms"]) if baseline else "—",
            f"{ratio:.3f}" if ratio is not None else "—",
        ]
        if baseline:
            differences = answer_check(key, endpoint["answer"], baseline["answer"])
            endpoint["same_answer"] = not differences
            if differences:
                checks.append(f"  {DB_NAMES[db]} {label}: " + "; ".join(differences[:5]))
    return row


def _aligned(out: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in out) for i in range(len(out[0]))]
    lines = []
    for index, row in enumerate(out):
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append("  " + "  ".join(cells))
        if index == 0:
            lines.append("  " + "  ".join("-" * w for w in widths))
    return lines


def _database_lines(db: str, data: dict[str, Any]) -> list[str]:
    """The pipeline refresh, the import and the verification of one database."""
    lines = []
    parts = []
    for key, label in (("refresh_full", "full"), ("refresh_incremental", "nightly")):
        if key in data:
            r = data[key]
            parts.append(
                f"{label} {r['examined']:,} dossiers in {r['seconds']:.1f} s ({r['rate']:,.0f}/s)"
            )
    if parts:
        lines.append(f"  {DB_NAMES[db]} pipeline refresh: " + "; ".join(parts))
    if "import" in data:
        imp = data["import"]
        seconds = imp.get("import", 0.0)
        rate = imp.get("written", 0) / seconds if seconds else 0
        lines.append(
            f"  {DB_NAMES[db]} import: {imp.get('written', 0):,} of {imp['rows']:,} rows in "
            f"{seconds:.1f} s ({rate:,.0f} rows/s; status {imp.get('status')}, "
            f"{imp.get('errors', 0)} errors)"
        )
    if data.get("merger"):
        m = data["merger"]
        mismatches = sum((m.get("mismatches") or {}).values())
        lines.append(
            f"  {DB_NAMES[db]} merger of {m['communes']} communes into {m['into']}: "
            f"{m.get('merger', 0.0):.1f} s ({m.get('written', 0)} rows, status "
            f"{m.get('status')}, {m.get('communes_after', 0)} communes after; "
            f"aggregates verify: {mismatches} mismatches)"
        )
    if "evaluations" in data:
        e = data["evaluations"]
        lines.append(
            f"  {DB_NAMES[db]} evaluation of every organisation ({e['year']}): "
            f"{e['evaluated']:,} in {e['seconds']:.1f} s ≤ {e['goal_seconds']:.0f} s: "
            + ("met" if e["met"] else "MISSED")
            + f"; recount of {e['recounted']} organisations and every rank: "
            + (
                "equal"
                if e["equal"]
                else f"DIFFER ({e['difference_count']}, {e['wrong_ranks']} ranks)"
            )
        )
    if "verify" in data:
        v = data["verify"]
        lines.append(
            f"  {DB_NAMES[db]} aggregates verify: {v['counter_mismatches']} counter and "
            f"{v['tally_mismatches']} tally mismatches"
        )
    return lines


def level_lines(db: str, endpoints: dict[str, Any]) -> list[str]:
    """Each level's progress p95 against the commune's (issue 15 §5: within 2×)."""
    commune = endpoints.get("progress:commune")
    if not commune:
        return []
    parts, ok = [], True
    for level in ("root", "province"):
        endpoint = endpoints.get(f"progress:{level}")
        if endpoint is None:
            continue
        ratio = endpoint["p95_ms"] / commune["p95_ms"]
        ok = ok and ratio <= LEVEL_RATIO
        parts.append(f"{level} {ratio:.2f}×")
    if not parts:
        return []
    return [
        f"  {DB_NAMES[db]} progress p95 against the commune's ({_ms(commune['p95_ms'])} ms): "
        + ", ".join(parts)
        + f" ≤ {LEVEL_RATIO:.0f}×: "
        + ("met" if ok else "MISSED")
    ]


def load_lines(load: dict[str, Any]) -> list[str]:
    """The load test's figures beside its goals (issue 15 §5)."""
    goals, met, kinds = load["goals"], load["met"], load["kinds"]

    def mark(key: str) -> str:
        return "met" if met[key] else "MISSED"

    lines = [
        f"  load test (PostgreSQL, {load['users']} users, {load['duration_s']} s, gunicorn "
        f"production settings): {load['requests']:,} requests, "
        f"{load['throughput_rps']:.0f} requests/s ≥ {goals['throughput_rps']:.0f}: "
        + mark("throughput")
    ]
    for kind, limit, key in (
        ("read", goals["read_p95_ms"], "read_p95"),
        ("write", goals["write_p95_ms"], "write_p95"),
    ):
        k = kinds.get(kind, {"n": 0})
        if k["n"]:
            lines.append(
                f"    {kind}s: {k['n']:,}, p50 {_ms(k['p50_ms'])} / p95 {_ms(k['p95_ms'])} / "
                f"p99 {_ms(k['p99_ms'])} ms; p95 ≤ {limit:.0f} ms: {mark(key)}"
            )
    for name, k in load["requests_by_name"].items():
        if k["n"]:
            lines.append(
                f"      {name}: {k['n']:,}, p50 {_ms(k['p50_ms'])} / p95 {_ms(k['p95_ms'])} / "
                f"p99 {_ms(k['p99_ms'])} ms"
            )
    check = load["check"]
    lines.append(
        f"    statuses {load['statuses']}; server errors {load['server_errors']}: "
        + mark("server_errors")
    )
    if load.get("failed"):
        # A 409 is a registration of someone who has a dossier open already (the names and
        # birth dates are drawn at random): refused, and nothing written — see the check.
        lines.append(f"    answers other than 2xx: {load['failed']}")
    lines.append(
        f"    writes: {check['registrations']} registrations, {check['actions']} dossier actions "
        f"and {check['documents']} forms acknowledged; each with one event and one audit entry, "
        "nothing written for a failed one: "
        + ("met" if met["writes"] else "MISSED — " + "; ".join(check["problems"]))
    )
    return lines


def _target_lines(postgresql: dict[str, Any]) -> list[str]:
    lines = ["  targets (PostgreSQL):"]
    for key, (limit, share) in TARGETS.items():
        endpoint = postgresql["endpoints"].get(key)
        baseline = postgresql.get("baselines", {}).get(key)
        if endpoint is None:
            continue
        ok = endpoint["p95_ms"] <= limit
        text = f"    {LABELS[key]}: p95 {_ms(endpoint['p95_ms'])} ms ≤ {limit:.0f} ms"
        if share is not None and baseline:
            ratio = endpoint["p95_ms"] / baseline["p95_ms"]
            ok = ok and ratio <= share
            text += f" and ratio {ratio:.3f} ≤ {share}"
        lines.append(text + (": met" if ok else ": MISSED"))
    return lines


def table(results: dict[str, Any]) -> str:
    databases = results.get("databases", {})
    names = list(databases)
    lines = [
        "",
        f"PTĐV benchmark — scale {results['scale']}"
        + (f" ({results['members']:,} members)" if results.get("members") else ""),
    ]
    for db in names:
        rows = databases[db]["rows"]
        lines.append(
            f"  {DB_NAMES[db]}: {rows['organisations']:,} organisations, "
            f"{rows['persons']:,} persons, {rows['active_members']:,} active members, "
            f"{rows['candidacies']:,} candidacies ({rows['open_candidacies']:,} open)"
        )
    header = ["measure (ms)"]
    for db in names:
        header += [f"{DB_NAMES[db]} p50", "p95", "SQL p95", "ratio"]
    out = [header]
    checks: list[str] = []
    for key, label in LABELS.items():
        if any(key in databases[db]["endpoints"] for db in names):
            out.append(_measure_row(key, label, databases, names, checks))
    lines += _aligned(out)
    lines.append("  (p50/p95 of sequential HTTP requests after 6 warm-ups; SQL: the same answer "
                 "from the raw tables in one query; ratio = endpoint p95 / SQL p95)")  # fmt: skip
    lines.append("")
    for db in names:
        lines += _database_lines(db, databases[db])
        lines += level_lines(db, databases[db]["endpoints"])
        if "load" in databases[db]:
            lines += load_lines(databases[db]["load"])
    lines.append("")
    lines.append("  answers: " + ("endpoint = SQL baseline everywhere" if not checks else "DIFFER"))
    lines += checks
    if "postgresql" in databases:
        lines += _target_lines(databases["postgresql"])
    build = results.get("build", {})
    disk = results.get("disk_bytes", {})
    lines.append(
        "  dataset: "
        + ("cached" if build.get("cached") else f"built in {build.get('seconds', 0) / 60:.1f} min")
        + "; disk "
        + ", ".join(f"{DB_NAMES[k]} {v / 1e9:.2f} GB" for k, v in disk.items())
    )
    lines.append(f"  total {results['seconds'] / 60:.1f} min; details in {RESULTS.name}")
    return "\n".join(lines)
