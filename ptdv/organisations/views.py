"""The organisation tree: drill down from the user's own organisations, counts from the stored
subtree counters (one query for all the children); the localities of a subtree, named."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_safe

from ptdv.core.policies import Action
from ptdv.core.views import render_page
from ptdv.organisations.models import CELL_KINDS, AreaFlag, Organisation
from ptdv.organisations.policies import organisation_policy
from ptdv.organisations.selectors import (
    locality_list,
    organisation_ancestors,
    organisation_children,
    organisation_roots,
)

# Up to this many localities are listed on the organisation page itself.
INLINE_LOCALITIES = 200


def area_flag_labels(organisation: Organisation) -> list[str]:
    labels = dict(AreaFlag.choices)
    return [str(labels.get(flag, flag)) for flag in organisation.area_flags or []]


@require_safe
def organisation_index(request: HttpRequest) -> HttpResponse:
    roots = list(organisation_roots(actor=request.user))
    if len(roots) == 1:
        return redirect(roots[0])
    return render_page(
        request, "organisations/index.html", {"roots": roots, "section": "organisations"}
    )


@require_safe
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = organisation_policy.get_visible(request.user, pk)
    context = {
        "organisation": organisation,
        "ancestors": list(organisation_ancestors(actor=request.user, organisation=organisation)),
        "children": list(organisation_children(actor=request.user, organisation=organisation)),
        # A commune's localities in full (a cell's: those it covers); a larger subtree's
        # through the locality list page (its counters are shown).
        "localities": list(locality_list(actor=request.user, organisation=organisation))
        if organisation.locality_count <= INLINE_LOCALITIES
        else None,
        "area_flags": area_flag_labels(organisation),
        "can_register_here": organisation.kind in CELL_KINDS
        and organisation.is_active
        and organisation_policy.can(request.user, Action.CREATE, organisation),
        "section": "organisations",
    }
    return render_page(request, "organisations/detail.html", context)


LOCALITIES_PER_PAGE = 100
# ?white= / ?without_cell=: "1" yes, "0" no, anything else: no filter.
FLAG_VALUES = {"1": True, "0": False}


def locality_flags(params: Any) -> dict[str, bool | None]:
    """The `white` and `without_cell` filters of a query string (page, export)."""
    return {
        "white": FLAG_VALUES.get(str(params.get("white", ""))),
        "without_cell": FLAG_VALUES.get(str(params.get("without_cell", ""))),
    }


@require_safe
def locality_list_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The localities of a subtree, named: how many members live in each, the cell that
    covers it (its own or a shared one), the white ones and those without a cell of their
    own highlighted, with a drill-down to the resident members (the roster) and an Excel
    export. A locality holds no personal data: the page is not audited, the roster it leads
    to is."""
    organisation = organisation_policy.get_visible(request.user, pk)
    flags = locality_flags(request.GET)
    localities = locality_list(actor=request.user, organisation=organisation, **flags)
    page = Paginator(localities, LOCALITIES_PER_PAGE).get_page(request.GET.get("page"))
    return render_page(
        request,
        "organisations/localities.html",
        {
            "organisation": organisation,
            "ancestors": list(
                organisation_ancestors(actor=request.user, organisation=organisation)
            ),
            "page": page,
            "flags": flags,
            "section": "organisations",
        },
    )
