"""Access-matrix rows of the lists (issue 12 §2 roster and member page, §4 localities and
breakdowns): the member roster page and API (list, breakdown, detail), a member's page, the
locality list of a subtree (page and API), the candidate list's breakdown, and the exports
of the roster and the localities."""

from __future__ import annotations

from typing import Any

from ptdv.core.tests.access_matrix import (
    ANY,
    Command,
    Door,
    _cell_query,
    _export_variants,
    rev,
)
from ptdv.core.tests.access_world import World
from ptdv.members.models import ACTIVE_STATUSES, PartyMembership


def _member_count(path: str) -> int:
    return PartyMembership.objects.filter(
        organisation__path__startswith=path, status__in=ACTIVE_STATUSES
    ).count()


def _exports_with_localities(world: World) -> list[tuple[str, dict[str, Any], Any]]:
    return [*_export_variants(world), ("localities", {"name": "localities"}, None)]


DOORS = [
    Door("members/", rev("members:list", pk=None), read=ANY, query=_cell_query),
    Door("members/<int:pk>/", rev("members:detail"), obj="membership"),
    Door(
        "organisations/<int:pk>/localities/",
        rev("organisations:localities"),
        obj="organisation",
    ),
    # The same door as the core row, with the locality export among its variants.
    Door(
        "exchange/export/<slug:name>.xlsx",
        rev("exchange:export", pk=None),
        query=_cell_query,
        read=ANY,
        variants=_exports_with_localities,
    ),
    Door(
        "api/v1/^members/$",
        rev("api:member-list", pk=None),
        read=ANY,
        query=_cell_query,
        query_outside=(400,),
        count=_member_count,
    ),
    Door(
        "api/v1/^members/breakdown/$",
        rev("api:member-breakdown", pk=None),
        read=ANY,
        query=_cell_query,
        query_outside=(400,),
    ),
    Door("api/v1/^members/(?P<pk>[^/.]+)/$", rev("api:member-detail"), obj="membership"),
    Door(
        "api/v1/^candidacies/breakdown/$",
        rev("api:candidacy-breakdown", pk=None),
        read=ANY,
        query=_cell_query,
        query_outside=(400,),
    ),
    Door(
        "api/v1/organisations/<int:pk>/localities/",
        rev("api:organisation-localities"),
        obj="organisation",
    ),
]

COMMANDS = {
    "export localities": Command(
        lambda w, s, u, out: [
            "export",
            "localities",
            "--output",
            out,
            "--organisation",
            w.org_site[s].code,
            "--white",
            "0",
            "--as",
            u.username,
        ]
    ),
}
