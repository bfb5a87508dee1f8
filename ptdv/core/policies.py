"""Access by subtree: one policy object per model answers `visible_to(user)` and
`can(user, action, obj)`.

A user sees what lies in the subtrees of the organisations they are assigned to. Outside them
an object does not exist for that user (404, indistinguishable from absent); inside them an
action their role does not allow is refused (403). Every view, API endpoint, admin page and
export starts from a policy.
"""

from __future__ import annotations

import functools
from enum import StrEnum
from typing import Any, Generic, Protocol, TypeVar

from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404

from ptdv.core.roles import ROLE_RANK, Role
from ptdv.core.statements import Statement

M = TypeVar("M", bound=models.Model)


class Actor(Protocol):
    """Whoever acts: a signed-in user (accounts.User) or an anonymous visitor. Services and
    selectors take `actor: Actor` (or `Actor | None` where the system itself acts: an import
    run by a command, the demo). Core names no app, so this is the shape it relies on."""

    @property
    def pk(self) -> Any: ...

    @property
    def is_active(self) -> bool: ...

    @property
    def is_authenticated(self) -> bool: ...


class Action(StrEnum):
    VIEW = "view"
    CREATE = "create"
    CHANGE = "change"
    APPROVE = "approve"
    ADMINISTER = "administer"


# The lowest role that may take each action (roles include those below them).
REQUIRED_ROLE = {
    Action.VIEW: Role.VIEWER,
    Action.CREATE: Role.CLERK,
    Action.CHANGE: Role.CLERK,
    Action.APPROVE: Role.APPROVER,
    Action.ADMINISTER: Role.ADMINISTRATOR,
}


def user_scopes(user: Actor | None) -> list[tuple[str, int]]:
    """(organisation path, role rank) for each assignment of an active user, cached on it."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached: list[tuple[str, int]] | None = getattr(user, "_ptdv_scopes", None)
    if cached is None:
        rows = _scopes_statement()(user.pk)
        cached = [(path, ROLE_RANK[Role(role)]) for path, role in rows]
        user._ptdv_scopes = cached  # type: ignore[attr-defined]
    return cached


@functools.cache
def _scopes_statement() -> Statement:
    """The user's assignments (accounts.Assignment) under live organisations, read with a
    compiled statement: every request asks. Core does not import the accounts app, so the
    assignment model is found through the user model's reverse relation."""
    relation = get_user_model()._meta.get_field("assignments")
    model, user_field = relation.related_model, relation.field.name
    return Statement(
        lambda pk: model._default_manager.filter(
            **{f"{user_field}_id": pk}, organisation__valid_to__isnull=True
        ).values_list("organisation__path", "role")
    )


def outer_paths(user: Actor | None, min_rank: int = 1) -> list[str]:
    """The paths of the subtrees where `user` has at least `min_rank`, without those inside
    another one (the outer prefix already covers them)."""
    paths = sorted({path for path, rank in user_scopes(user) if rank >= min_rank})
    outer: list[str] = []
    for path in paths:
        if not any(path.startswith(other) for other in outer):
            outer.append(path)
    return outer


def subtree_q(user: Actor | None, path_field: str, min_rank: int = 1) -> Q:
    """A filter on `path_field` matching every subtree where `user` has at least `min_rank`."""
    outer = outer_paths(user, min_rank)
    if not outer:
        return Q(pk__in=[])
    condition = Q()
    for path in outer:
        condition |= Q(**{f"{path_field}__startswith": path})
    return condition


def role_rank_at(user: Actor | None, path: str) -> int:
    """The highest role rank `user` holds over the node at `path` (0 = none)."""
    return max((rank for scope, rank in user_scopes(user) if path.startswith(scope)), default=0)


class Policy(Generic[M]):
    """Scoping for a model whose organisation is reached through `path_field`."""

    model: type[M]
    path_field: str

    def __init__(self, model: type[M], path_field: str) -> None:
        self.model = model
        self.path_field = path_field
        # An object by its key within one subtree — what nearly every page asks first, for
        # a user assigned to one place — compiled once per connection (ptdv.core.statements).
        self._by_key = Statement(
            lambda path, pk: self.queryset().filter(
                **{f"{self.path_field}__startswith": path}, pk=pk
            )
        )

    def queryset(self) -> QuerySet[M]:
        return self.model._default_manager.all()

    def visible_to(self, user: Actor | None, queryset: QuerySet[M] | None = None) -> QuerySet[M]:
        qs = self.queryset() if queryset is None else queryset
        return qs.filter(subtree_q(user, self.path_field))

    def object_path(self, obj: M) -> str:
        value: Any = obj
        for part in self.path_field.split("__"):
            value = getattr(value, part)
        return str(value)

    def can(self, user: Actor | None, action: Action | str, obj: M) -> bool:
        required = ROLE_RANK[REQUIRED_ROLE[Action(action)]]
        return role_rank_at(user, self.object_path(obj)) >= required

    def get_visible(self, user: Actor | None, pk: Any, queryset: QuerySet[M] | None = None) -> M:
        """Fetch and check in one place: absent and out-of-scope answer the same 404."""
        # A user assigned to one place (nearly every user), a key from the URL and the
        # policy's own scope: the compiled statement. Anything else — a key out of a 32-bit
        # range (which the database would refuse to compare), a policy that widens
        # `visible_to` — takes the queryset below.
        if (
            queryset is None
            and type(pk) is int
            and 0 < pk < 2**31
            and type(self).visible_to is Policy.visible_to
        ):
            paths = outer_paths(user)
            if len(paths) == 1:
                found: M | None = self._by_key.first(paths[0], pk)
                if found is None:
                    raise Http404
                return found
        try:
            return self.visible_to(user, queryset).get(pk=pk)
        except (ObjectDoesNotExist, ValueError, TypeError) as exc:
            raise Http404 from exc

    def resolve_named(
        self,
        user: Actor | None,
        named: Any,
        *,
        field: str,
        message: Any,
        action: Action | str = Action.VIEW,
        queryset: QuerySet[M] | None = None,
    ) -> M:
        """An object a request body, an import row or a console option names (an id or an
        instance), resolved through `user`'s scope: it must lie in a subtree where the user
        holds at least the role `action` needs. Absent, outside the scope, with too low a
        role there or outside `queryset` all answer the same field error, so a write never
        learns whether something exists elsewhere; the caller writes nothing after it."""
        pk = getattr(named, "pk", named)
        rank = ROLE_RANK[REQUIRED_ROLE[Action(action)]]
        qs = self.queryset() if queryset is None else queryset
        try:
            return qs.filter(subtree_q(user, self.path_field, min_rank=rank)).get(pk=pk)
        except (ObjectDoesNotExist, ValueError, TypeError):
            raise ValidationError({field: [message]}) from None

    def authorize(self, user: Actor | None, action: Action | str, obj: M) -> None:
        if role_rank_at(user, self.object_path(obj)) == 0:
            raise Http404
        if not self.can(user, action, obj):
            raise PermissionDenied


# Models whose objects a foreign-key field of an admin page offers only within the subtrees the
# user administers (the admin pages are in the apps above; the policies register here).
_CHOICES: dict[type[models.Model], Policy[Any]] = {}


def limits_choices(policy: Policy[M]) -> Policy[M]:
    """Declare that a foreign key to `policy.model` offers only what the user administers."""
    _CHOICES[policy.model] = policy
    return policy


def choices_policy(model: Any) -> Policy[Any] | None:
    """The policy limiting the choices of a foreign key to `model`, if one was declared."""
    return _CHOICES.get(model)
