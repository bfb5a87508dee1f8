from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ptdv.audit.policy_admin import PolicyAdmin
from ptdv.core.policies import Action
from ptdv.organisations.competence import DecisionRef, competence_check, competence_record
from ptdv.organisations.models import Competence, Locality, Organisation
from ptdv.organisations.policies import (
    competence_policy,
    locality_policy,
    organisation_policy,
)
from ptdv.organisations.services import locality_delete, locality_save, organisation_create

# The tree's shape (parent, path, depth) and the subtree counters belong to the services.
_TREE_FIELDS = ("path", "depth", "child_seq", "member_count", "candidate_count")


@admin.register(Organisation)
class OrganisationAdmin(PolicyAdmin):
    policy = organisation_policy
    list_display = ("name", "code", "kind", "parent", "member_count", "candidate_count", "active")
    list_filter = ("kind", "sector", "authorised_to_admit")
    search_fields = ("name", "code")
    list_select_related = ("parent",)
    ordering = ("path",)
    fields = (
        "code",
        "name",
        "abbreviation",
        "kind",
        "sector",
        "area_flags",
        "admin_unit_code",
        "parent",
        "authorised_to_admit",
        "valid_from",
        "valid_to",
        *_TREE_FIELDS,
    )

    @admin.display(description=_("đang hoạt động"), boolean=True)
    def active(self, obj: Organisation) -> bool:
        return obj.is_active

    def get_readonly_fields(self, request: HttpRequest, obj: Organisation | None = None) -> Any:
        # Moving a node would rewrite the paths of its whole subtree: not through the admin.
        # An authorisation given later is dated: it is recorded as a competence (below), so
        # the dossiers decided before it keep their decider.
        if obj is not None:
            return (*_TREE_FIELDS, "parent", "authorised_to_admit")
        return _TREE_FIELDS

    def get_fields(self, request: HttpRequest, obj: Organisation | None = None) -> Any:
        if obj is None:
            return [f for f in self.fields if f not in (*_TREE_FIELDS, "valid_to")]
        return self.fields

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None and "parent" in form.base_fields:
            # A root is created once, at installation; here a new node always has a parent.
            form.base_fields["parent"].required = True
        return form

    def authorize_save(self, request: HttpRequest, obj: Organisation) -> None:
        if obj.pk is None:
            parent = obj.parent
            if parent is None or not organisation_policy.can(
                request.user, Action.ADMINISTER, parent
            ):
                raise PermissionDenied
            return
        super().authorize_save(request, obj)

    def save_model(
        self,
        request: HttpRequest,
        obj: Organisation,
        form: forms.ModelForm[Organisation],
        change: bool,
    ) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        self.authorize_save(request, obj)
        # The path is assigned by the service (and it writes the audit entry).
        created = organisation_create(
            parent=obj.parent,
            code=obj.code,
            name=obj.name,
            kind=obj.kind,
            sector=obj.sector,
            area_flags=list(obj.area_flags or []),
            admin_unit_code=obj.admin_unit_code,
            abbreviation=obj.abbreviation,
            authorised_to_admit=obj.authorised_to_admit,
            valid_from=obj.valid_from,
            actor=request.user,
        )
        obj.pk = created.pk
        obj.path = created.path
        obj.depth = created.depth
        obj.area_flags = created.area_flags
        obj._state.adding = False
        obj._state.db = created._state.db


@admin.register(Locality)
class LocalityAdmin(PolicyAdmin):
    policy = locality_policy
    list_display = ("name", "code", "kind", "organisation", "cell", "cell_is_shared")
    list_filter = ("kind", "cell_is_shared")
    search_fields = ("name", "code")
    list_select_related = ("organisation", "cell")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Through the service, which moves the locality counters of the tree above."""
        self.authorize_save(request, obj)
        if change:
            names = self.fields_to_save(obj, form)
            if names:
                locality_save(obj, update_fields=names)
        else:
            locality_save(obj)
        self.audit_save(request, obj, form, change)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self._audit_delete(request, obj)
        locality_delete(obj)


class CompetenceForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Competence
        fields = (
            "subject",
            "decider",
            "basis",
            "valid_from",
            "decision_number",
            "decision_date",
            "issuing_body",
            "note",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "valid_from" in self.fields:
            self.fields["valid_from"].required = True

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        subject, decider = data.get("subject"), data.get("decider")
        if self.instance.pk is None and subject is not None and decider is not None:
            decision = DecisionRef(
                data.get("decision_number") or "",
                data.get("decision_date"),
                data.get("issuing_body") or "",
            )
            try:
                competence_check(
                    subject, decider, data.get("basis") or "", data.get("valid_from"), decision
                )
            except ValidationError as exc:
                raise ValidationError(exc.message_dict) from None
        return data


@admin.register(Competence)
class CompetenceAdmin(PolicyAdmin):
    """Who decides admission for which organisations, from when: recorded by the committee
    above the deciding body (an authorisation to admit, a reform, a tree change), never
    edited afterwards — a later record ends the one in force the day before it starts."""

    policy = competence_policy
    form = CompetenceForm
    list_display = ("subject", "decider", "basis", "valid_from", "valid_to", "decision_number")
    list_filter = ("basis",)
    search_fields = ("subject__name", "decider__name", "decision_number")
    list_select_related = ("subject", "decider")
    ordering = ("subject__path", "valid_from")
    fields = (
        "subject",
        "decider",
        "basis",
        "valid_from",
        "valid_to",
        "decision_number",
        "decision_date",
        "issuing_body",
        "note",
    )

    def get_fields(self, request: HttpRequest, obj: Competence | None = None) -> Any:
        if obj is None:
            return [f for f in self.fields if f != "valid_to"]
        return self.fields

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False if obj is not None else super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Competence, form: Any, change: bool) -> None:
        if change:
            raise PermissionDenied
        if obj.valid_from is None:
            raise PermissionDenied
        created = competence_record(
            actor=request.user,
            subject=obj.subject,
            decider=obj.decider,
            basis=obj.basis,
            valid_from=obj.valid_from,
            decision=DecisionRef(obj.decision_number, obj.decision_date, obj.issuing_body),
            note=obj.note,
        )
        obj.pk = created.pk
        obj._state.adding = False
        obj._state.db = created._state.db
