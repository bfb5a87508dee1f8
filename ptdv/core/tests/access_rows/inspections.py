"""Access rows of inspections and supervisions (issue 14 §6): the pages, the Excel export and
the API of `ptdv.inspections`.

An inspection has two sides, the inspecting body and the inspected organisation; a user sees
it when either lies in their subtree. The world has none, so the rows' URLs name the
organisation-level object of each site and `inspection_at` makes (on first use, and again
after a door's test rolled it back) the organisation's self-inspection — body and inspected
organisation both the site's organisation, so it lies exactly where the site is — with one
open recommendation. The two-sided reach (the inspected cell seeing its parent's inspection)
is covered by ptdv/inspections/tests.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.urls import reverse

from ptdv.accounts.models import Role
from ptdv.core.tests.access_matrix import ANY, READ_ONLY, AdminModel, Door, Url, rev
from ptdv.core.tests.access_rows.at_site import list_url, made_at, object_url, org_query
from ptdv.core.tests.access_world import World
from ptdv.inspections.models import Inspection, Recommendation
from ptdv.organisations.models import Organisation

_STARTS = dt.date(2025, 5, 5)


def inspection_at(world: World, organisation: Organisation) -> Inspection:
    def make() -> Inspection:
        inspection = Inspection.objects.create(
            kind="inspection",
            body=organisation,
            organisation=organisation,
            subject=f"Tự kiểm tra công tác phát triển đảng viên của {organisation.name}",
            starts_on=_STARTS,
            ends_on=_STARTS + dt.timedelta(days=3),
            inspectors="Đoàn kiểm tra",
        )
        Recommendation.objects.create(
            inspection=inspection, text="Bổ sung kế hoạch tạo nguồn", due_on=dt.date(2025, 8, 1)
        )
        return inspection

    return made_at(world, "inspection", organisation.pk, Inspection, make)


def _list(name: str) -> Url:
    return list_url(name, inspection_at)


def _on(name: str) -> Url:
    return object_url(name, inspection_at)


def _on_recommendation(name: str) -> Url:
    def build(world: World, obj: Any, user: Any, **extra: Any) -> str:
        inspection = inspection_at(world, obj)
        rid = inspection.recommendations.order_by("pk").values_list("pk", flat=True).first()
        return reverse(name, kwargs={"pk": inspection.pk, "rid": rid})

    return build


def _count(path: str) -> int:
    return Inspection.objects.filter(
        Q(body__path__startswith=path) | Q(organisation__path__startswith=path)
    ).count()


_FORM = {
    "kind": "supervision",
    "subject": "Giám sát việc thực hiện chỉ tiêu kết nạp",
    "starts_on": "01/09/2025",
    "ends_on": "03/09/2025",
    "inspectors": "Nguyễn Văn Giám",
    "findings": "Đạt yêu cầu.",
}
_JSON = {**_FORM, "starts_on": "2025-09-01", "ends_on": "2025-09-03"}


def _version(world: World, site: str) -> int:
    inspection = inspection_at(world, world.org_site[site])
    return Inspection.objects.values_list("version", flat=True).get(pk=inspection.pk)


def _sides(world: World, site: str) -> dict[str, Any]:
    organisation = world.org_site[site].pk
    return {"body": organisation, "organisation": organisation}


def _create_form(world: World, site: str, user: Any) -> dict[str, Any]:
    return {**_FORM, **_sides(world, site)}


def _create_json(world: World, site: str, user: Any) -> dict[str, Any]:
    return {**_JSON, **_sides(world, site)}


def _edit_form(world: World, site: str, user: Any) -> dict[str, Any]:
    return {**_create_form(world, site, user), "version": _version(world, site)}


def _edit_json(world: World, site: str, user: Any) -> dict[str, Any]:
    return {**_create_json(world, site, user), "version": _version(world, site)}


def _recommend_form(world: World, site: str, user: Any) -> dict[str, Any]:
    return {"text": "Mở lớp bồi dưỡng nhận thức", "due_on": "30/09/2025"}


def _recommend_json(world: World, site: str, user: Any) -> dict[str, Any]:
    return {"text": "Mở lớp bồi dưỡng nhận thức", "due_on": "2025-09-30"}


def _done_form(world: World, site: str, user: Any) -> dict[str, Any]:
    return {"result": "Đã bổ sung kế hoạch", "done_on": "20/07/2025"}


def _done_json(world: World, site: str, user: Any) -> dict[str, Any]:
    return {"result": "Đã bổ sung kế hoạch", "done_on": "2025-07-20"}


DOORS = [
    Door("inspections/", _list("inspections:list"), read=ANY, query=org_query),
    Door("inspections/export.xlsx", _list("inspections:export"), read=ANY, query=org_query),
    Door(
        "inspections/new/",
        rev("inspections:create", pk=None),
        read=Role.CLERK,
        writes=("POST",),
        data=_create_form,
        positional_body=True,
        effective=True,
    ),
    Door("inspections/<int:pk>/", _on("inspections:detail"), obj="organisation"),
    Door(
        "inspections/<int:pk>/edit/",
        _on("inspections:edit"),
        obj="organisation",
        read=Role.CLERK,
        writes=("POST",),
        data=_edit_form,
        effective=True,
    ),
    Door(
        "inspections/<int:pk>/recommendations/",
        _on("inspections:recommendation_add"),
        obj="organisation",
        reads=(),
        writes=("POST",),
        data=_recommend_form,
        effective=True,
    ),
    Door(
        "inspections/<int:pk>/recommendations/<int:rid>/done/",
        _on_recommendation("inspections:recommendation_close"),
        obj="organisation",
        reads=(),
        writes=("POST",),
        data=_done_form,
        effective=True,
    ),
    Door(
        "api/v1/inspections/",
        _list("api:inspection-list"),
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
        "api/v1/inspections/<int:pk>/",
        _on("api:inspection-detail"),
        obj="organisation",
        writes=("PUT",),
        body="json",
        data=_edit_json,
        effective=True,
    ),
    Door(
        "api/v1/inspections/<int:pk>/recommendations/",
        _on("api:inspection-recommendations"),
        obj="organisation",
        reads=(),
        writes=("POST",),
        body="json",
        data=_recommend_json,
        effective=True,
    ),
    Door(
        "api/v1/inspections/<int:pk>/recommendations/<int:rid>/done/",
        _on_recommendation("api:inspection-recommendation-done"),
        obj="organisation",
        reads=(),
        writes=("POST",),
        body="json",
        data=_done_json,
        effective=True,
    ),
]

ADMIN_MODELS = {"inspections.inspection": AdminModel(None, view=ANY, **READ_ONLY)}
