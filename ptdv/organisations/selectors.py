"""Reads of the organisation tree, always scoped by the access policy."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from ptdv.core.policies import Actor, subtree_q, user_scopes
from ptdv.core.roles import ROLE_RANK, Role
from ptdv.organisations.models import CELL_KINDS, Locality, Organisation, ancestor_paths
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
    organisation the user could not open. The policy's test (a path under one of the user's
    scopes) is made on the paths first: at the user's own top node — where most pages open —
    there is none left, and no query.
    """
    scopes = [scope for scope, _rank in user_scopes(actor)]
    paths = [
        p
        for p in organisation.ancestor_paths
        if p != organisation.path and any(p.startswith(scope) for scope in scopes)
    ]
    if not paths:
        return Organisation.objects.none()
    return organisation_policy.visible_to(actor, Organisation.objects.filter(path__in=paths))


def organisation_ancestors_list(
    *, actor: Actor, organisation: Organisation, known: Iterable[Organisation] = ()
) -> list[Organisation]:
    """`organisation_ancestors` as a list, taking those among `known` (organisations the
    caller has read already, through the same policy: the user's roots) from there — a
    commune's list page, under the user's province, then reads none."""
    by_path = {node.path: node for node in known}
    scopes = [scope for scope, _rank in user_scopes(actor)]
    paths = [
        p
        for p in organisation.ancestor_paths
        if p != organisation.path and any(p.startswith(scope) for scope in scopes)
    ]
    missing = [p for p in paths if p not in by_path]
    if missing:
        read = Organisation.objects.filter(path__in=missing)
        by_path.update((node.path, node) for node in organisation_policy.visible_to(actor, read))
    return [by_path[p] for p in paths if p in by_path]


def organisation_localities(*, actor: Actor, organisation: Organisation) -> QuerySet[Locality]:
    """The localities (thôn, tổ dân phố) of `organisation` with their cell, by name."""
    return locality_policy.visible_to(
        actor, Locality.objects.filter(organisation=organisation).select_related("cell")
    ).order_by("sort_key", "id")


def localities_visible_q(actor: Actor | None) -> Q:
    """Localities a user may see: those of the communes in their subtrees, and those a cell
    of their subtrees covers (a cell's clerk sees the villages of their cell). A locality
    holds no personal data; its resident members are listed by the roster, scoped apart."""
    return subtree_q(actor, "organisation__path") | subtree_q(actor, "cell__path")


def locality_list(
    *,
    actor: Actor,
    organisation: Organisation | None = None,
    white: bool | None = None,
    without_cell: bool | None = None,
) -> QuerySet[Locality]:
    """The localities of `organisation`'s subtree (None: all the user may see) — of the
    communes in it, or covered by a cell in it — with their commune and cell, by commune,
    then name. `white`: no resident member (True) or some (False); `without_cell`: no cell
    of its own, none or a shared one (True), or a cell of its own (False). Each flag reads
    what the services keep (`Locality.active_members`, `cell`, `cell_is_shared`), so a page
    costs one query."""
    qs = Locality.objects.filter(localities_visible_q(actor))
    if organisation is not None:
        qs = qs.filter(
            Q(organisation__path__startswith=organisation.path)
            | Q(cell__path__startswith=organisation.path)
        )
    if white is not None:
        qs = qs.filter(active_members=0) if white else qs.filter(active_members__gt=0)
    if without_cell is not None:
        no_own_cell = Q(cell__isnull=True) | Q(cell_is_shared=True)
        qs = qs.filter(no_own_cell) if without_cell else qs.exclude(no_own_cell)
    return qs.select_related("organisation", "cell").order_by(
        "organisation__path", "sort_key", "id"
    )


def locality_get_visible(*, actor: Actor | None, pk: Any) -> Locality:
    """A locality a request names (the roster's residence filter): 404 outside what the user
    may see, as for an absent one. A cell's clerk may name the villages of the communes above
    their cell (what the registration form offers them), not only those their cell covers."""
    above = {p for path, _rank in user_scopes(actor) for p in ancestor_paths(path)}
    try:
        return (
            Locality.objects.filter(localities_visible_q(actor) | Q(organisation__path__in=above))
            .select_related("organisation")
            .get(pk=pk)
        )
    except (Locality.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


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
