"""Bulk dossier actions: each dossier judged by the same rules, in its own transaction; ids
outside the user's scope answer like absent ones and nothing is written for them."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from ptdv.accounts.models import Assignment, Role
from ptdv.audit.models import AuditEntry
from ptdv.candidacies.models import Candidacy, CandidacyEvent, Stage
from ptdv.core import work
from ptdv.core.work import BulkAction
from ptdv.factories import CandidacyFactory, MembershipFactory, PersonFactory, user_with_role

pytestmark = pytest.mark.django_db

FACTS = {"certificate_date": "2025-05-20", "date": "2025-06-01"}


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def bulk(client, action, body):
    return client.post(f"/api/v1/candidacies/bulk/{action}/", body, format="json")


@pytest.fixture
def world(tree):
    a1, a2, b1 = tree["cell_a1"], tree["cell_a2"], tree["cell_b1"]
    return {
        "tree": tree,
        "pool": [
            CandidacyFactory(organisation=a1, person=PersonFactory(organisation=a1, given_name=g))
            for g in ("An", "Bình", "Cường")
        ],
        "voted": CandidacyFactory(
            organisation=a2,
            stage=Stage.BRANCH_RESOLVED,
            person=PersonFactory(organisation=a2, given_name="Dũng"),
        ),
        "outside": CandidacyFactory(
            organisation=b1, person=PersonFactory(organisation=b1, given_name="Hà")
        ),
        "clerk": user_with_role(tree["commune_a"], Role.CLERK),
        "viewer": user_with_role(tree["commune_a"], Role.VIEWER),
    }


def test_each_dossier_is_judged_and_the_refused_change_nothing(world):
    pool, voted, outside = world["pool"], world["voted"], world["outside"]
    ids = [pool[0].pk, voted.pk, outside.pk, pool[1].pk, 999_999]
    events = CandidacyEvent.objects.count()
    response = bulk(api(world["clerk"]), "record_certificate", {"ids": ids, "facts": FACTS})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["action"] == "record_certificate"
    assert (body["passed"], body["refused"]) == (2, 3)
    results = {row["id"]: row for row in body["results"]}
    assert [row["id"] for row in body["results"]] == ids  # every id answered, in order
    assert results[pool[0].pk] == {"id": pool[0].pk, "ok": True, "violations": []}
    refused = results[voted.pk]
    assert refused["ok"] is False
    assert refused["violations"][0]["rule"] == "stage"
    assert "Chi bộ đã đề nghị kết nạp" in refused["violations"][0]["message"]
    # Outside the clerk's subtree and absent: the same answer, word for word.
    assert results[outside.pk]["violations"] == results[999_999]["violations"]
    assert results[outside.pk]["violations"][0]["rule"] == "not_found"
    # Written: the two in the pool, one event each; nothing for the others.
    assert CandidacyEvent.objects.count() == events + 2
    for candidacy in (pool[0], pool[1]):
        candidacy.refresh_from_db()
        assert candidacy.stage == Stage.TRAINED
        assert candidacy.certificate_date == dt.date(2025, 5, 20)
    for candidacy in (voted, outside, pool[2]):
        fresh = Candidacy.objects.get(pk=candidacy.pk)
        assert fresh.certificate_date is None and fresh.version == candidacy.version
    # Each change audited by the action itself; the selection shown, once.
    assert AuditEntry.objects.filter(action="action", object_id=str(pool[0].pk)).count() == 1
    shown = AuditEntry.objects.filter(action="view", object_type="candidacies.candidacy").latest(
        "pk"
    )
    assert sorted(shown.data["ids"]) == sorted([pool[0].pk, voted.pk, pool[1].pk])


def test_only_outside_ids_write_nothing_at_all(world):
    before = (CandidacyEvent.objects.count(), AuditEntry.objects.count())
    response = bulk(
        api(world["clerk"]), "record_certificate", {"ids": [world["outside"].pk], "facts": FACTS}
    )
    assert response.status_code == 200
    assert response.json()["results"][0]["violations"][0]["rule"] == "not_found"
    assert (CandidacyEvent.objects.count(), AuditEntry.objects.count()) == before


def test_the_list_filters_select_the_dossiers(world):
    tree = world["tree"]
    body = {
        "filters": {"organisation": tree["cell_a1"].pk, "stage": "source"},
        "facts": FACTS,
    }
    response = bulk(api(world["clerk"]), "record_certificate", body)
    assert response.status_code == 200, response.content
    assert sorted(row["id"] for row in response.json()["results"]) == sorted(
        c.pk for c in world["pool"]
    )
    assert response.json()["passed"] == 3


def test_ids_and_filters_together_keep_the_ids_that_match(world):
    pool, voted = world["pool"], world["voted"]
    body = {
        "ids": [pool[0].pk, voted.pk],
        "filters": {"stage": "source"},
        "facts": FACTS,
    }
    results = bulk(api(world["clerk"]), "record_certificate", body).json()["results"]
    assert [(r["id"], r["ok"]) for r in results] == [(pool[0].pk, True), (voted.pk, False)]
    assert results[1]["violations"][0]["rule"] == "not_found"


def test_a_filter_organisation_outside_the_scope_is_not_found(world):
    body = {"filters": {"organisation": world["tree"]["cell_b1"].pk}, "facts": FACTS}
    response = bulk(api(world["clerk"]), "record_certificate", body)
    assert response.status_code == 400
    assert "filters.organisation" in response.json()["error"]["fields"]


def test_facts_no_dossier_could_take_are_refused_once(world):
    events = CandidacyEvent.objects.count()
    body = {"ids": [world["pool"][0].pk], "facts": {"date": "2025-06-01", "colour": "red"}}
    response = bulk(api(world["clerk"]), "record_certificate", body)
    assert response.status_code == 422, response.content
    fields = response.json()["error"]["fields"]
    assert "facts.certificate_date" in fields and "facts.colour" in fields
    tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    body["facts"] = {"certificate_date": "2025-05-20", "date": tomorrow}
    response = bulk(api(world["clerk"]), "record_certificate", body)
    assert response.status_code == 422
    assert "facts.date" in response.json()["error"]["fields"]
    assert CandidacyEvent.objects.count() == events


def test_roles_and_unknown_actions(world):
    body = {"ids": [world["pool"][0].pk], "facts": FACTS}
    assert bulk(api(world["viewer"]), "record_certificate", body).status_code == 403
    assert bulk(api(world["clerk"]), "no_such_action", body).status_code == 404
    # A viewer of the commune who is a clerk of one cell acts there, and is refused
    # ("permission", the 403 of the dossier's own door) where it may only view.
    mixed = user_with_role(world["tree"]["commune_a"], Role.VIEWER, username="hai-vai")
    Assignment.objects.create(user=mixed, organisation=world["tree"]["cell_a1"], role=Role.CLERK)
    ids = [world["pool"][0].pk, world["voted"].pk]
    results = bulk(api(mixed), "record_certificate", {"ids": ids, "facts": FACTS}).json()
    assert results["results"][0]["ok"] is True
    assert results["results"][1]["violations"][0]["rule"] == "permission"


def test_too_many_ids_are_a_bad_request(world):
    body = {"ids": list(range(1, 1003)), "facts": FACTS}
    assert bulk(api(world["clerk"]), "record_certificate", body).status_code == 400


def test_assign_helper_refuses_dossiers_of_another_cell(world):
    tree = world["tree"]
    helper = MembershipFactory(organisation=tree["cell_a1"])
    ids = [world["pool"][0].pk, world["voted"].pk]
    world["voted"].stage = Stage.SOURCE
    Candidacy.objects.filter(pk=world["voted"].pk).update(stage=Stage.SOURCE)
    body = {"ids": ids, "facts": {"helper": helper.pk, "reason": "Phân công đầu năm"}}
    results = bulk(api(world["clerk"]), "assign_helper", body).json()["results"]
    assert results[0]["ok"] is True
    assert results[1]["ok"] is False
    assert results[1]["violations"] == [
        {
            "rule": "facts",
            "field": "helper",
            "message": "Đảng viên giúp đỡ phải sinh hoạt tại chi bộ của hồ sơ.",
        }
    ]
    assert Candidacy.objects.get(pk=ids[0]).helper_id == helper.pk
    assert Candidacy.objects.get(pk=ids[1]).helper_id is None


def test_a_registered_action_that_refuses_is_rolled_back(world, monkeypatch):
    """Another app's action writes, then refuses: its writes are undone, the next dossier
    still goes through."""

    def apply(actor, candidacy, facts, today):
        Candidacy.objects.filter(pk=candidacy.pk).update(opinions_date=dt.date(2025, 1, 1))
        if candidacy.person.given_name == "An":
            return [{"rule": "test.refused", "message": "Không được."}]
        return []

    monkeypatch.setitem(work._BULK, "try_out", BulkAction("try_out", "Thử", apply, ()))
    ids = [world["pool"][0].pk, world["pool"][1].pk]
    results = bulk(api(world["clerk"]), "try_out", {"ids": ids}).json()["results"]
    assert [r["ok"] for r in results] == [False, True]
    assert results[0]["violations"] == [{"rule": "test.refused", "message": "Không được."}]
    assert Candidacy.objects.get(pk=ids[0]).opinions_date is None
    assert Candidacy.objects.get(pk=ids[1]).opinions_date == dt.date(2025, 1, 1)


def test_each_dossier_costs_only_its_own_act(world):
    """Reading the selection and answering it is a fixed number of queries; each dossier
    adds only what its own act costs (its savepoint, its locked row, its chain), here for
    dossiers refused by their stage."""
    cell = world["tree"]["cell_a2"]
    many = [
        CandidacyFactory(
            organisation=cell,
            stage=Stage.BRANCH_RESOLVED,
            person=PersonFactory(organisation=cell, given_name="Khánh"),
        )
        for _ in range(20)
    ]
    client = api(world["clerk"])
    counts = []
    for size in (5, 20):
        with CaptureQueriesContext(connection) as queries:
            body = {"ids": [c.pk for c in many[:size]], "facts": FACTS}
            response = bulk(client, "record_certificate", body)
        assert response.json()["refused"] == size
        counts.append(len(queries))
    # Two savepoints (the bulk's and the act's) opened and rolled back, the locked row, its
    # chain of organisations: 8 a dossier.
    assert counts[1] - counts[0] <= 15 * 8, counts
    assert counts[1] <= 20 * 8 + 12, counts


# --- The pages -----------------------------------------------------------------------------


def test_the_list_offers_the_selection_to_a_clerk(client, world):
    client.force_login(world["clerk"])
    page = client.get(reverse("candidacies:list")).content.decode()
    assert 'id="bulk-form"' in page
    assert f'name="ids" value="{world["pool"][0].pk}"' in page
    assert 'value="record_certificate"' in page and 'value="assign_helper"' in page
    client.force_login(world["viewer"])
    page = client.get(reverse("candidacies:list")).content.decode()
    assert 'id="bulk-export"' in page and 'id="bulk-action"' not in page


def test_the_form_then_the_result_page(client, world):
    client.force_login(world["clerk"])
    pool, voted = world["pool"], world["voted"]
    ids = [pool[0].pk, voted.pk]
    url = reverse("bulk:form")
    page = client.get(url, {"action": "record_certificate", "ids": ids})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Đã chọn" in text and "<strong>2</strong>" in text
    assert 'name="certificate_date"' in text
    response = client.post(
        url,
        {
            "action": "record_certificate",
            "ids": ids,
            "certificate_date": "20/05/2025",
            "date": "01/06/2025",
        },
    )
    assert response.status_code == 200
    text = response.content.decode()
    passed = text.split('id="bulk-passed"')[1].split("</ul>")[0]
    refused = text.split('id="bulk-refused"')[1]
    assert "Nguyễn Văn An" in passed and "Nguyễn Văn Dũng" not in passed
    assert "Nguyễn Văn Dũng" in refused
    assert "Không thể “Ghi nhận giấy chứng nhận" in refused
    assert Candidacy.objects.get(pk=pool[0].pk).stage == Stage.TRAINED


def test_the_form_shows_a_missing_date_next_to_its_field(client, world):
    client.force_login(world["clerk"])
    response = client.post(
        reverse("bulk:form"),
        {"action": "record_certificate", "ids": [world["pool"][0].pk], "date": "01/06/2025"},
    )
    assert response.status_code == 200
    assert 'id="bulk-action-form"' in response.content.decode()
    assert Candidacy.objects.get(pk=world["pool"][0].pk).stage == Stage.SOURCE


def test_all_matching_the_filters(client, world):
    client.force_login(world["clerk"])
    tree = world["tree"]
    response = client.post(
        reverse("bulk:form"),
        {
            "action": "record_certificate",
            "all": "1",
            "organisation": tree["cell_a1"].pk,
            "certificate_date": "20/05/2025",
            "date": "01/06/2025",
        },
    )
    assert response.status_code == 200
    assert 'id="bulk-passed-count">3<' in response.content.decode()


def test_a_viewer_may_not_open_the_bulk_form(client, world):
    client.force_login(world["viewer"])
    assert client.get(reverse("bulk:form")).status_code == 403


def rows_of(content):
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return list(book.worksheets[0].iter_rows(values_only=True))


def test_export_of_the_selection(client, world):
    client.force_login(world["viewer"])
    pool, outside = world["pool"], world["outside"]
    response = client.get(reverse("bulk:export"), {"ids": [pool[1].pk, outside.pk, pool[0].pk]})
    assert response.status_code == 200
    rows = rows_of(b"".join(response.streaming_content))
    assert [row[0] for row in rows[1:]] == [pool[1].pk, pool[0].pk]
    assert rows[1][1] == "Nguyễn Văn Bình"
    assert AuditEntry.objects.filter(action="export", object_id="candidacies-selection").exists()
    # Every dossier matching the filters: the list's own export, same filters.
    response = client.get(reverse("bulk:export"), {"all": "1", "stage": "source"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("exchange:export", args=["candidacies"]))


def test_api_export_of_the_selection(world):
    pool, outside = world["pool"], world["outside"]
    response = api(world["viewer"]).post(
        "/api/v1/candidacies/bulk/export/", {"ids": [outside.pk, pool[2].pk]}, format="json"
    )
    assert response.status_code == 200
    rows = rows_of(b"".join(response.streaming_content))
    assert [row[0] for row in rows[1:]] == [pool[2].pk]
