"""The yearly evaluation of every organisation (issue 14 §3), measured through `bench.worker`.

`evaluation_compute` as the system for the whole tree (every active organisation, one
transaction, the rows of the year replaced), timed against the goal (2 minutes on
PostgreSQL at the national scale); then checked:

* every rank is 1 + the number of better scores in its peer group (all rows);
* the recount (`ptdv.evaluations.recount`: each figure counted directly over one
  organisation's subtree, with its own queries, then scored) equals the stored score and
  components for the root, every province and a seeded sample of other organisations
  (a recount of every organisation one at a time would take hours at the national scale).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from typing import Any

from bench.imports import SCRATCH_PREFIX
from bench.load import Say
from ptdv.evaluations.models import Evaluation
from ptdv.evaluations.recount import ranks_check, recount_check
from ptdv.evaluations.services import evaluation_compute
from ptdv.organisations.models import Organisation

GOAL_SECONDS = 120.0
SAMPLE = 300


def evaluations_measure(
    *, year: int, today: dt.date, say: Say, sample: int = SAMPLE
) -> dict[str, Any]:
    root = (
        Organisation.objects.filter(parent__isnull=True, valid_to__isnull=True)
        .exclude(code__startswith=SCRATCH_PREFIX)
        .order_by("path")
        .first()
    )
    if root is None:
        raise RuntimeError("no organisation tree in the benchmark database")
    say(f"evaluation of every organisation under {root.name}, year {year}…")
    started = time.perf_counter()
    run = evaluation_compute(actor=None, year=year, organisation=root, today=today)
    seconds = time.perf_counter() - started
    say(f"evaluated {run.evaluated:,} organisations in {seconds:.1f} s (goal {GOAL_SECONDS:.0f} s)")
    rows = list(
        Evaluation.objects.filter(run=run).only(
            "id", "organisation_id", "peer_group", "score", "rank"
        )
    )
    wrong_ranks = ranks_check(rows)
    ids = [r.organisation_id for r in rows]
    chosen = set(
        Organisation.objects.filter(pk__in=ids, kind__in=["national", "province"]).values_list(
            "pk", flat=True
        )
    )
    chosen.add(root.pk)
    rng = random.Random(year)  # noqa: S311 - a reproducible sample, not a secret
    chosen.update(rng.sample(ids, min(sample, len(ids))))
    checked = list(
        Evaluation.objects.filter(run=run, organisation_id__in=chosen).select_related(
            "organisation", "formula"
        )
    )
    tick = time.perf_counter()
    differences = recount_check(checked, today)
    recount_seconds = time.perf_counter() - tick
    say(
        f"recount of {len(checked)} organisations in {recount_seconds:.1f} s: "
        f"{len(differences)} differences; ranks: {len(wrong_ranks)} wrong"
    )
    return {
        "year": year,
        "evaluated": run.evaluated,
        "seconds": seconds,
        "goal_seconds": GOAL_SECONDS,
        "met": seconds <= GOAL_SECONDS,
        "recounted": len(checked),
        "recount_seconds": recount_seconds,
        "differences": differences[:10],
        "difference_count": len(differences),
        "wrong_ranks": len(wrong_ranks),
        "equal": not differences and not wrong_ranks,
    }
