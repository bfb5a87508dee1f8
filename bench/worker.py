"""One benchmark step in a process configured for one database (see `bench.run`).

    python -m bench.worker TASK [options] --out RESULT.json

The environment (DATABASE_URL, production settings, keys) comes from the orchestrator.
Progress goes to stdout; the result, as JSON, to --out.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import time
from pathlib import Path
from typing import Any


def say(message: str) -> None:
    print(f"[{os.environ.get('BENCH_LABEL', 'worker')}] {message}", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench.worker")
    parser.add_argument("task")
    parser.add_argument("--out", required=True)
    parser.add_argument("--scale", default="province")
    parser.add_argument("--members", type=int, default=None)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--first", type=int, default=0)
    parser.add_argument("--last", type=int, default=None)
    parser.add_argument("--source", default="")
    parser.add_argument("--steps", default="")
    parser.add_argument("--params", default="{}")
    args = parser.parse_args(argv)

    import django

    django.setup()
    from bench import load

    options = load.options_for(args.scale, args.members, args.seed)
    result: dict[str, Any] = {}
    if args.task == "generate":
        result = load.generate(options, first=args.first, last=args.last, say=say)
    elif args.task == "merge":
        result = load.merge(args.source, say=say)
    elif args.task == "chain":
        # Several steps in one process, in order (a dataset's tail on one database).
        for step in args.steps.split(","):
            tick = time.perf_counter()
            say(f"{step}…")
            if step == "migrate":
                load.migrate()
            elif step == "pgcopy":
                result["pgcopy"] = load.pg_copy_from_sqlite(args.source, say=say)
            elif step == "finish":
                result["finish"] = load.finish(options, say=say)
            elif step == "refresh":
                result["refresh"] = load.refresh(options.today, full=True, say=say)
            elif step == "pgderived":
                result["pgderived"] = load.pg_copy_derived(args.source, options, say=say)
            elif step == "vacuum":
                result["vacuum"] = load.vacuum_analyze()
            elif step == "serve":
                load.sqlite_serve_mode()
            else:
                raise SystemExit(f"unknown step {step}")
            say(f"{step} done in {time.perf_counter() - tick:.1f} s")
            result.setdefault("seconds", {})[step] = time.perf_counter() - tick
    elif args.task in ("prepare", "measure", "verify", "evaluations", "loadprep", "loadcheck"):
        result = _in_process(args, options)
    else:
        raise SystemExit(f"unknown task {args.task}")
    Path(args.out).write_text(json.dumps(result, default=str))


def _in_process(args: argparse.Namespace, options: Any) -> dict[str, Any]:
    """The measurements made inside Django (bench.measure, bench.evaluations)."""
    from bench import loadtest, measure
    from bench.evaluations import evaluations_measure

    params = json.loads(args.params)
    today = dt.date.fromisoformat(params.get("today", dt.date.today().isoformat()))
    if args.task == "loadprep":
        return loadtest.prepare(year=params["year"], today=today, queries=params["queries"])
    if args.task == "loadcheck":
        return loadtest.check(params["writes"])
    if args.task == "evaluations":
        return evaluations_measure(year=params["year"], today=today, say=say)
    if args.task == "prepare":
        return measure.prepare(password=os.environ["BENCH_PASSWORD"])
    if args.task == "verify":
        return measure.verify(say=say)
    return measure.in_process(options=options, params=params, today=today, say=say)


if __name__ == "__main__":
    main()
