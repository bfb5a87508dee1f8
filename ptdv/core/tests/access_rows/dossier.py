"""Access-matrix rows of the dossier's corrections (issue 12 §1): voiding the last step, by
the web page and the API. The action `assign_helper` needs no row of its own: the action doors
(`candidacies/<pk>/actions/<action>/` and its API twin) take one variant per action spec."""

from __future__ import annotations

from typing import Any

from ptdv.accounts.models import Role
from ptdv.candidacies.models import Candidacy
from ptdv.core.tests.access_matrix import Door, rev
from ptdv.core.tests.access_world import World


def _void_body(world: World, site: str, user: Any) -> dict[str, Any]:
    version = Candidacy.objects.get(pk=world.obj("candidacy", site).pk).version
    return {"reason": "Ghi nhầm bước", "version": version}


DOORS = [
    Door(
        "candidacies/<int:pk>/void/",
        rev("candidacies:void"),
        obj="candidacy",
        read=Role.APPROVER,
        writes=("POST",),
        write=Role.APPROVER,
        data=_void_body,
    ),
    Door(
        "api/v1/^candidacies/(?P<pk>[^/.]+)/void/$",
        rev("api:candidacy-void"),
        obj="candidacy",
        reads=(),
        writes=("POST",),
        write=Role.APPROVER,
        body="json",
        data=_void_body,
    ),
]
