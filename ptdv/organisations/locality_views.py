"""The localities (villages, residential groups) of a subtree, named: how many members live
in each, the cell that covers it (its own or a shared one), the white ones (no resident
member) and those without a cell of their own highlighted, with a drill-down to the
resident members (the roster) and an Excel export. A locality holds no personal data: the
page is not audited, the roster it leads to is."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from ptdv.core.views import render_page
from ptdv.organisations.policies import organisation_policy
from ptdv.organisations.selectors import locality_list, organisation_ancestors

PER_PAGE = 100
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
    organisation = organisation_policy.get_visible(request.user, pk)
    flags = locality_flags(request.GET)
    localities = locality_list(actor=request.user, organisation=organisation, **flags)
    page = Paginator(localities, PER_PAGE).get_page(request.GET.get("page"))
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
