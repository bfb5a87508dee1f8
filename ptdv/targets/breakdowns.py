"""Monitoring broken down by sector (commune, ward, enterprise, school, armed forces…), by
area flag (mountainous, ethnic-minority, religious, border, island…) and by target group:
the dashboard, `GET /api/v1/organisations/{id}/progress/?breakdown=1` and the progress
report show the same figures.

By sector and by area flag, the rows are the children of the organisation grouped by their
own sector or flags, with the figures of their progress rows (the tallies): nothing is read
twice. A child with several flags counts under each. By target group, the tallies' columns
`tg_<code>` (ptdv/candidacies/tallies.py): the open dossiers (candidates in the pipeline) and
the admissions of the year, each person counted under each of their groups.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ptdv.candidacies.measures import TARGET_GROUP_FIELDS
from ptdv.candidacies.models import AdmissionTally, PipelineTally
from ptdv.organisations.models import AreaFlag, Organisation, Sector
from ptdv.people.choices import TargetGroup
from ptdv.targets.selectors import Progress, ratio


@dataclass
class GroupRow:
    """The children of one sector (or holding one area flag), summed."""

    code: str
    label: str
    organisations: int = 0
    members_at_start: int = 0
    target: int = 0
    admitted: int = 0
    candidates: int = 0
    white_localities: int = 0
    localities_without_cell: int = 0

    @property
    def admission_rate(self) -> float | None:
        return ratio(self.admitted, self.members_at_start)

    def add(self, row: Progress) -> None:
        self.organisations += 1
        self.members_at_start += row.members_at_start
        self.target += row.target or 0
        self.admitted += row.admitted
        self.candidates += sum(row.pipeline.values())
        self.white_localities += row.white_localities
        self.localities_without_cell += row.localities_without_cell

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "label": self.label,
            "organisations": self.organisations,
            "members_at_start": self.members_at_start,
            "target": self.target,
            "admitted": self.admitted,
            "admission_rate": self.admission_rate,
            "candidates": self.candidates,
            "white_localities": self.white_localities,
            "localities_without_cell": self.localities_without_cell,
        }


def _grouped(
    rows: Iterable[Progress],
    choices: list[tuple[str, Any]],
    codes_of: Callable[[Organisation], list[str]],
) -> list[GroupRow]:
    groups = {str(code): GroupRow(str(code), str(label)) for code, label in choices}
    for row in rows:
        for code in dict.fromkeys(codes_of(row.organisation)):
            groups.setdefault(code, GroupRow(code, code)).add(row)
    return [group for group in groups.values() if group.organisations]


def progress_by_sector(children: Iterable[Progress]) -> list[GroupRow]:
    return _grouped(children, Sector.choices, lambda o: [o.sector])


def progress_by_area_flag(children: Iterable[Progress]) -> list[GroupRow]:
    return _grouped(children, AreaFlag.choices, lambda o: [str(f) for f in o.area_flags or []])


@dataclass
class TargetGroupRow:
    code: str
    label: str
    candidates: int
    admitted: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "label": self.label,
            "candidates": self.candidates,
            "admitted": self.admitted,
        }


def by_target_group(
    organisation: Organisation, year: int, own: Progress | None = None
) -> list[TargetGroupRow]:
    """Open dossiers (the pipeline's stages) and the year's admissions of the subtree per
    target group, read from the tallies (ptdv/candidacies/tallies.py), which count them as
    the other figures of the dashboard: two rows, whatever the size of the subtree — or
    none when `own`, the organisation's progress row of `year`, is given: the same two
    rows were read with it (`stored_tally`, `pipeline_groups`)."""
    admitted: dict[str, Any]
    candidates: dict[str, Any]
    if own is not None:
        admitted, candidates = own.stored_tally, own.pipeline_groups
    else:
        admitted = (
            AdmissionTally.objects.filter(organisation=organisation, year=year)
            .values(*TARGET_GROUP_FIELDS)
            .first()
            or {}
        )
        candidates = (
            PipelineTally.objects.filter(organisation=organisation)
            .values(*TARGET_GROUP_FIELDS)
            .first()
            or {}
        )
    return [
        TargetGroupRow(
            str(code),
            str(label),
            candidates.get(f"tg_{code}", 0),
            admitted.get(f"tg_{code}", 0),
        )
        for code, label in TargetGroup.choices
    ]


@dataclass
class Breakdowns:
    by_sector: list[GroupRow] = field(default_factory=list)
    by_area_flag: list[GroupRow] = field(default_factory=list)
    by_target_group: list[TargetGroupRow] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "by_sector": [row.to_dict() for row in self.by_sector],
            "by_area_flag": [row.to_dict() for row in self.by_area_flag],
            "by_target_group": [row.to_dict() for row in self.by_target_group],
        }


def progress_breakdowns(
    *,
    organisation: Organisation,
    children: list[Progress],
    year: int,
    own: Progress | None = None,
) -> Breakdowns:
    """The three breakdowns of a subtree's progress; `children` are its children's rows
    (`progress_children`), already scoped to what the user may see; `own`, the
    organisation's own row when the caller has it (two queries less)."""
    return Breakdowns(
        by_sector=progress_by_sector(children),
        by_area_flag=progress_by_area_flag(children),
        by_target_group=by_target_group(organisation, year, own),
    )
