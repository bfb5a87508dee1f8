from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from ptdv.audit.models import AuditEntry
from ptdv.audit.selectors import audit_scope_q, audit_visible_to
from ptdv.core.policies import user_scopes


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # not subscriptable at run time
    """The append-only trail, read-only: as on the audit page, the entries concerning the
    subtrees the user administers (ptdv.audit.selectors), and the user's own entries."""

    list_display = (
        "at",
        "actor",
        "action",
        "channel",
        "object_type",
        "object_id",
        "person",
        "summary",
    )
    list_filter = ("action", "channel", "object_type")
    list_select_related = ("actor", "person")
    search_fields = ("summary", "object_id", "actor__username")
    date_hierarchy = "at"
    ordering = ("-at", "-id")
    readonly_fields = (
        "at",
        "actor",
        "action",
        "channel",
        "object_type",
        "object_id",
        "person",
        "org_path",
        "summary",
        "data",
    )
    fields = readonly_fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[AuditEntry]:
        base = super().get_queryset(request)
        own = Q(actor_id=request.user.pk) if request.user.is_authenticated else Q(pk__in=[])
        return base.filter(audit_scope_q(request.user) | own)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(user_scopes(request.user))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is None:
            return bool(user_scopes(request.user))
        if obj.actor_id is not None and obj.actor_id == request.user.pk:
            return True
        return audit_visible_to(request.user).filter(pk=obj.pk).exists()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
