"""Survey rounds and responses in the Django admin: visible by subtree, read-only (every
change goes through the services: scope, state, audit)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ptdv.audit.policy_admin import PolicyAdmin
from ptdv.surveys.models import SurveyResponse, SurveyRound
from ptdv.surveys.policies import response_policy, round_policy


class _ReadOnly(PolicyAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SurveyRound)
class SurveyRoundAdmin(_ReadOnly):
    policy = round_policy
    list_display = ("title", "organisation", "year", "due_date", "status")
    list_filter = ("year", "status")
    list_select_related = ("organisation",)
    search_fields = ("title", "organisation__name")


@admin.register(SurveyResponse)
class SurveyResponseAdmin(_ReadOnly):
    policy = response_policy
    list_display = ("organisation", "survey_round", "status", "submitted_at", "reviewed_at")
    list_filter = ("status", "survey_round__year")
    list_select_related = ("organisation", "survey_round")
    search_fields = ("organisation__name", "organisation__code")
