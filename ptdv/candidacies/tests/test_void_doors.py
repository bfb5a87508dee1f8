"""The doors of the void: `POST /api/v1/candidacies/{id}/void/` and the dossier page's
button and confirmation page; the timeline shows a voided step struck through."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from ptdv.accounts.models import Role
from ptdv.candidacies.models import Candidacy, CandidacyEvent, Stage
from ptdv.candidacies.tests.test_void import act, journey
from ptdv.factories import CandidacyFactory, MembershipFactory, PersonFactory, user_with_role

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def cell(tree):
    cell = tree["cell_a1"]
    for _ in range(9):
        MembershipFactory(organisation=cell)
    return cell


@pytest.fixture
def approver(tree):
    return user_with_role(tree["commune_a"], Role.APPROVER)


@pytest.fixture
def candidacy(cell, approver):
    person = PersonFactory(
        organisation=cell, birth_date=D(2000, 3, 5), education="upper_secondary",
        youth_union_member=True,
    )  # fmt: skip
    candidacy = CandidacyFactory(person=person, organisation=cell, opened_on=D(2024, 1, 10))
    for action, facts in journey(cell)[:3]:
        act(approver, candidacy, action, **facts)
    return candidacy


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def url(candidacy):
    return f"/api/v1/candidacies/{candidacy.pk}/void/"


def test_api_void_answers_like_an_action(tree, approver, candidacy, django_assert_max_num_queries):
    last = CandidacyEvent.objects.filter(candidacy=candidacy).latest("id")
    with django_assert_max_num_queries(40):
        response = api(approver).post(
            url(candidacy), {"version": 4, "event": last.pk, "reason": "Ghi trùng"}, format="json"
        )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["voided_event"] == last.pk and body["stage"] == Stage.APPLIED
    assert body["version"] == 5 and body["dossier"]["verification_concluded_on"] is None
    voided = [e for e in body["events"] if e["voided"]]
    assert [(e["id"], e["void_reason"], e["voided_by"]) for e in voided] == [
        (last.pk, "Ghi trùng", approver.username)
    ]
    # Stale, the wrong step, no reason, a clerk, another commune.
    stale = api(approver).post(url(candidacy), {"version": 4, "reason": "x"}, format="json")
    assert stale.status_code == 409 and stale.json()["version"] == 5
    wrong = api(approver).post(url(candidacy), {"event": last.pk, "reason": "x"}, format="json")
    assert wrong.status_code == 422
    assert wrong.json()["error"]["fields"]["event"] == ["Chỉ hủy được bước ghi sau cùng của hồ sơ."]
    blank = api(approver).post(url(candidacy), {"reason": ""}, format="json")
    assert blank.status_code == 400
    spaces = api(approver).post(url(candidacy), {"reason": " \u001e "}, format="json")
    assert spaces.status_code == 422
    assert spaces.json()["error"]["fields"]["reason"] == ["Cần nêu lý do hủy bước này."]
    clerk = user_with_role(tree["commune_a"], Role.CLERK)
    assert api(clerk).post(url(candidacy), {"reason": "x"}, format="json").status_code == 403
    outsider = user_with_role(tree["commune_b"], Role.APPROVER)
    assert api(outsider).post(url(candidacy), {"reason": "x"}, format="json").status_code == 404
    assert CandidacyEvent.objects.filter(voided=True).count() == 1


def test_api_void_of_a_dossier_without_steps_is_refused(approver, cell):
    fresh = CandidacyFactory(organisation=cell)
    response = api(approver).post(url(fresh), {"reason": "x"}, format="json")
    assert response.status_code == 422
    assert response.json()["error"]["fields"]["event"] == ["Hồ sơ chưa có bước nào để hủy."]


def test_the_page_offers_the_void_to_approvers_and_strikes_the_step_through(
    client, tree, approver, candidacy
):
    clerk = user_with_role(tree["commune_a"], Role.CLERK)
    client.force_login(clerk)
    assert 'id="void-last"' not in client.get(candidacy.get_absolute_url()).content.decode()
    assert client.get(f"/candidacies/{candidacy.pk}/void/").status_code == 403
    client.force_login(approver)
    page = client.get(candidacy.get_absolute_url()).content.decode()
    assert 'id="void-last"' in page and "Ghi nhận kết quả thẩm tra lý lịch (01/12/2024)" in page
    confirm = client.get(f"/candidacies/{candidacy.pk}/void/")
    assert confirm.status_code == 200 and 'id="void-confirm"' in confirm.content.decode()
    last = confirm.context["event"]
    missing = client.post(
        f"/candidacies/{candidacy.pk}/void/", {"version": 4, "event": last.pk, "reason": ""}
    )
    assert missing.status_code == 200 and "Cần nêu lý do hủy bước này." in missing.content.decode()
    stale = client.post(
        f"/candidacies/{candidacy.pk}/void/", {"version": 3, "event": last.pk, "reason": "x"}
    )
    assert stale.status_code == 409 and 'id="stale-version"' in stale.content.decode()
    done = client.post(
        f"/candidacies/{candidacy.pk}/void/",
        {"version": 4, "event": last.pk, "reason": "Nhập nhầm hồ sơ"},
    )
    assert done.status_code == 302
    assert Candidacy.objects.get(pk=candidacy.pk).stage == Stage.APPLIED
    timeline = client.get(candidacy.get_absolute_url()).content.decode().split('id="timeline"')[1]
    assert 'data-voided="true"' in timeline and "text-decoration-line-through" in timeline
    assert "Nhập nhầm hồ sơ" in timeline and "Đã hủy" in timeline


def test_the_dossier_page_reads_a_fixed_number_of_queries_whatever_the_voids(
    client, cell, approver, candidacy, django_assert_num_queries, django_assert_max_num_queries
):
    client.force_login(approver)
    client.get(candidacy.get_absolute_url())
    # Counted once the steps are recorded: what they recorded (introducers) is read when
    # there is some; the voids must add nothing to it.
    for action, facts in journey(cell)[3:6]:
        act(approver, candidacy, action, **facts)
    with django_assert_max_num_queries(40) as few:
        client.get(candidacy.get_absolute_url())
    before = len(few.captured_queries)
    for _ in range(2):
        client.post(
            f"/candidacies/{candidacy.pk}/void/",
            {
                "version": Candidacy.objects.get(pk=candidacy.pk).version,
                "event": CandidacyEvent.objects.effective()
                .filter(candidacy=candidacy)
                .latest("id")
                .pk,
                "reason": "Ghi nhầm",
            },
        )
    assert CandidacyEvent.objects.filter(candidacy=candidacy, voided=True).count() == 2
    with django_assert_num_queries(before):
        client.get(candidacy.get_absolute_url())
