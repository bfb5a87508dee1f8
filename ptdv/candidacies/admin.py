from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import F, QuerySet
from django.http import HttpRequest

from ptdv.audit.policy_admin import PolicyAdmin
from ptdv.candidacies.models import Candidacy
from ptdv.candidacies.policies import candidacy_policy
from ptdv.candidacies.search import candidacy_name_filter
from ptdv.candidacies.tallies import tallies_yield_changed, yield_state
from ptdv.movements.services import candidacy_source_resolve


@admin.register(Candidacy)
class CandidacyAdmin(PolicyAdmin):
    """Candidacies are registered and moved between stages only by the services (which check
    the rules, keep the counters and write the events); the admin shows them and corrects the
    source channel and the person responsible."""

    policy = candidacy_policy
    audit_reads = True
    list_display = ("person", "organisation", "stage", "is_open", "is_readmission", "opened_on")
    list_filter = ("stage", "is_open", "is_readmission", "source_channel")
    list_select_related = ("person", "organisation")
    search_fields = ("search_entry__search_text",)
    ordering = ("search_entry__sort_key", "id")
    autocomplete_fields = ("responsible_leader",)
    fields = (
        "person",
        "organisation",
        "stage",
        "is_open",
        "closed_reason",
        "is_readmission",
        "helper",
        "responsible_leader",
        "source_channel",
        "movement",
        "referring_body",
        "opened_on",
        "stage_changed_on",
        "closed_on",
        "version",
    )
    readonly_fields = tuple(
        f
        for f in fields
        if f not in ("responsible_leader", "source_channel", "movement", "referring_body")
    )

    def get_form(
        self,
        request: HttpRequest,
        obj: Candidacy | None = None,
        change: bool = False,
        **kwargs: Any,
    ) -> Any:
        form_class = super().get_form(request, obj, change, **kwargs)
        actor = request.user

        class SourceCheckedForm(form_class):  # type: ignore[misc, valid-type]
            """The movement and the referring body are resolved again through the user's
            scope, checked against the dossier's cell and the channel (ptdv.movements)."""

            def clean(self) -> dict[str, Any]:
                cleaned: dict[str, Any] = super().clean()
                if self.instance.pk is None or not {
                    "source_channel",
                    "movement",
                    "referring_body",
                } <= set(cleaned):
                    return cleaned
                try:
                    source = candidacy_source_resolve(
                        actor=actor,
                        cell=self.instance.organisation,
                        channel=cleaned["source_channel"],
                        movement=cleaned["movement"],
                        referring_body=cleaned["referring_body"],
                    )
                except ValidationError as exc:
                    for field, errors in exc.message_dict.items():
                        self.add_error(field if field in self.fields else None, errors)
                    return cleaned
                cleaned["source_channel"] = source.channel
                return cleaned

        return form_class if obj is None else SourceCheckedForm

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Candidacy], search_term: str
    ) -> tuple[QuerySet[Candidacy], bool]:
        if not search_term.strip():
            return queryset, False
        return candidacy_name_filter(queryset, search_term, prefix="search_entry__"), False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Candidacy | None = None) -> bool:
        return False

    def fields_to_save(self, obj: Candidacy, form: forms.ModelForm[Candidacy]) -> list[str]:
        names = super().fields_to_save(obj, form)
        if {"movement", "referring_body"} & set(names) and "source_channel" not in names:
            names.append("source_channel")  # settled by the form's source check
        if names:
            # Any change makes forms opened on the previous version stale (optimistic locking).
            obj.version = F("version") + 1
            names.append("version")
        return names

    def save_model(
        self, request: HttpRequest, obj: Candidacy, form: forms.ModelForm[Candidacy], change: bool
    ) -> None:
        before = (
            Candidacy.objects.select_for_update().select_related("organisation").get(pk=obj.pk)
            if change
            else None
        )
        super().save_model(request, obj, form, change)
        obj.refresh_from_db(fields=["version"])
        if before is not None and before.source_channel != obj.source_channel:
            # The dossier's yield moves to its new channel.
            tallies_yield_changed([(yield_state(before), yield_state(obj))])
