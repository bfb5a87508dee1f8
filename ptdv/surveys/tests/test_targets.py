"""Accepted plans shown beside the 3% floor on the target page and in the progress API."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from ptdv.surveys import services

from .conftest import response_of

pytestmark = pytest.mark.django_db


def test_the_target_page_and_api_show_the_survey_plan(
    client, tree, survey, admin, unit_clerk, commune_approver
):
    response = response_of(survey, tree["grassroots_a"])
    services.response_update(
        actor=unit_clerk,
        round_id=survey.pk,
        response_id=response.pk,
        part=services.UnitPart(pool_quality="good", quality_note="Tốt.", plan={"admit": 5}),
    )
    services.response_submit(actor=unit_clerk, round_id=survey.pk, response_id=response.pk)
    services.response_accept(actor=commune_approver, round_id=survey.pk, response_id=response.pk)
    year = survey.year + 1

    api = APIClient()
    api.force_authenticate(admin)
    progress = api.get(
        f"/api/v1/organisations/{tree['commune_a'].pk}/progress/", {"year": year}
    ).json()
    assert progress["planned_admissions"] == 5
    assert progress["suggested"] >= 1
    other = api.get(
        f"/api/v1/organisations/{tree['commune_b'].pk}/progress/", {"year": year}
    ).json()
    assert other["planned_admissions"] is None

    client.force_login(admin)
    page = client.get(reverse("targets:manage", args=[tree["province"].pk]), {"year": year})
    html = page.content.decode()
    assert "Kế hoạch theo khảo sát" in html
    dashboard = client.get(
        reverse("targets:dashboard", args=[tree["commune_a"].pk]), {"year": year}
    )
    assert "Kế hoạch theo khảo sát: 5" in dashboard.content.decode()
