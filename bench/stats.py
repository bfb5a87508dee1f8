"""Percentiles of timed runs (no Django: used by the orchestrator and the workers)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from typing import Any


def percentile(samples: Sequence[float], share: float) -> float:
    """Nearest-rank percentile (p95 of 50 samples is the 48th smallest)."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def summary(samples: Sequence[float]) -> dict[str, Any]:
    return {
        "n": len(samples),
        "p50_ms": percentile(samples, 0.50) * 1000,
        "p95_ms": percentile(samples, 0.95) * 1000,
        "mean_ms": sum(samples) / len(samples) * 1000,
        "max_ms": max(samples) * 1000,
    }


def timed_loop(
    run: Callable[[], Any], *, count: int, budget: float, minimum: int = 5
) -> tuple[list[float], Any]:
    """Run `count` times sequentially (stopping early once `budget` seconds are spent and
    `minimum` runs are done); return the durations and the last answer."""
    samples: list[float] = []
    answer = None
    started = time.perf_counter()
    for _ in range(count):
        tick = time.perf_counter()
        answer = run()
        samples.append(time.perf_counter() - tick)
        if len(samples) >= minimum and time.perf_counter() - started > budget:
            break
    return samples, answer
