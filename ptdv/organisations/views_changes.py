"""Administrator pages of the tree changes: the history of an organisation (what it came
from, what became of it) and one form per change (ptdv/organisations/forms.py), calling the
services of ptdv/organisations/changes.py."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from ptdv.core.forms import add_service_errors
from ptdv.core.views import render_page
from ptdv.organisations.changes import (
    OrganisationEnded,
    StaleOrganisation,
    may_change,
    organisation_dissolve,
    organisation_merge,
    organisation_move,
    organisation_rename,
    organisation_split,
)
from ptdv.organisations.forms import FORMS, ChangeForm, MergeForm, SplitForm
from ptdv.organisations.models import Organisation, OrganisationChange
from ptdv.organisations.policies import organisation_policy
from ptdv.organisations.selectors import organisation_administrable, organisation_ancestors

TITLES = {
    "rename": _("Đổi tên"),
    "move": _("Chuyển trực thuộc"),
    "merge": _("Hợp nhất, sáp nhập"),
    "split": _("Chia tách"),
    "dissolve": _("Giải thể"),
}


@require_safe
def organisation_changes(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = organisation_policy.get_visible(request.user, pk)
    changes = (
        OrganisationChange.objects.filter(
            Q(predecessors=organisation) | Q(successors=organisation)
        )
        .distinct()
        .prefetch_related("predecessors", "successors")
        .order_by("-date", "-id")
    )
    context = {
        "organisation": organisation,
        "ancestors": list(organisation_ancestors(actor=request.user, organisation=organisation)),
        "changes": list(changes),
        "actions": TITLES,
        "may_change": may_change(request.user, organisation),
        "section": "organisations",
    }
    return render_page(request, "organisations/changes.html", context)


def _apply(request: HttpRequest, action: str, form: ChangeForm) -> OrganisationChange:
    data = form.cleaned_data
    organisation = form.organisation
    decision = form.decision()
    version = data.get("version")
    actor: Any = request.user
    if action == "rename":
        return organisation_rename(
            actor=actor, organisation=organisation, name=data["name"],
            abbreviation=data.get("abbreviation"), decision=decision, version=version,
        )
    if action == "move":
        return organisation_move(
            actor=actor, organisation=organisation, parent=data["parent"], decision=decision,
            version=version,
        )
    if action == "merge":
        assert isinstance(form, MergeForm)
        into = data.get("into")
        return organisation_merge(
            actor=actor,
            sources=[organisation, *[o for o in data.get("others") or [] if o != into]],
            into=into,
            new=form.new(),
            decision=decision,
            versions={organisation.pk: version} if version is not None else None,
        )
    if action == "split":
        assert isinstance(form, SplitForm)
        return organisation_split(
            actor=actor, organisation=organisation, parts=data["parts"],
            keep_source=bool(data.get("keep")), decision=decision, version=version,
        )
    return organisation_dissolve(
        actor=actor, organisation=organisation, successor=data.get("successor"),
        decision=decision, version=version,
    )


@require_http_methods(["GET", "POST"])
def organisation_change(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in FORMS:
        raise Http404
    organisation = organisation_policy.get_visible(request.user, pk)
    if not may_change(request.user, organisation):
        raise PermissionDenied
    form = FORMS[action](
        request.POST or None,
        organisation=organisation,
        choices=organisation_administrable(actor=request.user),
        initial={"version": organisation.version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            change = _apply(request, action, form)
        except StaleOrganisation as exc:
            form.add_error(None, str(exc))
        except (OrganisationEnded, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Đã ghi nhận: %(kind)s theo quyết định %(n)s.")
                % {"kind": change.get_kind_display(), "n": change.decision_number},
            )
            successor = change.successors.order_by("pk").first()
            return redirect("organisations:changes", pk=(successor or organisation).pk)
    context = {
        "organisation": organisation,
        "ancestors": list(organisation_ancestors(actor=request.user, organisation=organisation)),
        "form": form,
        "action": action,
        "title": TITLES[action],
        "section": "organisations",
    }
    return render_page(request, "organisations/change_form.html", context)
