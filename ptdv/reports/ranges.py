"""Figures of a subtree for any range of days (issue 14 §6), computed from the rows.

The stored tallies (`AdmissionTally`) hold one row per organisation and *year*: a quarter, a
half-year or a range of days cannot be read from them. These functions count the same rows
the tallies are recounted from (`ptdv.candidacies.tallies._admission_groups`: a candidacy by
its decision date, an older membership without a candidacy by its admission decision date,
never a transfer record, nothing before TALLY_FIRST_YEAR) with the same breakdown
(`admission_aggregates`), so a range that happens to be a whole year gives the tally's
figures. Each function is a fixed number of grouped queries over a path prefix, whatever the
size of the subtree or the number of children; the yearly reports keep reading the tallies.

The subtree is the tree as it is now (a past range counts the rows where they are now).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractYear, Substr

from ptdv.candidacies.measures import ADMISSION_FIELDS, admission_aggregates, age_expression
from ptdv.candidacies.models import Candidacy, CandidacyEvent, DossierAction
from ptdv.candidacies.tallies import TALLY_FIRST_YEAR
from ptdv.members.models import FORMER_MEMBER_STATUSES, MembershipStatus, PartyMembership
from ptdv.organisations.models import Organisation
from ptdv.people.choices import EnterpriseType, Occupation

# "New members removed soon after admission" (the directive's worry about young members
# struck off): removed or expelled within this many years of the admission decision.
EARLY_EXIT_YEARS = 2


def _admission_sources(start: dt.date, end: dt.date) -> list[tuple[QuerySet[Any], str]]:
    since = max(start, dt.date(TALLY_FIRST_YEAR, 1, 1))
    return [
        (
            Candidacy.objects.filter(decision_date__gte=since, decision_date__lte=end),
            "decision_date",
        ),
        (
            PartyMembership.objects.filter(
                candidacy__isnull=True,
                admission_decision_date__gte=since,
                admission_decision_date__lte=end,
            ).exclude(status=MembershipStatus.TRANSFERRED_OUT),
            "admission_decision_date",
        ),
    ]


def _empty() -> dict[str, int]:
    return {name: 0 for name in ADMISSION_FIELDS}


def admissions_between_many(
    organisations: list[Organisation], start: dt.date, end: dt.date
) -> dict[int, dict[str, int]]:
    """organisation id → its subtree's admissions tally (every ADMISSION_FIELDS column) for
    the days `start..end`. The organisations share one path length (siblings, or one
    organisation): two grouped queries, on the common path prefix."""
    result = {o.pk: _empty() for o in organisations}
    if not organisations or end < start:
        return result
    length = len(organisations[0].path)
    if any(len(o.path) != length for o in organisations):
        raise ValueError("organisations must have paths of one length")
    by_path = {o.path: o.pk for o in organisations}
    paths = Q()
    for path in by_path:
        paths |= Q(organisation__path__startswith=path)
    for queryset, date_field in _admission_sources(start, end):
        rows = (
            queryset.filter(paths)
            .order_by()
            .annotate(
                prefix=Substr("organisation__path", 1, length),
                age=age_expression("person__birth_date", date_field),
            )
            .values("prefix")
            .annotate(**admission_aggregates("person__"))
            .values_list("prefix", *ADMISSION_FIELDS)
        )
        for prefix, *values in rows:
            tally = result[by_path[prefix]]
            for name, value in zip(ADMISSION_FIELDS, values, strict=True):
                tally[name] += int(value or 0)
    return result


def admissions_between(organisation: Organisation, start: dt.date, end: dt.date) -> dict[str, int]:
    return admissions_between_many([organisation], start, end)[organisation.pk]


def admissions_by_year_between(
    organisation: Organisation, start: dt.date, end: dt.date
) -> dict[int, int]:
    """year → admissions of the subtree on the days of `start..end` in that year."""
    counts: dict[int, int] = {}
    for queryset, date_field in _admission_sources(start, end):
        rows = (
            queryset.filter(organisation__path__startswith=organisation.path)
            .order_by()
            .annotate(y=ExtractYear(date_field))
            .values("y")
            .annotate(n=Count("pk"))
            .values_list("y", "n")
        )
        for year, n in rows:
            counts[int(year)] = counts.get(int(year), 0) + n
    return counts


@dataclass(frozen=True)
class PeriodFigures:
    """What happened in the subtree during the period, besides the admissions."""

    recognised: int  # probationary members recognised as official (decision in the period)
    removed: int  # members removed from the rolls or expelled in the period
    removed_early: int  # …of whom within EARLY_EXIT_YEARS of their admission decision
    new_candidates: int  # people added to the pool in the period
    new_candidates_workers: int  # …workers or people in non-state enterprises
    certificates: int  # awareness course certificates (CN-NTVĐ) dated in the period
    verifications: int  # background verifications concluded in the period
    transferred: int  # dossiers moved to another organisation (into or inside the subtree)


def period_figures(organisation: Organisation, start: dt.date, end: dt.date) -> PeriodFigures:
    """Three aggregate queries over the subtree's rows."""
    path = organisation.path
    candidacies = Candidacy.objects.filter(organisation__path__startswith=path).aggregate(
        recognised=Count(
            "pk",
            filter=Q(recognition_decision_date__gte=start, recognition_decision_date__lte=end),
        ),
        new_candidates=Count("pk", filter=Q(opened_on__gte=start, opened_on__lte=end)),
        new_candidates_workers=Count(
            "pk",
            filter=Q(opened_on__gte=start, opened_on__lte=end)
            & (
                Q(person__occupation=Occupation.WORKER)
                | Q(person__enterprise_type__in=[EnterpriseType.PRIVATE, EnterpriseType.FOREIGN])
            ),
        ),
        certificates=Count("pk", filter=Q(certificate_date__gte=start, certificate_date__lte=end)),
        verifications=Count(
            "pk",
            filter=Q(verification_concluded_on__gte=start, verification_concluded_on__lte=end),
        ),
    )
    tenure = age_expression("admission_decision_date", "exit_date")
    exits = Q(status__in=FORMER_MEMBER_STATUSES, exit_date__gte=start, exit_date__lte=end)
    memberships = (
        PartyMembership.objects.filter(organisation__path__startswith=path)
        .order_by()
        .annotate(tenure=tenure)
        .aggregate(
            removed=Count("pk", filter=exits),
            removed_early=Count("pk", filter=exits & Q(tenure__lt=EARLY_EXIT_YEARS)),
        )
    )
    transferred = (
        CandidacyEvent.objects.effective()
        .filter(
            candidacy__organisation__path__startswith=path,
            action=DossierAction.TRANSFER,
            on__gte=start,
            on__lte=end,
        )
        .count()
    )
    return PeriodFigures(
        recognised=candidacies["recognised"],
        removed=memberships["removed"],
        removed_early=memberships["removed_early"],
        new_candidates=candidacies["new_candidates"],
        new_candidates_workers=candidacies["new_candidates_workers"],
        certificates=candidacies["certificates"],
        verifications=candidacies["verifications"],
        transferred=transferred,
    )
