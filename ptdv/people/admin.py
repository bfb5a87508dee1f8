from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ptdv.audit.policy_admin import PolicyAdmin, audit_label
from ptdv.core.search import person_search_filter
from ptdv.people.crypto import national_id_decrypt, national_id_mask
from ptdv.people.models import Person
from ptdv.people.policies import person_policy
from ptdv.people.services import PersonSnapshot, person_update


@admin.register(Person)
class PersonAdmin(PolicyAdmin):
    """People are created by registration (which looks up duplicates and encrypts the national
    ID), never here; the admin corrects their details. The national ID is shown masked only."""

    policy = person_policy
    audit_reads = True
    list_display = ("full_name", "birth_date", "gender", "organisation", "national_id_masked")
    list_filter = ("gender", "education", "occupation", "youth_union_member")
    list_select_related = ("organisation",)
    search_fields = ("search_text",)  # see get_search_results: accent-insensitive tokens
    search_help_text = _("Tìm theo họ tên, không cần gõ dấu.")
    ordering = ("sort_key", "id")
    exclude = ("national_id_encrypted", "national_id_hash", "search_text", "sort_key")
    readonly_fields = ("national_id_masked", "organisation", "created_at", "updated_at")

    @admin.display(description=_("số định danh (CCCD)"))
    def national_id_masked(self, obj: Person) -> str:
        return national_id_mask(national_id_decrypt(obj.national_id_encrypted))

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Person], search_term: str
    ) -> tuple[QuerySet[Person], bool]:
        if not search_term.strip():
            return queryset, False
        return person_search_filter(queryset, search_term), False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Person | None = None) -> bool:
        # The audit trail and the candidacy history refer to the person.
        return False

    def save_model(
        self, request: HttpRequest, obj: Person, form: forms.ModelForm[Person], change: bool
    ) -> None:
        """A change goes through `person_update` (names re-keyed, audit entry, and the
        "person_changed" hook that refreshes what is derived from the person)."""
        if not change:  # never offered (has_add_permission), kept for completeness
            super().save_model(request, obj, form, change)
            return
        self.authorize_save(request, obj)
        initial = form.initial
        before = PersonSnapshot(
            family_name=initial.get("family_name", obj.family_name),
            middle_name=initial.get("middle_name", obj.middle_name),
            given_name=initial.get("given_name", obj.given_name),
            residence_locality_id=initial.get("residence_locality", obj.residence_locality_id),
            organisation_id=obj.organisation_id,
        )
        concrete = {f.name for f in Person._meta.concrete_fields}
        person_update(
            person=obj,
            changes={n: getattr(obj, n) for n in form.changed_data if n in concrete},
            actor=request.user,
            before=before,
            summary="Sửa qua trang quản trị: " + audit_label(obj),
            audit_data={"fields": sorted(form.changed_data)},
        )
