"""Objects the world does not have, made at a site for the rows that need them (no rows here).

A row module names the organisation-level object of each site in its URLs and makes its own
object (an exemplar, an inspection, a survey response, …) in that organisation the first time
a door asks — the site's position then holds for the object: inside or outside the user's
scope as the organisation is. A door's test rolls back what it made, so the object is made
again when it is no longer there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import Model
from django.urls import reverse

from ptdv.core.tests.access_matrix import Url
from ptdv.core.tests.access_world import SITES, World
from ptdv.organisations.models import Organisation

M = TypeVar("M", bound=Model)


def made_at(
    world: World, kind: str, key: Any, model: type[M], make: Callable[[], M], **still: Any
) -> M:
    """The object of `kind` made for `key` (an organisation's id, …): the one made before
    while it is still in the database (and matches `still`), else a new one from `make`."""
    made: dict[Any, M] = world.objects.setdefault(kind, {})
    known = made.get(key)
    if known is not None and model._default_manager.filter(pk=known.pk, **still).exists():
        return known
    made[key] = make()
    return made[key]


def list_url(name: str, at: Callable[[World, Organisation], Any]) -> Url:
    """The URL of a list, once the object of every site is made (`at`)."""

    def build(world: World, obj: Any, user: Any, **extra: Any) -> str:
        for site in SITES:
            at(world, world.org_site[site])
        return reverse(name)

    return build


def object_url(name: str, at: Callable[[World, Organisation], Any]) -> Url:
    """The URL of the object made (`at`) in the row's organisation."""

    def build(world: World, obj: Any, user: Any, **extra: Any) -> str:
        return reverse(name, kwargs={"pk": at(world, obj).pk, **extra})

    return build


def org_query(world: World, site: str) -> str:
    """A list filtered by the site's organisation."""
    return f"organisation={world.org_site[site].pk}"
