"""Plans that feed next year's suggested targets (issue 14 §1).

The target page (`ptdv.targets`) shows, beside the suggestion from the 3% floor, what the
organisation itself planned to admit — from its accepted yearly pool survey, which lives in
an app above targets. Core keeps the registry so that targets reads it without importing
that app: a **plan source** is `(organisation_ids, year) -> {organisation_id: planned}`,
giving, for each organisation that has one, the number of admissions its accepted plan
promises for `year` (organisations without a plan are left out).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol


class PlanSource(Protocol):
    """`paths`: the organisations' paths when the caller has them (else the source reads
    them)."""

    def __call__(
        self, organisation_ids: Iterable[int], year: int, *, paths: Mapping[int, str] | None
    ) -> Mapping[int, int]: ...


_SOURCES: dict[str, PlanSource] = {}


def register_plan_source(name: str, source: PlanSource) -> None:
    _SOURCES[name] = source


def planned_admissions(
    organisation_ids: Iterable[int], year: int, *, paths: Mapping[int, str] | None = None
) -> dict[int, int]:
    """The planned admissions of each organisation for `year` (the first source that knows
    one wins, in registration order). `paths`: id → path of those organisations, when the
    caller has read them (a query less)."""
    ids = list(organisation_ids)
    result: dict[int, int] = {}
    for source in _SOURCES.values():
        for pk, number in source(ids, year, paths=paths).items():
            result.setdefault(pk, number)
    return result
