"""Access rows of obstacles (issue 14 §5): the pages, the monthly list and its export, the
statistics, the API list/create/read/stats and the actions.

The world has no obstacle of its own: `obstacle_at` records one at the organisation-level
object of a site (a1 cell A1, a2 cell A2, b1 cell B1, up_a commune A, up_p the province) the
first time a door asks (and again after a door's test rolled it back). It sits where it was
recorded, so the users who may act on it are the clerks whose scope covers that organisation —
the same subtree that sees it."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from ptdv.accounts.models import Role
from ptdv.core.tests.access_matrix import ANY, READ_ONLY, AdminModel, Door, Rule, Url
from ptdv.core.tests.access_world import TODAY, World
from ptdv.obstacles.models import Obstacle
from ptdv.obstacles.services import NewObstacle, obstacle_record
from ptdv.organisations.models import Organisation

MONTH = f"{TODAY:%m/%Y}"


def obstacle_at(world: World, organisation: Organisation) -> Obstacle:
    made: dict[int, Obstacle] = world.objects.setdefault("obstacle_by_organisation", {})
    known = made.get(organisation.pk)
    if known is not None and Obstacle.objects.filter(pk=known.pk).exists():
        return known
    made[organisation.pk] = obstacle_record(
        actor=world.user("province", Role.ADMINISTRATOR),
        data=NewObstacle(
            organisation=organisation.pk,
            category="background",
            title=f"Chưa thẩm tra được lý lịch ({organisation.code})",
            description="Nơi cư trú của gia đình chưa trả lời công văn.",
        ),
        today=TODAY,
    )
    return made[organisation.pk]


def _all(world: World) -> None:
    for organisation in world.org_site.values():
        obstacle_at(world, organisation)


def _on_obstacle(name: str) -> Url:
    def build(world: World, obj: Any, user: Any, **extra: Any) -> str:
        return reverse(name, kwargs={"pk": obstacle_at(world, obj).pk, **extra})

    return build


def _list(name: str, query: str = "") -> Url:
    def build(world: World, obj: Any, user: Any, **extra: Any) -> str:
        _all(world)
        return reverse(name) + query

    return build


def _level_query(world: World, site: str) -> str:
    return f"level={world.org_site[site].pk}"


def _org_query(world: World, site: str) -> str:
    return f"organisation={world.org_site[site].pk}"


def _count(path: str) -> int:
    return Obstacle.objects.filter(organisation__path__startswith=path).count()


_NEW = {
    "category": "residence",
    "title": "Quần chúng đi làm ăn xa",
    "description": "Chưa có ý kiến của chi ủy nơi cư trú.",
}


def _create_form(world: World, site: str, user: Any) -> dict[str, Any]:
    return {**_NEW, "organisation": world.org_site[site].pk, "candidacies": ""}


def _create_json(world: World, site: str, user: Any) -> dict[str, Any]:
    return {**_NEW, "organisation": world.org_site[site].pk}


def _form_action(world: World, site: str, user: Any, action: str = "") -> dict[str, Any]:
    if action == "escalate":
        return {"note": "Vượt thẩm quyền của cấp này."}
    return {f"{action}-answer": "Đã trao đổi với nơi cư trú."}


def _api_action(world: World, site: str, user: Any, action: str = "") -> dict[str, Any]:
    if action == "escalate":
        return {"note": "Vượt thẩm quyền của cấp này."}
    return {"outcome": "resolved", "answer": "Đã trao đổi với nơi cư trú."}


def _variants(key: str, names: tuple[str, ...]) -> Any:
    def variants(world: World) -> list[tuple[str, dict[str, Any], Rule | None]]:
        return [(name, {key: name}, Role.CLERK) for name in names]

    return variants


DOORS = [
    Door("obstacles/", _list("obstacles:list"), read=ANY, query=_level_query),
    Door(
        "obstacles/new/",
        _list("obstacles:create"),
        read=Role.CLERK,
        writes=("POST",),
        data=_create_form,
        positional_body=True,
        effective=True,
    ),
    Door(
        "obstacles/monthly/",
        _list("obstacles:monthly", f"?month={MONTH}"),
        read=ANY,
        query=_org_query,
    ),
    Door(
        "obstacles/monthly.xlsx",
        _list("obstacles:monthly_export", f"?month={MONTH}"),
        read=ANY,
        query=_org_query,
    ),
    Door("obstacles/stats/", _list("obstacles:stats", "?year=2025"), read=ANY, query=_org_query),
    Door("obstacles/<int:pk>/", _on_obstacle("obstacles:detail"), obj="organisation"),
    Door(
        "obstacles/<int:pk>/actions/<slug:action>/",
        _on_obstacle("obstacles:action"),
        obj="organisation",
        reads=(),
        writes=("POST",),
        data=_form_action,
        variants=_variants("action", ("escalate", "resolve", "decline")),
        effective=True,
    ),
    Door(
        "api/v1/obstacles/",
        _list("api:obstacle-list"),
        read=ANY,
        count=_count,
        query=_level_query,
        writes=("POST",),
        write=Role.CLERK,
        body="json",
        data=_create_json,
        positional_body=True,
        effective=True,
    ),
    Door(
        "api/v1/obstacles/stats/",
        _list("api:obstacle-stats", "?year=2025"),
        read=ANY,
        query=_org_query,
    ),
    Door("api/v1/obstacles/<int:pk>/", _on_obstacle("api:obstacle-detail"), obj="organisation"),
    Door(
        "api/v1/obstacles/<int:pk>/actions/<str:action_name>/",
        _on_obstacle("api:obstacle-action"),
        obj="organisation",
        reads=(),
        writes=("POST",),
        body="json",
        data=_api_action,
        variants=_variants("action_name", ("escalate", "resolve")),
        effective=True,
    ),
]

# The admin lists the obstacles of the user's subtree, read-only (the steps go through the
# services); the world's obstacles are made by the doors above, so no object kind is named.
ADMIN_MODELS = {"obstacles.obstacle": AdminModel(None, view=ANY, **READ_ONLY)}
