"""Responsibility per person (directive tasks 3 and 4): who nurtures which candidates, how
many the organisation asked of them, and what each one achieved.

Everything here reads; the writes are `services.plan_assign`, `plan_unassign`, `quota_set`
and `quota_delete`. A person is responsible for an assignment as its leader
(`PlanAssignment.responsible_person`: a committee member or leader) or as its member
(`PlanAssignment.member`, a membership, counted for the member's person); `plan_assign`
refuses the same person in both places, so a person counts each assignment once.

For an assignment of year Y the candidate is

* **nurtured** — every assignment of the year;
* **admitted** — the admission decision is dated in Y;
* **in progress** — the dossier is still open and has no admission decision yet;
* the rest were closed without admission (or admitted in another year).

Every figure is a handful of grouped queries, whatever the size of the subtree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse

from ptdv.accounts.models import ROLE_RANK, Role
from ptdv.candidacies.models import Candidacy, DossierAction, Stage
from ptdv.core.policies import Actor, subtree_q
from ptdv.core.review import ReviewFigure
from ptdv.core.work import WorkItem
from ptdv.organisations.models import Organisation
from ptdv.people.models import Person
from ptdv.targets.models import PlanAssignment, ResponsibilityQuota
from ptdv.targets.policies import plan_policy, quota_policy

ACTION_LABELS: dict[str, str] = {str(k): str(v) for k, v in DossierAction.choices}


def _year_range(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _counts(year: int) -> dict[str, Any]:
    first, last = _year_range(year)
    return {
        "nurtured": Count("id"),
        "admitted": Count(
            "id",
            filter=Q(candidacy__decision_date__gte=first, candidacy__decision_date__lte=last),
        ),
        "in_progress": Count(
            "id", filter=Q(candidacy__is_open=True, candidacy__decision_date__isnull=True)
        ),
    }


@dataclass
class ResponsibilityRow:
    """One responsible person's year in an organisation's subtree."""

    person_id: int
    name: str = ""
    sort_key: str = ""
    organisation: str = ""  # where the person's record belongs
    as_leader: int = 0  # assignments as committee member / leader
    as_member: int = 0  # assignments as the member who helps
    nurtured: int = 0
    admitted: int = 0
    in_progress: int = 0
    quota: int | None = None  # None: no quota set

    @property
    def closed(self) -> int:
        return self.nurtured - self.admitted - self.in_progress

    @property
    def achievement(self) -> float | None:
        """Admitted over the quota (a fraction; None without a quota or with a quota of 0)."""
        return self.admitted / self.quota if self.quota else None

    @property
    def role(self) -> str:
        if self.as_leader and self.as_member:
            return "Cán bộ phụ trách, đảng viên được giao"
        if self.as_leader:
            return "Cấp ủy viên, cán bộ phụ trách"
        if self.as_member:
            return "Đảng viên được giao"
        return "Chưa được phân công"

    def to_dict(self) -> dict[str, Any]:
        return {
            "person": self.person_id,
            "name": self.name,
            "organisation": self.organisation,
            "role": self.role,
            "as_leader": self.as_leader,
            "as_member": self.as_member,
            "nurtured": self.nurtured,
            "admitted": self.admitted,
            "in_progress": self.in_progress,
            "closed": self.closed,
            "quota": self.quota,
            "achievement": None if self.achievement is None else round(self.achievement, 4),
        }


@dataclass
class ResponsibilityReport:
    organisation: Organisation
    year: int
    rows: list[ResponsibilityRow] = field(default_factory=list)

    @property
    def totals(self) -> dict[str, int]:
        return {
            "people": len(self.rows),
            "nurtured": sum(r.nurtured for r in self.rows),
            "admitted": sum(r.admitted for r in self.rows),
            "in_progress": sum(r.in_progress for r in self.rows),
            "quota": sum(r.quota or 0 for r in self.rows),
            "with_quota": sum(1 for r in self.rows if r.quota is not None),
            "quota_met": sum(1 for r in self.rows if r.quota is not None and r.admitted >= r.quota),
        }


def assignments_in(
    *, actor: Actor, organisation: Organisation, year: int
) -> QuerySet[PlanAssignment]:
    return plan_policy.visible_to(actor).filter(
        organisation__path__startswith=organisation.path, year=year
    )


def quotas_in(
    *, actor: Actor, organisation: Organisation, year: int
) -> QuerySet[ResponsibilityQuota]:
    return (
        quota_policy.visible_to(actor)
        .filter(organisation__path__startswith=organisation.path, year=year)
        .select_related("organisation", "person", "member__person", "member__organisation")
        .order_by(
            Coalesce("person__sort_key", "member__person__sort_key"), "organisation__path", "id"
        )
    )


def responsibility_report(
    *, actor: Actor, organisation: Organisation, year: int
) -> ResponsibilityReport:
    """Per responsible person of `organisation`'s subtree (inside the actor's scope): the
    candidates nurtured in `year`, admitted, still in progress, the quota and its
    achievement. Four queries: assignments as leader, as member, quotas, the people."""
    assignments = assignments_in(actor=actor, organisation=organisation, year=year).order_by()
    counts = _counts(year)
    rows: dict[int, ResponsibilityRow] = {}
    for key, attr in (("responsible_person_id", "as_leader"), ("member__person_id", "as_member")):
        grouped = assignments.filter(**{f"{key}__isnull": False}).values(key).annotate(**counts)
        for item in grouped:
            row = rows.setdefault(item[key], ResponsibilityRow(person_id=item[key]))
            setattr(row, attr, item["nurtured"])
            row.nurtured += item["nurtured"]
            row.admitted += item["admitted"]
            row.in_progress += item["in_progress"]
    quotas = (
        quota_policy.visible_to(actor)
        .filter(organisation__path__startswith=organisation.path, year=year)
        .order_by()
        .annotate(holder=Coalesce("person_id", "member__person_id"))
        .values("holder")
        .annotate(total=Sum("number"))
    )
    for item in quotas:
        row = rows.setdefault(item["holder"], ResponsibilityRow(person_id=item["holder"]))
        row.quota = item["total"]
    people = Person.objects.select_related("organisation").in_bulk(list(rows))
    for pk, person in people.items():
        row = rows[pk]
        row.sort_key = person.sort_key
        row.name = person.full_name
        row.organisation = person.organisation.name if person.organisation_id else ""
    ordered = sorted(rows.values(), key=lambda r: (r.sort_key, r.person_id))
    return ResponsibilityReport(organisation=organisation, year=year, rows=ordered)


def responsible_candidates(*, actor: Actor, person: Person, year: int) -> QuerySet[PlanAssignment]:
    """The assignments of `year` that name `person` (as leader or as member), inside the
    actor's scope — the assignment's organisation and the candidacy's both (a dossier since
    moved out of the actor's subtrees is not listed) — by the candidacy's next deadline.
    The page of one responsible person and "Quần chúng tôi phụ trách" (page and API) read it."""
    return (
        plan_policy.visible_to(actor)
        .filter(Q(responsible_person=person) | Q(member__person=person), year=year)
        .filter(subtree_q(actor, "candidacy__organisation__path"))
        .select_related(
            "organisation",
            "candidacy__person",
            "candidacy__organisation",
            "responsible_person",
            "member__person",
        )
        .order_by(F("candidacy__next_due").asc(nulls_last=True), "candidacy__person__sort_key")
    )


def person_quotas(*, actor: Actor, person: Person, year: int) -> QuerySet[ResponsibilityQuota]:
    return (
        quota_policy.visible_to(actor)
        .filter(Q(person=person) | Q(member__person=person), year=year)
        .select_related("organisation")
        .order_by("organisation__path")
    )


def person_criterion(*, actor: Actor, person: Person, years: Iterable[int]) -> list[dict[str, Any]]:
    """The individual criterion of the yearly grading (issue 14 §3): per year, the
    candidates the person nurtured and how many were admitted that year, and the quota
    (two grouped queries)."""
    years = list(years)
    rows = (
        plan_policy.visible_to(actor)
        .filter(Q(responsible_person=person) | Q(member__person=person), year__in=years)
        .order_by()
        .values("year")
        .annotate(
            nurtured=Count("id"),
            admitted=Count("id", filter=Q(candidacy__decision_date__year=F("year"))),
            in_progress=Count(
                "id", filter=Q(candidacy__is_open=True, candidacy__decision_date__isnull=True)
            ),
        )
    )
    by_year = {r["year"]: r for r in rows}
    quotas = dict(
        quota_policy.visible_to(actor)
        .filter(Q(person=person) | Q(member__person=person), year__in=years)
        .order_by()
        .values("year")
        .annotate(total=Sum("number"))
        .values_list("year", "total")
    )
    result = []
    for year in sorted(years, reverse=True):
        item = by_year.get(year)
        quota = quotas.get(year)
        if item is None and quota is None:
            continue
        admitted = item["admitted"] if item else 0
        result.append(
            {
                "year": year,
                "nurtured": item["nurtured"] if item else 0,
                "admitted": admitted,
                "in_progress": item["in_progress"] if item else 0,
                "quota": quota,
                "met": None if quota is None else admitted >= quota,
            }
        )
    return result


def next_action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


# --- Work and review sources ----------------------------------------------------------------

# Work list: the organisations whose pool has candidates nobody was made responsible for.
UNASSIGNED_LIMIT = 50
NEAR_A_VOTE = (Stage.APPLIED, Stage.BRANCH_RESOLVED, Stage.COMMITTEE_RESOLVED)


def unassigned_candidates(*, actor: Actor, today: dt.date) -> list[tuple[Organisation, int]]:
    """Per organisation (the candidacy's cell) where the actor may plan (clerk or above):
    open candidates close to a vote (with an application, before the decision) without an
    assignment this year (one grouped query and one for the organisations)."""
    clerk = ROLE_RANK[Role.CLERK]
    grouped = list(
        Candidacy.objects.filter(
            subtree_q(actor, "organisation__path", min_rank=clerk),
            is_open=True,
            stage__in=NEAR_A_VOTE,
        )
        .exclude(plan_assignments__year=today.year)
        .order_by()
        .values("organisation_id")
        .annotate(n=Count("id"))
        .order_by("-n", "organisation_id")[:UNASSIGNED_LIMIT]
    )
    organisations = Organisation.objects.in_bulk([g["organisation_id"] for g in grouped])
    return [(organisations[g["organisation_id"]], g["n"]) for g in grouped]


def unassigned_items(actor: Actor, today: dt.date) -> list[WorkItem]:
    return [
        WorkItem(
            kind="candidate_unassigned",
            title=(
                f"{organisation.name}: {count} quần chúng chưa có người phụ trách năm {today.year}"
            ),
            url=reverse("targets:plan", args=[organisation.pk]) + f"?year={today.year}",
            due=None,
            organisation_id=organisation.pk,
            object_key=f"organisation:{organisation.pk}:unassigned:{today.year}",
            detail="Phân công cấp ủy viên, đảng viên phụ trách bồi dưỡng.",
        )
        for organisation, count in unassigned_candidates(actor=actor, today=today)
    ]


def _period_assignments(
    actor: Actor, organisation: Organisation, start: dt.date, end: dt.date
) -> QuerySet[PlanAssignment]:
    return plan_policy.visible_to(actor).filter(
        organisation__path__startswith=organisation.path,
        year__gte=start.year,
        year__lte=end.year,
    )


def _period_figures(
    assignments: QuerySet[PlanAssignment], key: str, start: dt.date, end: dt.date
) -> tuple[int, int, int]:
    chosen = assignments.filter(**{f"{key}__isnull": False}).order_by()
    figures = chosen.aggregate(
        people=Count(key, distinct=True),
        nurtured=Count("id"),
        admitted=Count(
            "id",
            filter=Q(candidacy__decision_date__gte=start, candidacy__decision_date__lte=end),
        ),
    )
    return figures["people"], figures["nurtured"], figures["admitted"]


def review_leaders(
    actor: Actor, organisation: Any, start: dt.date, end: dt.date
) -> list[ReviewFigure]:
    """Task 3: leaders and committee members personally nurturing candidates."""
    people, nurtured, admitted = _period_figures(
        _period_assignments(actor, organisation, start, end), "responsible_person", start, end
    )
    return [
        ReviewFigure(
            "Cấp ủy viên, cán bộ lãnh đạo được phân công phụ trách quần chúng", people, "người"
        ),
        ReviewFigure(
            "Quần chúng do cấp ủy viên, cán bộ lãnh đạo phụ trách bồi dưỡng", nurtured, "người"
        ),
        ReviewFigure("Trong đó đã được kết nạp trong kỳ", admitted, "người"),
    ]


def review_members(
    actor: Actor, organisation: Any, start: dt.date, end: dt.date
) -> list[ReviewFigure]:
    """Task 4: members given a concrete responsibility, and the personal quotas."""
    people, nurtured, admitted = _period_figures(
        _period_assignments(actor, organisation, start, end), "member", start, end
    )
    quotas = (
        quota_policy.visible_to(actor)
        .filter(
            organisation__path__startswith=organisation.path,
            year__gte=start.year,
            year__lte=end.year,
        )
        .order_by()
        .aggregate(holders=Count("id"), total=Sum("number"))
    )
    return [
        ReviewFigure("Đảng viên được giao giúp đỡ quần chúng", people, "người"),
        ReviewFigure("Quần chúng được đảng viên giúp đỡ", nurtured, "người"),
        ReviewFigure("Trong đó đã được kết nạp trong kỳ", admitted, "người"),
        ReviewFigure("Số chỉ tiêu cá nhân phụ trách quần chúng đã giao", quotas["holders"], "lượt"),
        ReviewFigure(
            "Tổng số quần chúng phải bồi dưỡng theo chỉ tiêu cá nhân", quotas["total"] or 0, "người"
        ),
    ]
