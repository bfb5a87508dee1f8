"""Obstacles in the Django admin: visible by subtree, read-only. Every step goes through the
services (the level that may act, the lock, the history event, the audit entry)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ptdv.audit.policy_admin import PolicyAdmin
from ptdv.obstacles.models import Obstacle, ObstacleEvent
from ptdv.obstacles.policies import obstacle_policy


class EventInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ObstacleEvent
    extra = 0
    can_delete = False
    fields = ("on", "kind", "level", "to_level", "actor", "note")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Obstacle)
class ObstacleAdmin(PolicyAdmin):
    policy = obstacle_policy
    list_display = ("title", "category", "organisation", "level", "status", "recorded_on", "due_on")
    list_filter = ("status", "category")
    list_select_related = ("organisation", "level")
    search_fields = ("title", "organisation__name", "organisation__code")
    exclude = ("candidacies",)
    inlines = [EventInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
