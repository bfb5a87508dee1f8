"""Mass organisations, their targets and movements in the Django admin: visible by subtree,
read-only (every change goes through the services: scope, rules, audit)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ptdv.audit.policy_admin import PolicyAdmin
from ptdv.movements.models import MassOrganisation, MassOrganisationTarget, Movement
from ptdv.movements.policies import mass_organisation_policy, mass_target_policy, movement_policy


class ReadOnlyPolicyAdmin(PolicyAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(MassOrganisation)
class MassOrganisationAdmin(ReadOnlyPolicyAdmin):
    policy = mass_organisation_policy
    list_display = ("name", "kind", "organisation")
    list_filter = ("kind",)
    list_select_related = ("organisation",)
    search_fields = ("name",)


@admin.register(MassOrganisationTarget)
class MassOrganisationTargetAdmin(ReadOnlyPolicyAdmin):
    policy = mass_target_policy
    list_display = ("mass_organisation", "year", "referrals")
    list_filter = ("year",)
    list_select_related = ("mass_organisation",)


@admin.register(Movement)
class MovementAdmin(ReadOnlyPolicyAdmin):
    policy = movement_policy
    list_display = ("name", "kind", "organiser", "mass_organisation", "starts_on", "ends_on")
    list_filter = ("kind",)
    list_select_related = ("organiser", "mass_organisation")
    search_fields = ("name",)
