"""The person page's "Sửa thông tin" (the page itself lives in ptdv.documents.person_views,
the highest layer it reads; its URLs in ptdv.documents.person_urls)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from ptdv.audit.services import audit_record
from ptdv.core.forms import add_service_errors
from ptdv.core.views import render_page
from ptdv.people.forms import PersonEditForm
from ptdv.people.services import StalePerson, person_for_change, person_update


@never_cache
@require_http_methods(["GET", "POST"])
def person_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Outside the user's subtree 404, a viewer 403; the form shows the person's details, so
    showing it is audited like the person page."""
    person = person_for_change(actor=request.user, pk=pk)
    form = PersonEditForm(
        request.POST if request.method == "POST" else None, person=person, actor=request.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            person_update(
                actor=request.user,
                person=person.pk,
                changes=form.changes(),
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data["version"],
            )
        except StalePerson as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu thông tin công dân."))
            return redirect(person.get_absolute_url())
    audit_record(
        actor=request.user,
        action="view",
        obj=person,
        person=person,
        summary="Xem hồ sơ công dân (trang sửa thông tin)",
    )
    return render_page(
        request, "people/edit.html", {"form": form, "person": person, "section": "candidacies"}
    )
