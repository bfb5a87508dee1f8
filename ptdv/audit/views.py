"""The audit page for administrators: who saw or changed whom, when, through which door, in
the subtrees they administer; and its Excel export. Others get 403; a person, a user or an
organisation named in the filters and outside the reader's scope is a 404, like an absent
one. Reading the page (it names people) and exporting it are themselves audited."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from ptdv.audit.exports import audit_export
from ptdv.audit.forms import AuditFilterForm
from ptdv.audit.selectors import (
    ADMINISTRATOR_RANK,
    AuditFilters,
    audit_filter_organisation,
    audit_filter_person,
    audit_filter_user,
    audit_list,
    audit_organisations,
    audit_require_reader,
)
from ptdv.audit.services import audit_list_read
from ptdv.core.api import COUNT_CAP, CappedCountPaginator
from ptdv.core.policies import subtree_q
from ptdv.core.views import render_page
from ptdv.organisations.models import Organisation

PER_PAGE = 50
INDENT = "\u2003"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _organisation_options(request: HttpRequest) -> list[tuple[int, str]]:
    """The organisations the user administers at the top, and the ones directly below."""
    administered = Organisation.objects.filter(
        subtree_q(request.user, "path", min_rank=ADMINISTRATOR_RANK), valid_to__isnull=True
    )
    tops = list(administered.order_by("depth", "path")[:1])
    if not tops:
        return []
    top_depth = tops[0].depth
    rows = administered.filter(depth__lte=top_depth + 1).order_by("path")[:500]
    return [(o.pk, INDENT * (o.depth - top_depth) + o.name) for o in rows]


def _filters(request: HttpRequest, form: AuditFilterForm) -> AuditFilters:
    """The valid filters; invalid values are left out (their errors show on the form); an
    object outside the scope is a 404."""
    data: dict[str, Any] = {}
    if form.is_bound:
        form.is_valid()
        data = form.cleaned_data
    person = user = organisation = None
    if data.get("person"):
        person = audit_filter_person(request.user, data["person"])
        if person is None:
            raise Http404
    if data.get("user"):
        user = audit_filter_user(request.user, username=data["user"].strip())
        if user is None:
            raise Http404
    if data.get("organisation"):
        organisation = audit_filter_organisation(request.user, data["organisation"])
        if organisation is None:
            raise Http404
    return AuditFilters(
        person=person,
        user=user,
        organisation=organisation,
        action=data.get("action") or "",
        since=data.get("since"),
        until=data.get("until") if "until" not in form.errors else None,
    )


@never_cache
@require_safe
def audit_list_view(request: HttpRequest) -> HttpResponse:
    audit_require_reader(request.user)
    form = AuditFilterForm(request.GET or None, organisations=_organisation_options(request))
    filters = _filters(request, form)
    entries = audit_list(actor=request.user, filters=filters)
    paginator = CappedCountPaginator(entries, PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    rows = list(page.object_list)
    organisations = audit_organisations(rows)
    audit_list_read(
        actor=request.user,
        object_type="people.person",
        ids=sorted({row.person_id for row in rows if row.person_id}),
        count=paginator.count_or_cap,
        summary="Xem nhật ký truy cập",
        filters={**filters.as_audit_data(), "page": page.number},
        organisation=filters.organisation,
    )
    context = {
        "count_cap": COUNT_CAP,
        "form": form,
        "page": page,
        "rows": [(row, organisations.get(row.org_path)) for row in rows],
        "section": "audit",
    }
    return render_page(request, "audit/list.html", context)


@never_cache
@require_safe
def audit_export_view(request: HttpRequest) -> FileResponse:
    audit_require_reader(request.user)
    form = AuditFilterForm(request.GET or None, organisations=_organisation_options(request))
    export = audit_export(actor=request.user, filters=_filters(request, form))
    response = FileResponse(
        export.file, as_attachment=True, filename=export.filename, content_type=XLSX
    )
    response["X-Rows"] = str(export.rows)
    return response
