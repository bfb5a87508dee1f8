"""The member roster of a subtree (filters re-rendered by htmx, breakdowns on request) and a
member's page with the whole history of the membership. Every view of either is written to
the audit trail (Decree 13/2023/NĐ-CP), as the person page and the candidate list are."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from ptdv.audit.services import audit_list_read, audit_record
from ptdv.core.api import SourceCountPaginator
from ptdv.core.views import render_page
from ptdv.members.policies import membership_policy
from ptdv.members.roster import MemberFilterForm, member_filters_from_query
from ptdv.members.selectors import (
    member_breakdown,
    member_detail_queryset,
    member_history,
    member_list,
)
from ptdv.organisations.models import Organisation
from ptdv.organisations.selectors import (
    organisation_ancestors,
    organisation_children,
    organisation_roots,
)

PER_PAGE = 50
INDENT = "\u2003"


def _is_htmx(request: HttpRequest) -> bool:
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def _organisation_options(
    request: HttpRequest, organisation: Organisation | None, roots: list[Organisation]
) -> list[tuple[Any, str]]:
    """The subtree choices around the current one: other roots, ancestors, it, its children."""
    if organisation is None:
        return [("", "Mọi tổ chức trong phạm vi"), *((root.pk, root.name) for root in roots)]
    ancestors = list(organisation_ancestors(actor=request.user, organisation=organisation))
    children = organisation_children(actor=request.user, organisation=organisation)
    chain = [*ancestors, organisation]
    options = [(root.pk, root.name) for root in roots if root.pk not in {o.pk for o in chain}]
    options += [(node.pk, INDENT * level + node.name) for level, node in enumerate(chain)]
    options += [(child.pk, INDENT * len(chain) + child.name) for child in children]
    return options


@never_cache
@require_safe
def member_list_view(request: HttpRequest) -> HttpResponse:
    """The roster: 404 for an organisation or a locality outside the user's scope."""
    roots = list(organisation_roots(actor=request.user))
    default = roots[0] if len(roots) == 1 else None
    filters = member_filters_from_query(request.user, request.GET, organisation=default)
    data = request.GET.copy()
    if filters.organisation is not None and not data.get("organisation"):
        data["organisation"] = str(filters.organisation.pk)
    form = MemberFilterForm(data)
    form.values()
    form.fields["organisation"].widget.choices = _organisation_options(
        request, filters.organisation, roots
    )
    members = member_list(actor=request.user, filters=filters, today=timezone.localdate())
    page = SourceCountPaginator(members, PER_PAGE).get_page(request.GET.get("page"))
    audit_list_read(
        actor=request.user,
        object_type="members.partymembership",
        ids=[m.pk for m in page.object_list],
        person_ids=[m.person_id for m in page.object_list],
        count=page.paginator.count,
        summary="Xem danh sách đảng viên",
        filters={**filters.as_audit(), "page": page.number},
        organisation=filters.organisation,
    )
    context = {
        "form": form,
        "page": page,
        "filters": filters,
        "organisation": filters.organisation,
        "breakdown": member_breakdown(members) if request.GET.get("breakdown") == "1" else None,
        "section": "members",
    }
    if _is_htmx(request):
        response = render(request, "members/_results.html", {**context, "oob": True})
    else:
        response = render_page(request, "members/list.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@never_cache
@require_safe
def member_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A member's page: the membership, the person, and the whole history of the membership
    (admission, recognition, transfers, attachments, exemptions, exit)."""
    membership = membership_policy.get_visible(request.user, pk, member_detail_queryset())
    audit_record(
        actor=request.user,
        action="view",
        obj=membership,
        person=membership.person,
        summary="Xem hồ sơ đảng viên",
    )
    context = {
        "membership": membership,
        "person": membership.person,
        "history": member_history(membership=membership),
        "ancestors": list(
            organisation_ancestors(actor=request.user, organisation=membership.organisation)
        ),
        "section": "members",
    }
    return render_page(request, "members/detail.html", context)
