"""The audit page, its export and GET /api/v1/audit/: administrators only, each inside the
subtrees they administer; filters by person, user, organisation, action and period."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from ptdv.accounts.models import Role
from ptdv.audit.models import AuditEntry
from ptdv.audit.services import audit_record
from ptdv.factories import PersonFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail(tree):
    """A view of a person of each commune, by each commune's clerk, and one by a provincial
    viewer of the person of commune A."""
    clerk_a = user_with_role(tree["commune_a"], Role.CLERK)
    clerk_b = user_with_role(tree["commune_b"], Role.CLERK)
    province = user_with_role(tree["province"], Role.VIEWER)
    person_a = PersonFactory(organisation=tree["cell_a1"], family_name="Lê", given_name="Ánh")
    person_b = PersonFactory(organisation=tree["cell_b1"], family_name="Phạm", given_name="Bảo")
    audit_record(actor=clerk_a, action="view", obj=person_a, person=person_a, summary="A")
    audit_record(actor=clerk_b, action="view", obj=person_b, person=person_b, summary="B")
    audit_record(actor=province, action="view", obj=person_a, person=person_a, summary="P")
    audit_record(actor=clerk_a, action="change", obj=person_a, person=person_a, summary="A2")
    return {
        "tree": tree,
        "clerk_a": clerk_a,
        "clerk_b": clerk_b,
        "province": province,
        "person_a": person_a,
        "person_b": person_b,
        "admin_a": user_with_role(tree["commune_a"], Role.ADMINISTRATOR),
        "admin_p": user_with_role(tree["province"], Role.ADMINISTRATOR),
    }


def others(body, reader) -> list[dict]:
    """The rows of an API answer, but the reader's own (their earlier reads of the trail
    name the people they showed, as they should)."""
    return [row for row in body["results"] if row["actor"] != reader.pk]


def web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def page_summaries(response) -> list[str]:
    """The entries shown, but the reader's own (their sign-in, their earlier reads)."""
    assert response.status_code == 200
    reader = response.wsgi_request.user
    rows = response.context["rows"]
    return sorted(entry.summary for entry, _org in rows if entry.actor != reader)


def test_a_commune_administrator_sees_only_the_commune(trail) -> None:
    client = web(trail["admin_a"])
    response = client.get("/audit/")
    # Who saw whom inside commune A, including the provincial viewer; nothing of commune B.
    assert page_summaries(response) == ["A", "A2", "P"]
    html = response.content.decode()
    assert "Lê Văn Ánh" in html and "Phạm" not in html
    assert 'href="/audit/export.xlsx' in html

    workbook = load_workbook(
        io.BytesIO(b"".join(client.get("/audit/export.xlsx").streaming_content))
    )
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][0] == "Thời điểm"
    summaries = [row[9] for row in rows[1:]]
    # The export holds the four entries of the commune (and the page view just recorded).
    assert "B" not in summaries and {"A", "A2", "P"} <= set(summaries)
    assert all(row[8] != "Đảng bộ xã B" for row in rows[1:])
    # The export is itself audited, once.
    exports = AuditEntry.objects.filter(action="export", object_type="audit.auditentry")
    assert exports.count() == 1 and exports.get().data["rows"] == len(rows) - 1

    body = api(trail["admin_a"]).get("/api/v1/audit/", {"action": "view"}).json()
    others = [row for row in body["results"] if row["actor"] != trail["admin_a"].pk]
    assert sorted(row["summary"] for row in others) == ["A", "P"]
    assert all(row["organisation"] != trail["tree"]["commune_b"].pk for row in body["results"])
    assert all(row["person"] != trail["person_b"].pk for row in body["results"])


def test_a_provincial_administrator_sees_both_communes(trail) -> None:
    summaries = page_summaries(web(trail["admin_p"]).get("/audit/", {"action": "view"}))
    assert summaries == ["A", "B", "P"]
    summaries = page_summaries(web(trail["admin_p"]).get("/audit/", {"action": "change"}))
    assert summaries == ["A2"]
    body = api(trail["admin_p"]).get("/api/v1/audit/", {"person": trail["person_b"].pk}).json()
    rows = others(body, trail["admin_p"])
    assert [row["summary"] for row in rows] == ["B"]
    assert rows[0]["organisation"] == trail["tree"]["cell_b1"].pk
    assert rows[0]["channel"] == "console"


@pytest.mark.parametrize("role", [Role.VIEWER, Role.CLERK, Role.APPROVER])
def test_non_administrators_are_refused(trail, role) -> None:
    user = user_with_role(trail["tree"]["province"], role)
    assert web(user).get("/audit/").status_code == 403
    assert web(user).get("/audit/export.xlsx").status_code == 403
    response = api(user).get("/api/v1/audit/")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_filters_outside_the_scope(trail) -> None:
    client, rest = web(trail["admin_a"]), api(trail["admin_a"])
    outside = {
        "person": trail["person_b"].pk,
        "organisation": trail["tree"]["commune_b"].pk,
    }
    for name, pk in outside.items():
        assert client.get("/audit/", {name: pk}).status_code == 404
        assert client.get("/audit/export.xlsx", {name: pk}).status_code == 404
        response = rest.get("/api/v1/audit/", {name: pk})
        assert response.status_code == 400
        assert response.json()["error"]["fields"][name][0].startswith("Không tìm thấy")
    # A user of commune B never appears in commune A's entries: absent.
    assert client.get("/audit/", {"user": trail["clerk_b"].username}).status_code == 404
    assert rest.get("/api/v1/audit/", {"user": trail["clerk_b"].pk}).status_code == 400
    # The provincial viewer does (they read a person of commune A): their entries show.
    response = client.get("/audit/", {"user": trail["province"].username})
    assert page_summaries(response) == ["P"]
    body = rest.get("/api/v1/audit/", {"user": trail["province"].pk}).json()
    assert [row["summary"] for row in body["results"]] == ["P"]
    # An organisation above the commune is visible to its administrator only as the commune.
    response = client.get("/audit/", {"organisation": trail["tree"]["cell_a1"].pk})
    assert page_summaries(response) == ["A", "A2", "P"]


def test_filters_by_person_action_and_period(trail) -> None:
    client = web(trail["admin_a"])
    today = timezone.localdate()
    assert page_summaries(
        client.get("/audit/", {"person": trail["person_a"].pk, "action": "change"})
    ) == ["A2"]
    day = today.strftime("%d/%m/%Y")
    assert page_summaries(
        client.get("/audit/", {"since": day, "until": day, "action": "change"})
    ) == ["A2"]
    tomorrow = (today + dt.timedelta(days=1)).strftime("%d/%m/%Y")
    assert page_summaries(client.get("/audit/", {"since": tomorrow})) == []
    # A period the wrong way round is named on the form, not applied.
    response = client.get("/audit/", {"since": tomorrow, "until": day})
    assert "phải sau hoặc bằng" in response.content.decode()
    rest = api(trail["admin_a"])
    iso = today.isoformat()
    body = rest.get("/api/v1/audit/", {"since": iso, "until": iso, "action": "change"}).json()
    assert [row["summary"] for row in body["results"]] == ["A2"]
    bad = rest.get("/api/v1/audit/", {"since": "31/02/2026"})
    assert bad.status_code == 400 and "since" in bad.json()["error"]["fields"]
    wrong_way = rest.get("/api/v1/audit/", {"since": iso, "until": "2000-01-01"})
    assert wrong_way.status_code == 400 and "until" in wrong_way.json()["error"]["fields"]


def test_page_and_api_are_paginated(trail) -> None:
    person = trail["person_a"]
    for _ in range(60):
        audit_record(actor=trail["clerk_a"], action="view", obj=person, person=person)
    response = web(trail["admin_a"]).get("/audit/")
    assert len(response.context["rows"]) == 50 and response.context["page"].has_next()
    body = api(trail["admin_a"]).get("/api/v1/audit/", {"page_size": 20}).json()
    assert len(body["results"]) == 20 and body["count"] >= 63 and body["next"]
    beyond = api(trail["admin_a"]).get("/api/v1/audit/", {"page": 99})
    assert beyond.status_code == 404 and beyond.json()["error"]["code"] == "not_found"


def test_navigation_offers_the_page_to_administrators_only(trail) -> None:
    assert 'href="/audit/"' in web(trail["admin_a"]).get("/").content.decode()
    assert 'href="/audit/"' not in web(trail["clerk_a"]).get("/").content.decode()


def test_api_schema_documents_the_endpoint(client) -> None:
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/audit/"]["get"]
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert {"person", "user", "organisation", "action", "since", "until", "page"} <= names
    assert {"200", "400", "401", "403", "404"} <= set(operation["responses"])


def test_the_django_admin_trail_is_scoped_like_the_page(trail) -> None:
    admin_a = trail["admin_a"]
    admin_a.is_staff = True
    admin_a.save(update_fields=["is_staff"])
    response = web(admin_a).get("/admin/audit/auditentry/")
    assert response.status_code == 200
    shown = {entry.summary for entry in response.context["cl"].result_list}
    assert {"A", "A2", "P"} <= shown and "B" not in shown


def test_the_person_page_links_its_trail_for_administrators(trail) -> None:
    url = f"/people/{trail['person_a'].pk}/"
    assert (
        f"/audit/?person={trail['person_a'].pk}" in web(trail["admin_a"]).get(url).content.decode()
    )
    assert "/audit/?person=" not in web(trail["clerk_a"]).get(url).content.decode()


def test_the_person_filter_finds_the_lists_that_showed_the_person(trail) -> None:
    from ptdv.factories import CandidacyFactory

    CandidacyFactory(organisation=trail["tree"]["cell_a1"], person=trail["person_a"])
    clerk = api(trail["clerk_a"])
    assert clerk.get("/api/v1/people/").status_code == 200
    assert clerk.get("/api/v1/candidacies/").status_code == 200
    # A list in which the person was not shown is not theirs.
    assert clerk.get("/api/v1/people/", {"search": "zzz"}).status_code == 200
    person = trail["person_a"].pk
    expected = [
        "A",
        "A2",
        "P",
        "Xem danh sách công dân (API)",
        "Xem danh sách hồ sơ phát triển đảng viên (API)",
    ]
    assert page_summaries(web(trail["admin_a"]).get("/audit/", {"person": person})) == expected
    body = api(trail["admin_a"]).get("/api/v1/audit/", {"person": person}).json()
    assert sorted(row["summary"] for row in others(body, trail["admin_a"])) == expected


def test_the_page_says_more_than_the_cap_instead_of_a_number(trail, monkeypatch) -> None:
    """Beyond the counted cap the page says "more than" (it counted cap + 1 rows, not all)."""
    import ptdv.audit.views
    import ptdv.core.api

    monkeypatch.setattr(ptdv.core.api, "COUNT_CAP", 2)
    monkeypatch.setattr(ptdv.audit.views, "COUNT_CAP", 2)
    text = web(trail["admin_p"]).get("/audit/").content.decode()
    assert "Hơn 2 mục" in text

    monkeypatch.setattr(ptdv.core.api, "COUNT_CAP", 10_000)
    monkeypatch.setattr(ptdv.audit.views, "COUNT_CAP", 10_000)
    text = web(trail["admin_a"]).get("/audit/?action=change").content.decode()
    assert "1 mục." in text
