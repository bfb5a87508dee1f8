"""The year-end forecast of admissions (README §4 I): pure arithmetic on the pipeline counts.

* `upper_bound` = admitted so far + every open candidate who can still lawfully be decided by
  31 December: a candidate in stage *s* needs at least MIN_DAYS_TO_DECISION[s] calendar days
  to get through the remaining steps (course, application and history, verification, the
  cell's vote, the committee's vote, the decision). The durations are deliberately short
  (lawful minimums, not typical times), so the bound is never too low. A dossier already
  decided is in `admitted` (if decided this year) or cannot be decided again.
* `expected` = admitted + Σ over those same stages of count × the historical rate at which
  candidates entering that stage in the current month were decided within the same calendar
  year. Rates come from the subtree's own history when it has enough, else from its nearest
  ancestor's, else from DEFAULT_RATES scaled by the time left.

Approximations, stated: a stage's candidates are judged as a group (a candidate under 18 or
with an expired certificate counts like the others); the minimal durations are parameters
(`settings.PTDV_FORECAST_MIN_DAYS` overrides them).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from ptdv.targets.models import FORECAST_STAGES

# Lawful minimum calendar days from entering the stage to an admission decision.
MIN_DAYS_TO_DECISION: dict[str, int] = {
    "source": 45,  # awareness course (~1 week), application, history, verification…
    "trained": 30,  # application and history, verification, introductions, opinions
    "applied": 10,  # the remaining dossier items and the cell's vote
    "branch_resolved": 3,  # the grassroots committee's vote and the decision
    "committee_resolved": 1,  # the decision
}
# Without history: the share of a stage's candidates eventually admitted, and the typical
# days it takes; the year's rate is the share scaled by the time left.
DEFAULT_RATES: dict[str, tuple[float, int]] = {
    "source": (0.5, 540),
    "trained": (0.7, 300),
    "applied": (0.85, 120),
    "branch_resolved": (0.95, 45),
    "committee_resolved": (0.97, 20),
}


def min_days() -> dict[str, int]:
    return {**MIN_DAYS_TO_DECISION, **getattr(settings, "PTDV_FORECAST_MIN_DAYS", {})}


def days_left(year: int, today: dt.date) -> int:
    """Days from `today` (or from 1 January, for a future year) to 31 December of `year`;
    -1 when the year is over."""
    end = dt.date(year, 12, 31)
    start = max(today, dt.date(year, 1, 1))
    return (end - start).days if today <= end else -1


def default_rate(stage: str, left: int) -> float:
    share, typical = DEFAULT_RATES[stage]
    return share * min(1.0, max(left, 0) / typical)


@dataclass(frozen=True)
class Forecast:
    expected: int
    upper_bound: int
    can_reach_target: bool | None
    days_left: int
    reachable: dict[str, int]
    rates: dict[str, float]
    rates_source: str  # "history", "mixed" or "default"

    def to_dict(self) -> dict[str, Any]:
        return {
            "expected": self.expected,
            "upper_bound": self.upper_bound,
            "can_reach_target": self.can_reach_target,
        }


def forecast(
    *,
    admitted: int,
    target: int | None,
    pipeline: dict[str, int],
    rates: dict[str, float | None],
    year: int,
    today: dt.date,
) -> Forecast:
    """`rates[stage]`: the historical rate for the current month, None when unknown."""
    left = days_left(year, today)
    minimum = min_days()
    reachable: dict[str, int] = {}
    used: dict[str, float] = {}
    sources = set()
    expected = float(admitted)
    for stage in (str(s) for s in FORECAST_STAGES):
        count = pipeline.get(stage, 0)
        if left < minimum[stage] or not count:
            continue
        reachable[stage] = count
        rate = rates.get(stage)
        if rate is None:
            rate = default_rate(stage, left)
            sources.add("default")
        else:
            sources.add("history")
        used[stage] = rate
        expected += count * rate
    upper = admitted + sum(reachable.values())
    return Forecast(
        expected=int(expected + 0.5),
        upper_bound=upper,
        can_reach_target=None if target is None else upper >= target,
        days_left=left,
        reachable=reachable,
        rates=used,
        rates_source="mixed" if len(sources) > 1 else (next(iter(sources), "history")),
    )
