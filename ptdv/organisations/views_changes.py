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
from ptdv.core.policies import role_rank_at
from ptdv.core.views import render_page
from ptdv.organisations.changes import (
    ADMIN_RANK,
    OrganisationEnded,
    StaleOrganisation,
    may_change,
    organisation_dissolve,
    organisation_merge,
    organisation_move,
    organisation_rename,
    organisation_split,
)
from ptdv.organisations.forms import (
    FORMS,
    LOCALITY_FORMS,
    ChangeForm,
    LocalityChangeForm,
    MergeForm,
    SplitForm,
)
from ptdv.organisations.locality_changes import (
    NewLocality,
    locality_merge,
    locality_move,
    locality_rename,
    locality_split,
    resolve_locality,
)
from ptdv.organisations.models import LocalityChange, OrganisationChange
from ptdv.organisations.policies import organisation_policy
from ptdv.organisations.selectors import (
    organisation_administrable,
    organisation_ancestors,
    organisation_localities,
)

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
        OrganisationChange.objects.filter(Q(predecessors=organisation) | Q(successors=organisation))
        .distinct()
        .prefetch_related("predecessors", "successors")
        .order_by("-date", "-id")
    )
    context = {
        "organisation": organisation,
        "ancestors": list(organisation_ancestors(actor=request.user, organisation=organisation)),
        "changes": list(changes),
        "localities": list(organisation_localities(actor=request.user, organisation=organisation)),
        "locality_changes": list(
            LocalityChange.objects.filter(organisation=organisation)
            .prefetch_related("successors")
            .order_by("-date", "-id")
        ),
        "locality_actions": LOCALITY_TITLES,
        "may_change_localities": organisation.is_active
        and role_rank_at(request.user, organisation.path) >= ADMIN_RANK,
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
            actor=actor,
            organisation=organisation,
            name=data["name"],
            abbreviation=data.get("abbreviation"),
            decision=decision,
            version=version,
        )
    if action == "move":
        return organisation_move(
            actor=actor,
            organisation=organisation,
            parent=data["parent"],
            decision=decision,
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
            actor=actor,
            organisation=organisation,
            parts=data["parts"],
            keep_source=bool(data.get("keep")),
            decision=decision,
            version=version,
        )
    return organisation_dissolve(
        actor=actor,
        organisation=organisation,
        successor=data.get("successor"),
        decision=decision,
        version=version,
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


# --- Localities -----------------------------------------------------------------------------

LOCALITY_TITLES = {
    "rename": _("Đổi tên thôn, tổ dân phố"),
    "move": _("Chuyển sang xã, phường khác"),
    "merge": _("Sáp nhập thôn, tổ dân phố"),
    "split": _("Chia tách thôn, tổ dân phố"),
}


def _locality_apply(request: HttpRequest, action: str, form: LocalityChangeForm) -> Any:
    data = form.cleaned_data
    decision = form.decision()
    actor: Any = request.user
    locality = form.locality
    if action == "rename":
        return locality_rename(actor=actor, locality=locality, name=data["name"], decision=decision)
    if action == "move":
        return locality_move(
            actor=actor, locality=locality, organisation=data["commune"], decision=decision
        )
    if action == "merge":
        into = data.get("into")
        return locality_merge(
            actor=actor,
            sources=[locality, *[o for o in data.get("others") or [] if o != into]],
            into=into,
            new=NewLocality(code=data["new_code"], name=data["new_name"])
            if data.get("new_code")
            else None,
            decision=decision,
        )
    return locality_split(actor=actor, locality=locality, parts=data["parts"], decision=decision)


@require_http_methods(["GET", "POST"])
def locality_change(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in LOCALITY_FORMS:
        raise Http404
    locality = resolve_locality(request.user, pk)
    commune = locality.organisation
    if role_rank_at(request.user, commune.path) < ADMIN_RANK:
        raise PermissionDenied
    form = LOCALITY_FORMS[action](
        request.POST or None,
        locality=locality,
        communes=organisation_administrable(actor=request.user),
    )
    if action == "move" and not form.fields["commune"].queryset.exists():  # type: ignore[attr-defined]
        raise PermissionDenied(_("Bạn không quản trị xã, phường nào khác để chuyển đến."))
    if request.method == "POST" and form.is_valid():
        try:
            change = _locality_apply(request, action, form)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Đã ghi nhận: %(kind)s theo quyết định %(n)s.")
                % {"kind": change.get_kind_display(), "n": change.decision_number},
            )
            return redirect("organisations:changes", pk=change.organisation_id)
    context = {
        "organisation": commune,
        "ancestors": list(organisation_ancestors(actor=request.user, organisation=commune)),
        "form": form,
        "action": action,
        "title": f"{LOCALITY_TITLES[action]}: {locality.name}",
        "section": "organisations",
    }
    return render_page(request, "organisations/change_form.html", context)
