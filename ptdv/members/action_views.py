"""The web forms of the membership actions: `/members/<id>/actions/<action>/`.

A GET shows the form (audited as a view of the person), a POST takes the action through
`membership_act`. 404 outside the user's subtree (or an unknown action), 403 when the role may
not take it. A refusal re-renders the form with the messages next to their fields (422), or
says that someone changed the member meanwhile or that the member's state does not allow it
(409); nothing is saved then. The member page (built with the roster) lists the actions with
`{% load member_actions %}{% member_actions membership %}`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from ptdv.audit.services import audit_record
from ptdv.core.forms import StyledFormMixin, VietnameseDateField, add_service_errors
from ptdv.core.policies import REQUIRED_ROLE, Action, Actor, subtree_q
from ptdv.core.roles import ROLE_RANK
from ptdv.core.views import render_page
from ptdv.members.actions import (
    EXPULSION_REASONS,
    MembershipSpec,
    StaleVersion,
    WrongState,
    membership_act,
    spec_for,
    state_refusal,
)
from ptdv.members.models import MembershipAction, PartyMembership, RemovalGrounds
from ptdv.members.policies import membership_policy
from ptdv.organisations.models import CELL_KINDS, Organisation

app_name = "member_actions"


def member_url(membership: PartyMembership) -> str:
    """The member page (the roster's), or the person page until it exists."""
    try:
        return reverse("members:detail", args=[membership.pk])
    except NoReverseMatch:
        return membership.person.get_absolute_url()


def cell_choices(actor: Actor | None, action: Action, exclude: int) -> QuerySet[Organisation]:
    """Active cells where the user holds the role `action` needs."""
    return (
        Organisation.objects.filter(kind__in=CELL_KINDS, valid_to__isnull=True)
        .filter(subtree_q(actor, "path", min_rank=ROLE_RANK[REQUIRED_ROLE[action]]))
        .exclude(pk=exclude)
        .order_by("path")
    )


class CellField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Organisation) -> str:
        return obj.name


class MembershipActionForm(StyledFormMixin, forms.Form):
    """The facts of one action, its date and document; `payload()` gives `membership_act`
    its body (which validates everything once more)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    date = VietnameseDateField(label=gettext_lazy("Ngày có hiệu lực"), required=True)

    def __init__(
        self, *args: Any, spec: MembershipSpec, membership: PartyMembership, actor: Any, **kw: Any
    ) -> None:
        kw.setdefault("initial", {})
        kw["initial"].setdefault("version", membership.version)
        kw["initial"].setdefault("date", timezone.localdate())
        super().__init__(*args, **kw)
        self.spec = spec
        action = spec.action
        if action == MembershipAction.TRANSFER:
            self.fields["organisation"] = CellField(
                queryset=cell_choices(actor, spec.permission, membership.organisation_id),
                label=_("Chi bộ chuyển đến"),
                empty_label=_("— Chọn chi bộ —"),
            )
        if action == MembershipAction.ATTACH:
            self.fields["organisation"] = CellField(
                queryset=cell_choices(actor, Action.VIEW, membership.organisation_id),
                label=_("Chi bộ sinh hoạt tạm thời"),
                required=False,
                empty_label=_("— Ngoài hệ thống (ghi nơi sinh hoạt bên dưới) —"),
            )
            self.fields["place"] = forms.CharField(
                label=_("Nơi sinh hoạt tạm thời (nếu ngoài hệ thống)"),
                max_length=255,
                required=False,
            )
        if action == MembershipAction.REMOVE:
            self.fields["grounds"] = forms.ChoiceField(
                label=_("Căn cứ xóa tên"), choices=[("", "—"), *RemovalGrounds.choices]
            )
        if action == MembershipAction.EXPEL:
            self.fields["exit_reason"] = forms.ChoiceField(
                label=_("Lý do khai trừ"),
                choices=[(r.value, r.label) for r in EXPULSION_REASONS],
            )
        if action == MembershipAction.TRANSFER_OUT:
            self.fields["destination"] = forms.CharField(
                label=_("Nơi chuyển đến (tỉnh, thành phố, khối)"), max_length=255
            )
        if "reason" in spec.facts().fields:
            required = spec.facts().fields["reason"].required
            self.fields["reason"] = forms.CharField(
                label=_("Lý do"), widget=forms.Textarea(attrs={"rows": 3}), required=required
            )
        self.fields["document_number"] = forms.CharField(
            label=_("Số, ký hiệu văn bản"), max_length=60, required=False
        )
        self.fields["document_date"] = VietnameseDateField(label=_("Ngày văn bản"), required=False)
        self.fields["issuing_body"] = forms.CharField(
            label=_("Cơ quan ban hành"), max_length=255, required=False
        )
        self.fields["signer"] = forms.CharField(label=_("Người ký"), max_length=150, required=False)
        self.style_fields()

    DOCUMENT = {
        "document_number": "number",
        "document_date": "date",
        "issuing_body": "issuing_body",
        "signer": "signer",
    }

    def facts_fields(self) -> list[forms.BoundField]:
        return [self[n] for n in self.fields if n != "version" and n not in self.DOCUMENT]

    def document_fields(self) -> list[forms.BoundField]:
        return [self[n] for n in self.DOCUMENT]

    def payload(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        document: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            if name == "version":
                continue
            if isinstance(value, dt.date):
                value = value.isoformat()
            if isinstance(value, Organisation):
                value = value.pk
            if name in self.DOCUMENT:
                document[self.DOCUMENT[name]] = value
            elif value not in (None, ""):
                data[name] = value
        data["document"] = document
        return data


# The service's error keys → the form's fields.
ALIASES: dict[str, str | None] = {
    "document.number": "document_number",
    "document.date": "document_date",
    "document.issuing_body": "issuing_body",
    "document.signer": "signer",
    "action": None,
}


@never_cache
@require_http_methods(["GET", "POST"])
def membership_action_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    spec = spec_for(action)
    if spec is None:
        raise Http404
    membership = membership_policy.get_visible(
        request.user,
        pk,
        PartyMembership.objects.select_related("person", "organisation", "candidacy"),
    )
    membership_policy.authorize(request.user, spec.permission, membership)
    status = 200
    stale = False
    refusal = state_refusal(spec, membership)
    if request.method == "POST":
        form = MembershipActionForm(
            request.POST, spec=spec, membership=membership, actor=request.user
        )
        if form.is_valid():
            try:
                membership_act(
                    actor=request.user,
                    membership_id=membership.pk,
                    action=action,
                    data=form.payload(),
                    version=int(form.cleaned_data["version"]),
                )
            except StaleVersion:
                stale, status = True, 409
            except WrongState as exc:
                refusal, status = exc.messages[0], 409
            except ValidationError as exc:
                add_service_errors(form, exc, ALIASES)
                status = 422
            else:
                messages.success(request, _("Đã ghi nhận: %(label)s.") % {"label": spec.label})
                return redirect(member_url(membership))
        else:
            status = 422
    else:
        form = MembershipActionForm(spec=spec, membership=membership, actor=request.user)
        audit_record(
            actor=request.user,
            action="view",
            obj=membership,
            person=membership.person,
            summary="Mở biểu mẫu thao tác đối với đảng viên",
            data={"action": action},
        )
    context = {
        "membership": membership,
        "person": membership.person,
        "spec": spec,
        "form": form,
        "refusal": refusal,
        "stale": stale,
        "member_url": member_url(membership),
        "section": "members",
    }
    return render_page(request, "members/action_form.html", context, status=status)


urlpatterns: list[URLPattern] = [
    path("<int:pk>/actions/<slug:action>/", membership_action_view, name="action"),
]
