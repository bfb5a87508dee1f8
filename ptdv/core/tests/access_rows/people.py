"""Access-matrix rows of the corrections of people (issue 12 §1): the person page's "Sửa
thông tin" form and PATCH on /api/v1/people/{id}/ — 404 outside the subtree, 403 for a
viewer, clerks and above inside. The "people" import in update mode goes through the
`import` command's and the exchange page's existing rows; its row scope (a person outside
the actor's subtree reads "not found") is tested in
ptdv/exchange/tests/test_import_people_update.py."""

from __future__ import annotations

from typing import Any

from ptdv.accounts.models import Role
from ptdv.core.tests.access_matrix import Door, rev
from ptdv.core.tests.access_world import World


def _edit_form(world: World, site: str, user: Any) -> dict[str, Any]:
    return {
        "family_name": "Vũ",
        "middle_name": "Thị",
        "given_name": "Sửa",
        "birth_date": "01/02/1995",
        "gender": "female",
        "ethnicity": "01",
        "religion": "none",
        "education": "university",
        "occupation": "other",
        "version": "1",
        "reason": "Đính chính theo căn cước",
    }


DOORS = [
    Door(
        "people/<int:pk>/edit/",
        rev("people:edit"),
        obj="person",
        read=Role.CLERK,
        writes=("POST",),
        write=Role.CLERK,
        data=_edit_form,
        effective=True,
    ),
    # Replaces the read-only row of access_matrix (the last row of a route wins).
    Door(
        "api/v1/^people/(?P<pk>[^/.]+)/$",
        rev("api:person-detail"),
        obj="person",
        writes=("PATCH",),
        write=Role.CLERK,
        body="json",
        data=lambda w, s, u: {"education": "university"},
        effective=True,
    ),
]
