import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from ptdv.accounts.models import Role
from ptdv.audit.models import AuditEntry
from ptdv.candidacies.counters import organisation_counter_mismatches
from ptdv.candidacies.models import Candidacy, CandidacyEvent, Stage
from ptdv.candidacies.workflow import (
    RuleViolation,
    StaleVersion,
    candidacy_act,
    candidacy_next,
)
from ptdv.factories import CandidacyFactory, MembershipFactory, PersonFactory, user_with_role
from ptdv.members.models import PartyMembership
from ptdv.organisations.models import Organisation

pytestmark = pytest.mark.django_db

DOC = {
    "number": "12-NQ/CB",
    "date": "2026-03-02",
    "issuing_body": "Chi bộ thôn A1",
    "signer": "Lê Văn Bí thư",
}


@pytest.fixture
def cell(tree):
    cell = tree["cell_a1"]
    for _ in range(9):
        MembershipFactory(organisation=cell)
    return cell


@pytest.fixture
def clerk(tree):
    user = user_with_role(tree["commune_a"], Role.APPROVER)
    return user


@pytest.fixture
def candidacy(cell):
    person = PersonFactory(
        organisation=cell,
        birth_date=dt.date(2000, 3, 5),
        education="upper_secondary",
        youth_union_member=True,
    )
    return CandidacyFactory(person=person, organisation=cell, opened_on=dt.date(2025, 1, 10))


def act(user, candidacy, action, **data):
    version = data.pop("version", None)
    return candidacy_act(
        actor=user, candidacy_id=candidacy.pk, action=action, data=data, version=version
    )


def prepare_dossier(user, candidacy, cell, certificate_date="2025-05-20"):
    act(user, candidacy, "record_certificate", date="2025-06-01", certificate_date=certificate_date)
    act(
        user,
        candidacy,
        "record_application",
        date="2025-10-06",
        application_date="2025-10-01",
        history_date="2025-10-05",
    )
    act(user, candidacy, "record_verification", date="2025-12-01", concluded_on="2025-12-01")
    act(user, candidacy, "record_opinions", date="2025-12-15", opinions_date="2025-12-15")
    helper = PartyMembership.objects.filter(organisation=cell, status="official").first()
    act(
        user,
        candidacy,
        "record_introduction",
        date="2025-12-10",
        kind="member",
        membership=helper.pk,
        months_together=14,
        introduced_on="2025-12-10",
    )
    act(
        user,
        candidacy,
        "record_introduction",
        date="2025-12-12",
        kind="youth_union_committee",
        introduced_on="2025-12-12",
    )


def test_full_journey_from_pool_to_official_member(tree, cell, clerk, candidacy):
    prepare_dossier(clerk, candidacy, cell)
    nxt = candidacy_next(Candidacy.objects.get(pk=candidacy.pk), dt.date(2026, 3, 2))
    assert nxt.action == "branch_vote" and nxt.missing == []
    result = act(
        clerk, candidacy, "branch_vote", date="2026-03-02", vote={"agree": 7}, document=DOC
    )
    assert result.outcome == "passed"
    assert result.event.vote["denominator"] == 9
    result = act(
        clerk, candidacy, "committee_vote", date="2026-03-10", vote={"agree": 5, "body_size": 7}
    )
    assert result.candidacy.stage == Stage.COMMITTEE_RESOLVED
    decided = act(
        clerk,
        candidacy,
        "admission_decision",
        date="2026-04-01",
        vote={"agree": 5, "body_size": 9},
        document={"number": "Số 12-QĐ/ĐU", "date": "2026-04-01"},
    )
    assert decided.candidacy.stage == Stage.DECIDED
    nxt = candidacy_next(Candidacy.objects.get(pk=candidacy.pk), dt.date(2026, 4, 2))
    assert nxt.action == "ceremony" and nxt.due is not None
    act(clerk, candidacy, "ceremony", date="2026-04-20", decision_received_date="2026-04-03")
    membership = PartyMembership.objects.get(candidacy=candidacy)
    assert membership.status == "probationary"
    assert membership.admission_decision_date == dt.date(2026, 4, 1)
    tree["province"].refresh_from_db()
    assert tree["province"].candidate_count == 0
    assert organisation_counter_mismatches() == []
    nxt = candidacy_next(Candidacy.objects.get(pk=candidacy.pk), dt.date(2026, 5, 1))
    assert nxt.action == "recognition_vote"
    assert nxt.earliest == dt.date(2027, 4, 20)
    assert CandidacyEvent.objects.filter(candidacy=candidacy).count() == 10
    assert AuditEntry.objects.filter(action="action").count() == 10


def test_failed_vote_is_recorded_and_keeps_the_stage(tree, cell, clerk, candidacy):
    prepare_dossier(clerk, candidacy, cell)
    result = act(clerk, candidacy, "branch_vote", date="2026-03-02", vote={"agree": 5})
    assert result.outcome == "failed"
    candidacy.refresh_from_db()
    assert candidacy.stage == Stage.APPLIED
    assert candidacy.branch_resolution_date is None
    assert CandidacyEvent.objects.get(action="branch_vote").outcome == "failed"


def test_blocked_vote_writes_nothing_and_says_why(tree, cell, clerk, candidacy):
    prepare_dossier(clerk, candidacy, cell, certificate_date="2020-05-10")
    candidacy.refresh_from_db()
    version = candidacy.version
    events = CandidacyEvent.objects.count()
    with pytest.raises(RuleViolation) as info:
        act(clerk, candidacy, "branch_vote", date="2026-03-02", vote={"agree": 9})
    rules = {v["rule"] for v in info.value.violations}
    assert "certificate.valid" in rules
    assert all(v["source"] and v["message"] for v in info.value.violations)
    candidacy.refresh_from_db()
    assert candidacy.version == version and candidacy.stage == Stage.APPLIED
    assert CandidacyEvent.objects.count() == events


def test_wrong_stage_is_refused(tree, clerk, candidacy):
    with pytest.raises(ValidationError) as info:
        act(clerk, candidacy, "ceremony", date="2026-01-05", decision_received_date="2026-01-02")
    assert "action" in info.value.message_dict


def test_stale_version_is_a_conflict(tree, clerk, candidacy):
    act(clerk, candidacy, "record_certificate", certificate_date="2025-05-20", version=1)
    with pytest.raises(StaleVersion):
        act(clerk, candidacy, "record_certificate", certificate_date="2025-05-21", version=1)


def test_outside_subtree_404_and_role_403(tree, candidacy):
    other = user_with_role(tree["commune_b"], Role.ADMINISTRATOR)
    with pytest.raises(Http404):
        act(other, candidacy, "record_certificate", certificate_date="2025-05-20")
    viewer = user_with_role(tree["commune_a"], Role.VIEWER)
    with pytest.raises(PermissionDenied):
        act(viewer, candidacy, "record_certificate", certificate_date="2025-05-20")
    clerk_only = user_with_role(tree["commune_a"], Role.CLERK)
    Candidacy.objects.filter(pk=candidacy.pk).update(stage=Stage.COMMITTEE_RESOLVED)
    with pytest.raises(PermissionDenied):
        act(clerk_only, candidacy, "admission_decision", vote={"agree": 5, "body_size": 9})


def test_bad_facts_name_the_field(tree, clerk, candidacy):
    with pytest.raises(ValidationError) as info:
        act(clerk, candidacy, "record_certificate", certificate_date="31/02/2025")
    assert "certificate_date" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        act(clerk, candidacy, "record_certificate", certificate_date="2025-01-01", colour="red")
    assert "colour" in info.value.message_dict


def test_transfer_continues_in_the_new_cell(tree, clerk, candidacy):
    act(clerk, candidacy, "record_certificate", certificate_date="2025-05-20")
    act(clerk, candidacy, "transfer", organisation=tree["cell_a2"].pk, reason="Chuyển nơi cư trú")
    candidacy.refresh_from_db()
    assert candidacy.organisation == tree["cell_a2"] and candidacy.is_open
    assert candidacy.person.organisation == tree["cell_a2"]
    assert candidacy.stage == Stage.TRAINED
    assert organisation_counter_mismatches() == []
    assert candidacy.events.count() == 2
    # The old cell's clerk no longer sees it; the new cell's does.
    clerk_a1 = user_with_role(tree["cell_a1"], Role.CLERK)
    with pytest.raises(Http404):
        act(clerk_a1, candidacy, "withdraw", reason="x")
    clerk_a2 = user_with_role(tree["cell_a2"], Role.CLERK)
    act(clerk_a2, candidacy, "withdraw", reason="Tự nguyện rút")
    candidacy.refresh_from_db()
    assert not candidacy.is_open and candidacy.closed_reason == "withdrawn"
    assert organisation_counter_mismatches() == []


def test_amend_is_audited_with_before_and_after(tree, clerk, candidacy):
    act(clerk, candidacy, "record_certificate", certificate_date="2025-05-20")
    result = act(
        clerk,
        candidacy,
        "amend",
        field="certificate_date",
        value="2025-05-02",
        reason="Nhập sai ngày",
    )
    assert result.event.facts["before"] == "2025-05-20"
    assert result.event.facts["after"] == "2025-05-02"
    assert result.event.reason == "Nhập sai ngày"


def test_grassroots_cell_skips_the_committee_step(tree, clerk):
    from ptdv.factories import OrganisationFactory

    cell = OrganisationFactory(parent=tree["commune_a"], kind="grassroots_cell", code="GC1")
    for _ in range(4):
        MembershipFactory(organisation=cell)
    candidacy = CandidacyFactory(
        organisation=cell,
        person=PersonFactory(
            organisation=cell, birth_date=dt.date(1990, 1, 1), education="university"
        ),
        stage=Stage.BRANCH_RESOLVED,
        branch_resolution_date=dt.date(2026, 3, 2),
    )
    with pytest.raises(ValidationError):
        act(
            clerk, candidacy, "committee_vote", date="2026-03-05", vote={"agree": 5, "body_size": 7}
        )
    result = act(
        clerk, candidacy, "admission_decision", date="2026-03-20", vote={"agree": 5, "body_size": 9}
    )
    assert result.candidacy.stage == Stage.DECIDED
    assert Organisation.objects.get(pk=cell.pk).kind == "grassroots_cell"
