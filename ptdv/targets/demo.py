"""Targets, terms, snapshots and plans for the demo province (called by the demo loader).

Demo data, like the rest of the generator, is written in bulk rather than through the
services (there is no user to act as), with one audit entry saying so. The numbers are scaled
from the demo's own admissions so that the dashboards read like the directive: the 2020–2025
term reached ~80% of the congress target and ~70% of programme 18-CTr/TU, under the 3% floor.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ptdv.audit.services import audit_record
from ptdv.candidacies.models import AdmissionTally, Candidacy, Stage
from ptdv.candidacies.tallies import aggregates_rebuild
from ptdv.organisations.models import Organisation
from ptdv.targets.measures import PriorityGroup
from ptdv.targets.models import (
    PlanAssignment,
    ProgrammeTarget,
    Target,
    TargetState,
    Term,
)
from ptdv.targets.rates import conversion_rates_rebuild
from ptdv.targets.selectors import (
    floor_rate,
    members_at_start_many,
    snapshot_date_for,
    suggested_target,
)
from ptdv.targets.services import snapshot_take

FIRST_SNAPSHOT_YEAR = 2021
# (name, first year counted, last year, congress share reached, programme share reached)
PAST_TERM = ("2020–2025", 2021, 2025, 0.80, 0.70)
NEXT_TERM = ("2025–2030", 2026, 2030)
PROGRAMME = "Chương trình hành động số 18-CTr/TU"
# Shares of the year's target set aside for priority groups (of the root only).
GROUP_SHARES = {
    PriorityGroup.YOUTH: 0.6,
    PriorityGroup.WOMEN: 0.35,
    PriorityGroup.NON_STATE_ENTERPRISE: 0.08,
}
PLANNED_STAGES = (Stage.APPLIED, Stage.BRANCH_RESOLVED, Stage.COMMITTEE_RESOLVED)


@dataclass
class TargetsDemoReport:
    snapshots: list[int] = field(default_factory=list)
    terms: int = 0
    targets: int = 0
    plans: int = 0
    rates: int = 0


@transaction.atomic
def targets_demo_load(
    *, root: Organisation, today: dt.date | None = None, seed: int = 1
) -> TargetsDemoReport:
    """Terms (2020–2025 and 2025–2030), yearly snapshots since 2021, yearly targets for the
    root and its children (locked; the current year's too), priority-group sub-targets for the
    root and this year's plan assignments. Rebuilds the tallies and rates first, so call it
    after the people are loaded. Safe to call again: what exists is kept."""
    today = today or timezone.localdate()
    rng = random.Random(f"targets:{seed}:{root.code}")  # noqa: S311  # seeded demo numbers, not secrets
    report = TargetsDemoReport()
    aggregates_rebuild()
    report.rates = conversion_rates_rebuild(today=today)
    years = [y for y in range(FIRST_SNAPSHOT_YEAR, today.year + 1) if snapshot_date_for(y) <= today]
    for year in years:
        _run, taken = snapshot_take(year=year, today=today)
        if taken:
            report.snapshots.append(year)
    root.refresh_from_db()
    children = list(Organisation.objects.filter(parent=root).order_by("path"))
    organisations = [root, *children]
    starts = members_at_start_many(organisations, years)
    admitted = dict(
        AdmissionTally.objects.filter(organisation=root, year__in=years).values_list(
            "year", "admitted"
        )
    )
    rate = floor_rate()
    report.terms = _terms(root, admitted, starts, rate)
    existing = set(
        Target.objects.filter(organisation__in=organisations, year__in=years).values_list(
            "organisation_id", "year", "group"
        )
    )
    now = timezone.now()
    rows = []
    for year in years:
        for organisation in organisations:
            if (organisation.pk, year, "") in existing:
                continue
            members, _estimated = starts[(organisation.pk, year)]
            suggested = suggested_target(members, rate)
            rows.append(
                Target(
                    organisation=organisation,
                    year=year,
                    group="",
                    number=suggested,
                    suggested=suggested,
                    members_at_start=members,
                    floor_rate=Decimal(str(rate)),
                    state=TargetState.LOCKED,
                    approved_at=now,
                    locked_at=now,
                    note="Giao theo tỷ lệ tối thiểu 3% số đảng viên đầu năm.",
                )
            )
    Target.objects.bulk_create(rows, batch_size=1000)
    report.targets = len(rows)
    main = Target.objects.filter(organisation=root, year=today.year, group="").first()
    if main is not None:
        groups = []
        for group, share in GROUP_SHARES.items():
            if (root.pk, today.year, str(group)) in existing:
                continue
            number = max(1, round(main.number * share * rng.uniform(0.95, 1.05)))
            groups.append(
                Target(
                    organisation=root,
                    year=today.year,
                    group=group,
                    parent=main,
                    number=min(number, main.number),
                    state=main.state,
                )
            )
        Target.objects.bulk_create(groups)
        report.targets += len(groups)
    report.plans = _plans(root, today.year)
    audit_record(
        actor=None,
        action="create",
        obj=root,
        summary="Dữ liệu trình diễn: nhiệm kỳ, chỉ tiêu, số đảng viên đầu năm, phân công",
        data={
            "snapshots": report.snapshots,
            "terms": report.terms,
            "targets": report.targets,
            "plans": report.plans,
        },
    )
    return report


def _terms(
    root: Organisation,
    admitted: dict[int, int],
    starts: dict[tuple[int, int], tuple[int, bool]],
    rate: float,
) -> int:
    created = 0
    name, first, last, congress_share, programme_share = PAST_TERM
    if not Term.objects.filter(organisation=root, name=name).exists():
        total = sum(admitted.get(y, 0) for y in range(first, last + 1))
        if not total:
            members = starts.get((root.pk, first), (root.member_count, True))[0]
            total = round(members * rate * 0.8 * (last - first + 1))
        term = Term.objects.create(
            organisation=root,
            name=name,
            start_year=first,
            end_year=last,
            congress_target=max(1, round(total / congress_share)),
            congress_resolution="Nghị quyết Đại hội Đảng bộ tỉnh lần thứ XIX",
        )
        ProgrammeTarget.objects.create(
            term=term, name=PROGRAMME, number=max(1, round(total / programme_share))
        )
        created += 1
    name, first, last = NEXT_TERM
    if not Term.objects.filter(organisation=root, name=name).exists():
        members = starts.get((root.pk, first), (root.member_count, True))[0]
        years = last - first + 1
        term = Term.objects.create(
            organisation=root,
            name=name,
            start_year=first,
            end_year=last,
            congress_target=max(1, suggested_target(members, rate * 1.1) * years),
            congress_resolution="Nghị quyết Đại hội Đảng bộ tỉnh lần thứ XX",
        )
        ProgrammeTarget.objects.create(
            term=term,
            name="Nghị quyết số 21-NQ/TW (tối thiểu 3% mỗi năm)",
            number=max(1, suggested_target(members, rate) * years),
        )
        created += 1
    return created


def _plans(root: Organisation, year: int) -> int:
    """This year's plan: the open dossiers close to a vote with a responsible leader get that
    leader and their helper assigned (one query to read, one to write)."""
    taken = set(
        PlanAssignment.objects.filter(
            year=year, organisation__path__startswith=root.path
        ).values_list("candidacy_id", flat=True)
    )
    rows = [
        PlanAssignment(
            year=year,
            organisation_id=organisation_id,
            candidacy_id=candidacy_id,
            responsible_person_id=leader_id,
            member_id=helper_id,
            note="Phấn đấu kết nạp trong năm.",
        )
        for candidacy_id, organisation_id, leader_id, helper_id in Candidacy.objects.filter(
            organisation__path__startswith=root.path,
            is_open=True,
            stage__in=PLANNED_STAGES,
        )
        .exclude(responsible_leader__isnull=True, helper__isnull=True)
        .values_list("id", "organisation_id", "responsible_leader_id", "helper_id")
        if candidacy_id not in taken
    ]
    PlanAssignment.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
