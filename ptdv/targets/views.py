"""Monitoring pages: the dashboard of a subtree (drill down by child), the targets of the
children, a target's sub-targets and amendments, terms and indicators, the year's plan.

Every page fetches the organisation through the policy (404 outside the user's subtrees) and
reads aggregates only; writes go through `services.py` (403 when the role may not).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from ptdv.accounts.models import ROLE_RANK, Role
from ptdv.audit.services import audit_list_read
from ptdv.candidacies.measures import LABELS
from ptdv.candidacies.models import PIPELINE_STAGES, Candidacy, Stage
from ptdv.candidacies.policies import candidacy_policy
from ptdv.core.forms import add_service_errors
from ptdv.core.links import object_url
from ptdv.core.plans import planned_admissions
from ptdv.core.policies import role_rank_at
from ptdv.core.views import render_page
from ptdv.members.models import ACTIVE_STATUSES, MembershipStatus, PartyMembership
from ptdv.members.policies import membership_policy
from ptdv.movements.selectors import movement_yield_panel
from ptdv.organisations.models import Organisation
from ptdv.organisations.policies import organisation_policy
from ptdv.organisations.selectors import (
    locality_list,
    organisation_ancestors,
    organisation_children,
    organisation_roots,
)
from ptdv.people.models import Person
from ptdv.targets.breakdowns import progress_breakdowns
from ptdv.targets.formatting import vn_number, vn_percent
from ptdv.targets.forms import AmendForm, ChildrenTargetsForm, GroupTargetForm, PlanForm, TermForm
from ptdv.targets.measures import PriorityGroup
from ptdv.targets.models import Target, TargetState
from ptdv.targets.policies import (
    TargetAction,
    plan_policy,
    target_policy,
    targets_policy,
    term_policy,
)
from ptdv.targets.selectors import (
    AGE_BANDS,
    FIRST_YEAR,
    LAST_YEAR,
    RETENTION_YEARS,
    Cohort,
    OwnHistory,
    Progress,
    floor_rate,
    indicators_for,
    members_at_start_many,
    overdue_candidacies,
    plan_list,
    progress_trend,
    progress_with_children,
    ratio,
    retention_for,
    retention_rows,
    snapshot_years,
    suggested_target,
    term_current,
    term_list,
)
from ptdv.targets.services import (
    plan_assign,
    plan_unassign,
    target_amend,
    target_approve,
    target_lock,
    target_set,
    target_set_group,
    term_create,
)

ADMINISTRATOR = ROLE_RANK[Role.ADMINISTRATOR]
TREND_YEARS = 6
COHORTS = 6
# The white localities and those without a cell of their own named on the dashboard (the
# rest on the locality list it links to).
LOCALITY_NAMES = 20
# What targets/_localities.html shows of them: a locality with its commune and cell in full
# is some forty columns to select and read for these five.
LOCALITY_COLUMNS = ("name", "kind", "active_members", "organisation__name", "cell__name")
# The movements and the mass organisations named on the dashboard (all on the yield page).
YIELD_ROWS = 5
# How many people a plan form offers at once: the page is meant for a commune or a
# grassroots organisation; above that, choose a lower level.
PLAN_CHOICES = 500


def selected_year(request: HttpRequest, today: dt.date) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return today.year
    return year if FIRST_YEAR <= year <= LAST_YEAR else today.year


def year_choices(today: dt.date) -> list[int]:
    return list(range(today.year + 1, today.year - 10, -1))


def _base(request: HttpRequest, organisation: Organisation, year: int) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "organisation": organisation,
        "ancestors": list(organisation_ancestors(actor=request.user, organisation=organisation)),
        "year": year,
        "years": year_choices(today),
        "today": today,
        "section": "targets",
    }


@require_safe
def targets_index(request: HttpRequest) -> HttpResponse:
    roots = list(organisation_roots(actor=request.user))
    if len(roots) == 1:
        return redirect("targets:dashboard", pk=roots[0].pk)
    return render_page(request, "targets/index.html", {"roots": roots, "section": "targets"})


@require_safe
def targets_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = organisation_policy.get_visible(request.user, pk)
    today = timezone.localdate()
    year = selected_year(request, today)
    trend_years = list(range(year - TREND_YEARS + 1, year + 1))
    # Which of the trend's years (the selected one among them) have their members at start
    # counted: read once for the progress rows and the trend.
    taken = snapshot_years(trend_years)
    # The trend's admissions and targets and the children's targets, read with the rows.
    history = OwnHistory(trend_years)
    progress, children = progress_with_children(
        actor=request.user,
        organisation=organisation,
        year=year,
        today=today,
        taken=taken,
        fresh=True,  # the policy has just read the organisation
        history=history,
    )
    trend = progress_trend(organisation, trend_years, taken, history)
    cohorts = retention_for(organisation, list(range(year - COHORTS, year)), today)
    stage_labels = dict(Stage.choices)
    funnel = [
        {"stage": str(stage), "label": str(stage_labels[stage]), "count": progress.pipeline[stage]}
        for stage in PIPELINE_STAGES
    ]
    breakdown_rows = [
        {
            "label": LABELS[name],
            "count": progress.tally.get(name, 0),
            "share": ratio(progress.tally.get(name, 0), progress.admitted),
        }
        for name in (
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
    ]
    charts = {
        "funnel": {"labels": [r["label"] for r in funnel], "values": [r["count"] for r in funnel]},
        "trend": {
            "labels": [str(r["year"]) for r in trend],
            "admitted": [r["admitted"] for r in trend],
            "target": [r["target"] for r in trend],
        },
        "breakdown": {
            "labels": [r["label"] for r in breakdown_rows[:7]],
            "values": [r["count"] for r in breakdown_rows[:7]],
        },
    }
    term = term_current(actor=request.user, organisation=organisation, year=year)
    breakdowns = progress_breakdowns(
        organisation=organisation, children=children, year=year, own=progress
    )
    child_rows = _child_rows(children, year)
    context = {
        **_base(request, organisation, year),
        "breakdowns": breakdowns,
        "breakdown_panels": [
            (_("Theo lĩnh vực"), breakdowns.by_sector, "by-sector"),
            (_("Theo đặc điểm địa bàn"), breakdowns.by_area_flag, "by-area-flag"),
        ],
        "white_localities": list(
            locality_list(actor=request.user, organisation=organisation, white=True).only(
                *LOCALITY_COLUMNS
            )[:LOCALITY_NAMES]
        ),
        "cell_less_localities": list(
            locality_list(actor=request.user, organisation=organisation, without_cell=True).only(
                *LOCALITY_COLUMNS
            )[:LOCALITY_NAMES]
        ),
        "progress": progress,
        "children": child_rows,
        "children_targets": history.children_targets,
        "at_risk": [row for row in child_rows if row["at_risk"]],
        "funnel": funnel,
        "breakdown_rows": breakdown_rows,
        "trend": trend,
        "retention": _retention_table(cohorts),
        "retention_span": len(AGE_BANDS) + 1,
        "retention_years": RETENTION_YEARS,
        "suggested": suggested_target(progress.members_at_start, progress.floor_rate),
        "target_state": TargetState(progress.target_state).label if progress.target_state else "",
        "overdue": overdue_candidacies(actor=request.user, organisation=organisation, today=today),
        "movement_yield": movement_yield_panel(
            actor=request.user, organisation=organisation, year=year, limit=YIELD_ROWS
        ),
        "charts": charts,
        "term": term,
        "can_manage_targets": role_rank_at(request.user, organisation.path) >= ADMINISTRATOR
        or targets_policy.can(request.user, TargetAction.SET_TARGET, organisation),
        "can_plan": targets_policy.can(request.user, TargetAction.PLAN, organisation),
    }
    return render_page(request, "targets/dashboard.html", context)


# The dashboard's two largest tables are formatted here rather than in the template: a cell
# is then one plain variable, not a filter call (and a row's link not an `{% url %}`), and
# the children's table of a commune (some twenty rows of ten cells) or of the province
# (eighty) and the retention table (thirty rows of four cells) are most of the page's
# template nodes. The same functions as the `num` and `pct` filters format them.


def _child_rows(children: list[Progress], year: int) -> list[dict[str, Any]]:
    """The children's table and the list of those at risk (targets/dashboard.html)."""
    return [
        {
            "href": f"{object_url('targets:dashboard', row.organisation.pk)}?year={year}",
            "name": row.organisation.name,
            "at_risk": row.at_risk,
            "below_floor": row.below_floor,
            "members_at_start": vn_number(row.members_at_start),
            "target": vn_number(row.target),
            "admitted": vn_number(row.admitted),
            "admission_rate": vn_percent(row.admission_rate),
            "achievement": vn_percent(row.achievement),
            "expected": vn_number(row.forecast.expected),
            "upper_bound": vn_number(row.forecast.upper_bound),
            "overdue": vn_number(row.overdue),
            "white_localities": vn_number(row.white_localities),
        }
        for row in children
    ]


def _retention_table(cohorts: list[Cohort]) -> list[dict[str, Any]]:
    """`retention_rows` with each cell's text and class: "left (share)" in a cohort with
    members ("–" in one without), in italics while not yet complete."""
    rows = retention_rows(cohorts)
    for row in rows:
        row["size_text"] = vn_number(row["size"])
        for cell in row["cells"]:
            cell["css"] = "" if cell["complete"] else "fst-italic text-muted"
            cell["text"] = (
                f"{vn_number(cell['left'])} ({vn_percent(cell['share'])})" if row["size"] else "–"
            )
    return rows


# --- Targets of the children ----------------------------------------------------------------


def _target_rows(
    request: HttpRequest, organisation: Organisation, year: int
) -> list[dict[str, Any]]:
    """The organisation itself (when the user may set its target) and its children."""
    settable: list[Organisation] = []
    if targets_policy.can(request.user, TargetAction.SET_TARGET, organisation):
        settable.append(organisation)
    children = list(organisation_children(actor=request.user, organisation=organisation))
    nodes = settable + children
    starts = members_at_start_many(nodes, [year])
    targets = {
        t.organisation_id: t
        for t in Target.objects.filter(organisation__in=nodes, year=year, group="")
    }
    rate = floor_rate()
    planned = planned_admissions([node.pk for node in nodes], year)
    rows = []
    for node in nodes:
        members, estimated = starts[(node.pk, year)]
        target = targets.get(node.pk)
        rows.append(
            {
                "organisation": node,
                "is_self": node.pk == organisation.pk,
                "members": members,
                "estimated": estimated,
                "suggested": suggested_target(members, rate),
                "planned": planned.get(node.pk),
                "target": target,
                "number": target.number if target else None,
                "locked": bool(target and target.state == TargetState.LOCKED),
                "may_set": targets_policy.can(request.user, TargetAction.SET_TARGET, node),
            }
        )
    return rows


@require_http_methods(["GET", "POST"])
def targets_manage(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = organisation_policy.get_visible(request.user, pk)
    today = timezone.localdate()
    year = selected_year(request, today)
    rows = _target_rows(request, organisation, year)
    form = ChildrenTargetsForm(request.POST or None, rows=rows)
    if request.method == "POST":
        if not any(row["may_set"] for row in rows):
            raise PermissionDenied
        step = request.POST.get("step", "save")
        by_id = {row["organisation"].pk: row for row in rows}
        try:
            if step == "save" and form.is_valid():
                changed = 0
                for org_id, number in form.numbers().items():
                    row = by_id[org_id]
                    if row["may_set"] and number != row["number"]:
                        target_set(
                            actor=request.user,
                            organisation=row["organisation"],
                            year=year,
                            number=number,
                        )
                        changed += 1
                messages.success(request, _("Đã lưu %(n)s chỉ tiêu.") % {"n": changed})
                return redirect(_manage_url(organisation, year))
            if step in ("approve", "lock"):
                source = TargetState.DRAFT if step == "approve" else TargetState.APPROVED
                service = target_approve if step == "approve" else target_lock
                done = 0
                for row in rows:
                    target = row["target"]
                    if target is not None and row["may_set"] and target.state == source:
                        service(actor=request.user, target=target)
                        done += 1
                text = (
                    _("Đã duyệt %(n)s chỉ tiêu.")
                    if step == "approve"
                    else _("Đã khóa %(n)s chỉ tiêu.")
                )
                messages.success(request, text % {"n": done})
                return redirect(_manage_url(organisation, year))
        except ValidationError as exc:
            add_service_errors(form, exc)
    context = {
        **_base(request, organisation, year),
        "rows": rows,
        "form": form,
        "fields": {row["organisation"].pk: form[f"n_{row['organisation'].pk}"] for row in rows},
        "children_sum": sum(r["number"] or 0 for r in rows if not r["is_self"]),
        "own": next((r for r in rows if r["is_self"]), None),
        "may_set_any": any(row["may_set"] for row in rows),
        "floor_rate": floor_rate(),
    }
    return render_page(request, "targets/manage.html", context)


def _manage_url(organisation: Organisation, year: int) -> str:
    return reverse("targets:manage", args=[organisation.pk]) + f"?year={year}"


@require_http_methods(["GET", "POST"])
def target_detail(request: HttpRequest, pk: int) -> HttpResponse:
    target = target_policy.get_visible(
        request.user,
        pk,
        Target.objects.filter(group="").select_related(
            "organisation", "set_by", "approved_by", "locked_by"
        ),
    )
    organisation = target.organisation
    may_set = targets_policy.can(request.user, TargetAction.SET_TARGET, organisation)
    group_form = GroupTargetForm(request.POST if request.POST.get("step") == "group" else None)
    amend_form = AmendForm(request.POST if request.POST.get("step") == "amend" else None)
    if request.method == "POST":
        if not may_set:
            raise PermissionDenied
        step = request.POST.get("step")
        try:
            if step == "group" and group_form.is_valid():
                target_set_group(
                    actor=request.user,
                    organisation=organisation,
                    year=target.year,
                    group=group_form.cleaned_data["group"],
                    number=group_form.cleaned_data["number"],
                )
                messages.success(request, _("Đã lưu chỉ tiêu theo nhóm."))
                return redirect("targets:target", pk=target.pk)
            if step == "amend" and amend_form.is_valid():
                target_amend(
                    actor=request.user,
                    target=target,
                    group_target=request.POST.get("target") or None,
                    number=amend_form.cleaned_data["number"],
                    reason=amend_form.cleaned_data["reason"],
                )
                messages.success(request, _("Đã điều chỉnh chỉ tiêu."))
                return redirect("targets:target", pk=target.pk)
            if step in ("approve", "lock"):
                service = target_approve if step == "approve" else target_lock
                service(actor=request.user, target=target)
                messages.success(
                    request,
                    _("Đã duyệt chỉ tiêu.") if step == "approve" else _("Đã khóa chỉ tiêu."),
                )
                return redirect("targets:target", pk=target.pk)
        except ValidationError as exc:
            add_service_errors(group_form if step == "group" else amend_form, exc)
    context = {
        **_base(request, organisation, target.year),
        "target": target,
        "groups": list(
            target.group_targets.prefetch_related("amendments__actor").order_by("group")
        ),
        "amendments": list(target.amendments.select_related("actor").order_by("at")),
        "may_set": may_set,
        "group_form": group_form,
        "amend_form": amend_form,
        "group_labels": dict(PriorityGroup.choices),
    }
    return render_page(request, "targets/target.html", context)


# --- Terms and indicators -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def terms_view(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = organisation_policy.get_visible(request.user, pk)
    may_manage = targets_policy.can(request.user, TargetAction.MANAGE_TERMS, organisation)
    form = TermForm(request.POST or None)
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                term_create(
                    actor=request.user,
                    organisation=organisation,
                    name=data["name"],
                    start_year=data["start_year"],
                    end_year=data["end_year"],
                    congress_target=data["congress_target"],
                    congress_resolution=data["congress_resolution"],
                    programmes=form.programmes(),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Đã thêm nhiệm kỳ."))
                return redirect("targets:terms", pk=organisation.pk)
    today = timezone.localdate()
    context = {
        **_base(request, organisation, today.year),
        "terms": list(term_list(actor=request.user, organisation=organisation)),
        "form": form,
        "may_manage": may_manage,
    }
    return render_page(request, "targets/terms.html", context)


@require_safe
def indicators_view(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = organisation_policy.get_visible(request.user, pk)
    today = timezone.localdate()
    year = selected_year(request, today)
    terms = list(term_list(actor=request.user, organisation=organisation))
    term = None
    if request.GET.get("term"):
        term = term_policy.get_visible(
            request.user,
            request.GET["term"],
            term_list(actor=request.user, organisation=organisation),
        )
    elif terms:
        term = term_current(actor=request.user, organisation=organisation, year=year) or terms[0]
    indicators = indicators_for(organisation=organisation, term=term, year=year) if term else None
    context = {
        **_base(request, organisation, year),
        "terms": terms,
        "term": term,
        "indicators": indicators,
    }
    return render_page(request, "targets/indicators.html", context)


# --- The year's plan ------------------------------------------------------------------------


def _plan_choices(request: HttpRequest, organisation: Organisation) -> dict[str, Any]:
    open_pool = (
        candidacy_policy.visible_to(request.user)
        .filter(
            organisation__path__startswith=organisation.path,
            is_open=True,
            stage__in=[s for s in PIPELINE_STAGES if s not in (Stage.DECIDED, Stage.PROBATIONARY)],
        )
        .order_by("person__sort_key", "id")
    )
    members = membership_policy.visible_to(request.user).filter(
        organisation__path__startswith=organisation.path, status__in=ACTIVE_STATUSES
    )
    leaders = members.filter(status=MembershipStatus.OFFICIAL)
    candidacy_ids = list(open_pool.values_list("id", flat=True)[:PLAN_CHOICES])
    member_ids = list(
        members.order_by("person__sort_key", "id").values_list("id", flat=True)[:PLAN_CHOICES]
    )
    leader_ids = list(
        leaders.order_by("person__sort_key", "id").values_list("person_id", flat=True)[
            :PLAN_CHOICES
        ]
    )
    return {
        "candidacies": Candidacy.objects.filter(pk__in=candidacy_ids)
        .select_related("person", "organisation")
        .order_by("person__sort_key", "id"),
        "members": PartyMembership.objects.filter(pk__in=member_ids)
        .select_related("person", "organisation")
        .order_by("person__sort_key", "id"),
        "leaders": Person.objects.filter(pk__in=leader_ids).order_by("sort_key", "id"),
        "truncated": len(candidacy_ids) == PLAN_CHOICES or len(member_ids) == PLAN_CHOICES,
    }


@require_http_methods(["GET", "POST"])
def plan_view(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = organisation_policy.get_visible(request.user, pk)
    today = timezone.localdate()
    year = selected_year(request, today)
    may_plan = targets_policy.can(request.user, TargetAction.PLAN, organisation)
    choices = _plan_choices(request, organisation) if may_plan else None
    form = (
        PlanForm(
            request.POST if request.POST.get("step") == "assign" else None,
            candidacies=choices["candidacies"],
            members=choices["members"],
            leaders=choices["leaders"],
        )
        if choices
        else None
    )
    if request.method == "POST":
        if not may_plan:
            raise PermissionDenied
        if request.POST.get("step") == "remove":
            assignment = plan_policy.get_visible(
                request.user,
                request.POST.get("assignment"),
                plan_list(actor=request.user, organisation=organisation, year=year),
            )
            plan_unassign(actor=request.user, assignment=assignment)
            messages.success(request, _("Đã bỏ phân công."))
            return redirect(reverse("targets:plan", args=[organisation.pk]) + f"?year={year}")
        if form is not None and form.is_valid():
            data = form.cleaned_data
            try:
                plan_assign(
                    actor=request.user,
                    organisation=organisation,
                    year=year,
                    candidacy=data["candidacy"],
                    responsible_person=data["responsible_person"],
                    member=data["member"],
                    note=data["note"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Đã phân công."))
                return redirect(reverse("targets:plan", args=[organisation.pk]) + f"?year={year}")
    assignments = list(plan_list(actor=request.user, organisation=organisation, year=year))
    # The plan names the candidates, the cadres responsible and the members who help them.
    audit_list_read(
        actor=request.user,
        object_type="candidacies.candidacy",
        ids=[assignment.candidacy_id for assignment in assignments],
        person_ids=[assignment.candidacy.person_id for assignment in assignments],
        count=len(assignments),
        summary="Xem kế hoạch, phân công phát triển đảng viên",
        filters={"year": year},
        organisation=organisation,
    )
    context = {
        **_base(request, organisation, year),
        "assignments": assignments,
        "form": form,
        "may_plan": may_plan,
        "truncated": bool(choices and choices["truncated"]),
    }
    return render_page(request, "targets/plan.html", context)
