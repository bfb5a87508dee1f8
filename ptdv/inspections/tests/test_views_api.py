"""The pages and the API of inspections: the list and its Excel read back, the page with the
recommendation forms per side, the API list/create/read/change and the follow-up actions."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from ptdv.audit.models import AuditEntry
from ptdv.inspections.models import Recommendation, RecommendationStatus
from ptdv.inspections.services import recommendation_add
from ptdv.inspections.tests.conftest import TODAY, make

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_list_page_excel_and_detail_per_side(
    client, tree, inspection, body_clerk, cell_clerk, clerk_b
):
    make(body_clerk, tree["commune_a"], tree["cell_a2"], subject="Giám sát chi bộ A2")
    recommendation_add(
        actor=body_clerk,
        inspection_id=inspection.pk,
        text="Bổ sung sổ theo dõi",
        due_on=TODAY - dt.timedelta(days=1),
    )
    client.force_login(cell_clerk)
    page = client.get(reverse("inspections:list")).content.decode()
    assert inspection.subject in page and "Giám sát chi bộ A2" not in page
    response = client.get(reverse("inspections:export") + "?followup=overdue")
    rows = list(
        openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(
            values_only=True
        )
    )
    assert rows[0][2] == "Chủ thể kiểm tra, giám sát"
    assert [(r[0], r[9], r[11]) for r in rows[1:]] == [(inspection.pk, 1, 1)]
    assert AuditEntry.objects.filter(actor=cell_clerk, action="export").exists()
    detail = client.get(inspection.get_absolute_url()).content.decode()
    assert "Quá hạn" in detail and "Đã hoàn thành" in detail  # may close
    assert 'id="recommendation-form"' not in detail  # only the body recommends
    client.force_login(body_clerk)
    assert 'id="recommendation-form"' in client.get(inspection.get_absolute_url()).content.decode()
    client.force_login(clerk_b)
    assert client.get(inspection.get_absolute_url()).status_code == 404


def test_the_forms_post_through_the_services(client, tree, body_clerk, cell_clerk):
    client.force_login(body_clerk)
    response = client.post(
        reverse("inspections:create"),
        {
            "kind": "supervision",
            "body": tree["commune_a"].pk,
            "organisation": tree["cell_a1"].pk,
            "subject": "Giám sát thực hiện chỉ tiêu",
            "starts_on": "02/03/2026",
            "ends_on": "04/03/2026",
        },
    )
    assert response.status_code == 302
    inspection = tree["commune_a"].inspections_made.get()
    client.post(
        reverse("inspections:recommendation_add", args=[inspection.pk]),
        {"text": "Giao chỉ tiêu cho từng chi bộ", "due_on": "30/06/2026"},
    )
    rec = Recommendation.objects.get()
    assert rec.due_on == dt.date(2026, 6, 30)
    client.force_login(cell_clerk)
    assert (
        client.post(reverse("inspections:recommendation_add", args=[inspection.pk]), {}).status_code
        == 403
    )
    client.post(
        reverse("inspections:recommendation_close", args=[inspection.pk, rec.pk]),
        {"result": "Đã giao chỉ tiêu", "done_on": "10/04/2026"},
    )
    rec.refresh_from_db()
    assert rec.status == RecommendationStatus.DONE and rec.result == "Đã giao chỉ tiêu"


def test_api(tree, body_clerk, cell_clerk, clerk_b, django_assert_max_num_queries):
    for index in range(3):
        make(body_clerk, tree["commune_a"], tree["cell_a1"], subject=f"Kiểm tra đợt {index}")
    with django_assert_max_num_queries(6):
        listing = api(cell_clerk).get("/api/v1/inspections/?kind=inspection").json()
    assert listing["count"] == 3
    assert api(clerk_b).get("/api/v1/inspections/").json()["count"] == 0
    body = {
        "kind": "inspection",
        "body": tree["commune_a"].pk,
        "organisation": tree["cell_a2"].pk,
        "subject": "Kiểm tra hồ sơ kết nạp",
        "starts_on": "2026-02-01",
        "ends_on": "02/02/2026",
        "inspectors": "Lê Văn Đoàn",
    }
    created = api(body_clerk).post("/api/v1/inspections/", body, format="json")
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["inspector_list"] == ["Lê Văn Đoàn"]
    assert api(cell_clerk).get(f"/api/v1/inspections/{pk}/").status_code == 404  # cell A2's
    assert api(cell_clerk).post("/api/v1/inspections/", body, format="json").status_code == 400
    rec = api(body_clerk).post(
        f"/api/v1/inspections/{pk}/recommendations/",
        {"text": "Hoàn thiện hồ sơ", "due_on": "2026-03-01"},
        format="json",
    )
    assert rec.status_code == 201 and rec.json()["status"] == "open"
    rid = rec.json()["id"]
    done = api(body_clerk).post(
        f"/api/v1/inspections/{pk}/recommendations/{rid}/done/",
        {"result": "Đã hoàn thiện", "done_on": "2026-02-20"},
        format="json",
    )
    assert done.status_code == 200 and done.json()["status"] == "done"
    again = api(body_clerk).post(
        f"/api/v1/inspections/{pk}/recommendations/{rid}/done/",
        {"result": "Lần nữa", "done_on": "2026-02-21"},
        format="json",
    )
    assert again.status_code == 422
    detail = api(body_clerk).get(f"/api/v1/inspections/{pk}/").json()
    assert (detail["recommended"], detail["done"]) == (1, 1)
    assert detail["recommendations"][0]["result"] == "Đã hoàn thiện"
    changed = api(body_clerk).put(
        f"/api/v1/inspections/{pk}/",
        {**body, "findings": "Đạt yêu cầu", "version": 1},
        format="json",
    )
    assert changed.status_code == 409  # the recommendation moved the version on
    assert (
        api(body_clerk)
        .put(f"/api/v1/inspections/{pk}/", {**body, "findings": "Đạt yêu cầu"}, format="json")
        .json()["findings"]
        == "Đạt yêu cầu"
    )
    assert (
        api(clerk_b)
        .post(
            f"/api/v1/inspections/{pk}/recommendations/",
            {"text": "x", "due_on": "2026-03-01"},
            format="json",
        )
        .status_code
        == 404
    )
