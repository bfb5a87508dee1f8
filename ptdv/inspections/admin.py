"""Inspections in the Django admin: visible to either side's subtree, read-only (every change
goes through the services: scope, validation, audit, notifications)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ptdv.audit.policy_admin import PolicyAdmin
from ptdv.inspections.models import Inspection, Recommendation
from ptdv.inspections.policies import inspection_policy


class RecommendationInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Recommendation
    extra = 0
    can_delete = False
    fields = ("text", "due_on", "status", "result", "done_on")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Inspection)
class InspectionAdmin(PolicyAdmin):
    policy = inspection_policy
    list_display = ("subject", "kind", "body", "organisation", "starts_on")
    list_filter = ("kind",)
    list_select_related = ("body", "organisation")
    inlines = [RecommendationInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
