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
from ptdv.people.services import REASON_FIELDS, person_update


class PersonAdminForm(forms.ModelForm[Person]):
    change_reason = forms.CharField(
        label=_("Lý do sửa"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Bắt buộc khi sửa họ, tên đệm, tên hoặc ngày sinh; được ghi vào nhật ký."),
    )

    class Meta:
        model = Person
        fields = (
            "family_name",
            "middle_name",
            "given_name",
            "birth_date",
            "gender",
            "ethnicity",
            "religion",
            "education",
            "occupation",
            "enterprise_type",
            "workplace",
            "residence_locality",
            "target_groups",
            "roles",
            "youth_union_member",
            "trade_union_member",
        )

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        if set(self.changed_data) & REASON_FIELDS and not (cleaned.get("change_reason") or ""):
            self.add_error(
                "change_reason", _("Lý do sửa: cần ghi lý do khi sửa họ tên hoặc ngày sinh.")
            )
        return cleaned


@admin.register(Person)
class PersonAdmin(PolicyAdmin):
    """People are created by registration (which looks up duplicates and encrypts the national
    ID), never here; the admin corrects their details. The national ID is shown masked only."""

    policy = person_policy
    form = PersonAdminForm
    audit_reads = True
    list_display = ("full_name", "birth_date", "gender", "organisation", "national_id_masked")
    list_filter = ("gender", "education", "occupation", "youth_union_member")
    list_select_related = ("organisation",)
    search_fields = ("search_text",)  # see get_search_results: accent-insensitive tokens
    search_help_text = _("Tìm theo họ tên, không cần gõ dấu.")
    ordering = ("sort_key", "id")
    exclude = ("national_id_encrypted", "national_id_hash", "search_text", "sort_key", "version")
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
        """A change goes through `person_update` (scope and role checked again under a row
        lock, names re-keyed, a reason for a change of identity, the audit entry with the
        values before and after, and the "person_changed" hook that refreshes what is derived
        from the person). The form asks for the reason first."""
        if not change:  # never offered (has_add_permission), kept for completeness
            super().save_model(request, obj, form, change)
            return
        self.authorize_save(request, obj)
        person_update(
            actor=request.user,
            person=obj.pk,
            changes=_form_changes(form, obj),
            reason=form.cleaned_data.get("change_reason") or "",
            summary="Sửa qua trang quản trị: " + audit_label(obj),
        )


def _form_changes(form: forms.ModelForm[Person], obj: Person) -> dict[str, object]:
    concrete = {f.name for f in Person._meta.concrete_fields}
    return {n: getattr(obj, n) for n in form.changed_data if n in concrete}
