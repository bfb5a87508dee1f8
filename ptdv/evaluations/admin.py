"""Evaluations and their runs in the Django admin: visible by subtree, read-only (they are
written only by `evaluation_compute`; the formula's versions are kept on its own page)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ptdv.audit.policy_admin import PolicyAdmin
from ptdv.evaluations.models import Evaluation, EvaluationRun
from ptdv.evaluations.policies import evaluation_policy, run_policy


class ReadOnlyPolicyAdmin(PolicyAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyPolicyAdmin):
    policy = evaluation_policy
    list_display = ("organisation", "year", "score", "grade", "peer_group", "rank")
    list_filter = ("year", "grade", "peer_group")
    list_select_related = ("organisation",)
    search_fields = ("organisation__name", "organisation__code")


@admin.register(EvaluationRun)
class EvaluationRunAdmin(ReadOnlyPolicyAdmin):
    policy = run_policy
    list_display = ("organisation", "year", "status", "evaluated", "seconds", "created_at")
    list_filter = ("year", "status")
    list_select_related = ("organisation",)
