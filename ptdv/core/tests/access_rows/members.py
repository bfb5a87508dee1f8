"""Access rows of the membership actions: the web forms and the API (issue 12 §2)."""

from __future__ import annotations

from typing import Any

from ptdv.core.policies import REQUIRED_ROLE
from ptdv.core.tests.access_matrix import Door, Rule, rev
from ptdv.core.tests.access_world import World
from ptdv.members.actions import MEMBERSHIP_SPECS
from ptdv.members.models import PartyMembership

BODIES: dict[str, dict[str, Any]] = {
    "transfer": {"date": "2026-02-01", "reason": "Chuyển công tác"},
    "attach": {"date": "2026-02-01", "place": "Chi bộ Công ty X, TP Hồ Chí Minh"},
    "end_attachment": {"date": "2026-02-01"},
    "exempt": {"date": "2026-02-01", "reason": "Tuổi cao, sức yếu"},
    "end_exemption": {"date": "2026-02-01"},
    "remove": {"date": "2026-02-01", "grounds": "not_attending", "reason": "Bỏ sinh hoạt"},
    "expel": {"date": "2026-02-01", "reason": "Vi phạm kỷ luật"},
    "death": {"date": "2026-02-01"},
    "transfer_out": {"date": "2026-02-01", "destination": "Đảng bộ tỉnh Nghệ An"},
}


def _variants(key: str) -> Any:
    def variants(world: World) -> list[tuple[str, dict[str, Any], Rule | None]]:
        return [
            (name, {key: name}, REQUIRED_ROLE[spec.permission])
            for name, spec in MEMBERSHIP_SPECS.items()
        ]

    return variants


def _api_body(world: World, site: str, user: Any, action: str = "") -> dict[str, Any]:
    body = dict(BODIES.get(action, {}))
    if action == "transfer":
        # A cell inside every matrix user's scope (the own membership's cell is refused as
        # the same cell: a handled 422); the target is scoped by the service.
        body["organisation"] = world.cell_site["a1"].pk
    return body


def _form_body(world: World, site: str, user: Any, action: str = "") -> dict[str, Any]:
    body = {
        key: "01/02/2026" if key == "date" else value
        for key, value in _api_body(world, site, user, action).items()
    }
    body["version"] = PartyMembership.objects.get(pk=world.obj("membership", site).pk).version
    return body


DOORS = [
    Door(
        "members/<int:pk>/actions/<slug:action>/",
        rev("member_actions:action"),
        obj="membership",
        read=REQUIRED_ROLE[MEMBERSHIP_SPECS["death"].permission],
        writes=("POST",),
        data=_form_body,
        variants=_variants("action"),
    ),
    Door(
        "api/v1/members/<int:pk>/actions/<str:action_name>/",
        rev("api:member-action"),
        obj="membership",
        reads=(),
        writes=("POST",),
        body="json",
        data=_api_body,
        variants=_variants("action_name"),
    ),
]
