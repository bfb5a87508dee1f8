"""Exemplars in the Django admin: visible by subtree, read-only (every change goes through
the services: scope, validation, audit, the evidence file's storage)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ptdv.audit.policy_admin import PolicyAdmin
from ptdv.exemplars.models import Exemplar
from ptdv.exemplars.policies import exemplar_policy


@admin.register(Exemplar)
class ExemplarAdmin(PolicyAdmin):
    policy = exemplar_policy
    audit_reads = True  # names of people
    list_display = ("name", "field", "organisation", "recognised_on", "candidacy")
    list_filter = ("field",)
    list_select_related = ("organisation", "candidacy")
    search_fields = ("search_text",)
    readonly_fields = ("person", "candidacy")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
