"""Who may administer which users.

An administrator of an organisation manages the assignments on that organisation's subtree.
A user is visible to an administrator when at least one of the user's assignments lies in
one of the administrator's subtrees (else 404). Account-wide changes (lock, unlock, password)
also reach the user's access elsewhere, so they need every assignment of the user to lie
inside those subtrees, and never touch the administrator's own account or a staff account
(Django admin) unless the requester is a superuser (else 403).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from ptdv.accounts.models import ROLE_RANK, Assignment, Role, User
from ptdv.core.policies import Actor, Policy, subtree_q, user_scopes

ADMINISTRATOR_RANK = ROLE_RANK[Role.ADMINISTRATOR]

assignment_policy = Policy(Assignment, "organisation__path")


def administered_q(actor: Actor, path_field: str = "organisation__path") -> Q:
    """A filter on `path_field` matching the subtrees where `actor` is an administrator."""
    return subtree_q(actor, path_field, min_rank=ADMINISTRATOR_RANK)


def is_administrator(actor: Actor) -> bool:
    return any(rank >= ADMINISTRATOR_RANK for _path, rank in user_scopes(actor))


def require_administrator(actor: Actor) -> None:
    if not is_administrator(actor):
        raise PermissionDenied


def users_visible_to(actor: Actor, queryset: QuerySet[User] | None = None) -> QuerySet[User]:
    qs = User.objects.all() if queryset is None else queryset
    inside = Assignment.objects.filter(administered_q(actor)).values("user_id")
    return qs.filter(pk__in=inside)


def user_get_visible(actor: Actor, pk: Any) -> User:
    """Fetch and check in one place: absent and out-of-scope answer the same 404."""
    try:
        return users_visible_to(actor).get(pk=pk)
    except (User.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def user_can_change_account(actor: Actor, user: User) -> bool:
    if user.pk == getattr(actor, "pk", None):
        return False
    if (user.is_staff or user.is_superuser) and not getattr(actor, "is_superuser", False):
        return False
    outside = Assignment.objects.filter(user=user).exclude(administered_q(actor))
    return is_administrator(actor) and not outside.exists()


def user_authorize_account_change(actor: Actor, user: User) -> None:
    require_administrator(actor)
    if not users_visible_to(actor).filter(pk=user.pk).exists():
        raise Http404
    if not user_can_change_account(actor, user):
        raise PermissionDenied
