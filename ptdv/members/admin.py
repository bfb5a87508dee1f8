from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from ptdv.audit.policy_admin import PolicyAdmin
from ptdv.core.search import person_search_filter
from ptdv.members.models import PartyMembership
from ptdv.members.policies import membership_policy


@admin.register(PartyMembership)
class PartyMembershipAdmin(PolicyAdmin):
    """Dates and exit details can be corrected here. Who, where and the status feed the
    member counters, so they change only through the services (the membership actions);
    so do additions and deletions."""

    policy = membership_policy
    audit_reads = True
    list_display = ("person", "organisation", "status", "ceremony_date", "official_date")
    list_filter = ("status", "readmitted")
    list_select_related = ("person", "organisation")
    search_fields = ("person__search_text",)
    ordering = ("organisation__path", "person__sort_key", "id")
    # The attachment, exemption and exit grounds feed the vote denominators and the history:
    # they change through the membership actions (ptdv/members/actions.py) only.
    readonly_fields = (
        "person",
        "organisation",
        "status",
        "candidacy",
        "attached_to",
        "attached_from",
        "attached_note",
        "exempt_from",
        "exit_grounds",
        "created_at",
    )

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[PartyMembership], search_term: str
    ) -> tuple[QuerySet[PartyMembership], bool]:
        if not search_term.strip():
            return queryset, False
        return person_search_filter(queryset, search_term, prefix="person__"), False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: PartyMembership | None = None
    ) -> bool:
        return False
