"""What the periodic reports say (README §4 M): the progress report of a subtree for a year and
the directive-indicator report for a term. The numbers come from the monitoring selectors
(`ptdv.targets.selectors`), so a report, the dashboard and the API always agree; the workbook
and the PDF are two renderings of the same data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Sum

from ptdv.candidacies.measures import LABELS
from ptdv.candidacies.models import PIPELINE_STAGES, AdmissionTally, Stage
from ptdv.core.policies import Actor
from ptdv.organisations.models import CELL_KINDS, Organisation
from ptdv.organisations.selectors import organisation_children
from ptdv.targets.breakdowns import Breakdowns, progress_breakdowns
from ptdv.targets.formatting import vn_date_line
from ptdv.targets.models import Term
from ptdv.targets.selectors import (
    RETENTION_YEARS,
    Cohort,
    Indicators,
    Progress,
    indicators_for,
    progress_children,
    progress_for,
    progress_trend,
    retention_for,
    retention_rows,
    suggested_target,
)

TREND_YEARS = 6
COHORTS = 6
# The breakdown rows of the report, in the order the Central Organization Department uses.
BREAKDOWN = (
    "women",
    "ethnic_minority",
    "religious",
    "youth_union",
    "age_18_30",
    "upper_secondary_plus",
    "college_plus",
    "occ_civil_servant",
    "occ_public_service",
    "occ_enterprise_manager",
    "occ_farmer",
    "occ_worker",
    "occ_armed_forces",
    "occ_pupil_student",
    "occ_other",
    "ent_private",
    "ent_foreign",
)
_PLACE_PREFIXES = ("Đảng bộ tỉnh ", "Đảng bộ thành phố ", "Đảng bộ Thành phố ", "Đảng bộ ")


@dataclass(frozen=True)
class Letterhead:
    """The top of a party document (Hướng dẫn 36-HD/VPTW): the superior body and the issuing
    body on the left, the party's name on the right, then the place and date."""

    superior: str
    issuer: str
    number: str
    place: str
    date_line: str


def _issuer_name(organisation: Organisation) -> str:
    name = organisation.name.upper()
    # A committee issues documents, not the whole party organisation.
    return "ĐẢNG ỦY " + name.removeprefix("ĐẢNG BỘ ") if name.startswith("ĐẢNG BỘ ") else name


def letterhead(organisation: Organisation, on: dt.date) -> Letterhead:
    root = (
        organisation
        if organisation.parent_id is None
        else Organisation.objects.filter(path=organisation.path[:4]).first() or organisation
    )
    place = root.name
    for prefix in _PLACE_PREFIXES:
        if place.startswith(prefix):
            place = place.removeprefix(prefix)
            break
    if organisation.parent_id is None:
        superior, issuer, symbol = organisation.name.upper(), "BAN TỔ CHỨC", "BC/BTCTU"
    else:
        parent = organisation.parent
        superior = parent.name.upper() if parent else ""
        issuer = _issuer_name(organisation)
        symbol = "BC/CB" if organisation.kind in CELL_KINDS else "BC/ĐU"
    return Letterhead(
        superior=superior,
        issuer=issuer,
        number=f"Số      -{symbol}",
        place=place,
        date_line=vn_date_line(place, on),
    )


@dataclass
class ProgressReport:
    organisation: Organisation
    year: int
    today: dt.date
    letterhead: Letterhead
    progress: Progress
    children: list[Progress]
    trend: list[dict[str, Any]]
    cohorts: list[Cohort]
    suggested: int
    pipeline_rows: list[tuple[str, int]] = field(default_factory=list)
    breakdown_rows: list[tuple[str, int, float | None]] = field(default_factory=list)
    breakdowns: Breakdowns = field(default_factory=Breakdowns)

    @property
    def title(self) -> str:
        return f"BÁO CÁO TIẾN ĐỘ KẾT NẠP ĐẢNG VIÊN NĂM {self.year}"

    @property
    def subtitle(self) -> str:
        return f"{self.organisation.name} — số liệu đến ngày {self.today:%d/%m/%Y}"

    @property
    def at_risk(self) -> list[Progress]:
        return [row for row in self.children if row.at_risk]

    @property
    def retention_years(self) -> tuple[int, ...]:
        return RETENTION_YEARS

    @property
    def retention(self) -> list[dict[str, Any]]:
        return retention_rows(self.cohorts)


def progress_report(
    *, actor: Actor, organisation: Organisation, year: int, today: dt.date
) -> ProgressReport:
    """Everything the progress report shows; `organisation` was fetched through the policy."""
    progress = progress_for(organisation, year, today)
    stage_labels = dict(Stage.choices)
    admitted = progress.admitted
    children = progress_children(actor=actor, organisation=organisation, year=year, today=today)
    return ProgressReport(
        organisation=organisation,
        year=year,
        today=today,
        letterhead=letterhead(organisation, today),
        progress=progress,
        children=children,
        breakdowns=progress_breakdowns(organisation=organisation, children=children, year=year),
        trend=progress_trend(organisation, list(range(year - TREND_YEARS + 1, year + 1))),
        cohorts=retention_for(organisation, list(range(year - COHORTS, year)), today),
        suggested=suggested_target(progress.members_at_start, progress.floor_rate),
        pipeline_rows=[
            (str(stage_labels[stage]), progress.pipeline.get(stage, 0)) for stage in PIPELINE_STAGES
        ],
        breakdown_rows=[
            (
                LABELS[name],
                progress.tally.get(name, 0),
                progress.tally.get(name, 0) / admitted if admitted else None,
            )
            for name in BREAKDOWN
        ],
    )


@dataclass
class IndicatorsReport:
    organisation: Organisation
    term: Term
    year: int
    today: dt.date
    letterhead: Letterhead
    indicators: Indicators
    children: list[dict[str, Any]]

    @property
    def title(self) -> str:
        return "BÁO CÁO KẾT QUẢ PHÁT TRIỂN ĐẢNG VIÊN"

    @property
    def subtitle(self) -> str:
        last = self.indicators.last_year or self.year
        return (
            f"{self.organisation.name} — nhiệm kỳ {self.term.name}, "
            f"từ năm {self.term.start_year} đến năm {last}"
        )


def indicators_report(
    *, actor: Actor, organisation: Organisation, term: Term, year: int, today: dt.date
) -> IndicatorsReport:
    """The directive's indicators for the term, and each child's admissions over the same
    years (one grouped query)."""
    indicators = indicators_for(organisation=organisation, term=term, year=year)
    years = [row["year"] for row in indicators.by_year]
    children = list(organisation_children(actor=actor, organisation=organisation))
    admitted = dict(
        AdmissionTally.objects.filter(organisation__in=children, year__in=years)
        .values("organisation_id")
        .annotate(n=Sum("admitted"))
        .values_list("organisation_id", "n")
    )
    return IndicatorsReport(
        organisation=organisation,
        term=term,
        year=year,
        today=today,
        letterhead=letterhead(organisation, today),
        indicators=indicators,
        children=[
            {
                "organisation": child,
                "admitted": admitted.get(child.pk, 0),
                "average": admitted.get(child.pk, 0) / len(years) if years else None,
            }
            for child in children
        ],
    )
