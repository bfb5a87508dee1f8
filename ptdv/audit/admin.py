from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from ptdv.audit.models import AuditEntry
from ptdv.core.policies import Action, Policy, user_scopes
from ptdv.people.policies import person_policy

# Entries are scoped by the person they concern. Entries about no person (an organisation
# created, a sign-in) are shown only to whoever made them.
audit_policy = Policy(AuditEntry, "person__organisation__path")


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # not subscriptable at run time
    """The append-only trail, read-only: entries about people in the user's subtrees, and the
    user's own entries."""

    list_display = ("at", "actor", "action", "object_type", "object_id", "person", "summary")
    list_filter = ("action", "object_type")
    list_select_related = ("actor", "person")
    search_fields = ("summary", "object_id", "actor__username")
    date_hierarchy = "at"
    ordering = ("-at", "-id")
    readonly_fields = (
        "at",
        "actor",
        "action",
        "object_type",
        "object_id",
        "person",
        "summary",
        "data",
    )
    fields = readonly_fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[AuditEntry]:
        base = super().get_queryset(request)
        own = (
            base.filter(actor_id=request.user.pk) if request.user.is_authenticated else base.none()
        )
        return audit_policy.visible_to(request.user, base) | own

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(user_scopes(request.user))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is None:
            return bool(user_scopes(request.user))
        if obj.actor_id is not None and obj.actor_id == request.user.pk:
            return True
        return obj.person is not None and person_policy.can(request.user, Action.VIEW, obj.person)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
