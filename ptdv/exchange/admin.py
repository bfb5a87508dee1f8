from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from ptdv.exchange.models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # not subscriptable at run time
    """Read-only: a user sees their own imports (the files stay behind the checked views)."""

    list_display = ("original_name", "kind", "status", "dry_run", "rows_total", "created_at")
    list_filter = ("kind", "status", "dry_run")
    exclude = ("storage_name", "result_storage_name")

    def get_queryset(self, request: HttpRequest) -> QuerySet[ImportJob]:
        return super().get_queryset(request).filter(actor=request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(getattr(request.user, "is_authenticated", False))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(getattr(request.user, "is_authenticated", False))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
