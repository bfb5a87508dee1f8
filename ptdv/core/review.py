"""The figures of the interim and final review report (sơ kết / tổng kết, issue 14 §6).

The review report is built high up (in `ptdv.reports`), but its figures come from apps on
every layer — movements, obstacles, exemplars, inspections, surveys, evaluations — some of
them above the report. So core keeps a registry: each app registers, in its
`AppConfig.ready`, a function giving its figures for one of the directive's tasks, and the
report reads every registered function without importing the apps.

A **review source** is `(actor, organisation, start, end) -> list[ReviewFigure]`: the figures
of `organisation`'s subtree for the period `start..end` (both inclusive), inside the actor's
scope (the caller has already resolved `organisation` through it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ptdv.core.policies import Actor


@dataclass(frozen=True)
class ReviewFigure:
    """One line of a task's figures: "Số phong trào, câu lạc bộ đang hoạt động: 12"."""

    label: str  # Vietnamese
    value: int | float | str
    unit: str = ""  # e.g. "người", "%"


ReviewSource = Callable[[Actor, Any, dt.date, dt.date], list[ReviewFigure]]

# task number (1..10 of the directive) -> the sources, in registration order.
_SOURCES: dict[int, list[tuple[str, ReviewSource]]] = {}


def register_review_source(task: int, name: str, source: ReviewSource) -> None:
    """Add (or replace, by `name`) a source of figures for directive task `task`."""
    if not 1 <= task <= 10:
        raise ValueError(f"task must be 1..10, not {task}")
    sources = _SOURCES.setdefault(task, [])
    sources[:] = [(n, s) for n, s in sources if n != name]
    sources.append((name, source))


def review_sources() -> Mapping[int, list[tuple[str, ReviewSource]]]:
    return {task: list(sources) for task, sources in sorted(_SOURCES.items())}
