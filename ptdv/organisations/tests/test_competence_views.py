"""Recording who decides for an organisation, on its page and through the API (issue 12 §3:
"let a tree change or an authorisation move it")."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from ptdv.accounts.models import Role, User
from ptdv.audit.models import AuditEntry
from ptdv.factories import bearer_key, make_tree, user_with_role
from ptdv.organisations.models import Competence, CompetenceBasis, Organisation

pytestmark = pytest.mark.django_db

BODY = {
    "basis": "authorised",
    "valid_from": "2026-01-01",
    "decision_number": "7-QĐ/ĐU",
    "decision_date": "2025-12-15",
    "issuing_body": "Ban Thường vụ Đảng ủy xã A",
}


def api(user: User) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer_key(user)}")
    return client


@pytest.fixture
def tree() -> dict[str, Organisation]:
    return make_tree()


def test_the_commune_authorises_its_grassroots_committee_through_the_api(
    tree: dict[str, Organisation],
) -> None:
    committee = tree["grassroots_a"]
    commune_admin = api(user_with_role(tree["commune_a"], Role.ADMINISTRATOR))
    url = f"/api/v1/organisations/{committee.pk}/competence/"

    before = commune_admin.get(url).json()
    assert before["current"]["decider"] == tree["commune_a"].pk
    assert before["rows"] == []

    answer = commune_admin.post(url, {**BODY, "decider": committee.pk}, format="json")
    assert answer.status_code == 201, answer.content
    row = Competence.objects.get()
    assert (row.subject, row.decider, row.basis) == (
        committee,
        committee,
        CompetenceBasis.AUTHORISED,
    )
    assert AuditEntry.objects.filter(object_type="organisations.competence").exists()
    # The same date again is refused with the field named, and nothing is written.
    again = commune_admin.post(url, {**BODY, "decider": committee.pk}, format="json")
    assert again.status_code == 422
    assert "valid_from" in again.json()["error"]["fields"]
    assert Competence.objects.count() == 1


def test_only_the_committee_above_records_and_other_subtrees_see_nothing(
    tree: dict[str, Organisation],
) -> None:
    committee = tree["grassroots_a"]
    url = f"/api/v1/organisations/{committee.pk}/competence/"
    body = {**BODY, "decider": committee.pk}
    # The committee's own administrator is not the committee above it.
    own = api(user_with_role(committee, Role.ADMINISTRATOR))
    assert own.post(url, body, format="json").status_code == 403
    # Another commune's administrator: absent, for reading and writing.
    other = api(user_with_role(tree["commune_b"], Role.ADMINISTRATOR))
    assert other.get(url).status_code == 404
    assert other.post(url, body, format="json").status_code == 404
    # A decider outside the scope is named like an absent one.
    commune_admin = api(user_with_role(tree["commune_a"], Role.ADMINISTRATOR))
    outside = commune_admin.post(url, {**body, "decider": tree["commune_b"].pk}, format="json")
    assert outside.status_code == 400
    assert not Competence.objects.exists()


def test_the_page_shows_today_and_records_a_decision(tree: dict[str, Organisation]) -> None:
    committee = tree["grassroots_a"]
    client = Client()
    client.force_login(user_with_role(tree["commune_a"], Role.ADMINISTRATOR))
    url = f"/organisations/{committee.pk}/competence/"

    page = client.get(url)
    assert page.status_code == 200
    assert "Đảng bộ xã A" in page.content.decode()  # today's rule: the commune decides
    answer = client.post(
        url,
        {
            "decider": committee.pk,
            "basis": "authorised",
            "valid_from": "01/01/2026",
            "decision_number": "7-QĐ/ĐU",
            "decision_date": "15/12/2025",
            "issuing_body": "Ban Thường vụ Đảng ủy xã A",
        },
    )
    assert answer.status_code == 302
    shown = client.get(url).content.decode()
    assert "7-QĐ/ĐU" in shown and "15/12/2025" in shown
    # A viewer sees the page without the form, and may not post.
    viewer = Client()
    viewer.force_login(user_with_role(tree["commune_a"], Role.VIEWER))
    assert 'id="competence-form"' not in viewer.get(url).content.decode()
    assert viewer.post(url, {"decider": committee.pk}).status_code == 403
