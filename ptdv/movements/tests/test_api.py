"""API v1: /api/v1/movements/, /api/v1/mass-organisations/, the yield, and the dossier's
movement and referring body through /api/v1/candidacies/."""

from __future__ import annotations

import datetime as dt

import pytest

from ptdv.accounts.models import Role
from ptdv.candidacies.models import Candidacy
from ptdv.factories import CandidacyFactory, user_with_role
from ptdv.movements.models import MassOrganisation, MassOrganisationTarget, Movement
from ptdv.movements.tests.conftest import api_client

pytestmark = pytest.mark.django_db


def test_mass_organisation_crud(clerk, tree) -> None:
    api = api_client(clerk)
    created = api.post(
        "/api/v1/mass-organisations/",
        {"organisation": tree["commune_a"].pk, "kind": "veterans_union", "name": "Hội CCB xã A"},
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    target = api.post(
        f"/api/v1/mass-organisations/{pk}/targets/", {"year": 2025, "referrals": 4}, format="json"
    )
    assert target.status_code == 200, target.content
    assert target.json()["targets"] == [{"year": 2025, "referrals": 4}]
    changed = api.put(
        f"/api/v1/mass-organisations/{pk}/",
        {"kind": "veterans_union", "name": "Hội Cựu chiến binh xã A"},
        format="json",
    )
    assert changed.status_code == 200 and changed.json()["name"] == "Hội Cựu chiến binh xã A"
    listed = api.get("/api/v1/mass-organisations/").json()
    assert listed["count"] == 1 and listed["results"][0]["referred"] == 0


def test_mass_outside_scope(clerk, tree) -> None:
    api = api_client(clerk)
    response = api.post(
        "/api/v1/mass-organisations/",
        {"organisation": tree["commune_b"].pk, "kind": "youth_union", "name": "Đoàn xã B"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"organisation": ["Không tìm thấy tổ chức."]}
    assert not MassOrganisation.objects.exists()


def test_movement_crud_and_candidates(clerk, tree, youth) -> None:
    api = api_client(clerk)
    created = api.post(
        "/api/v1/movements/",
        {
            "organisation": tree["commune_a"].pk,
            "kind": "movement",
            "name": "Thanh niên lập nghiệp",
            "starts_on": "2025-03-26",
            "mass_organisation": youth.pk,
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    bad = api.put(
        f"/api/v1/movements/{pk}/",
        {"kind": "movement", "name": "X", "starts_on": "2025-03-26", "ends_on": "2025-01-01"},
        format="json",
    )
    assert bad.status_code == 422
    CandidacyFactory(organisation=tree["cell_a1"], movement_id=pk)
    listed = api.get("/api/v1/movements/?year=2025").json()
    assert listed["results"][0]["candidates"] == 1
    candidates = api.get(f"/api/v1/movements/{pk}/candidates/").json()
    assert candidates["count"] == 1


def test_outside_user_404(tree, club) -> None:
    api = api_client(user_with_role(tree["commune_b"], Role.ADMINISTRATOR))
    assert api.get(f"/api/v1/movements/{club.pk}/").status_code == 404
    assert api.get(f"/api/v1/movements/{club.pk}/candidates/").status_code == 404


def test_yield_api(clerk, tree, club, youth) -> None:
    MassOrganisationTarget.objects.create(mass_organisation=youth, year=2025, referrals=6)
    CandidacyFactory(
        organisation=tree["cell_a1"], movement=club, referring_body=youth,
        source_channel="youth_union", opened_on=dt.date(2025, 3, 1),
        certificate_date=dt.date(2025, 6, 1),
    )  # fmt: skip
    response = api_client(clerk).get(
        f"/api/v1/movements/yield/?year=2025&organisation={tree['commune_a'].pk}"
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["total"] == {
        "key": None, "name": "Tổng số", "found": 1, "trained": 1, "admitted": 0
    }  # fmt: skip
    assert data["mass_organisations"][0]["target"] == 6
    assert data["movements"][0]["name"] == "Câu lạc bộ Thanh niên với pháp luật"


def test_register_candidacy_with_source(clerk, tree, club, youth) -> None:
    response = api_client(clerk).post(
        "/api/v1/candidacies/",
        {
            "organisation": tree["cell_a1"].pk,
            "person": {
                "family_name": "Phạm",
                "middle_name": "Thị",
                "given_name": "Hoa",
                "birth_date": "2001-04-30",
                "gender": "female",
                "national_id": "001301012399",
                "occupation": "worker",
            },
            "movement": club.pk,
            "referring_body": youth.pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["movement"] == club.pk
    assert response.json()["referring_body"] == youth.pk
    assert response.json()["source_channel"] == "youth_union"


def test_register_candidacy_movement_outside_scope(clerk, tree) -> None:
    other = Movement.objects.create(
        organiser=tree["commune_b"], kind="club", name="CLB B", starts_on=dt.date(2025, 1, 1)
    )
    response = api_client(clerk).post(
        "/api/v1/candidacies/",
        {
            "organisation": tree["cell_a1"].pk,
            "person": {
                "family_name": "Phạm",
                "middle_name": "Thị",
                "given_name": "Hoa",
                "birth_date": "2001-04-30",
                "gender": "female",
                "national_id": "001301012398",
                "occupation": "worker",
            },
            "movement": other.pk,
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "movement": ["Không tìm thấy phong trào, câu lạc bộ."]
    }
    assert not Candidacy.objects.exists()
