"""Candidate pages: the list (filters re-rendered by htmx), a candidacy with its next action,
checklist and timeline, the form of each dossier action, and registration."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from ptdv.audit.services import audit_list_read, audit_record
from ptdv.candidacies.actions import DossierAction, spec_for
from ptdv.candidacies.breakdown import candidacy_breakdown
from ptdv.candidacies.case import (
    NextAction,
    candidacy_next,
    dossier_context,
    official_member_count,
)
from ptdv.candidacies.forms import (
    DOSSIER_LABELS,
    CandidacyActionForm,
    CandidacyFilterForm,
    CandidacyRegisterForm,
    CandidacyVoidForm,
)
from ptdv.candidacies.models import Candidacy, Outcome
from ptdv.candidacies.policies import candidacy_policy, require_clerk_somewhere
from ptdv.candidacies.selectors import (
    candidacy_attach_escalations,
    candidacy_available_actions,
    candidacy_consents,
    candidacy_detail_queryset,
    candidacy_events,
    candidacy_introducers,
    candidacy_list,
    candidacy_page_queryset,
)
from ptdv.candidacies.services import candidacy_register
from ptdv.candidacies.templatetags.dossier import timeline
from ptdv.candidacies.void import candidacy_last_event, candidacy_void_last
from ptdv.candidacies.workflow import (
    RuleViolation,
    StaleVersion,
    candidacy_act,
    candidacy_checklist,
)
from ptdv.core.api import CappedCountPaginator
from ptdv.core.forms import add_service_errors
from ptdv.core.links import url_filler
from ptdv.core.policies import Action, user_scopes
from ptdv.core.roles import ROLE_RANK, Role
from ptdv.core.views import render_page
from ptdv.core.work import bulk_actions
from ptdv.organisations.models import Organisation
from ptdv.organisations.policies import organisation_policy
from ptdv.organisations.selectors import (
    organisation_ancestors_list,
    organisation_children,
    organisation_roots,
)
from ptdv.people.models import full_name
from ptdv.rules.engine import RULE_LABELS

PER_PAGE = 50
# What a row of the list shows (ptdv/templates/candidacies/_results.html), with what the
# overdue rows' escalation (candidacy_attach_escalations) and the audit entry read.
LIST_FIELDS = (
    "person", "organisation", "helper", "helper__person",
    "stage", "is_open", "is_readmission", "opened_on", "next_action", "next_due",
    "person__family_name", "person__middle_name", "person__given_name", "person__birth_date",
    "organisation__name", "organisation__path",
    "helper__person__family_name", "helper__person__middle_name", "helper__person__given_name",
)  # fmt: skip
INDENT = "\u2003"
# The list's filters, carried by the selection form to the bulk pages (ptdv.work.bulk_views).
SELECTION_FILTERS = (
    "organisation", "stage", "status", "target_group", "sector", "area_flag", "due", "q",
)  # fmt: skip


def is_htmx(request: HttpRequest) -> bool:
    """A partial request from htmx (a history restore wants the whole page)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def _organisation_options(
    request: HttpRequest, organisation: Organisation, roots: list[Organisation]
) -> list[tuple[int, str]]:
    """The subtree choices around the current one: other roots, ancestors, it, its children."""
    ancestors = organisation_ancestors_list(
        actor=request.user, organisation=organisation, known=roots
    )
    children = organisation_children(actor=request.user, organisation=organisation)
    chain = [*ancestors, organisation]
    options = [(root.pk, root.name) for root in roots if root.pk not in {o.pk for o in chain}]
    options += [(node.pk, INDENT * level + node.name) for level, node in enumerate(chain)]
    options += [(child.pk, INDENT * len(chain) + child.name) for child in children]
    return options


@require_safe
def candidacy_list_view(request: HttpRequest) -> HttpResponse:
    data = request.GET.copy()
    form = CandidacyFilterForm(data)
    filters = form.filters()
    organisation_id = filters.pop("organisation_id")
    roots = list(organisation_roots(actor=request.user))
    organisation: Organisation | None
    if organisation_id is not None:
        organisation = organisation_policy.get_visible(request.user, organisation_id)
    else:
        organisation = roots[0] if roots else None
    if organisation is None:
        candidacies = Candidacy.objects.none()
    else:
        candidacies = candidacy_list(
            actor=request.user,
            filters={**filters, "organisation": organisation},
            fields=LIST_FIELDS,
        )
        if organisation_id is None:
            data["organisation"] = str(organisation.pk)
            form = CandidacyFilterForm(data)
            form.filters()
        form.fields["organisation"].widget.choices = _organisation_options(
            request, organisation, roots
        )
    # Counted up to the cap only: the whole country's dossiers took a second to count (issue
    # 15); beyond the cap the page says "more than" and asks for a narrower filter.
    paginator = CappedCountPaginator(candidacies, PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = candidacy_attach_escalations(list(page.object_list))
    audit_list_read(
        actor=request.user,
        object_type="candidacies.candidacy",
        ids=[candidacy.pk for candidacy in page.object_list],
        person_ids=[candidacy.person_id for candidacy in page.object_list],
        count=paginator.count_or_cap,
        summary="Xem danh sách hồ sơ phát triển đảng viên",
        filters={**filters, "page": page.number},
        organisation=organisation,
    )
    context = {
        "form": form,
        "page": page,
        "today": timezone.localdate(),
        "organisation": organisation,
        "section": "candidacies",
        "breakdown": candidacy_breakdown(candidacies)
        if request.GET.get("breakdown") == "1"
        else None,
        **_selection_context(request, data),
    }
    if is_htmx(request):
        response = render(request, "candidacies/_results.html", {**context, "oob": True})
    else:
        response = render_page(request, "candidacies/list.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _selection_context(request: HttpRequest, data: Any) -> dict[str, Any]:
    """What the selection bar needs: the bulk actions (for a user who is a clerk somewhere;
    each dossier is still judged by the role held at it) and the list's filters, so that "all
    matching the filters" means what the list shows."""
    clerk = any(rank >= ROLE_RANK[Role.CLERK] for _path, rank in user_scopes(request.user))
    return {
        "bulk_actions": sorted(bulk_actions().values(), key=lambda a: a.label) if clerk else [],
        "selection_filters": [(key, data[key]) for key in SELECTION_FILTERS if data.get(key)],
    }


# What the next action may say is missing besides rule ids (before the engine is asked).
MISSING_LABELS = {
    "certificate": _("Giấy chứng nhận lớp bồi dưỡng nhận thức về Đảng"),
    "application": _("Đơn xin vào Đảng và lý lịch"),
    "case": _("Chưa đủ dữ kiện để xét theo quy định"),
}


def _next_action_context(nxt: NextAction, today: dt.date) -> dict[str, Any] | None:
    if not nxt.action:
        return None
    transition = spec_for(nxt.action)
    return {
        "action": nxt.action,
        "label": transition.label if transition else nxt.action,
        "earliest": nxt.earliest,
        "due": nxt.due,
        "overdue": bool(nxt.due and nxt.due < today),
        "missing": [RULE_LABELS.get(m) or MISSING_LABELS.get(m, m) for m in nxt.missing],
        "expiring": [
            {"message": item["message"], "valid_until": dt.date.fromisoformat(item["valid_until"])}
            for item in nxt.expiring
        ],
    }


@never_cache
@require_safe
def candidacy_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    candidacy = candidacy_policy.get_visible(request.user, pk, candidacy_page_queryset())
    audit_record(
        actor=request.user,
        action="view",
        obj=candidacy,
        person=candidacy.person,
        summary="Xem hồ sơ phát triển đảng viên",
    )
    # With the helper's and the responsible leader's names, and whether there are any
    # introducers and consents (`candidacy_page_queryset`).
    row: Any = candidacy
    today = timezone.localdate()
    dossier = [
        (label, getattr(candidacy, name))
        for name, label in DOSSIER_LABELS.items()
        if getattr(candidacy, name) not in (None, False, 0)
    ]
    # Each part of the page reads the dossier's chain of organisations, its competences,
    # introducers, consents and events: read once here and handed to each (the page made 38
    # queries, a third of them repeats — issue 15).
    events = list(candidacy_events(candidacy=candidacy))
    # Read only for a dossier that has any (`candidacy_page_queryset`).
    introducers = list(candidacy_introducers(candidacy=candidacy)) if row.has_introducers else []
    consents = list(candidacy_consents(candidacy=candidacy)) if row.has_consents else []
    # The context counts the cell's official members and reads the working calendar only
    # when the engine is asked (not for an official, closed or untrained dossier).
    context = dossier_context(candidacy, introducers=introducers, consents=consents)
    nxt = candidacy_next(candidacy, today, context)
    checklist = candidacy_checklist(candidacy, today, context=context, nxt=nxt)
    # The next action and the checklist have read the competences if they needed them; the
    # actions offered and the list of forms read them only if they ask who decides (most
    # dossiers: neither asks, and no competence row is read).
    competences = context.competences
    effective = [event for event in events if not event.voided]
    actions = candidacy_available_actions(
        actor=request.user,
        candidacy=candidacy,
        ancestors=context.ancestors,
        competences=competences,
    )
    action_link = url_filler("candidacies:action", candidacy.pk)
    return render_page(
        request,
        "candidacies/detail.html",
        {
            "candidacy": candidacy,
            "person": candidacy.person,
            "helper_name": full_name(
                row.helper_family_name, row.helper_middle_name, row.helper_given_name
            )
            if candidacy.helper_id
            else "",
            "leader_name": full_name(
                row.leader_family_name, row.leader_middle_name, row.leader_given_name
            )
            if candidacy.responsible_leader_id
            else "",
            "section": "candidacies",
            "today": today,
            "next": _next_action_context(nxt, today),
            "checklist": checklist,
            "events": events,
            "timeline": timeline(events),
            "dossier": dossier,
            "introducers": introducers,
            "consents": consents,
            "actions": actions,
            # Each with its link, from one reversed URL (not a `{% url %}` per button).
            "action_links": [(spec, action_link(spec.action)) for spec in actions],
            # The step a void would cancel (ptdv.candidacies.void.candidacy_last_event).
            "void_event": max(effective, key=lambda event: event.pk, default=None)
            if candidacy_policy.can(request.user, Action.APPROVE, candidacy)
            else None,
            "dossier_loaded": {
                "chain": context.ancestors,
                "competences": competences,
                "events": events,
                "introducers": introducers,
            },
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def candidacy_void_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm and void the dossier's last step (`candidacy_void_last`): 404 outside the
    user's subtree, 403 for a role below approver; a refusal re-renders the page (409 when
    someone changed the dossier meanwhile)."""
    candidacy = candidacy_policy.get_visible(request.user, pk, candidacy_detail_queryset())
    candidacy_policy.authorize(request.user, Action.APPROVE, candidacy)
    event = candidacy_last_event(candidacy)
    status = 200
    stale = False
    if request.method == "POST":
        form = CandidacyVoidForm(request.POST)
        if form.is_valid():
            try:
                result = candidacy_void_last(
                    actor=request.user,
                    candidacy_id=candidacy.pk,
                    reason=form.cleaned_data["reason"],
                    version=form.cleaned_data["version"],
                    event_id=form.cleaned_data["event"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc, {"event": None})
                status = 422
            except StaleVersion:
                stale = True
                status = 409
            else:
                messages.success(
                    request,
                    _("Đã hủy bước: %(label)s.")
                    % {"label": DossierAction(result.event.action).label},
                )
                return redirect(candidacy)
    else:
        form = CandidacyVoidForm(
            initial={"version": candidacy.version, "event": event.pk if event else None}
        )
    context = {
        "candidacy": candidacy,
        "person": candidacy.person,
        "event": event,
        "form": form,
        "stale": stale,
        "section": "candidacies",
    }
    return render_page(request, "candidacies/void.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def candidacy_action_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """The form of one action on the dossier; a POST takes it through `candidacy_act`.

    404 outside the user's subtree (or an unknown action), 403 when the role may not take the
    action. A refusal re-renders the form: field errors next to their fields, the rules that
    block it (422), or a conflict with someone else's change (409). Nothing is saved then.
    """
    transition = spec_for(action)
    if transition is None:
        raise Http404
    candidacy = candidacy_policy.get_visible(request.user, pk, candidacy_detail_queryset())
    candidacy_policy.authorize(request.user, transition.permission, candidacy)
    offered = {
        t.action for t in candidacy_available_actions(actor=request.user, candidacy=candidacy)
    }
    status = 200
    violations: list[dict[str, str]] = []
    warnings: list[dict[str, str]] = []
    stale = False
    if request.method == "POST":
        form = CandidacyActionForm(
            request.POST, action=action, candidacy=candidacy, actor=request.user
        )
        if form.is_valid():
            try:
                result = candidacy_act(
                    actor=request.user,
                    candidacy_id=candidacy.pk,
                    action=action,
                    data=form.payload(),
                    version=int(form.cleaned_data["version"]),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            except RuleViolation as exc:
                violations, warnings = exc.violations, exc.warnings
                status = 422
            except StaleVersion:
                stale = True
                status = 409
            else:
                if result.outcome == Outcome.FAILED:
                    messages.warning(
                        request, _("Biểu quyết không đạt; hồ sơ giữ nguyên giai đoạn.")
                    )
                else:
                    messages.success(
                        request, _("Đã ghi nhận: %(label)s.") % {"label": transition.label}
                    )
                for warning in result.warnings:
                    messages.warning(request, _warning_text(warning))
                return redirect(candidacy)
    else:
        form = CandidacyActionForm(action=action, candidacy=candidacy, actor=request.user)
        audit_record(
            actor=request.user,
            action="view",
            obj=candidacy,
            person=candidacy.person,
            summary="Mở biểu mẫu thao tác hồ sơ phát triển đảng viên",
            data={"action": action},
        )
    context = {
        "candidacy": candidacy,
        "person": candidacy.person,
        "transition": transition,
        "form": form,
        "offered": action in offered,
        "violations": violations,
        "warnings": warnings,
        "stale": stale,
        "section": "candidacies",
        "official_members": official_member_count(candidacy.organisation)
        if transition.action in (DossierAction.BRANCH_VOTE, DossierAction.RECOGNITION_VOTE)
        else None,
    }
    return render_page(request, "candidacies/action.html", context, status=status)


def _warning_text(warning: dict[str, str]) -> str:
    if warning.get("source"):
        return f"{warning['message']} ({warning['source']})"
    return warning["message"]


def _preselected_cell(request: HttpRequest) -> int | None:
    """The cell named in `?organisation=`: 404 outside the user's subtrees, 403 where they
    may not register."""
    raw = request.GET.get("organisation")
    if not raw:
        return None
    organisation = organisation_policy.get_visible(request.user, raw)
    organisation_policy.authorize(request.user, Action.CREATE, organisation)
    return organisation.pk


@require_http_methods(["GET", "POST"])
def candidacy_register_view(request: HttpRequest) -> HttpResponse:
    require_clerk_somewhere(request.user)
    if request.method == "POST":
        form = CandidacyRegisterForm(request.POST, actor=request.user)
    else:
        form = CandidacyRegisterForm(actor=request.user, cell_id=_preselected_cell(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            candidacy = candidacy_register(
                actor=request.user,
                organisation=data["organisation"],
                person_data=form.person_data(),
                helper=data["helper"],
                responsible_leader=data["responsible_leader"],
                source_channel=data["source_channel"],
                opened_on=data["opened_on"],
                movement=data["movement"],
                referring_body=data["referring_body"],
            )
        except ValidationError as exc:
            # The service ran in one transaction: nothing of this attempt was saved.
            add_service_errors(form, exc, {"person": None})
        else:
            messages.success(request, _("Đã đưa công dân vào nguồn phát triển đảng viên."))
            if candidacy.is_readmission:
                messages.info(
                    request, _("Người này từng là đảng viên: hồ sơ được ghi là kết nạp lại.")
                )
            return redirect(candidacy.person)
    return render_page(request, "candidacies/register.html", {"form": form, "section": "register"})


@require_safe
def candidacy_register_cell_fields_view(request: HttpRequest) -> HttpResponse:
    """The helper and residence selects for the chosen cell (htmx)."""
    require_clerk_somewhere(request.user)
    form = CandidacyRegisterForm(actor=request.user, cell_id=_preselected_cell(request))
    return render(request, "candidacies/_cell_fields.html", {"form": form})
