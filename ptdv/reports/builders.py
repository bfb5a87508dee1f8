"""What the periodic reports say (README §4 M): the progress report of a subtree for a year and
the directive-indicator report for a term. The numbers come from the monitoring selectors
(`ptdv.targets.selectors`), so a report, the dashboard and the API always agree; the workbook
and the PDF are two renderings of the same data.

Both reports also cover a shorter period (issue 14 §6: a quarter, a half-year, any range of
days, `ptdv.reports.periods`). The admissions of such a period are counted from the rows
(`ptdv.reports.ranges`), the yearly frame (members at start, target, pipeline, forecast to
31 December) stays that of the period's year; a whole year reads the tallies as before.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import Sum

from ptdv.candidacies.measures import LABELS
from ptdv.candidacies.models import PIPELINE_STAGES, AdmissionTally, Stage
from ptdv.core.policies import Actor
from ptdv.organisations.models import CELL_KINDS, Organisation
from ptdv.organisations.selectors import organisation_children
from ptdv.reports.periods import Period, period_year
from ptdv.reports.ranges import (
    PeriodFigures,
    admissions_between_many,
    admissions_by_year_between,
    period_figures,
)
from ptdv.targets.breakdowns import Breakdowns, TargetGroupRow, progress_breakdowns
from ptdv.targets.formatting import vn_date_line
from ptdv.targets.models import Term
from ptdv.targets.selectors import (
    RETENTION_YEARS,
    Cohort,
    Indicators,
    Progress,
    floor_rate,
    indicators_for,
    progress_children,
    progress_for,
    progress_trend,
    ratio,
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
    period: Period | None = None
    figures: PeriodFigures | None = None  # what else happened in a shorter period

    @property
    def period_label(self) -> str:
        return (self.period or period_year(self.year)).label

    @property
    def title(self) -> str:
        return f"BÁO CÁO TIẾN ĐỘ KẾT NẠP ĐẢNG VIÊN {self.period_label.upper()}"

    @property
    def subtitle(self) -> str:
        return f"{self.organisation.name} — số liệu đến ngày {self.today:%d/%m/%Y}"

    @property
    def period_text(self) -> str:
        """The period in running text: "năm 2026", "quý III năm 2026", "từ 01/03/2026 …"."""
        label = self.period_label
        return label[0].lower() + label[1:]

    @property
    def admitted_label(self) -> str:
        """The column of admissions: "Kết nạp năm 2026", "Kết nạp quý III năm 2026"."""
        return "Kết nạp " + self.period_text

    @property
    def at_risk(self) -> list[Progress]:
        return [row for row in self.children if row.at_risk]

    @property
    def retention_years(self) -> tuple[int, ...]:
        return RETENTION_YEARS

    @property
    def retention(self) -> list[dict[str, Any]]:
        return retention_rows(self.cohorts)


def _with_period_tallies(
    progress: Progress, children: list[Progress], period: Period
) -> tuple[Progress, list[Progress]]:
    """The rows with the period's admissions in place of the year's (one pair of grouped
    queries for the organisation and one per depth of children)."""
    by_depth: dict[int, list[Organisation]] = defaultdict(list)
    for row in children:
        by_depth[len(row.organisation.path)].append(row.organisation)
    tallies = admissions_between_many([progress.organisation], period.start, period.end)
    for siblings in by_depth.values():
        tallies.update(admissions_between_many(siblings, period.start, period.end))
    return (
        replace(progress, tally=tallies[progress.organisation.pk]),
        [replace(row, tally=tallies[row.organisation.pk]) for row in children],
    )


def progress_report(
    *,
    actor: Actor,
    organisation: Organisation,
    year: int,
    today: dt.date,
    period: Period | None = None,
) -> ProgressReport:
    """Everything the progress report shows; `organisation` was fetched through the policy.
    `period` (a quarter, a half-year, a range) narrows the admissions; its year is the
    report's year."""
    if period is not None:
        year = period.year
    progress = progress_for(organisation, year, today)
    stage_labels = dict(Stage.choices)
    children = progress_children(actor=actor, organisation=organisation, year=year, today=today)
    figures = None
    if period is not None and not period.is_year:
        progress, children = _with_period_tallies(progress, children, period)
        figures = period_figures(organisation, period.start, period.end)
    breakdowns = progress_breakdowns(organisation=organisation, children=children, year=year)
    if figures is not None:
        breakdowns.by_target_group = [
            TargetGroupRow(
                row.code, row.label, row.candidates, progress.tally.get(f"tg_{row.code}", 0)
            )
            for row in breakdowns.by_target_group
        ]
    admitted = progress.admitted
    return ProgressReport(
        period=period,
        figures=figures,
        organisation=organisation,
        year=year,
        today=today,
        letterhead=letterhead(organisation, today),
        progress=progress,
        children=children,
        breakdowns=breakdowns,
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
    period: Period | None = None  # a period other than "the term up to the year"

    @property
    def title(self) -> str:
        return "BÁO CÁO KẾT QUẢ PHÁT TRIỂN ĐẢNG VIÊN"

    @property
    def subtitle(self) -> str:
        if self.period is not None:
            return f"{self.organisation.name} — nhiệm kỳ {self.term.name}, {self.period_text}"
        last = self.indicators.last_year or self.year
        return (
            f"{self.organisation.name} — nhiệm kỳ {self.term.name}, "
            f"từ năm {self.term.start_year} đến năm {last}"
        )

    @property
    def period_text(self) -> str:
        """The period in running text: "quý III năm 2026", "từ 01/03/2026 đến 15/05/2026"."""
        if self.period is None:
            return f"từ năm {self.term.start_year} đến năm {self.indicators.last_year or self.year}"
        label = self.period.label
        return label[0].lower() + label[1:]


YEAR_DAYS = 365.25


def indicators_for_period(*, organisation: Organisation, term: Term, period: Period) -> Indicators:
    """The directive's figures for a period instead of the term's years: the admissions of
    the period (counted from the rows), the average per year over the period's length, the
    shares of the term's targets pro rata to the period's length (the term counted as its
    years), and the rate against the members at the start of each year the period touches."""
    years = list(range(period.start.year, period.end.year + 1))
    counts = admissions_by_year_between(organisation, period.start, period.end)
    trend = progress_trend(organisation, years)
    for row in trend:
        row["admitted"] = counts.get(row["year"], 0)
        row["admission_rate"] = ratio(row["admitted"], row["members_at_start"])
        row["achievement"] = ratio(row["admitted"], row["target"])
    admitted = sum(row["admitted"] for row in trend)
    period_years = period.days / YEAR_DAYS
    term_years = len(term.years)

    def shares(number: int) -> tuple[float | None, float | None]:
        pro_rata = number * period_years / term_years if term_years else 0
        return ratio(admitted, number), ratio(admitted, pro_rata)

    congress_share, congress_pro_rata = shares(term.congress_target)
    programmes = []
    for programme in term.programmes.all():
        share, pro_rata = shares(programme.number)
        programmes.append(
            {
                "name": programme.name,
                "number": programme.number,
                "share": share,
                "pro_rata": pro_rata,
            }
        )
    members_total = sum(row["members_at_start"] for row in trend)
    return Indicators(
        organisation=organisation,
        term=term,
        year=period.year,
        by_year=trend,
        admitted=admitted,
        years_counted=len(years),
        average_per_year=admitted / period_years,
        congress_target=term.congress_target,
        congress_share=congress_share,
        congress_pro_rata=congress_pro_rata,
        programmes=programmes,
        members_at_start_total=members_total,
        average_rate=ratio(admitted, members_total),
        year_rate=trend[-1]["admission_rate"] if trend else None,
        floor_rate=floor_rate(),
        estimated=any(row["members_at_start_estimated"] for row in trend),
    )


def indicators_report(
    *,
    actor: Actor,
    organisation: Organisation,
    term: Term,
    year: int,
    today: dt.date,
    period: Period | None = None,
) -> IndicatorsReport:
    """The directive's indicators for the term, and each child's admissions over the same
    years (one grouped query); or, with a `period` other than a whole year, for that period
    (the children's admissions in it: two grouped queries)."""
    if period is not None and not period.is_year:
        return _indicators_report_for_period(
            actor=actor, organisation=organisation, term=term, today=today, period=period
        )
    if period is not None:
        year = period.year
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


def _indicators_report_for_period(
    *, actor: Actor, organisation: Organisation, term: Term, today: dt.date, period: Period
) -> IndicatorsReport:
    indicators = indicators_for_period(organisation=organisation, term=term, period=period)
    children = list(organisation_children(actor=actor, organisation=organisation))
    by_depth: dict[int, list[Organisation]] = defaultdict(list)
    for child in children:
        by_depth[len(child.path)].append(child)
    admitted: dict[int, dict[str, int]] = {}
    for siblings in by_depth.values():
        admitted.update(admissions_between_many(siblings, period.start, period.end))
    period_years = period.days / YEAR_DAYS
    return IndicatorsReport(
        organisation=organisation,
        term=term,
        year=period.year,
        today=today,
        letterhead=letterhead(organisation, today),
        indicators=indicators,
        period=period,
        children=[
            {
                "organisation": child,
                "admitted": admitted[child.pk]["admitted"],
                "average": admitted[child.pk]["admitted"] / period_years,
            }
            for child in children
        ],
    )
