"""Reads of the organisation tree, always scoped by the access policy."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from ptdv.core.policies import Actor, subtree_q
from ptdv.core.roles import ROLE_RANK, Role
from ptdv.organisations.models import CELL_KINDS, Locality, Organisation
from ptdv.organisations.policies import locality_policy, organisation_policy


def organisation_roots(*, actor: Actor) -> QuerySet[Organisation]:
    """The top nodes the user may see: the organisations they are assigned to (outermost)."""
    from ptdv.core.policies import user_scopes

    paths = sorted({path for path, _rank in user_scopes(actor)})
    outer = [p for p in paths if not any(p != o and p.startswith(o) for o in paths)]
    return Organisation.objects.filter(path__in=outer).order_by("path")


def organisation_children(*, actor: Actor, organisation: Organisation) -> QuerySet[Organisation]:
    return organisation_policy.visible_to(actor, organisation.children.all()).order_by("name")


def organisation_list(
    *, actor: Actor, filters: dict[str, Any] | None = None
) -> QuerySet[Organisation]:
    from ptdv.core.text import fold

    filters = filters or {}
    qs = organisation_policy.visible_to(actor).select_related("parent")
    if filters.get("parent"):
        qs = qs.filter(parent_id=filters["parent"])
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("search"):
        term = str(filters["search"]).strip()
        qs = qs.filter(
            Q(name__icontains=term) | Q(code__iexact=term) | Q(name__icontains=fold(term))
        )
    return qs.order_by("path")


def organisation_ancestors(*, actor: Actor, organisation: Organisation) -> QuerySet[Organisation]:
    """The ancestors of `organisation` the user may see, root first (one query).

    Ancestors above the user's own assignments are left out: a breadcrumb never names an
    organisation the user could not open.
    """
    paths = [p for p in organisation.ancestor_paths if p != organisation.path]
    return organisation_policy.visible_to(actor, Organisation.objects.filter(path__in=paths))


def organisation_localities(*, actor: Actor, organisation: Organisation) -> QuerySet[Locality]:
    """The localities (thôn, tổ dân phố) of `organisation` with their cell, by name."""
    return locality_policy.visible_to(
        actor, Locality.objects.filter(organisation=organisation).select_related("cell")
    ).order_by("name", "id")


def organisation_cells_for_registration(*, actor: Actor) -> QuerySet[Organisation]:
    """Active cells (chi bộ, chi bộ cơ sở) where the user has at least the clerk role."""
    return (
        Organisation.objects.filter(
            subtree_q(actor, "path", min_rank=ROLE_RANK[Role.CLERK]),
            kind__in=CELL_KINDS,
            valid_to__isnull=True,
        )
        .select_related("parent")
        .order_by("path")
    )


def organisation_localities_for_cell(*, cell: Organisation) -> QuerySet[Locality]:
    """Localities of the communes above `cell`, for choosing a residence.

    The caller has already checked `cell` against the policy (clerk rights on it). A cell-level
    clerk is not assigned to the commune itself, yet the commune's village names are what they
    choose a residence from; no personal data is listed.
    """
    return (
        Locality.objects.filter(organisation__path__in=cell.ancestor_paths)
        .select_related("organisation")
        .order_by("name", "id")
    )


def organisation_administrable(*, actor: Actor) -> QuerySet[Organisation]:
    """Active organisations where the user holds the administrator role (whole subtrees)."""
    return Organisation.objects.filter(
        subtree_q(actor, "path", min_rank=ROLE_RANK[Role.ADMINISTRATOR]),
        valid_to__isnull=True,
    ).order_by("path")
