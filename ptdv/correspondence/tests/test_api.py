"""/api/v1/requests/: list by direction, status and kind; create; read; actions — with the
project's answers (201/200, 400, 403, 404, 409, 422) and the audit of every read."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from ptdv.accounts.models import Role
from ptdv.audit.models import AuditEntry
from ptdv.candidacies.models import Candidacy
from ptdv.core.tests.state import db_state
from ptdv.correspondence.models import OrganisationRequest, RequestStatus
from ptdv.correspondence.tests.conftest import TODAY, WRITES, send
from ptdv.factories import user_with_role

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_lists_by_direction(tree, clerk_a, clerk_b, dossier, verification):
    outgoing = api(clerk_a).get("/api/v1/requests/?direction=outgoing").json()
    incoming = api(clerk_b).get("/api/v1/requests/?direction=incoming").json()
    entry = AuditEntry.objects.filter(actor=clerk_b, action="view").latest("pk")
    assert entry.data["ids"] == [verification.pk]
    assert entry.data["person_ids"] == [dossier.person_id]
    assert [r["id"] for r in outgoing["results"]] == [verification.pk]
    assert [r["id"] for r in incoming["results"]] == [verification.pk]
    assert api(clerk_a).get("/api/v1/requests/?direction=incoming").json()["count"] == 0
    assert api(clerk_b).get("/api/v1/requests/?direction=outgoing").json()["count"] == 0
    # The sender's side gets the dossier's id, the addressee only the minimised facts.
    assert outgoing["results"][0]["candidacy"] == dossier.pk
    row = incoming["results"][0]
    assert row["candidacy"] is None
    assert row["subject"] == {
        "full_name": "Lê Thị Xuyến",
        "birth_date": "1998-05-17",
        "home_town": "",
        "residence": "",
        "father": "Lê Văn Cha",
        "mother": "",
    }
    assert "Chồng" not in str(incoming)  # the spouse declared in the dossier stays there


def test_filters_by_status_and_kind(tree, clerk_a, dossier, verification):
    client = api(clerk_a)
    assert client.get("/api/v1/requests/?status=sent&kind=verification").json()["count"] == 1
    assert client.get("/api/v1/requests/?status=answered").json()["count"] == 0
    assert client.get("/api/v1/requests/?kind=transfer").json()["count"] == 0
    bad = client.get("/api/v1/requests/?direction=sideways")
    assert bad.status_code == 400
    assert "direction" in bad.json()["error"]["fields"]


def test_the_list_costs_the_same_for_many_requests(
    tree, clerk_a, dossier, django_assert_max_num_queries
):
    for index in range(12):
        send(
            clerk_a,
            dossier,
            kind="mass_opinion",
            addressee_name=f"Đoàn thể số {index}",
            addressee_address="Xã Ngoài",
        )
    client = api(clerk_a)
    with django_assert_max_num_queries(12):
        response = client.get("/api/v1/requests/?direction=outgoing")
    assert response.json()["count"] == 12


def test_create_and_its_refusals(tree, clerk_a, clerk_b, dossier):
    body = {
        "candidacy": dossier.pk,
        "kind": "verification",
        "place": "home_town",
        "addressee": tree["commune_b"].pk,
        "home_town": "Xã Thạch Hà",
        "questions": "Đề nghị thẩm tra lý lịch.",
    }
    created = api(clerk_a).post("/api/v1/requests/", body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["subject"]["home_town"] == "Xã Thạch Hà"
    assert created.json()["status"] == "sent"
    again = api(clerk_a).post("/api/v1/requests/", body, format="json")
    assert again.status_code == 422
    assert "kind" in again.json()["error"]["fields"]
    before = db_state(*WRITES)
    outside = api(clerk_b).post("/api/v1/requests/", body, format="json")
    assert outside.status_code == 400
    assert outside.json()["error"]["fields"] == {"candidacy": ["Không tìm thấy hồ sơ."]}
    viewer = user_with_role(tree["commune_a"], Role.VIEWER)
    assert api(viewer).post("/api/v1/requests/", body, format="json").status_code == 403
    absent = api(clerk_a).post(
        "/api/v1/requests/", {**body, "kind": "mass_opinion", "addressee": 999999}, format="json"
    )
    assert absent.status_code == 400
    assert "addressee" in absent.json()["error"]["fields"]
    assert db_state(*WRITES) == before


def test_read_is_404_outside_both_sides(tree, verification):
    stranger = user_with_role(tree["cell_a2"], Role.ADMINISTRATOR)
    assert api(stranger).get(f"/api/v1/requests/{verification.pk}/").status_code == 404
    assert (
        api(stranger)
        .post(f"/api/v1/requests/{verification.pk}/actions/receive/", {}, format="json")
        .status_code
        == 404
    )


def test_actions_through_the_api(tree, clerk_a, clerk_b, dossier, verification):
    url = f"/api/v1/requests/{verification.pk}/actions/"
    # The sender may not receive its own request (403), an unknown action is 404.
    assert api(clerk_a).post(url + "receive/", {}, format="json").status_code == 403
    assert api(clerk_b).post(url + "fly/", {}, format="json").status_code == 404
    received = api(clerk_b).post(url + "receive/", {"version": 1}, format="json")
    assert received.status_code == 200
    assert received.json()["status"] == "received"
    stale = api(clerk_b).post(
        url + "answer/",
        {
            "reply_text": "Tốt",
            "conclusion": "favourable",
            "answered_on": str(TODAY),
            "version": 1,
        },
        format="json",
    )
    assert stale.status_code == 409
    assert stale.json()["version"] == 2
    future = api(clerk_b).post(
        url + "answer/",
        {
            "reply_text": "Tốt",
            "conclusion": "favourable",
            "answered_on": str(TODAY + dt.timedelta(days=3)),
        },
        format="json",
    )
    assert future.status_code == 422
    answered = api(clerk_b).post(
        url + "answer/",
        {"reply_text": "Tốt", "conclusion": "favourable", "answered_on": str(TODAY)},
        format="json",
    )
    assert answered.status_code == 200
    assert answered.json()["status"] == "answered"
    assert Candidacy.objects.get(pk=dossier.pk).verification_concluded_on == TODAY
    done = api(clerk_a).post(url + "cancel/", {"reason": "Muộn"}, format="json")
    assert done.status_code == 409
    assert done.json()["error"]["code"] == "invalid_status"


def test_transfer_through_the_api(tree, clerk_a, clerk_b, dossier):
    request = send(clerk_a, dossier, kind="transfer", addressee=tree["commune_b"])
    url = f"/api/v1/requests/{request.pk}/actions/"
    outside_cell = api(clerk_b).post(
        url + "accept/", {"organisation": tree["cell_a2"].pk}, format="json"
    )
    assert outside_cell.status_code == 400
    accepted = api(clerk_b).post(
        url + "accept/", {"organisation": tree["cell_b1"].pk}, format="json"
    )
    assert accepted.status_code == 200, accepted.json()
    assert accepted.json()["transfer_target"]["id"] == tree["cell_b1"].pk
    assert OrganisationRequest.objects.get(pk=request.pk).status == RequestStatus.ACCEPTED
    assert Candidacy.objects.get(pk=dossier.pk).organisation_id == tree["cell_b1"].pk
