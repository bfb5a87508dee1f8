"""Reads of users for their administrators, scoped by `ptdv.accounts.policies`."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from ptdv.accounts.models import Assignment, User
from ptdv.accounts.policies import administered_q, users_visible_to
from ptdv.core.policies import Actor, subtree_q


def assignments_administered(*, actor: Actor) -> QuerySet[Assignment]:
    """Assignments on the administrator's subtrees, with their organisation."""
    return (
        Assignment.objects.filter(administered_q(actor))
        .select_related("organisation")
        .order_by("organisation__path", "id")
    )


def user_list(*, actor: Actor, filters: dict[str, Any] | None = None) -> QuerySet[User]:
    """Users with an assignment in the administrator's subtrees, each with those assignments
    prefetched (two queries whatever the number of users).

    Filters: `search` (user name, full name or e-mail, case-insensitive), `active` (bool).
    """
    filters = filters or {}
    qs = users_visible_to(actor)
    search = str(filters.get("search") or "").strip()
    if search:
        qs = qs.filter(
            Q(username__icontains=search)
            | Q(full_name__icontains=search)
            | Q(email__icontains=search)
        )
    if filters.get("active") is not None:
        qs = qs.filter(is_active=filters["active"])
    return qs.prefetch_related(
        Prefetch(
            "assignments",
            queryset=assignments_administered(actor=actor),
            to_attr="administered_assignments",
        )
    ).order_by("username")


def user_assignments(*, actor: Actor, user: User) -> tuple[list[Assignment], int]:
    """The user's assignments the administrator manages, and how many others the user has."""
    inside = list(assignments_administered(actor=actor).filter(user=user))
    outside = Assignment.objects.filter(user=user).exclude(administered_q(actor)).count()
    return inside, outside


def user_person_shown(*, actor: Actor, user: User) -> Any:
    """The person (people.Person) the account is linked to, when the administrator may see
    that person; None without a link or when the person lies outside their subtrees (then
    `user.person_id` still tells that a link exists, without naming anyone)."""
    if user.person_id is None:
        return None
    visible = User.objects.filter(pk=user.pk).filter(subtree_q(actor, "person__organisation__path"))
    return user.person if visible.exists() else None
