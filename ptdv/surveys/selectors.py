"""Reading the pool survey: rounds and responses in the actor's scope, the status board, the
roll-up of accepted responses per level, the work items, the planned admissions (for the
target page) and the review figures (directive task 4)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, IntegerField, Q, QuerySet, Sum
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Substr
from django.urls import reverse
from django.utils.translation import gettext as _

from ptdv.core.policies import Actor, user_scopes
from ptdv.core.review import ReviewFigure
from ptdv.core.work import WorkItem
from ptdv.organisations.models import PATH_STEP, Organisation
from ptdv.surveys.figures import FIGURES, sum_figures
from ptdv.surveys.models import (
    EDITABLE_STATUSES,
    ResponseStatus,
    RoundStatus,
    SurveyResponse,
    SurveyRound,
)
from ptdv.surveys.policies import (
    APPROVER_RANK,
    CLERK_RANK,
    checked_id,
    response_policy,
    round_policy,
)
from ptdv.surveys.services import PLAN_KEYS


def round_list(*, actor: Actor, year: int | None = None) -> QuerySet[SurveyRound]:
    qs = round_policy.visible_to(actor).select_related("organisation")
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "organisation__path", "pk")


def round_get(*, actor: Actor, round_id: Any) -> SurveyRound:
    return round_policy.get_visible(
        actor, checked_id(round_id), SurveyRound.objects.select_related("organisation")
    )


def response_list(
    *,
    actor: Actor,
    survey_round: SurveyRound,
    status: str | None = None,
    overdue_only: bool = False,
    today: dt.date | None = None,
) -> QuerySet[SurveyResponse]:
    qs = response_policy.visible_to(
        actor, SurveyResponse.objects.filter(survey_round=survey_round)
    ).select_related("organisation")
    if status:
        qs = qs.filter(status=status)
    if overdue_only:
        qs = qs.filter(status__in=EDITABLE_STATUSES)
        if today is None or survey_round.due_date >= today:
            qs = qs.none()
    return qs.order_by("organisation__path")


def response_get(*, actor: Actor, round_id: Any, response_id: Any) -> SurveyResponse:
    return response_policy.get_visible(
        actor,
        checked_id(response_id),
        SurveyResponse.objects.filter(survey_round_id=checked_id(round_id)).select_related(
            "organisation", "survey_round", "survey_round__organisation"
        ),
    )


def is_overdue(response: SurveyResponse, today: dt.date) -> bool:
    return (
        response.status in EDITABLE_STATUSES
        and response.survey_round.status == RoundStatus.OPEN
        and response.survey_round.due_date < today
    )


@dataclass
class StatusBoard:
    total: int
    by_status: dict[str, int]
    overdue: int

    @property
    def not_submitted(self) -> int:
        return sum(self.by_status.get(s, 0) for s in EDITABLE_STATUSES)

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "by_status": self.by_status,
            "not_submitted": self.not_submitted,
            "overdue": self.overdue,
        }


def status_board(*, actor: Actor, survey_round: SurveyRound, today: dt.date) -> StatusBoard:
    """How many responses (in the actor's scope) are in each state, and how many are late."""
    rows = (
        response_policy.visible_to(actor, SurveyResponse.objects.filter(survey_round=survey_round))
        .values("status")
        .annotate(n=Count("pk"))
    )
    by_status = {s: 0 for s in ResponseStatus.values}
    for row in rows:
        by_status[row["status"]] = row["n"]
    not_submitted = sum(by_status[s] for s in EDITABLE_STATUSES)
    late = survey_round.status == RoundStatus.OPEN and survey_round.due_date < today
    return StatusBoard(
        total=sum(by_status.values()), by_status=by_status, overdue=not_submitted if late else 0
    )


@dataclass
class RollupRow:
    organisation: Organisation
    units: int = 0
    submitted: int = 0  # submitted or accepted
    accepted: int = 0
    figures: dict[str, int] = field(default_factory=dict)
    plan: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "organisation": self.organisation.pk,
            "organisation_name": self.organisation.name,
            "units": self.units,
            "submitted": self.submitted,
            "accepted": self.accepted,
            "figures": {key: self.figures.get(key, 0) for key in FIGURES},
            "plan": {key: self.plan.get(key, 0) for key in PLAN_KEYS},
        }


def rollup(
    *, actor: Actor, survey_round: SurveyRound, under: Organisation | None = None
) -> list[RollupRow]:
    """The sums of the accepted responses: first the node `under` (by default the round's
    root, or the actor's own organisation inside it), then each of its children that holds
    a responding unit. Only responses in the actor's scope count."""
    node = under or survey_round.organisation
    responses = list(
        response_policy.visible_to(
            actor,
            SurveyResponse.objects.filter(
                survey_round=survey_round, organisation__path__startswith=node.path
            ),
        ).values_list("organisation__path", "status", "figures", "plan")
    )
    children = list(node.children.filter(valid_to__isnull=True).order_by("path"))
    rows = [RollupRow(node)] + [RollupRow(child) for child in children]
    step = len(node.path) + PATH_STEP
    by_path = {child.path: row for child, row in zip(children, rows[1:], strict=True)}
    for path, status, figures, plan in responses:
        targets = [rows[0]]
        child_row = by_path.get(path[:step])
        if child_row is not None:
            targets.append(child_row)
        for row in targets:
            row.units += 1
            if status in (ResponseStatus.SUBMITTED, ResponseStatus.ACCEPTED):
                row.submitted += 1
            if status == ResponseStatus.ACCEPTED:
                row.accepted += 1
                row.figures = sum_figures([row.figures, figures])
                row.plan = sum_figures([row.plan, plan])
    return [rows[0]] + [row for row in rows[1:] if row.units]


# --- Work items -------------------------------------------------------------------------


def _own_paths(actor: Actor, min_rank: int) -> set[str]:
    return {path for path, rank in user_scopes(actor) if rank >= min_rank}


def response_fill_items(actor: Actor, today: dt.date) -> Iterator[WorkItem]:
    """Responses of the actor's own units (assigned there as a clerk or above) still to send."""
    paths = _own_paths(actor, CLERK_RANK)
    if not paths:
        return
    qs = SurveyResponse.objects.filter(
        organisation__path__in=paths,
        status__in=EDITABLE_STATUSES,
        survey_round__status=RoundStatus.OPEN,
    ).select_related("organisation", "survey_round")
    for response in qs.order_by("survey_round__due_date", "pk")[:200]:
        returned = response.status == ResponseStatus.RETURNED
        yield WorkItem(
            kind="survey_fill",
            title=f"{response.organisation.name} — {response.survey_round.title}",
            url=response.get_absolute_url(),
            due=response.survey_round.due_date,
            organisation_id=response.organisation_id,
            object_key=f"survey_response:{response.pk}",
            detail=(
                _("Cấp trên trả lại: %(r)s") % {"r": response.return_reason}
                if returned
                else _("Phiếu khảo sát nguồn chưa gửi")
            ),
        )


def response_review_items(actor: Actor, today: dt.date) -> Iterator[WorkItem]:
    """Submitted responses of the units directly under the actor's organisations."""
    paths = _own_paths(actor, APPROVER_RANK)
    if not paths:
        return
    qs = SurveyResponse.objects.filter(
        organisation__parent__path__in=paths,
        status=ResponseStatus.SUBMITTED,
        survey_round__status=RoundStatus.OPEN,
    ).select_related("organisation", "survey_round")
    for response in qs.order_by("submitted_at", "pk")[:200]:
        yield WorkItem(
            kind="survey_review",
            title=f"{response.organisation.name} — {response.survey_round.title}",
            url=response.get_absolute_url(),
            due=response.survey_round.due_date,
            organisation_id=response.organisation_id,
            object_key=f"survey_response:{response.pk}",
            detail=_("Phiếu khảo sát nguồn chờ cấp trên xem xét"),
        )


# --- Plans feed the target page -----------------------------------------------------------


def planned_admissions(
    organisation_ids: Iterable[int], year: int, *, paths: Mapping[int, str] | None = None
) -> dict[int, int]:
    """For each organisation with an accepted response in its subtree in a round of
    `year - 1`: the admissions those plans promise for `year`. One grouped query per depth
    of the organisations asked about (one for siblings), over the responses of their
    nearest common ancestor's subtree, summed in the database — and none for an
    organisation asked about with its children (the dashboard's rows): the sum of the
    children's query, which covers its whole subtree. `paths`: id → path when the caller
    has them (else one query reads them)."""
    ids = list(organisation_ids)
    if paths is None:
        paths = dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "path"))
    else:
        paths = {pk: paths[pk] for pk in ids}
    by_length: dict[int, list[str]] = {}
    for path in paths.values():
        by_length.setdefault(len(path), []).append(path)
    commons = {}
    for length, prefixes in by_length.items():
        # Their nearest common ancestor's subtree (the parent's, for siblings): one prefix
        # condition rather than one per organisation; the groups outside are dropped below.
        common = prefixes[0]
        while not all(prefix.startswith(common) for prefix in prefixes):
            common = common[:-PATH_STEP]
        commons[length] = common
    planned: dict[str, int] = {}
    # A depth of a single organisation that is the common ancestor of a deeper depth: its
    # responses are all in that depth's query (grouped by child, its own under its own
    # path), so its figure is their sum, with no query of its own.
    summed = {
        length: deeper
        for length, prefixes in by_length.items()
        if len(prefixes) == 1
        for deeper, common in commons.items()
        if deeper > length and common == prefixes[0]
    }
    for length, prefixes in by_length.items():
        if length in summed:
            continue
        common = commons[length]
        rows = list(
            SurveyResponse.objects.filter(
                organisation__path__startswith=common,
                survey_round__year=year - 1,
                status=ResponseStatus.ACCEPTED,
            )
            .order_by()
            .annotate(prefix=Substr("organisation__path", 1, length))
            .values("prefix")
            .annotate(
                plans=Count("id"),
                admit=Sum(Cast(KeyTextTransform("admit", "plan"), IntegerField())),
            )
            .values_list("prefix", "admit")
        )
        wanted = set(prefixes)
        planned.update({prefix: int(admit or 0) for prefix, admit in rows if prefix in wanted})
        for above, deeper in summed.items():
            if deeper == length and rows:
                planned[by_length[above][0]] = sum(int(admit or 0) for _prefix, admit in rows)
    return {pk: planned[path] for pk, path in paths.items() if path in planned}


# --- Review figures (directive task 4) ----------------------------------------------------


def review_figures(
    actor: Actor, organisation: Organisation, start: dt.date, end: dt.date
) -> list[ReviewFigure]:
    """The rounds of the period's years over or inside `organisation`'s subtree: units
    surveyed, accepted, and what their plans promise."""
    responses = response_policy.visible_to(
        actor,
        SurveyResponse.objects.filter(
            organisation__path__startswith=organisation.path,
            survey_round__year__gte=start.year,
            survey_round__year__lte=end.year,
        ),
    )
    totals = responses.aggregate(
        units=Count("pk"),
        accepted=Count("pk", filter=Q(status=ResponseStatus.ACCEPTED)),
        rounds=Count("survey_round", distinct=True),
    )
    plans = sum_figures(
        plan
        for plan in responses.filter(status=ResponseStatus.ACCEPTED).values_list("plan", flat=True)
    )
    return [
        ReviewFigure(_("Số đợt khảo sát nguồn"), totals["rounds"], _("đợt")),
        ReviewFigure(_("Số tổ chức cơ sở đảng được khảo sát"), totals["units"], _("đơn vị")),
        ReviewFigure(
            _("Số phiếu khảo sát được cấp trên chấp nhận"), totals["accepted"], _("phiếu")
        ),
        ReviewFigure(_("Kế hoạch bồi dưỡng nhận thức về Đảng"), plans.get("train", 0), _("người")),
        ReviewFigure(_("Kế hoạch kết nạp đảng viên"), plans.get("admit", 0), _("người")),
    ]


def round_url(survey_round: SurveyRound) -> str:
    return reverse("surveys:round", args=[survey_round.pk])


def plan_labels() -> Mapping[str, str]:
    from ptdv.targets.measures import PriorityGroup

    labels: dict[str, str] = {"train": _("Số người bồi dưỡng"), "admit": _("Số người kết nạp")}
    for group in PriorityGroup:
        labels[f"train_{group}"] = _("Bồi dưỡng — %(g)s") % {"g": PriorityGroup(group).label}
        labels[f"admit_{group}"] = _("Kết nạp — %(g)s") % {"g": PriorityGroup(group).label}
    return labels
