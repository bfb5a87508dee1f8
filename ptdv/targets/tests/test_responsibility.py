"""Responsibility per person: quotas (service, page, API), the report "what each leader
achieved" (page, Excel, API), a person's candidates, the individual criterion on the member's
page, the work and review sources."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client
from openpyxl import load_workbook
from rest_framework.test import APIClient

from ptdv.accounts.models import Role
from ptdv.audit.models import AuditEntry
from ptdv.candidacies.models import Stage
from ptdv.core.review import review_sources
from ptdv.core.work import work_sources
from ptdv.factories import (
    CandidacyFactory,
    MembershipFactory,
    PersonFactory,
    bearer_key,
    user_with_role,
)
from ptdv.targets.models import ResponsibilityQuota
from ptdv.targets.responsibility import person_criterion, responsibility_report
from ptdv.targets.services import plan_assign, quota_delete, quota_set

pytestmark = pytest.mark.django_db

YEAR = 2025
TODAY = dt.date(2025, 10, 1)


@pytest.fixture
def setup(tree, monkeypatch):
    """Commune A: a leader (Khánh) with three candidates — one admitted this year, one in
    progress, one closed — and a member (Lộc) helping two of them; commune B: a leader
    (Mẫn) with one admitted candidate."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)
    cell_a, cell_b = tree["cell_a1"], tree["cell_b1"]
    leader = MembershipFactory(
        organisation=cell_a, person=PersonFactory(organisation=cell_a, given_name="Khánh")
    )
    helper = MembershipFactory(
        organisation=cell_a, person=PersonFactory(organisation=cell_a, given_name="Lộc")
    )
    leader_b = MembershipFactory(
        organisation=cell_b, person=PersonFactory(organisation=cell_b, given_name="Mẫn")
    )
    clerk = user_with_role(tree["commune_a"], Role.CLERK)
    admin_p = user_with_role(tree["province"], Role.ADMINISTRATOR)
    admitted = CandidacyFactory(organisation=cell_a, stage=Stage.COMMITTEE_RESOLVED)
    waiting = CandidacyFactory(organisation=cell_a, stage=Stage.APPLIED)
    dropped = CandidacyFactory(organisation=cell_a, stage=Stage.TRAINED)
    in_b = CandidacyFactory(organisation=cell_b, stage=Stage.COMMITTEE_RESOLVED)
    for candidacy, member in ((admitted, helper), (waiting, helper), (dropped, None)):
        plan_assign(
            actor=clerk,
            organisation=tree["commune_a"],
            year=YEAR,
            candidacy=candidacy,
            responsible_person=leader.person,
            member=member,
        )
    plan_assign(
        actor=admin_p,
        organisation=tree["commune_b"],
        year=YEAR,
        candidacy=in_b,
        responsible_person=leader_b.person,
    )
    # What happened afterwards (the dossier actions write these).
    type(admitted).objects.filter(pk__in=[admitted.pk, in_b.pk]).update(
        stage=Stage.DECIDED, decision_date=dt.date(YEAR, 6, 1)
    )
    type(dropped).objects.filter(pk=dropped.pk).update(
        stage=Stage.CLOSED, is_open=False, closed_on=dt.date(YEAR, 7, 1)
    )
    type(waiting).objects.filter(pk=waiting.pk).update(
        next_action="record_branch_resolution", next_due=dt.date(YEAR, 9, 1)
    )
    return {
        "tree": tree,
        "leader": leader,
        "helper": helper,
        "leader_b": leader_b,
        "clerk": clerk,
        "admin_p": admin_p,
        "waiting": waiting,
    }


# --- Services -------------------------------------------------------------------------------


def test_quota_set_changes_and_deletes_with_audit(setup):
    tree, clerk = setup["tree"], setup["clerk"]
    quota = quota_set(
        actor=clerk,
        organisation=tree["commune_a"],
        year=YEAR,
        person=setup["leader"].person,
        number=2,
    )
    again = quota_set(
        actor=clerk,
        organisation=tree["commune_a"].pk,  # named by id, as an API body does
        year=YEAR,
        person=setup["leader"].person.pk,
        number=3,
        note=" Giao đầu năm ",
    )
    assert again.pk == quota.pk and again.number == 3 and again.note == "Giao đầu năm"
    member_quota = quota_set(
        actor=clerk, organisation=tree["commune_a"], year=YEAR, member=setup["helper"], number=1
    )
    assert ResponsibilityQuota.objects.count() == 2
    quota_delete(actor=clerk, quota=member_quota)
    entries = AuditEntry.objects.filter(object_type="targets.responsibilityquota")
    assert [e.action for e in entries.order_by("pk")] == ["create", "change", "create", "delete"]
    assert entries.filter(person=setup["helper"].person).count() == 2


def test_quota_set_refuses_what_is_outside_or_wrong(setup):
    tree, clerk = setup["tree"], setup["clerk"]
    with pytest.raises(ValidationError) as error:
        quota_set(actor=clerk, organisation=tree["commune_a"], year=YEAR, number=2)
    assert "person" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        quota_set(
            actor=clerk,
            organisation=tree["commune_a"],
            year=YEAR,
            person=setup["leader"].person,
            member=setup["helper"],
            number=2,
        )
    assert "member" in error.value.message_dict
    # A person and a member of commune B: the same answer as for absent ones.
    with pytest.raises(ValidationError) as error:
        quota_set(
            actor=clerk,
            organisation=tree["commune_a"],
            year=YEAR,
            person=setup["leader_b"].person,
            number=2,
        )
    assert error.value.message_dict["person"] == ["Không tìm thấy người này."]
    with pytest.raises(ValidationError) as error:
        quota_set(actor=clerk, organisation=tree["commune_a"], year=YEAR, member=999999, number=2)
    assert error.value.message_dict["member"] == ["Không tìm thấy đảng viên này."]
    # A member of the province's tree, but not of the organisation that sets the quota.
    with pytest.raises(ValidationError) as error:
        quota_set(
            actor=setup["admin_p"],
            organisation=tree["commune_a"],
            year=YEAR,
            member=setup["leader_b"],
            number=2,
        )
    assert "member" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        quota_set(
            actor=clerk,
            organisation=tree["commune_b"],
            year=YEAR,
            person=setup["leader"].person,
            number=2,
        )
    assert "organisation" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        quota_set(
            actor=clerk,
            organisation=tree["commune_a"],
            year=YEAR,
            person=setup["leader"].person,
            number=101,
        )
    assert "number" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        quota_set(
            actor=user_with_role(tree["commune_a"], Role.VIEWER),
            organisation=tree["commune_a"],
            year=YEAR,
            person=setup["leader"].person,
            number=2,
        )
    quota = quota_set(
        actor=clerk, organisation=tree["commune_a"], year=YEAR, member=setup["helper"], number=1
    )
    with pytest.raises(Http404):
        quota_delete(actor=user_with_role(tree["commune_b"], Role.ADMINISTRATOR), quota=quota)
    assert ResponsibilityQuota.objects.count() == 1


def test_plan_assign_refuses_the_same_person_twice(setup):
    leader = setup["leader"]
    with pytest.raises(ValidationError) as error:
        plan_assign(
            actor=setup["clerk"],
            organisation=setup["tree"]["commune_a"],
            year=YEAR,
            candidacy=CandidacyFactory(organisation=setup["tree"]["cell_a1"]),
            responsible_person=leader.person,
            member=leader,
        )
    assert "member" in error.value.message_dict


# --- The report -----------------------------------------------------------------------------


def test_report_per_person_with_quota_and_scope(setup, django_assert_max_num_queries):
    tree, clerk = setup["tree"], setup["clerk"]
    quota_set(
        actor=clerk,
        organisation=tree["commune_a"],
        year=YEAR,
        person=setup["leader"].person,
        number=2,
    )
    quota_set(
        actor=clerk, organisation=tree["cell_a1"], year=YEAR, member=setup["helper"], number=1
    )
    with django_assert_max_num_queries(6):
        report = responsibility_report(
            actor=setup["admin_p"], organisation=tree["province"], year=YEAR
        )
    rows = {row.name.split()[-1]: row for row in report.rows}
    assert set(rows) == {"Khánh", "Lộc", "Mẫn"}
    khanh, loc, man = rows["Khánh"], rows["Lộc"], rows["Mẫn"]
    assert (khanh.nurtured, khanh.admitted, khanh.in_progress, khanh.closed) == (3, 1, 1, 1)
    assert (khanh.quota, khanh.achievement) == (2, 0.5)
    assert (loc.as_member, loc.nurtured, loc.admitted, loc.quota) == (2, 2, 1, 1)
    assert loc.achievement == 1.0 and loc.role == "Đảng viên được giao"
    assert (man.nurtured, man.admitted, man.quota) == (1, 1, None)
    assert report.totals["nurtured"] == 6 and report.totals["quota_met"] == 1
    # The commune's clerk sees its own subtree only, even asked about the province's.
    own = responsibility_report(actor=clerk, organisation=tree["province"], year=YEAR)
    assert {row.name.split()[-1] for row in own.rows} == {"Khánh", "Lộc"}
    # Another year: nothing.
    assert responsibility_report(actor=clerk, organisation=tree["commune_a"], year=2024).rows == []


def test_criterion_counts_per_year(setup):
    criterion = person_criterion(
        actor=setup["admin_p"], person=setup["helper"].person, years=range(2021, 2026)
    )
    assert criterion == [
        {"year": 2025, "nurtured": 2, "admitted": 1, "in_progress": 1, "quota": None, "met": None}
    ]


# --- Pages ----------------------------------------------------------------------------------


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_report_page_and_excel(setup):
    tree = setup["tree"]
    client = _client(setup["clerk"])
    response = client.get(f"/targets/{tree['commune_a'].pk}/responsibility/?year={YEAR}")
    assert response.status_code == 200
    text = response.content.decode()
    assert setup["leader"].person.full_name in text and "Mẫn" not in text
    assert AuditEntry.objects.filter(
        object_type="people.person", summary__startswith="Xem kết quả phụ trách"
    ).exists()
    export = client.get(f"/targets/{tree['commune_a'].pk}/responsibility.xlsx?year={YEAR}")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
    names = [row[1] for row in values]
    assert setup["leader"].person.full_name in names and names[-1] == "Tổng cộng"
    leader_row = values[names.index(setup["leader"].person.full_name)]
    assert leader_row[4:8] == [3, 1, 1, 1]
    assert values[-1][4] == 5  # three as leader, two as member
    outside = client.get(f"/targets/{tree['commune_b'].pk}/responsibility/?year={YEAR}")
    assert outside.status_code == 404


def test_quotas_page_sets_and_removes(setup):
    tree = setup["tree"]
    client = _client(setup["clerk"])
    url = f"/targets/{tree['commune_a'].pk}/responsibility/quotas/?year={YEAR}"
    response = client.post(url, {"step": "set", "member": setup["helper"].pk, "number": "2"})
    assert response.status_code == 302
    quota = ResponsibilityQuota.objects.get()
    assert (quota.member_id, quota.number, quota.year) == (setup["helper"].pk, 2, YEAR)
    page = client.get(url)
    assert setup["helper"].person.full_name in page.content.decode()
    wrong = client.post(url, {"step": "set", "number": "2"})
    assert wrong.status_code == 200
    assert "Cần chọn một người" in wrong.content.decode()
    viewer = _client(user_with_role(tree["commune_a"], Role.VIEWER))
    assert viewer.post(url, {"step": "remove", "quota": quota.pk}).status_code == 403
    assert client.post(url, {"step": "remove", "quota": quota.pk}).status_code == 302
    assert not ResponsibilityQuota.objects.exists()


def test_person_page_lists_candidates_with_deadlines(setup):
    client = _client(setup["clerk"])
    person = setup["helper"].person
    response = client.get(f"/targets/responsible/{person.pk}/?year={YEAR}")
    assert response.status_code == 200
    text = response.content.decode()
    assert setup["waiting"].person.full_name in text
    assert "01/09/2025" in text and "quá hạn" in text
    assert AuditEntry.objects.filter(action="view", person=person).exists()
    outsider = setup["leader_b"].person
    assert client.get(f"/targets/responsible/{outsider.pk}/").status_code == 404


def test_member_page_shows_the_individual_criterion(setup):
    client = _client(setup["clerk"])
    response = client.get(f"/members/{setup['helper'].pk}/")
    assert response.status_code == 200
    text = response.content.decode()
    assert 'id="member-responsibility"' in text and "Tiêu chí cá nhân" in text


# --- API ------------------------------------------------------------------------------------


def _api(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer_key(user)}")
    return client


def test_api_report(setup):
    tree = setup["tree"]
    api = _api(setup["admin_p"])
    response = api.get(f"/api/v1/responsibility/?organisation={tree['province'].pk}&year={YEAR}")
    assert response.status_code == 200
    body = response.json()
    assert body["year"] == YEAR and body["count"] == 3 and body["totals"]["admitted"] == 3
    row = next(r for r in body["results"] if r["person"] == setup["leader"].person_id)
    assert {k: row[k] for k in ("nurtured", "admitted", "in_progress", "quota")} == {
        "nurtured": 3,
        "admitted": 1,
        "in_progress": 1,
        "quota": None,
    }
    clerk_api = _api(setup["clerk"])
    assert (
        clerk_api.get(f"/api/v1/responsibility/?organisation={tree['commune_b'].pk}").status_code
        == 404
    )
    default = clerk_api.get(f"/api/v1/responsibility/?year={YEAR}").json()
    assert default["organisation"] == tree["commune_a"].pk and default["count"] == 2
    assert clerk_api.get("/api/v1/responsibility/?year=abc").status_code == 400


def test_api_quotas(setup):
    tree = setup["tree"]
    api = _api(setup["clerk"])
    body = {
        "organisation": tree["commune_a"].pk,
        "year": YEAR,
        "member": setup["helper"].pk,
        "number": 2,
    }
    created = api.post("/api/v1/responsibility/quotas/", body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["holder"] == setup["helper"].person_id
    outside = api.post(
        "/api/v1/responsibility/quotas/",
        {**body, "member": setup["leader_b"].pk},
        format="json",
    )
    assert outside.status_code == 400 and "member" in outside.json()["error"]["fields"]
    listed = api.get(
        f"/api/v1/responsibility/quotas/?organisation={tree['commune_a'].pk}&year={YEAR}"
    )
    assert listed.json()["count"] == 1
    pk = created.json()["id"]
    assert api.get(f"/api/v1/responsibility/quotas/{pk}/").status_code == 200
    other = _api(user_with_role(tree["commune_b"], Role.ADMINISTRATOR))
    assert other.delete(f"/api/v1/responsibility/quotas/{pk}/").status_code == 404
    assert api.delete(f"/api/v1/responsibility/quotas/{pk}/").status_code == 204
    assert not ResponsibilityQuota.objects.exists()


# --- Work and review sources ----------------------------------------------------------------


def test_work_source_names_the_pool_without_anyone_responsible(setup, monkeypatch):
    tree = setup["tree"]
    CandidacyFactory(organisation=tree["cell_a2"], stage=Stage.APPLIED)
    CandidacyFactory(organisation=tree["cell_a2"], stage=Stage.SOURCE)  # not yet
    source = work_sources()["candidate_unassigned"]
    items = list(source(setup["clerk"], dt.date(YEAR, 10, 1)))
    assert [item.organisation_id for item in items] == [tree["cell_a2"].pk]
    assert "1 quần chúng chưa có người phụ trách" in items[0].title
    assert list(source(user_with_role(tree["commune_a"], Role.VIEWER), TODAY)) == []


def test_review_sources_for_tasks_3_and_4(setup):
    tree = setup["tree"]
    sources = review_sources()
    leaders = dict(sources[3])["responsibility_leaders"]
    members = dict(sources[4])["responsibility_members"]
    start, end = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)
    figures = leaders(setup["admin_p"], tree["province"], start, end)
    assert [f.value for f in figures] == [2, 4, 2]
    figures = members(setup["clerk"], tree["commune_a"], start, end)
    assert [f.value for f in figures][:3] == [1, 2, 1]
