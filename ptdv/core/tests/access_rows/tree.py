"""Access rows of the organisation changes (helper "tree"): the history page, the forms of
each change, the API action and the locality changes. Changes are made by the
administrators of the parent (`admin_of_parent`: the matrix's "own" object is cell A1,
whose parent is the grassroots committee of commune A)."""

from __future__ import annotations

from typing import Any

from ptdv.accounts.models import Role
from ptdv.core.tests.access_matrix import Door, Rule, admin_of_parent, rev
from ptdv.core.tests.access_world import World

ACTIONS = ("rename", "move", "merge", "split", "dissolve")

DECISION_FORM = {
    "decision_number": "125-QĐ/TU",
    "decision_date": "20/06/2025",
    "issuing_body": "Ban Thường vụ Tỉnh ủy",
    "date": "01/07/2025",
}
DECISION_JSON = {"number": "125-QĐ/TU", "date": "2025-06-20", "issuing_body": "BTV Tỉnh ủy"}


def _variants(key: str) -> Any:
    def variants(world: World) -> list[tuple[str, dict[str, Any], Rule | None]]:
        return [(name, {key: name}, None) for name in ACTIONS]

    return variants


def _form(world: World, site: str, user: Any, action: str = "") -> dict[str, Any]:
    body: dict[str, Any] = dict(DECISION_FORM)
    if action == "rename":
        body["name"] = "Chi bộ thôn Đổi Tên"
    elif action == "move":
        body["parent"] = world.orgs["XA"].pk
    elif action == "merge":
        body["into"] = world.orgs["A2"].pk
    elif action == "split":
        body["parts"] = "TS1 | Chi bộ Tách Một\nTS2 | Chi bộ Tách Hai"
    elif action == "dissolve":
        body["successor"] = world.orgs["A2"].pk
    return body


def _json(world: World, site: str, user: Any, action: str = "") -> dict[str, Any]:
    body: dict[str, Any] = {"document": DECISION_JSON, "date": "2025-07-01"}
    if action == "rename":
        body["name"] = "Chi bộ thôn Đổi Tên"
    elif action == "move":
        body["parent"] = world.orgs["XA"].pk
    elif action == "merge":
        body["into"] = world.orgs["A2"].pk
    elif action == "split":
        body["parts"] = [
            {"code": "TS1", "name": "Chi bộ Tách Một"},
            {"code": "TS2", "name": "Chi bộ Tách Hai"},
        ]
    elif action == "dissolve":
        body["successor"] = world.orgs["A2"].pk
    return body


def _locality_variants(world: World) -> list[tuple[str, dict[str, Any], Rule | None]]:
    # A move needs another commune the user administers: none for the cell's administrator.
    return [
        (name, {"action": name}, admin_of_parent if name == "move" else None)
        for name in ("rename", "move", "merge", "split")
    ]


def _locality_form(world: World, site: str, user: Any, action: str = "") -> dict[str, Any]:
    body: dict[str, Any] = dict(DECISION_FORM)
    if action == "rename":
        body["name"] = "Thôn Đổi Tên"
    elif action == "move":
        body["commune"] = world.orgs["XA"].pk
    elif action == "merge":
        body.update(new_code="TH-HOP-NHAT", new_name="Thôn Hợp Nhất")
    elif action == "split":
        body["parts"] = "TH-TACH | Thôn Tách"
    return body


def _competence_form(world: World, site: str, user: Any) -> dict[str, Any]:
    # The cell decides for itself through its own standing committee: recorded by the
    # administrators of the committee above it (the cell's parent).
    return {
        "decider": world.org_site[site].pk,
        "basis": "above",
        "valid_from": "01/01/2026",
        "decision_number": "3-QĐ/ĐU",
        "decision_date": "20/12/2025",
        "issuing_body": "Ban Thường vụ Đảng ủy",
    }


def _competence_json(world: World, site: str, user: Any) -> dict[str, Any]:
    return {
        "decider": world.org_site[site].pk,
        "basis": "above",
        "valid_from": "2026-01-01",
        "decision_number": "3-QĐ/ĐU",
        "decision_date": "2025-12-20",
        "issuing_body": "Ban Thường vụ Đảng ủy",
    }


DOORS = [
    Door(
        "organisations/<int:pk>/competence/",
        rev("organisations:competence"),
        obj="organisation",
        writes=("POST",),
        write=admin_of_parent,
        data=_competence_form,
        ok=(200, 302),
        effective=True,
    ),
    Door(
        "api/v1/organisations/<int:pk>/competence/",
        rev("api:organisation-competence"),
        obj="organisation",
        writes=("POST",),
        write=admin_of_parent,
        data=_competence_json,
        body="json",
        ok=(200, 201),
        effective=True,
    ),
    Door(
        "organisations/localities/<int:pk>/changes/<str:action>/",
        rev("organisations:locality_change"),
        obj="locality",
        read=Role.ADMINISTRATOR,
        writes=("POST",),
        write=Role.ADMINISTRATOR,
        data=_locality_form,
        variants=_locality_variants,
        effective=True,
    ),
    Door("organisations/<int:pk>/changes/", rev("organisations:changes"), obj="organisation"),
    Door(
        "organisations/<int:pk>/changes/<str:action>/",
        rev("organisations:change"),
        obj="organisation",
        read=admin_of_parent,
        writes=("POST",),
        write=admin_of_parent,
        data=_form,
        variants=_variants("action"),
        effective=True,
    ),
    Door(
        "api/v1/organisations/<int:pk>/actions/<str:action>/",
        rev("api:organisation-action"),
        obj="organisation",
        reads=(),
        writes=("POST",),
        write=admin_of_parent,
        data=_json,
        body="json",
        variants=_variants("action"),
        effective=True,
    ),
]
