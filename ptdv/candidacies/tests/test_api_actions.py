import datetime as dt

import pytest
from rest_framework.test import APIClient

from ptdv.accounts.models import Role
from ptdv.candidacies.models import Candidacy, CandidacyEvent, Stage
from ptdv.factories import CandidacyFactory, MembershipFactory, PersonFactory, user_with_role

pytestmark = pytest.mark.django_db


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def setup(tree):
    cell = tree["cell_a1"]
    members = [MembershipFactory(organisation=cell) for _ in range(9)]
    person = PersonFactory(
        organisation=cell,
        birth_date=dt.date(2000, 3, 5),
        education="university",
        youth_union_member=True,
    )
    candidacy = CandidacyFactory(person=person, organisation=cell)
    return {
        "tree": tree,
        "cell": cell,
        "members": members,
        "candidacy": candidacy,
        "clerk": client_for(user_with_role(tree["commune_a"], Role.CLERK)),
        "approver": client_for(user_with_role(tree["commune_a"], Role.APPROVER)),
    }


def post(client, candidacy, action, body):
    return client.post(f"/api/v1/candidacies/{candidacy.pk}/actions/{action}/", body, format="json")


def applied_dossier(setup):
    c, clerk = setup["candidacy"], setup["clerk"]
    member = setup["members"][0]
    for action, body in [
        ("record_certificate", {"date": "2025-06-01", "certificate_date": "2025-05-20"}),
        (
            "record_application",
            {"date": "2025-10-06", "application_date": "2025-10-01", "history_date": "2025-10-05"},
        ),
        ("record_verification", {"date": "2025-12-01", "concluded_on": "2025-12-01"}),
        ("record_opinions", {"date": "2025-12-15", "opinions_date": "2025-12-15"}),
        (
            "record_introduction",
            {
                "date": "2025-12-10",
                "kind": "member",
                "membership": member.pk,
                "months_together": 14,
                "introduced_on": "2025-12-10",
            },
        ),
        (
            "record_introduction",
            {"date": "2025-12-12", "kind": "youth_union_committee", "introduced_on": "2025-12-12"},
        ),
    ]:
        response = post(clerk, c, action, body)
        assert response.status_code == 200, (action, response.json())
    return c


def test_detail_has_stage_version_next_action_and_events(setup):
    c = applied_dossier(setup)
    body = setup["clerk"].get(f"/api/v1/candidacies/{c.pk}/").json()
    assert body["stage"] == "applied"
    assert body["version"] == 7
    assert body["next_action"]["action"] == "branch_vote"
    assert set(body["next_action"]) >= {"action", "earliest", "due", "missing", "expiring"}
    assert [e["action"] for e in body["events"]][:2] == ["record_certificate", "record_application"]


def test_vote_passes_and_failed_vote_is_200_with_outcome_failed(setup):
    c = applied_dossier(setup)
    failed = post(
        setup["clerk"], c, "branch_vote", {"date": "2026-03-02", "vote": {"agree": 5}, "version": 7}
    )
    assert failed.status_code == 200
    assert failed.json()["outcome"] == "failed" and failed.json()["stage"] == "applied"
    passed = post(
        setup["clerk"],
        c,
        "branch_vote",
        {
            "date": "2026-03-03",
            "vote": {"agree": 7, "summoned": 9, "present": 8},
            "document": {
                "number": "05-NQ/CB",
                "date": "2026-03-03",
                "issuing_body": "Chi bộ",
                "signer": "Bí thư",
            },
            "version": 8,
        },
    )
    assert passed.status_code == 200, passed.json()
    body = passed.json()
    assert body["outcome"] == "passed" and body["stage"] == "branch_resolved"
    event = CandidacyEvent.objects.get(pk=body["event"])
    assert event.document_number == "05-NQ/CB"
    assert event.vote["denominator"] == 9 and event.vote["present"] == 8


def test_rule_violation_is_422_with_violations_and_nothing_written(setup):
    c = setup["candidacy"]
    post(setup["clerk"], c, "record_certificate", {"certificate_date": "2019-01-10"})
    post(
        setup["clerk"],
        c,
        "record_application",
        {"application_date": "2025-10-01", "history_date": "2025-10-05"},
    )
    before = Candidacy.objects.get(pk=c.pk).version
    response = post(setup["clerk"], c, "branch_vote", {"date": "2026-03-02", "vote": {"agree": 9}})
    assert response.status_code == 422
    body = response.json()
    assert body["error"]["code"] == "rule_violation" and body["error"]["message"]
    rules = {v["rule"] for v in body["violations"]}
    assert {"certificate.valid", "verification.done", "opinions.done", "introducers.valid"} <= rules
    assert all(v["source"] for v in body["violations"])
    assert Candidacy.objects.get(pk=c.pk).version == before


def test_stale_version_is_409(setup):
    c = setup["candidacy"]
    assert (
        post(
            setup["clerk"],
            c,
            "record_certificate",
            {"certificate_date": "2025-05-20", "version": 1},
        ).status_code
        == 200
    )
    response = post(
        setup["clerk"], c, "record_certificate", {"certificate_date": "2025-05-21", "version": 1}
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"


def test_outside_subtree_404_and_role_403(setup):
    c = setup["candidacy"]
    other = client_for(user_with_role(setup["tree"]["commune_b"], Role.ADMINISTRATOR))
    assert (
        post(other, c, "record_certificate", {"certificate_date": "2025-05-20"}).status_code == 404
    )
    assert other.get(f"/api/v1/candidacies/{c.pk}/").status_code == 404
    viewer = client_for(user_with_role(setup["tree"]["commune_a"], Role.VIEWER))
    assert (
        post(viewer, c, "record_certificate", {"certificate_date": "2025-05-20"}).status_code == 403
    )
    Candidacy.objects.filter(pk=c.pk).update(stage=Stage.COMMITTEE_RESOLVED)
    response = post(setup["clerk"], c, "admission_decision", {"vote": {"agree": 5, "body_size": 9}})
    assert response.status_code == 403


def test_bad_facts_are_400_with_dotted_fields(setup):
    c = setup["candidacy"]
    response = post(setup["clerk"], c, "record_certificate", {"certificate_date": "31/02/2025"})
    assert response.status_code == 400
    assert "certificate_date" in response.json()["error"]["fields"]
    Candidacy.objects.filter(pk=c.pk).update(stage=Stage.APPLIED)
    response = post(setup["clerk"], c, "branch_vote", {"vote": {"agree": "many"}})
    assert response.status_code == 400
    assert "vote.agree" in response.json()["error"]["fields"]
    response = post(setup["clerk"], c, "fly_to_the_moon", {})
    assert response.status_code == 404
    response = post(
        setup["clerk"], c, "record_certificate", {"certificate_date": "2025-05-20", "version": "x"}
    )
    assert response.status_code == 400


def test_due_lists(setup):
    c = setup["candidacy"]
    Candidacy.objects.filter(pk=c.pk).update(
        stage=Stage.DECIDED,
        decision_date=dt.date(2026, 1, 5),
        decision_received_date=dt.date(2026, 1, 6),
    )
    from ptdv.candidacies.pipeline import pipeline_refresh

    pipeline_refresh(today=dt.date.today())
    overdue = setup["clerk"].get("/api/v1/candidacies/?due=overdue").json()
    assert [row["id"] for row in overdue["results"]] == [c.pk]
    row = overdue["results"][0]
    assert row["next_action"] == "ceremony"
    assert row["escalated_to"]["id"] == setup["tree"]["grassroots_a"].pk
    assert setup["clerk"].get("/api/v1/candidacies/?due=30d").json()["count"] == 0
    assert setup["clerk"].get("/api/v1/candidacies/?due=soon").status_code == 400


def test_action_the_stage_does_not_allow_is_409_and_writes_nothing(setup):
    c = setup["candidacy"]  # at the source stage
    before = Candidacy.objects.get(pk=c.pk)
    response = post(setup["clerk"], c, "ceremony", {"decision_received_date": "2025-06-01"})
    assert response.status_code == 409
    body = response.json()
    assert body["error"]["code"] == "invalid_stage"
    assert "giai đoạn" in body["error"]["fields"]["action"][0]
    assert body["version"] == before.version
    after = Candidacy.objects.get(pk=c.pk)
    assert (after.stage, after.version) == (before.stage, before.version)
    assert not CandidacyEvent.objects.filter(candidacy=c).exists()


def test_well_formed_facts_a_rule_refuses_are_422_with_dotted_fields(setup):
    """The contract of ptdv.core.refusals: what the schema states is a 400, what only a rule
    can say of schema-valid facts is a 422 with the same envelope; nothing is written."""
    c = setup["candidacy"]
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    before = Candidacy.objects.get(pk=c.pk).version
    response = post(
        setup["clerk"], c, "record_certificate", {"date": tomorrow, "certificate_date": tomorrow}
    )
    assert response.status_code == 422, response.json()
    error = response.json()["error"]
    assert error["code"] == "unprocessable"
    assert error["fields"] == {"date": ["Ngày thực hiện không được sau hôm nay."]}
    response = post(setup["clerk"], c, "record_verification", {"date": "2025-12-01"})
    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["concluded_on"]
    Candidacy.objects.filter(pk=c.pk).update(stage=Stage.APPLIED)
    response = post(
        setup["clerk"], c, "branch_vote", {"vote": {"agree": 9, "present": 8, "summoned": 9}}
    )
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {
        "vote.agree": ["Số tán thành không được lớn hơn số có mặt."]
    }
    # A refusal by a rule next to an error the schema states: the request is malformed (400).
    response = post(setup["clerk"], c, "branch_vote", {"date": tomorrow, "vote": {"agree": "many"}})
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"date", "vote.agree"}
    assert Candidacy.objects.get(pk=c.pk).version == before


def test_a_committee_vote_without_the_body_size_is_a_400(setup):
    """The size of the voting body is required by the committee actions' schema."""
    c = setup["candidacy"]
    Candidacy.objects.filter(pk=c.pk).update(stage=Stage.BRANCH_RESOLVED)
    response = post(setup["approver"], c, "committee_vote", {"vote": {"agree": 5}})
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "vote.body_size": ["Cần nhập tổng số thành viên của cấp ủy biểu quyết."]
    }


def test_months_together_beyond_a_century_is_a_400_and_writes_nothing(setup):
    """The fuzzer's find on PostgreSQL: 16,777,215 months overflowed the small-integer column
    (a 500). The facts bound it, the schema says so, and nothing is written."""
    c = setup["candidacy"]
    Candidacy.objects.filter(pk=c.pk).update(stage=Stage.APPLIED)
    events = CandidacyEvent.objects.count()
    body = {
        "kind": "youth_union_committee",
        "introduced_on": "2025-12-10",
        "months_together": 16_777_215,
    }
    response = post(setup["clerk"], c, "record_introduction", body)
    assert response.status_code == 400
    assert "months_together" in response.json()["error"]["fields"]
    assert CandidacyEvent.objects.count() == events


def test_an_action_takes_a_pinned_number_of_queries(setup, django_assert_num_queries):
    """The dossier is read once before the answer (under its lock), the chain's competence
    rows and ids once, the calendar not at all when no deadline is computed. Here 21 before,
    14 after (the bench province on PostgreSQL, with its token and session: 24 before, 17
    after). Lower it when it falls; never raise it."""
    c = setup["candidacy"]
    body = {"date": "2025-06-01", "certificate_date": "2025-05-20"}
    with django_assert_num_queries(14):
        response = post(setup["clerk"], c, "record_certificate", body)
    assert response.status_code == 200, response.content


def test_a_malformed_version_outside_the_scope_is_a_404(setup):
    """The action reads the dossier only in the service: outside the user's scope still
    answers 404 before the body is judged (a malformed version, a body that is not JSON),
    and so does an id that is not a number."""
    c = setup["candidacy"]
    other = client_for(user_with_role(setup["tree"]["commune_b"], Role.ADMINISTRATOR))
    body = {"certificate_date": "2025-05-20", "version": "x"}
    assert post(other, c, "record_certificate", body).status_code == 404
    url = f"/api/v1/candidacies/{c.pk}/actions/record_certificate/"
    assert other.post(url, "{", content_type="application/json").status_code == 404
    assert setup["clerk"].post(url, "{", content_type="application/json").status_code == 400
    response = setup["clerk"].post(
        "/api/v1/candidacies/abc/actions/record_certificate/", {}, format="json"
    )
    assert response.status_code == 404
    assert not CandidacyEvent.objects.filter(candidacy=c).exists()
