"""Who reads the audit trail: the administrators, each the entries of their subtrees (the
administrators of a root also those concerning no organisation)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from ptdv.audit.models import AuditEntry
from ptdv.core.policies import Actor, subtree_q, user_scopes
from ptdv.core.roles import ROLE_RANK, Role
from ptdv.organisations.models import PATH_STEP

ADMINISTRATOR_RANK = ROLE_RANK[Role.ADMINISTRATOR]


def audit_reader(actor: Actor | None) -> bool:
    return any(rank >= ADMINISTRATOR_RANK for _path, rank in user_scopes(actor))


def audit_require_reader(actor: Actor | None) -> None:
    if not audit_reader(actor):
        raise PermissionDenied


def audit_scope_q(actor: Actor | None) -> Q:
    """The entries concerning the subtrees `actor` administers (none for anyone else)."""
    condition = subtree_q(actor, "org_path", min_rank=ADMINISTRATOR_RANK)
    if any(
        rank >= ADMINISTRATOR_RANK and len(path) == PATH_STEP for path, rank in user_scopes(actor)
    ):
        condition |= Q(org_path="")
    return condition


def audit_visible_to(actor: Actor | None) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(audit_scope_q(actor))
