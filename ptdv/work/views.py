"""The home page, "Việc của tôi": the user's work (every registered source, sorted by due
date, filtered by kind and due, paginated) above the organisations they are assigned to
with their counters (what the home page showed before)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from ptdv.audit.services import audit_list_read
from ptdv.candidacies.models import Candidacy
from ptdv.core.policies import Actor
from ptdv.core.views import render_page
from ptdv.core.work import WorkItem
from ptdv.organisations.selectors import organisation_roots
from ptdv.work.forms import WorkFilterForm
from ptdv.work.selectors import DUE_FILTERS, work_counts, work_filter, work_kinds, work_list

PER_PAGE = 50


def audit_work_page(actor: Actor, items: list[WorkItem], count: int) -> None:
    """A page of work names candidates: it is read like a page of the candidate list."""
    parts = [i.object_key.split(":") for i in items]
    ids = [int(p[1]) for p in parts if len(p) > 1 and p[0] == "candidacy" and p[1].isdigit()]
    if not ids:
        return
    people = Candidacy.objects.filter(pk__in=ids).values_list("person_id", flat=True)
    audit_list_read(
        actor=actor,
        object_type="candidacies.candidacy",
        ids=ids,
        person_ids=list(people),
        count=count,
        summary="Xem việc của tôi",
    )


@never_cache
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = WorkFilterForm(request.GET or None)
    filters = form.filters() if request.GET else {"kind": "", "due": ""}
    everything = work_list(actor=request.user, today=today)
    items = work_filter(everything, today=today, **filters)
    page = Paginator(items, PER_PAGE).get_page(request.GET.get("page"))
    audit_work_page(request.user, list(page.object_list), len(items))
    kinds = work_kinds()
    context = {
        "form": form,
        "page": page,
        "today": today,
        "kinds": kinds,
        "counts": work_counts(everything, today),
        "due_labels": DUE_FILTERS,
        "total": len(everything),
        "filtered": any(filters.values()),
        "roots": list(organisation_roots(actor=request.user)),
        "section": "home",
    }
    return render_page(request, "work/home.html", context)
