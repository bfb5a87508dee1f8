"""Calendar adjustments: only administrators of a whole deployment (a root organisation)
change the working calendar every deadline is counted on."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ptdv.accounts.models import ROLE_RANK, Role
from ptdv.audit.services import audit_record
from ptdv.core.policies import Actor, user_scopes
from ptdv.organisations.models import PATH_STEP
from ptdv.rules.models import CalendarAdjustment


def _root_administrator(user: Actor) -> bool:
    required = ROLE_RANK[Role.ADMINISTRATOR]
    return any(len(path) == PATH_STEP and rank >= required for path, rank in user_scopes(user))


@admin.register(CalendarAdjustment)
class CalendarAdjustmentAdmin(admin.ModelAdmin[CalendarAdjustment]):
    list_display = ["date", "is_working_day", "note"]
    date_hierarchy = "date"

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_authenticated and request.user.is_staff

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _root_administrator(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _root_administrator(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _root_administrator(request.user)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action="change" if change else "create",
            obj=obj,
            summary=f"Điều chỉnh lịch làm việc {obj.date:%d/%m/%Y}",
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit_record(
            actor=request.user,
            action="delete",
            obj=obj,
            summary=f"Bỏ điều chỉnh lịch làm việc {obj.date:%d/%m/%Y}",
        )
        super().delete_model(request, obj)
