"""Targets, terms, plans and snapshots in the Django admin: visible by subtree, read-only.

Every change to them goes through the services (policy, validation, audit, the lock and
amendment rules); the tallies and rates are derived data (`ptdv aggregates rebuild`).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ptdv.audit.policy_admin import PolicyAdmin
from ptdv.targets.models import (
    MemberSnapshot,
    PlanAssignment,
    ResponsibilityQuota,
    Target,
    TargetAmendment,
    Term,
)
from ptdv.targets.policies import (
    plan_policy,
    quota_policy,
    snapshot_policy,
    target_policy,
    term_policy,
)


class ReadOnlyPolicyAdmin(PolicyAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AmendmentInline(admin.TabularInline):  # type: ignore[type-arg]
    model = TargetAmendment
    extra = 0
    can_delete = False
    fields = ("at", "number_before", "number_after", "reason", "actor")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Target)
class TargetAdmin(ReadOnlyPolicyAdmin):
    policy = target_policy
    list_display = ("organisation", "year", "group", "number", "suggested", "state")
    list_filter = ("year", "state", "group")
    list_select_related = ("organisation",)
    search_fields = ("organisation__name", "organisation__code")
    inlines = [AmendmentInline]


@admin.register(Term)
class TermAdmin(ReadOnlyPolicyAdmin):
    policy = term_policy
    list_display = ("organisation", "name", "start_year", "end_year", "congress_target")
    list_select_related = ("organisation",)


@admin.register(PlanAssignment)
class PlanAssignmentAdmin(ReadOnlyPolicyAdmin):
    policy = plan_policy
    list_display = ("year", "organisation", "candidacy", "responsible_person", "member")
    list_filter = ("year",)
    list_select_related = ("organisation", "candidacy__person", "responsible_person")
    raw_id_fields = ("candidacy", "responsible_person", "member")


@admin.register(MemberSnapshot)
class MemberSnapshotAdmin(ReadOnlyPolicyAdmin):
    policy = snapshot_policy
    list_display = ("organisation", "year", "members", "official", "probationary")
    list_filter = ("year",)
    list_select_related = ("organisation",)
    search_fields = ("organisation__name", "organisation__code")


@admin.register(ResponsibilityQuota)
class ResponsibilityQuotaAdmin(ReadOnlyPolicyAdmin):
    policy = quota_policy
    list_display = ("year", "organisation", "person", "member", "number")
    list_filter = ("year",)
    list_select_related = ("organisation", "person", "member__person")
    raw_id_fields = ("person", "member")
