"""Access rows of exemplars (issue 14 §5): the pages, the exports, the evidence file and the
API of `ptdv.exemplars`.

An exemplar lies in its organisation's subtree: its viewers read it, its clerks record,
change and link it. The world has no exemplar, so the rows' URLs name the organisation-level
object of each site and `exemplar_at` makes the exemplar that organisation recorded (with a
scanned evidence file) the first time a door asks, and again after a door's test has rolled
it back. Its name carries the organisation's name, so a leak shows as the site's marker.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile

from ptdv.accounts.models import Role
from ptdv.core.tests.access_matrix import ANY, READ_ONLY, AdminModel, Door, Url, rev
from ptdv.core.tests.access_rows.at_site import list_url, made_at, object_url, org_query
from ptdv.core.tests.access_world import PDF, World
from ptdv.core.text import search_text
from ptdv.documents.storage import private_storage
from ptdv.exemplars.models import Exemplar
from ptdv.organisations.models import Organisation


def exemplar_at(world: World, organisation: Organisation) -> Exemplar:
    """The exemplar `organisation` recorded (made on first use)."""

    def make() -> Exemplar:
        name = f"Gương {organisation.name}"
        deed = "Làm kinh tế giỏi, giúp nhiều hộ thoát nghèo."
        storage_name = private_storage().save(
            f"exemplars/matrix-{organisation.pk}.pdf", ContentFile(PDF)
        )
        return Exemplar.objects.create(
            organisation=organisation,
            name=name,
            field="production",
            deed=deed,
            recognised_on=dt.date(2025, 6, 1),
            evidence_name="bang-khen.pdf",
            evidence_type="application/pdf",
            evidence_size=len(PDF),
            evidence_storage=storage_name,
            search_text=search_text(name, deed),
        )

    return made_at(world, "exemplar", organisation.pk, Exemplar, make)


def _list(name: str) -> Url:
    return list_url(name, exemplar_at)


def _on(name: str) -> Url:
    return object_url(name, exemplar_at)


def _count(path: str) -> int:
    return Exemplar.objects.filter(organisation__path__startswith=path).count()


_FORM = {
    "field": "study",
    "recognised_on": "05/09/2025",
    "deed": "Thủ khoa đầu ra, tích cực hoạt động Đoàn.",
    "name": "Người Mới Ghi",
}
_JSON = {**_FORM, "recognised_on": "2025-09-05"}


def _version(world: World, site: str) -> int:
    exemplar = exemplar_at(world, world.org_site[site])
    return Exemplar.objects.values_list("version", flat=True).get(pk=exemplar.pk)


def _create_form(world: World, site: str, user: Any) -> dict[str, Any]:
    return {**_FORM, "organisation": world.org_site[site].pk}


def _create_json(world: World, site: str, user: Any) -> dict[str, Any]:
    return {**_JSON, "organisation": world.org_site[site].pk}


def _edit_form(world: World, site: str, user: Any) -> dict[str, Any]:
    return {**_create_form(world, site, user), "version": _version(world, site)}


def _edit_json(world: World, site: str, user: Any) -> dict[str, Any]:
    return {**_create_json(world, site, user), "version": _version(world, site)}


def _link(world: World, site: str, user: Any) -> dict[str, Any]:
    exemplar_at(world, world.org_site[site])
    return {"candidacy": world.obj("candidacy", site).pk}


DOORS = [
    Door("exemplars/", _list("exemplars:list"), read=ANY, query=org_query),
    Door("exemplars/export.xlsx", _list("exemplars:export"), read=ANY, query=org_query),
    Door("exemplars/print.pdf", _list("exemplars:print"), read=ANY, query=org_query),
    Door(
        "exemplars/new/",
        rev("exemplars:create", pk=None),
        read=Role.CLERK,
        writes=("POST",),
        data=_create_form,
        positional_body=True,
        effective=True,
    ),
    Door("exemplars/<int:pk>/", _on("exemplars:detail"), obj="organisation"),
    Door(
        "exemplars/<int:pk>/edit/",
        _on("exemplars:edit"),
        obj="organisation",
        read=Role.CLERK,
        writes=("POST",),
        data=_edit_form,
        effective=True,
    ),
    Door(
        "exemplars/<int:pk>/candidacy/",
        _on("exemplars:link"),
        obj="organisation",
        reads=(),
        writes=("POST",),
        data=_link,
        effective=True,
    ),
    Door("exemplars/<int:pk>/evidence/", _on("exemplars:evidence"), obj="organisation"),
    Door(
        "api/v1/exemplars/",
        _list("api:exemplar-list"),
        read=ANY,
        count=_count,
        query=org_query,
        writes=("POST",),
        body="json",
        data=_create_json,
        positional_body=True,
        effective=True,
    ),
    Door(
        "api/v1/exemplars/<int:pk>/",
        _on("api:exemplar-detail"),
        obj="organisation",
        writes=("PUT",),
        body="json",
        data=_edit_json,
        effective=True,
    ),
    Door(
        "api/v1/exemplars/<int:pk>/candidacy/",
        _on("api:exemplar-link"),
        obj="organisation",
        reads=(),
        writes=("POST",),
        body="json",
        data=_link,
        effective=True,
    ),
]

ADMIN_MODELS = {"exemplars.exemplar": AdminModel(None, view=ANY, **READ_ONLY)}
