"""Access rows of mass organisations and movements (issue 14 §2, §4): the pages and the API
of `ptdv.movements`.

Both lie in their organisation's subtree: its viewers read them, its clerks manage them. The
world (`access_world`) has none, so the rows' URLs name the organisation-level object of each
site and `movement_at` / `mass_at` make the one that organisation holds the first time a door
asks (and again after a door's test has rolled it back).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from ptdv.accounts.models import Role
from ptdv.core.tests.access_matrix import READ_ONLY, AdminModel, Door, Url, rev
from ptdv.core.tests.access_world import World
from ptdv.movements.models import MassOrganisation, Movement
from ptdv.organisations.models import Organisation


def mass_at(world: World, organisation: Organisation) -> MassOrganisation:
    made: dict[int, MassOrganisation] = world.objects.setdefault("mass_organisation", {})
    found = made.get(organisation.pk)
    if found is not None and MassOrganisation.objects.filter(pk=found.pk).exists():
        return found
    made[organisation.pk] = MassOrganisation.objects.create(
        organisation=organisation, kind="youth_union", name=f"Đoàn Thanh niên {organisation.code}"
    )
    return made[organisation.pk]


def movement_at(world: World, organisation: Organisation) -> Movement:
    made: dict[int, Movement] = world.objects.setdefault("movement", {})
    found = made.get(organisation.pk)
    if found is not None and Movement.objects.filter(pk=found.pk).exists():
        return found
    made[organisation.pk] = Movement.objects.create(
        organiser=organisation,
        kind="club",
        name=f"Câu lạc bộ Thanh niên {organisation.code}",
        starts_on="2025-01-01",
    )
    return made[organisation.pk]


def _movement_url(name: str) -> Url:
    def build(world: World, obj: Any, user: Any) -> str:
        return reverse(name, kwargs={"pk": movement_at(world, obj).pk})

    return build


def _mass_url(name: str) -> Url:
    def build(world: World, obj: Any, user: Any) -> str:
        return reverse(name, kwargs={"pk": mass_at(world, obj).pk})

    return build


def _org_query(world: World, site: str) -> str:
    return f"organisation={world.org_site[site].pk}"


def _mass_form(world: World, site: str, user: Any) -> dict[str, Any]:
    return {"organisation": world.org_site[site].pk, "kind": "womens_union", "name": "Hội Phụ nữ"}


def _mass_edit(world: World, site: str, user: Any) -> dict[str, Any]:
    return {"kind": "youth_union", "name": "Đoàn Thanh niên (đổi tên)"}


def _target_form(world: World, site: str, user: Any) -> dict[str, Any]:
    return {"year": 2025, "referrals": 7}


_MOVEMENT = {"kind": "forum", "name": "Diễn đàn Thanh niên với Đảng"}


def _movement_form(world: World, site: str, user: Any) -> dict[str, Any]:
    return {**_MOVEMENT, "organiser": world.org_site[site].pk, "starts_on": "01/03/2025"}


def _movement_edit(world: World, site: str, user: Any) -> dict[str, Any]:
    return {**_MOVEMENT, "starts_on": "01/03/2025", "ends_on": "30/06/2025"}


def _movement_json(world: World, site: str, user: Any) -> dict[str, Any]:
    return {**_MOVEMENT, "organisation": world.org_site[site].pk, "starts_on": "2025-03-01"}


def _movement_edit_json(world: World, site: str, user: Any) -> dict[str, Any]:
    return {**_MOVEMENT, "starts_on": "2025-03-01", "ends_on": "2025-06-30"}


def _mass_json(world: World, site: str, user: Any) -> dict[str, Any]:
    return {"organisation": world.org_site[site].pk, "kind": "farmers_union", "name": "Hội ND"}


def _movement_count(path: str) -> int:
    return Movement.objects.filter(organiser__path__startswith=path).count()


def _mass_count(path: str) -> int:
    return MassOrganisation.objects.filter(organisation__path__startswith=path).count()


DOORS = [
    # --- Pages ---------------------------------------------------------------------------
    Door("movements/", rev("movements:list", pk=None), query=_org_query),
    Door(
        "movements/new/",
        rev("movements:create", pk=None),
        read=Role.CLERK,
        writes=("POST",),
        data=_movement_form,
        positional_body=True,
        effective=True,
    ),
    Door("movements/<int:pk>/", _movement_url("movements:detail"), obj="organisation"),
    Door(
        "movements/<int:pk>/edit/",
        _movement_url("movements:edit"),
        obj="organisation",
        read=Role.CLERK,
        writes=("POST",),
        data=_movement_edit,
        effective=True,
    ),
    Door("movements/yield/", rev("movements:yield", pk=None), query=_org_query),
    Door("movements/yield.xlsx", rev("movements:yield_export", pk=None), query=_org_query),
    Door("movements/mass-organisations/", rev("movements:mass_list", pk=None), query=_org_query),
    Door(
        "movements/mass-organisations/new/",
        rev("movements:mass_create", pk=None),
        read=Role.CLERK,
        writes=("POST",),
        data=_mass_form,
        positional_body=True,
        effective=True,
    ),
    Door(
        "movements/mass-organisations/<int:pk>/",
        _mass_url("movements:mass_detail"),
        obj="organisation",
    ),
    Door(
        "movements/mass-organisations/<int:pk>/edit/",
        _mass_url("movements:mass_edit"),
        obj="organisation",
        read=Role.CLERK,
        writes=("POST",),
        data=_mass_edit,
        effective=True,
    ),
    Door(
        "movements/mass-organisations/<int:pk>/targets/",
        _mass_url("movements:mass_target"),
        obj="organisation",
        reads=(),
        writes=("POST",),
        data=_target_form,
        effective=True,
    ),
    # --- API -----------------------------------------------------------------------------
    Door(
        "api/v1/movements/",
        rev("api:movement-list", pk=None),
        count=_movement_count,
        query=_org_query,
        writes=("POST",),
        body="json",
        data=_movement_json,
        positional_body=True,
        effective=True,
    ),
    Door("api/v1/movements/yield/", rev("api:movement-yield", pk=None), query=_org_query),
    Door(
        "api/v1/movements/<int:pk>/",
        _movement_url("api:movement-detail"),
        obj="organisation",
        writes=("PUT",),
        body="json",
        data=_movement_edit_json,
        effective=True,
    ),
    Door(
        "api/v1/movements/<int:pk>/candidates/",
        _movement_url("api:movement-candidates"),
        obj="organisation",
    ),
    Door(
        "api/v1/mass-organisations/",
        rev("api:mass-list", pk=None),
        count=_mass_count,
        query=_org_query,
        writes=("POST",),
        body="json",
        data=_mass_json,
        positional_body=True,
        effective=True,
    ),
    Door(
        "api/v1/mass-organisations/<int:pk>/",
        _mass_url("api:mass-detail"),
        obj="organisation",
        writes=("PUT",),
        body="json",
        data=_mass_edit,
        effective=True,
    ),
    Door(
        "api/v1/mass-organisations/<int:pk>/targets/",
        _mass_url("api:mass-targets"),
        obj="organisation",
        reads=(),
        writes=("POST",),
        body="json",
        data=_target_form,
        effective=True,
    ),
    Door(
        "api/v1/mass-organisations/<int:pk>/candidates/",
        _mass_url("api:mass-candidates"),
        obj="organisation",
    ),
]

ADMIN_MODELS = {
    "movements.massorganisation": AdminModel(None, **READ_ONLY),
    "movements.massorganisationtarget": AdminModel(None, **READ_ONLY),
    "movements.movement": AdminModel(None, **READ_ONLY),
}
