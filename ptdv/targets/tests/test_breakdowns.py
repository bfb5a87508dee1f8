"""Monitoring by sector, by area flag and by target group: the dashboard, the progress API
(`?breakdown=1`) and the candidate list (page, API, export) show the same figures."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from rest_framework.test import APIClient

from ptdv.accounts.models import Role
from ptdv.candidacies.models import Candidacy
from ptdv.candidacies.tallies import aggregates_rebuild
from ptdv.factories import bearer_key, user_with_role
from ptdv.organisations.models import Organisation
from ptdv.people.models import Person
from ptdv.targets.tests.scenario import TODAY, YEAR, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tree, monkeypatch):
    world = {"tree": tree, **build(tree)}
    # Commune B (and its cell B1) is a ward on the border; the admitted man is a worker,
    # the waiting one a pupil and a worker.
    Organisation.objects.filter(pk=tree["commune_b"].pk).update(
        sector="urban_ward", area_flags=["border", "mountainous"]
    )
    Organisation.objects.filter(pk=tree["cell_b1"].pk).update(
        sector="urban_ward", area_flags=["border"]
    )
    Person.objects.filter(pk=world["admitted"][1].person_id).update(target_groups=["worker"])
    Person.objects.filter(pk=world["waiting"].person_id).update(
        target_groups=["pupil_student", "worker"]
    )
    # Written past the services: the tallies (which count the groups) are recounted.
    aggregates_rebuild()
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)
    return world


def api_for(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer_key(user)}")
    return client


def by_code(rows):
    return {row["code"]: row for row in rows}


def test_progress_api_breaks_down_the_children_and_the_target_groups(world):
    tree = world["tree"]
    api = api_for(world["user"])
    url = f"/api/v1/organisations/{tree['province'].pk}/progress/"
    assert "breakdowns" not in api.get(url, {"year": YEAR}).json()
    body = api.get(url, {"year": YEAR, "breakdown": "true"}).json()
    children = {
        row["code"]: row for row in api.get(url + "children/", {"year": YEAR}).json()["results"]
    }
    sectors = by_code(body["breakdowns"]["by_sector"])
    assert set(sectors) == {"rural_commune", "urban_ward"}
    rural, ward = sectors["rural_commune"], sectors["urban_ward"]
    assert rural["organisations"] == 1 and ward["organisations"] == 1
    assert rural["members_at_start"] == children["Xa"]["members_at_start"] == 15
    assert rural["admitted"] == children["Xa"]["admitted"] == 2
    assert ward["members_at_start"] == 20 and ward["candidates"] == 2
    assert ward["admission_rate"] == 0
    flags = by_code(body["breakdowns"]["by_area_flag"])
    assert set(flags) == {"border", "mountainous"}
    assert flags["border"]["members_at_start"] == 20
    groups = by_code(body["breakdowns"]["by_target_group"])
    # The admitted man's dossier stays in the pipeline (decided) until he is official.
    assert groups["worker"] == {
        "code": "worker", "label": "Công nhân", "candidates": 2, "admitted": 1,
    }  # fmt: skip
    assert groups["pupil_student"]["candidates"] == 1 and groups["pupil_student"]["admitted"] == 0
    assert len(groups) == 10
    assert api.get(url, {"breakdown": "maybe"}).status_code == 400


def test_dashboard_shows_the_breakdowns(client, world):
    tree = world["tree"]
    client.force_login(world["user"])
    page = client.get(f"/targets/{tree['province'].pk}/", {"year": YEAR}).content.decode()
    assert 'id="by-sector"' in page and "Phường, thị trấn" in page
    assert 'id="by-area-flag"' in page and "Biên giới" in page
    assert 'id="by-target-group"' in page and "Học sinh, sinh viên" in page
    assert 'id="white-localities"' in page and "Thôn Hai" in page  # white and without cell


def test_candidate_list_filters_and_breakdown(client, world):
    tree = world["tree"]
    user = world["user"]
    api = api_for(user)
    open_ids = set(Candidacy.objects.filter(is_open=True).values_list("id", flat=True))
    ids = lambda **q: {r["id"] for r in api.get("/api/v1/candidacies/", q).json()["results"]}  # noqa: E731
    assert ids(sector="urban_ward") == {world["waiting"].pk, world["applied"].pk}
    assert ids(area_flag="border") == {world["waiting"].pk, world["applied"].pk}
    assert ids(sector="rural_commune") == open_ids - {world["waiting"].pk, world["applied"].pk}
    body = api.get("/api/v1/candidacies/breakdown/").json()
    assert body["total"] == len(open_ids)
    assert by_code(body["sector"])["urban_ward"]["count"] == 2
    assert by_code(body["area_flag"]) == {
        "border": {"code": "border", "label": "Biên giới", "count": 2}
    }
    assert by_code(body["target_group"])["pupil_student"]["count"] == 1
    assert api.get("/api/v1/candidacies/breakdown/", {"sector": "x"}).status_code == 400
    client.force_login(user)
    page = client.get("/candidacies/", {"breakdown": "1"}).content.decode()
    assert 'id="candidacy-breakdown"' in page and "Biên giới" in page
    page = client.get("/candidacies/", {"area_flag": "border"}).content.decode()
    assert "tìm thấy <strong>2</strong>" in page
    response = client.get("/exchange/export/candidacies.xlsx", {"sector": "urban_ward"})
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["Hồ sơ"]
    assert ws.max_row == 3
    commune_clerk = user_with_role(tree["commune_a"], Role.CLERK)
    scoped = api_for(commune_clerk).get("/api/v1/candidacies/breakdown/").json()
    assert "urban_ward" not in by_code(scoped["sector"])
