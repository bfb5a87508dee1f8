"""The bulk pages: from the candidate list's selection (ticked boxes, or every dossier matching
the filters) to the action's form, then the result — who passed, who was refused and why —
and the selection's Excel export.

The selection travels as the list's own parameters: `ids` (repeated) for ticked boxes, or
`all=1` with the list's filters (`organisation`, `stage`, `status`, `target_group`, `sector`,
`area_flag`, `due`, `q`).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe
from rest_framework import serializers

from ptdv.candidacies.actions import field_help, field_label, spec_for
from ptdv.candidacies.policies import require_clerk_somewhere
from ptdv.core.forms import StyledFormMixin, VietnameseDateField
from ptdv.core.policies import Actor, user_scopes
from ptdv.core.views import render_page
from ptdv.core.work import BulkAction, bulk_actions
from ptdv.members.models import PartyMembership
from ptdv.people.models import Person
from ptdv.work.bulk import (
    MAX_DOSSIERS,
    bulk_cells,
    bulk_export,
    bulk_found,
    bulk_helper_choices,
    bulk_leader_choices,
    bulk_list_filters,
    bulk_run,
    bulk_selection,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILTER_KEYS = ("organisation", "stage", "status", "target_group", "sector", "area_flag", "due", "q")


# ModelChoiceField is generic only in the type stubs, not at run time.
if TYPE_CHECKING:
    _MembershipChoice = forms.ModelChoiceField[PartyMembership]
    _PersonChoice = forms.ModelChoiceField[Person]
else:
    _MembershipChoice = forms.ModelChoiceField
    _PersonChoice = forms.ModelChoiceField


class _HelperChoice(_MembershipChoice):
    def label_from_instance(self, obj: PartyMembership) -> str:
        return f"{obj.person.full_name} — {obj.organisation.name}"


class _LeaderChoice(_PersonChoice):
    def label_from_instance(self, obj: Person) -> str:
        return obj.full_name


class BulkFactsForm(StyledFormMixin, forms.Form):
    """The facts of a bulk action, the fields its `BulkAction.fields` names: typed from the
    dossier action's facts serializer where it is one (dates as dd/mm/yyyy), a helper or a
    responsible leader chosen among the official members of the selection's cells."""

    def __init__(
        self, *args: Any, action: BulkAction, actor: Actor, cell_ids: list[int], **kwargs: Any
    ) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("date", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.action = action
        spec = spec_for(action.name)
        declared = dict(spec.facts().fields) if spec is not None else {}
        for name in action.fields:
            self.fields[name] = self._field(name, declared.get(name), actor, cell_ids)
        self.style_fields()

    def _field(self, name: str, declared: Any, actor: Actor, cell_ids: list[int]) -> forms.Field:
        label = field_label(self.action.name, name)
        help_text = field_help(self.action.name, name)
        if name == "helper":
            return _HelperChoice(
                queryset=bulk_helper_choices(actor=actor, cell_ids=cell_ids),
                label=label,
                required=False,
                empty_label=_("— Giữ nguyên —"),
                help_text=_(
                    "Đảng viên chính thức của chi bộ; hồ sơ thuộc chi bộ khác sẽ bị từ chối."
                ),
            )
        if name == "responsible_leader":
            return _LeaderChoice(
                queryset=bulk_leader_choices(actor=actor, cell_ids=cell_ids),
                label=label,
                required=False,
                empty_label=_("— Giữ nguyên —"),
                help_text=help_text,
            )
        required = bool(getattr(declared, "required", False))
        if isinstance(declared, serializers.DateField) or name == "date" or name.endswith("_date"):
            return VietnameseDateField(label=label, required=required, help_text=help_text)
        max_length = getattr(declared, "max_length", None)
        widget = forms.Textarea(attrs={"rows": 2}) if (max_length or 0) > 255 else forms.TextInput
        return forms.CharField(
            label=label,
            required=required,
            max_length=max_length,
            help_text=help_text,
            widget=widget,
        )

    def facts(self) -> dict[str, Any]:
        """The facts as the action takes them: dates in ISO, chosen objects by id, blanks
        left out (the action's default applies; a blank helper keeps the dossier's)."""
        facts: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            if value is None or value == "":
                continue
            if isinstance(value, dt.date):
                value = value.isoformat()
            elif isinstance(value, models.Model):
                value = value.pk
            facts[name] = value
        return facts


def _ids(params: QueryDict) -> list[int]:
    found = []
    for raw in params.getlist("ids"):
        try:
            value = int(raw)
        except (TypeError, ValueError):
            continue
        if 0 < value < 2**63:
            found.append(value)
    return found


def _selection(
    request: HttpRequest, params: QueryDict
) -> tuple[list[int], dict[str, Any] | None, list[tuple[str, str]]]:
    """(ids, filters or None, the parameters that carry the selection to the next page)."""
    if params.get("all") == "1":
        filters = bulk_list_filters(actor=request.user, params=params)
        carried = [("all", "1"), *_filter_params(params)]
        return bulk_selection(actor=request.user, filters=filters), filters, carried
    ids = _ids(params)[:MAX_DOSSIERS]
    return ids, None, [("ids", str(pk)) for pk in ids]


def _filter_params(params: QueryDict) -> list[tuple[str, str]]:
    return [(key, str(params.get(key))) for key in FILTER_KEYS if params.get(key)]


def _back_to_list(params: QueryDict) -> str:
    query = urlencode(_filter_params(params))
    return reverse("candidacies:list") + (f"?{query}" if query else "")


@never_cache
@require_http_methods(["GET", "POST"])
def bulk_view(request: HttpRequest) -> HttpResponse:
    """GET: the chosen action's form for the selection; POST: apply it, then the result."""
    require_clerk_somewhere(request.user)
    params = request.POST if request.method == "POST" else request.GET
    actions = bulk_actions()
    action = actions.get(params.get("action", ""))
    context: dict[str, Any] = {
        "section": "candidacies",
        "actions": sorted(actions.values(), key=lambda a: a.label),
        "action": action,
        "back": _back_to_list(params),
        "max": MAX_DOSSIERS,
        "found": None,
    }
    try:
        ids, filters, carried = _selection(request, params)
    except ValidationError as exc:
        return render_page(
            request, "work/bulk_form.html", {**context, "problem": " ".join(exc.messages)}
        )
    context.update(count=len(ids), carried=carried, everything=filters is not None)
    if action is None or not ids:
        return render_page(request, "work/bulk_form.html", context)
    found = bulk_found(actor=request.user, ids=ids, filters=filters)
    cell_ids = bulk_cells(found.values())
    context["found"] = len(found)
    if request.method == "GET":
        form = BulkFactsForm(action=action, actor=request.user, cell_ids=cell_ids)
        return render_page(request, "work/bulk_form.html", {**context, "form": form})
    form = BulkFactsForm(params, action=action, actor=request.user, cell_ids=cell_ids)
    if not form.is_valid():
        return render_page(request, "work/bulk_form.html", {**context, "form": form})
    try:
        result = bulk_run(
            actor=request.user,
            action=action.name,
            ids=ids,
            facts=form.facts(),
            today=timezone.localdate(),
            filters=filters,
        )
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            name = key.removeprefix("facts.")
            form.add_error(name if name in form.fields else None, messages)
        return render_page(request, "work/bulk_form.html", {**context, "form": form}, status=422)
    return render_page(request, "work/bulk_result.html", {**context, "result": result})


@never_cache
@require_safe
def bulk_export_view(request: HttpRequest) -> HttpResponseBase:
    """The ticked dossiers as Excel; every dossier matching the filters (`all=1`) is the
    list's own export, with the same filters."""
    if not user_scopes(request.user):
        raise PermissionDenied
    params = request.GET
    if params.get("all") == "1":
        query = urlencode(_filter_params(params))
        return redirect(reverse("exchange:export", args=["candidacies"]) + f"?{query}")
    export = bulk_export(actor=request.user, ids=_ids(params)[:MAX_DOSSIERS])
    response = FileResponse(
        export.file, as_attachment=True, filename=export.filename, content_type=XLSX
    )
    response["X-Rows"] = str(export.rows)
    return response
