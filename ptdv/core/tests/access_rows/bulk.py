"""Access rows of the bulk dossier actions and the whole-dossier PDF (issue 13 §4 and §1).

The bulk doors name their dossiers in the body (or the query): at the user's own position the
dossier is in scope and the action goes through; at a sibling's or the parent's position the
ids name dossiers outside the subtree, which answer "not found" one by one — a 200 that
writes nothing, not even an audit entry (nothing was shown). A role below clerk is refused the
actions (403) but may export a selection, as it may export the list.
"""

from __future__ import annotations

from typing import Any

from ptdv.accounts.models import Role
from ptdv.core.tests.access_matrix import Door, Rule, rev
from ptdv.core.tests.access_world import World
from ptdv.core.work import bulk_actions

FACTS: dict[str, dict[str, Any]] = {
    "record_certificate": {"certificate_date": "2025-06-01", "date": "2025-06-02"},
    "assign_helper": {"reason": "Phân công lại", "date": "2025-06-02"},
}


def _dossier(world: World, site: str) -> int:
    return int(world.obj("candidacy", site).pk)


def _action_variants(world: World) -> list[tuple[str, dict[str, Any], Rule | None]]:
    return [(name, {"action": name}, Role.CLERK) for name in sorted(bulk_actions())]


def _api_body(world: World, site: str, user: Any, action: str = "") -> dict[str, Any]:
    facts = dict(FACTS.get(action, {}))
    if action == "assign_helper":
        facts["helper"] = world.obj("membership", site).pk  # the cell's official member
    return {"ids": [_dossier(world, site)], "facts": facts}


def _form_body(world: World, site: str, user: Any) -> dict[str, Any]:
    return {
        "action": "record_certificate",
        "ids": [_dossier(world, site)],
        "certificate_date": "01/06/2025",
        "date": "02/06/2025",
    }


def _export_body(world: World, site: str, user: Any) -> dict[str, Any]:
    return {"ids": [_dossier(world, site)]}


def _ids_query(world: World, site: str) -> str:
    return f"ids={_dossier(world, site)}"


DOORS = [
    Door(
        "candidacies/bulk/",
        rev("bulk:form", pk=None),
        read=Role.CLERK,
        writes=("POST",),
        write=Role.CLERK,
        data=_form_body,
        positional_body=True,
        effective=True,
    ),
    Door(
        "candidacies/bulk/export.xlsx",
        rev("bulk:export", pk=None),
        read=Role.VIEWER,
        query=_ids_query,
        query_outside=(200,),
    ),
    Door(
        "api/v1/candidacies/bulk/export/",
        rev("api:candidacy-bulk-export", pk=None),
        reads=(),
        writes=("POST",),
        write=Role.VIEWER,
        body="json",
        data=_export_body,
        positional_body=True,
    ),
    Door(
        "api/v1/candidacies/bulk/<str:action>/",
        rev("api:candidacy-bulk", pk=None),
        reads=(),
        writes=("POST",),
        write=Role.CLERK,
        body="json",
        data=_api_body,
        variants=_action_variants,
        positional_body=True,
    ),
    Door(
        "documents/candidacies/<int:pk>/bundle.pdf",
        rev("documents:bundle"),
        obj="candidacy",
    ),
    Door(
        "api/v1/candidacies/<int:pk>/bundle.pdf",
        rev("api:candidacy-bundle"),
        obj="candidacy",
    ),
]
