"""Signers are kept here by administrators; relatives, numbers and attachments are shown
read-only (they change through the services, which audit them)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ptdv.audit.policy_admin import PolicyAdmin
from ptdv.documents.models import Attachment, DocumentNumber, Relative, Signer
from ptdv.documents.policies import (
    attachment_policy,
    document_number_policy,
    relative_policy,
    signer_policy,
)


@admin.register(Signer)
class SignerAdmin(PolicyAdmin):
    policy = signer_policy
    list_display = ("name", "title", "capacity", "organisation", "is_default", "active")
    list_filter = ("capacity", "is_default", "active")
    list_select_related = ("organisation",)
    search_fields = ("name",)
    ordering = ("organisation__path", "-is_default", "name")


class ReadOnlyPolicyAdmin(PolicyAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DocumentNumber)
class DocumentNumberAdmin(ReadOnlyPolicyAdmin):
    policy = document_number_policy
    list_display = ("symbol", "organisation", "year", "number", "kind", "issued_on", "slug")
    list_filter = ("year", "kind")
    list_select_related = ("organisation",)
    ordering = ("organisation__path", "-year", "-number")


@admin.register(Relative)
class RelativeAdmin(ReadOnlyPolicyAdmin):
    policy = relative_policy
    audit_reads = True
    list_display = ("person", "relation", "full_name", "birth_year", "party_member")
    list_select_related = ("person",)
    ordering = ("person__sort_key", "id")


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyPolicyAdmin):
    policy = attachment_policy
    audit_reads = True
    list_display = ("title", "candidacy", "content_type", "size", "uploaded_at")
    list_select_related = ("candidacy__person",)
    exclude = ("storage_name",)
    ordering = ("-uploaded_at",)
