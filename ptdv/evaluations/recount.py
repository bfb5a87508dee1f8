"""An independent, straightforward recount of an organisation's figures, for checking the
set-based computation (the tests and the benchmark): each figure counted directly over the
organisation's subtree with its own queries (the slow, obvious way — one organisation at a
time), then scored with the stored formula and compared with the stored evaluation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Sum

from ptdv.candidacies.models import AdmissionTally, Candidacy
from ptdv.evaluations.compute import GRASSROOTS_KINDS, OrgFigures, component_figures
from ptdv.evaluations.formula import DEFAULT_RECOGNITION_DAYS, EARLY_REMOVAL_DAYS, score_of
from ptdv.evaluations.models import Evaluation
from ptdv.members.models import FORMER_MEMBER_STATUSES, MembershipStatus, PartyMembership
from ptdv.organisations.models import Organisation
from ptdv.targets.models import MemberSnapshot, SnapshotRun, Target


def recount_figures(
    organisation: Organisation, year: int, today: dt.date, *, recognition_days: int
) -> OrgFigures:
    """The figures of one organisation, counted directly. The admissions of a year are read
    from the organisation's own admission tally (`ptdv aggregates verify` checks those tallies
    against the dossiers); everything else is counted here from the rows."""

    path = organisation.path
    f = OrgFigures(
        id=organisation.pk,
        path=path,
        name=organisation.name,
        kind=organisation.kind,
        sector=organisation.sector,
        localities=organisation.locality_count,
        white_localities=organisation.white_locality_count,
    )
    rows = dict(
        AdmissionTally.objects.filter(organisation=organisation, year__in=[year - 1, year])
        .values_list("year")
        .annotate(n=Sum("admitted"))
    )
    f.admitted, f.admitted_previous = rows.get(year, 0), rows.get(year - 1, 0)
    target = Target.objects.filter(organisation=organisation, year=year, group="").first()
    f.target = target.number if target else None
    if SnapshotRun.objects.filter(year=year).exists():
        snap = MemberSnapshot.objects.filter(organisation=organisation, year=year).first()
        f.members_at_start = snap.members if snap else 0
    else:
        f.members_at_start, f.members_estimated = organisation.member_count, True
    memberships = PartyMembership.objects.filter(organisation__path__startswith=path)
    due_rows = memberships.filter(ceremony_date__year=year - 1).exclude(
        status=MembershipStatus.TRANSFERRED_OUT
    )
    gone = (*FORMER_MEMBER_STATUSES, MembershipStatus.DECEASED)
    for status, ceremony, official in due_rows.values_list(
        "status", "ceremony_date", "official_date"
    ):
        if official is None and status in gone:
            continue
        f.due += 1
        if official and ceremony and official <= ceremony + dt.timedelta(days=recognition_days):
            f.on_time += 1
    for exit_date, admitted_on in memberships.filter(
        status__in=FORMER_MEMBER_STATUSES,
        exit_date__year=year,
        admission_decision_date__isnull=False,
    ).values_list("exit_date", "admission_decision_date"):
        if (
            exit_date
            and admitted_on
            and exit_date < admitted_on + dt.timedelta(days=EARLY_REMOVAL_DAYS)
        ):
            f.removed_early += 1
    open_qs = Candidacy.objects.filter(organisation__path__startswith=path, is_open=True)
    f.open = open_qs.count()
    f.overdue = open_qs.filter(next_due__lt=today).count()
    units = Organisation.objects.filter(
        path__startswith=path, kind__in=GRASSROOTS_KINDS, valid_to__isnull=True
    ).exclude(pk=organisation.pk)
    f.grassroots_units = units.count()
    f.grassroots_admitting = (
        AdmissionTally.objects.filter(organisation__in=units, year=year, admitted__gt=0)
        .values("organisation")
        .distinct()
        .count()
    )
    return f


def recount_check(evaluations: list[Evaluation], today: dt.date) -> list[dict[str, Any]]:
    """The evaluations whose stored score or components differ from the recount (empty when
    every one matches)."""
    differences = []
    for evaluation in evaluations:
        formula = evaluation.formula
        days = next(
            (
                int(c.get("days") or 0)
                for c in formula.components
                if c["code"] == "recognition_on_time"
            ),
            0,
        )
        figures = recount_figures(
            evaluation.organisation,
            evaluation.year,
            today,
            recognition_days=days or DEFAULT_RECOGNITION_DAYS,
        )
        score, components = score_of(formula.components, component_figures(figures))
        if score != evaluation.score or components != evaluation.components:
            differences.append(
                {
                    "organisation": evaluation.organisation_id,
                    "stored": [str(evaluation.score), evaluation.components],
                    "recount": [str(score), components],
                }
            )
    return differences


def ranks_check(evaluations: list[Evaluation]) -> list[int]:
    """Ids of evaluations whose rank is not 1 + the number of better scores in their group."""
    wrong = []
    by_group: dict[str, list[Evaluation]] = {}
    for e in evaluations:
        by_group.setdefault(e.peer_group, []).append(e)
    for members in by_group.values():
        scores = [e.score for e in members if e.score is not None]
        for e in members:
            score = e.score
            expected = None if score is None else 1 + sum(1 for other in scores if other > score)
            if e.rank != expected:
                wrong.append(e.pk)
    return wrong
