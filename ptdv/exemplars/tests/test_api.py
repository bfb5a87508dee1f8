"""/api/v1/exemplars/: list (scope, search, audit), record, read, change (409 on a stale
version), link to a dossier — with the project's answers."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from ptdv.audit.models import AuditEntry
from ptdv.exemplars.models import Exemplar
from ptdv.exemplars.tests.conftest import record
from ptdv.factories import CandidacyFactory

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_list_create_read_update_link(
    tree, clerk_a, clerk_b, viewer_a, django_assert_max_num_queries
):
    record(clerk_b, tree["cell_b1"], name="Trịnh Thị Xa")
    for index in range(3):
        record(clerk_a, tree["cell_a1"], name=f"Người Số {index}")
    with django_assert_max_num_queries(8):
        listing = api(clerk_a).get("/api/v1/exemplars/?q=nguoi").json()
    assert listing["count"] == 3
    assert "Xa" not in str(listing)
    created = api(clerk_a).post(
        "/api/v1/exemplars/",
        {
            "organisation": tree["cell_a2"].pk,
            "name": "Đào Văn Dũng",
            "field": "defence",
            "deed": "Dũng cảm cứu người trong lũ.",
            "recognised_on": "12/01/2026",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["organisation_name"] == tree["cell_a2"].name
    assert api(clerk_b).get(f"/api/v1/exemplars/{pk}/").status_code == 404
    assert api(viewer_a).get(f"/api/v1/exemplars/{pk}/").status_code == 200
    assert AuditEntry.objects.filter(actor=viewer_a, action="view", object_id=str(pk)).exists()
    body = {
        "organisation": tree["cell_a2"].pk,
        "name": "Đào Văn Dũng",
        "field": "defence",
        "deed": "Dũng cảm cứu 3 người trong lũ.",
        "recognised_on": "2026-01-12",
        "version": 1,
    }
    assert api(viewer_a).put(f"/api/v1/exemplars/{pk}/", body, format="json").status_code == 403
    assert api(clerk_a).put(f"/api/v1/exemplars/{pk}/", body, format="json").status_code == 200
    stale = api(clerk_a).put(f"/api/v1/exemplars/{pk}/", body, format="json")
    assert stale.status_code == 409 and stale.json()["version"] == 2
    dossier = CandidacyFactory(organisation=tree["cell_a2"])
    linked = api(clerk_a).post(
        f"/api/v1/exemplars/{pk}/candidacy/", {"candidacy": dossier.pk}, format="json"
    )
    assert linked.status_code == 200 and linked.json()["candidacy"] == dossier.pk
    outside = CandidacyFactory(organisation=tree["cell_b1"])
    refused = api(clerk_a).post(
        f"/api/v1/exemplars/{pk}/candidacy/", {"candidacy": outside.pk}, format="json"
    )
    assert refused.status_code == 400
    assert Exemplar.objects.get(pk=pk).candidacy == dossier


def test_field_errors_are_vietnamese(tree, clerk_a):
    response = api(clerk_a).post(
        "/api/v1/exemplars/",
        {
            "organisation": tree["cell_b1"].pk,
            "field": "study",
            "deed": "x",
            "recognised_on": "2026-01-01",
            "name": "A",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "không tìm thấy" in str(response.json())
