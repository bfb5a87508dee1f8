"""/api/v1/obstacles/: list with filters (query count pinned), create, read with history,
the escalate and resolve actions (403/404/409/422), the statistics."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from ptdv.audit.models import AuditEntry
from ptdv.core.tests.state import db_state
from ptdv.obstacles.models import Obstacle, Status
from ptdv.obstacles.tests.conftest import record

pytestmark = pytest.mark.django_db
WRITES = ("obstacles.Obstacle", "obstacles.ObstacleEvent")


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_list_is_scoped_filtered_and_audited(
    tree, obstacle, cell_clerk, other_clerk, commune_clerk, django_assert_max_num_queries
):
    for _ in range(3):
        record(cell_clerk, tree["cell_a1"], category="pool")
    record(other_clerk, tree["commune_b"])
    c = api(commune_clerk)
    c.get("/api/v1/obstacles/")  # warm the session caches
    with django_assert_max_num_queries(12):
        body = c.get("/api/v1/obstacles/").json()
    assert body["count"] == 4
    row = next(r for r in body["results"] if r["id"] == obstacle.pk)
    assert row["level"]["id"] == tree["cell_a1"].pk and row["candidacies"] != []
    assert c.get("/api/v1/obstacles/?category=pool").json()["count"] == 3
    assert c.get("/api/v1/obstacles/?status=resolved").json()["count"] == 0
    assert c.get("/api/v1/obstacles/?month=03/2026").json()["count"] == 4
    assert c.get("/api/v1/obstacles/?month=2026-03").status_code == 400
    assert c.get(f"/api/v1/obstacles/?level={tree['commune_b'].pk}").status_code == 404
    assert AuditEntry.objects.filter(actor=commune_clerk, summary__contains="(API)").exists()


def test_create(tree, cell_clerk, dossier, foreign_dossier):
    c = api(cell_clerk)
    body = {
        "organisation": tree["cell_a1"].pk,
        "category": "training",
        "title": "Chưa mở được lớp nhận thức",
        "description": "Trung tâm chính trị chưa có lịch.",
        "candidacies": [dossier.pk],
    }
    created = c.post("/api/v1/obstacles/", body, format="json")
    assert created.status_code == 201
    assert created.json()["candidacies"] == [dossier.pk]
    assert created.json()["status"] == "open"
    before = db_state(*WRITES)
    refused = c.post(
        "/api/v1/obstacles/", {**body, "candidacies": [foreign_dossier.pk]}, format="json"
    )
    assert refused.status_code == 400
    assert "candidacies" in refused.json()["error"]["fields"]
    outside = c.post(
        "/api/v1/obstacles/", {**body, "organisation": tree["cell_b1"].pk}, format="json"
    )
    assert outside.status_code == 400
    empty = c.post("/api/v1/obstacles/", {**body, "title": " ", "candidacies": []}, format="json")
    assert empty.status_code in (400, 422)
    assert db_state(*WRITES) == before


def test_escalate_and_resolve(
    tree, obstacle, cell_clerk, grassroots_clerk, commune_clerk, other_clerk
):
    url = f"/api/v1/obstacles/{obstacle.pk}/actions/"
    assert api(other_clerk).post(url + "escalate/", {"note": "x"}, format="json").status_code == 404
    assert api(cell_clerk).post(url + "escalate/", {}, format="json").status_code == 400
    stale = api(cell_clerk).post(url + "escalate/", {"note": "x", "version": 9}, format="json")
    assert stale.status_code == 409 and stale.json()["version"] == 1
    up = api(cell_clerk).post(url + "escalate/", {"note": "Lên xã", "version": 1}, format="json")
    assert up.status_code == 200 and up.json()["level"]["id"] == tree["grassroots_a"].pk
    assert api(cell_clerk).post(url + "escalate/", {"note": "x"}, format="json").status_code == 403
    assert (
        api(grassroots_clerk)
        .post(url + "escalate/", {"note": "Lên nữa"}, format="json")
        .status_code
        == 200
    )
    done = api(commune_clerk).post(
        url + "resolve/", {"outcome": "declined", "answer": "Không thể."}, format="json"
    )
    assert done.status_code == 200 and done.json()["status"] == Status.DECLINED
    closed = api(commune_clerk).post(url + "resolve/", {"answer": "x"}, format="json")
    assert closed.status_code == 409 and closed.json()["error"]["code"] == "invalid_status"
    assert api(commune_clerk).post(url + "delete/", {}, format="json").status_code == 404
    detail = api(cell_clerk).get(f"/api/v1/obstacles/{obstacle.pk}/").json()
    assert [e["kind"] for e in detail["history"]] == [
        "recorded",
        "escalated",
        "escalated",
        "declined",
    ]
    assert detail["history"][1]["actor"] != ""
    assert Obstacle.objects.get(pk=obstacle.pk).closed_by_level == tree["commune_a"]


def test_resolve_needs_an_answer(obstacle, cell_clerk):
    url = f"/api/v1/obstacles/{obstacle.pk}/actions/resolve/"
    response = api(cell_clerk).post(url, {"answer": " "}, format="json")
    assert response.status_code in (400, 422)


def test_the_top_refuses_escalation_with_422(tree):
    from ptdv.accounts.models import Role
    from ptdv.factories import user_with_role

    clerk = user_with_role(tree["province"], Role.CLERK)
    top = record(clerk, tree["province"])
    response = api(clerk).post(
        f"/api/v1/obstacles/{top.pk}/actions/escalate/", {"note": "x"}, format="json"
    )
    assert response.status_code == 422 and "level" in response.json()["error"]["fields"]


def test_stats(tree, obstacle, commune_clerk):
    rows = api(commune_clerk).get("/api/v1/obstacles/stats/?year=2026").json()
    total = rows[-1]
    assert total["category"] == "" and total["total"] == 1 and total["open"] == 1
    assert (
        api(commune_clerk)
        .get(f"/api/v1/obstacles/stats/?organisation={tree['commune_b'].pk}")
        .status_code
        == 404
    )
