"""The helper and the responsible leader (registration, `assign_helper`, a transfer's helper
at the new cell) and amendments of every fact an event recorded (vote figures re-judged,
document, introducers), through the service, the API and the web forms."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from rest_framework.test import APIClient

from ptdv.accounts.models import Role
from ptdv.audit.models import AuditEntry
from ptdv.candidacies.models import Candidacy, CandidacyEvent, Introducer
from ptdv.candidacies.tests.test_void import act, journey, void
from ptdv.candidacies.workflow import RuleViolation
from ptdv.core.tests.access_matrix import _action_variants, _api_action_variants
from ptdv.factories import CandidacyFactory, MembershipFactory, PersonFactory, user_with_role
from ptdv.members.models import PartyMembership
from ptdv.members.services import membership_recognise

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
def clerk(tree):
    return user_with_role(tree["commune_a"], Role.CLERK)


@pytest.fixture
def candidacy(cell):
    person = PersonFactory(
        organisation=cell, birth_date=D(2000, 3, 5), education="upper_secondary",
        youth_union_member=True,
    )  # fmt: skip
    return CandidacyFactory(person=person, organisation=cell, opened_on=D(2024, 1, 10))


def refused(call):
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


# --- assign_helper -------------------------------------------------------------------------


def test_assign_helper_sets_changes_and_clears_the_helper_and_the_leader(cell, clerk, candidacy):
    helper = PartyMembership.objects.filter(organisation=cell, status="official").first()
    leader = PartyMembership.objects.filter(organisation=cell, status="official").last().person
    result = act(
        clerk, candidacy, "assign_helper", date="2024-02-01", helper=helper.pk,
        responsible_leader=leader.pk, reason="Nghị quyết chi bộ tháng 2",
    )  # fmt: skip
    candidacy.refresh_from_db()
    assert candidacy.helper == helper and candidacy.responsible_leader == leader
    assert result.event.facts["helper_name"] == helper.person.full_name
    assert result.event.before["dossier"] == {
        "helper_id": None, "responsible_leader_id": None, "stage": "source",
        "stage_changed_on": candidacy.stage_changed_on.isoformat(),
    }  # fmt: skip
    # Left out: kept; null: cleared.
    act(clerk, candidacy, "assign_helper", helper=None, reason="Đảng viên chuyển đi")
    candidacy.refresh_from_db()
    assert candidacy.helper is None and candidacy.responsible_leader == leader
    entry = AuditEntry.objects.filter(action="action").latest("id")
    assert (
        entry.data["before"]["helper_id"] == helper.pk and entry.data["after"]["helper_id"] is None
    )
    void(clerk_or_approver(candidacy), candidacy)
    candidacy.refresh_from_db()
    assert candidacy.helper == helper


def clerk_or_approver(candidacy):
    return user_with_role(candidacy.organisation.parent.parent, Role.APPROVER)


def test_the_helper_must_be_an_official_member_of_the_cell_in_scope(tree, cell, clerk, candidacy):
    probationary = MembershipFactory(organisation=cell, status="probationary")
    elsewhere = MembershipFactory(organisation=tree["cell_a2"])
    outside = MembershipFactory(organisation=tree["cell_b1"])
    assert refused(
        lambda: act(clerk, candidacy, "assign_helper", helper=probationary.pk, reason="x")
    ) == {"helper": ["Đảng viên giúp đỡ phải là đảng viên chính thức."]}
    assert refused(
        lambda: act(clerk, candidacy, "assign_helper", helper=elsewhere.pk, reason="x")
    ) == {"helper": ["Đảng viên giúp đỡ phải sinh hoạt tại chi bộ của hồ sơ."]}
    assert refused(
        lambda: act(clerk, candidacy, "assign_helper", helper=outside.pk, reason="x")
    ) == {"helper": ["Không tìm thấy đảng viên giúp đỡ."]}
    assert refused(
        lambda: act(
            clerk, candidacy, "assign_helper", responsible_leader=outside.person_id, reason="x"
        )
    ) == {"responsible_leader": ["Không tìm thấy người chịu trách nhiệm bồi dưỡng."]}
    assert refused(lambda: act(clerk, candidacy, "assign_helper", reason="x"))["helper"][
        0
    ].startswith("Cần chọn đảng viên giúp đỡ")
    assert refused(lambda: act(clerk, candidacy, "assign_helper", helper=None)) == {
        "reason": ["Cần nêu lý do."]
    }
    assert not CandidacyEvent.objects.filter(candidacy=candidacy).exists()
    with pytest.raises(Http404):
        act(
            user_with_role(tree["commune_b"], Role.CLERK),
            candidacy,
            "assign_helper",
            helper=None,
            reason="x",
        )


def test_a_transfer_names_the_helper_at_the_new_cell(tree, cell, clerk, candidacy):
    helper_here = PartyMembership.objects.filter(organisation=cell, status="official").first()
    act(clerk, candidacy, "assign_helper", helper=helper_here.pk, reason="Phân công")
    target = tree["cell_a2"]
    there = MembershipFactory(organisation=target)
    assert refused(
        lambda: act(
            clerk,
            candidacy,
            "transfer",
            organisation=target.pk,
            helper=helper_here.pk,
            reason="Chuyển",
        )
    ) == {"helper": ["Đảng viên giúp đỡ phải sinh hoạt tại chi bộ của hồ sơ."]}
    act(clerk, candidacy, "transfer", organisation=target.pk, helper=there.pk, reason="Chuyển")
    candidacy.refresh_from_db()
    assert candidacy.organisation == target and candidacy.helper == there
    # Without a helper the dossier arrives unassigned.
    act(clerk, candidacy, "transfer", organisation=cell.pk, reason="Chuyển về")
    candidacy.refresh_from_db()
    assert candidacy.organisation == cell and candidacy.helper is None


def test_assign_helper_is_an_action_of_the_api_and_of_the_access_matrix(cell, clerk, candidacy):
    helper = PartyMembership.objects.filter(organisation=cell, status="official").first()
    url = f"/api/v1/candidacies/{candidacy.pk}/actions/assign_helper/"
    response = api(clerk).post(
        url, {"version": 1, "helper": helper.pk, "reason": "Phân công", "date": "2024-02-01"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 200, response.json()
    assert response.json()["helper"] == helper.pk
    stale = api(clerk).post(url, {"version": 1, "helper": None, "reason": "x"}, format="json")
    assert stale.status_code == 409 and stale.json()["version"] == 2
    bad = api(clerk).post(url, {"helper": "một", "reason": "x"}, format="json")
    assert bad.status_code == 400
    assert "assign_helper" in [name for name, _kwargs, _rule in _action_variants(None)]
    assert "assign_helper" in [name for name, _kwargs, _rule in _api_action_variants(None)]


def test_registration_sets_the_helper_and_the_leader_on_the_web(client, tree, cell, clerk):
    helper = PartyMembership.objects.filter(organisation=cell, status="official").first()
    client.force_login(clerk)
    page = client.get("/candidacies/new/cell-fields/", {"organisation": cell.pk}).content.decode()
    assert 'name="responsible_leader"' in page and helper.person.full_name in page
    response = client.post(
        "/candidacies/new/",
        {
            "organisation": cell.pk, "family_name": "Trần", "middle_name": "Thị",
            "given_name": "Mai", "birth_date": "05/03/2000", "gender": "female",
            "ethnicity": "01", "religion": "none", "education": "upper_secondary",
            "occupation": "other", "source_channel": "other", "opened_on": "01/02/2026",
            "helper": helper.pk, "responsible_leader": helper.person_id,
        },
    )  # fmt: skip
    assert response.status_code == 302, response.context["form"].errors
    candidacy = Candidacy.objects.get(person__given_name="Mai")
    assert candidacy.helper == helper and candidacy.responsible_leader == helper.person


def test_the_assign_helper_form_offers_the_cells_official_members(client, cell, clerk, candidacy):
    helper = PartyMembership.objects.filter(organisation=cell, status="official").first()
    client.force_login(clerk)
    url = f"/candidacies/{candidacy.pk}/actions/assign_helper/"
    page = client.get(url).content.decode()
    assert helper.person.full_name in page and 'name="responsible_leader"' in page
    response = client.post(
        url, {"version": 1, "date": "01/02/2024", "helper": helper.pk, "reason": "Phân công"}
    )
    assert response.status_code == 302
    candidacy.refresh_from_db()
    assert candidacy.helper == helper and candidacy.responsible_leader is None
    timeline = client.get(candidacy.get_absolute_url()).content.decode().split('id="timeline"')[1]
    assert "Đảng viên giúp đỡ:" in timeline and helper.person.full_name in timeline


# --- amend every recorded fact -------------------------------------------------------------


def decided(approver, candidacy, cell):
    for action, facts in journey(cell)[:9]:
        act(approver, candidacy, action, **facts)
    return {e.action: e for e in CandidacyEvent.objects.filter(candidacy=candidacy)}


def test_vote_figures_are_amended_and_rejudged(cell, approver, candidacy):
    events = decided(approver, candidacy, cell)
    branch = events["branch_vote"]
    result = act(
        approver, candidacy, "amend", field="vote.present", event=branch.pk, value=9,
        reason="Sai số có mặt",
    )  # fmt: skip
    branch.refresh_from_db()
    assert branch.vote["present"] == 9 and branch.vote["agree"] == 8
    assert result.event.facts["before"] is None and result.event.facts["after"] == 9
    entry = AuditEntry.objects.filter(action="action").latest("id")
    assert entry.data["amended"] == {
        "field": "vote.present", "event": branch.pk, "before": None, "after": 9
    }  # fmt: skip
    # 5 of 9 is short of two thirds: the recorded "passed" would no longer hold.
    with pytest.raises(RuleViolation) as caught:
        act(approver, candidacy, "amend", field="vote.agree", event=branch.pk, value=5, reason="x")
    assert caught.value.violations[0]["rule"] == "vote.branch_two_thirds"
    assert refused(
        lambda: act(
            approver, candidacy, "amend", field="vote.agree", event=branch.pk, value=10, reason="x"
        )
    ) == {"value": ["Số tán thành không được lớn hơn số có mặt."]}
    decision = events["admission_decision"]
    with pytest.raises(RuleViolation):
        act(
            approver,
            candidacy,
            "amend",
            field="vote.body_size",
            event=decision.pk,
            value=11,
            reason="x",
        )
    act(
        approver, candidacy, "amend", field="vote.body_size", event=decision.pk, value=8, reason="x"
    )
    decision.refresh_from_db()
    assert decision.vote["body_size"] == 8 and decision.vote["denominator"] == 8
    branch.refresh_from_db()
    assert branch.vote["agree"] == 8
    # Voiding the amendment gives the decision its recorded figures back.
    void(approver, candidacy)
    decision.refresh_from_db()
    assert decision.vote["body_size"] == 9 and decision.vote["denominator"] == 9


def test_document_number_and_signer_are_amended(cell, approver, candidacy):
    events = decided(approver, candidacy, cell)
    decision = events["admission_decision"]
    act(
        approver,
        candidacy,
        "amend",
        field="document.number",
        event=decision.pk,
        value="15-QĐ/ĐU",
        reason="Sai số",
    )
    act(
        approver,
        candidacy,
        "amend",
        field="document.signer",
        event=decision.pk,
        value="Lê Thị Ký",
        reason="Sai người ký",
    )
    act(
        approver,
        candidacy,
        "amend",
        field="document.date",
        event=decision.pk,
        value="01/04/2025",
        reason="Thiếu ngày",
    )
    decision.refresh_from_db()
    assert (decision.document_number, decision.signer) == ("15-QĐ/ĐU", "Lê Thị Ký")
    assert decision.document_date == D(2025, 4, 1)
    assert refused(
        lambda: act(approver, candidacy, "amend", field="document.number", value="1", reason="x")
    ) == {"event": ["Cần chọn bước (sự kiện) có thông tin cần đính chính."]}
    void(approver, candidacy)
    void(approver, candidacy)
    decision.refresh_from_db()
    assert (decision.document_number, decision.signer, decision.document_date) == (
        "15-QĐ/ĐU", "Nguyễn Văn Ký", None,
    )  # fmt: skip


def test_introducers_are_amended_with_the_rules_of_the_branch_vote(cell, approver, candidacy):
    events = decided(approver, candidacy, cell)
    introduction = CandidacyEvent.objects.filter(
        candidacy=candidacy, action="record_introduction"
    ).first()
    introducer = Introducer.objects.get(pk=introduction.facts["introducer"])
    act(
        approver,
        candidacy,
        "amend",
        field="introducer.months_together",
        event=introduction.pk,
        value=20,
        reason="x",
    )
    introducer.refresh_from_db()
    assert introducer.months_together == 20
    # Past the branch vote an introducer must still qualify.
    assert refused(
        lambda: act(
            approver,
            candidacy,
            "amend",
            field="introducer.months_together",
            event=introduction.pk,
            value=3,
            reason="x",
        )
    ) == {"value": ["Người giới thiệu phải cùng công tác, học tập hoặc cư trú ít nhất 12 tháng."]}
    other = MembershipFactory(organisation=cell, status="probationary")
    assert refused(
        lambda: act(
            approver,
            candidacy,
            "amend",
            field="introducer.membership",
            event=introduction.pk,
            value=other.pk,
            reason="x",
        )
    ) == {"value": ["Người giới thiệu phải là đảng viên chính thức."]}
    official = MembershipFactory(organisation=cell)
    act(
        approver,
        candidacy,
        "amend",
        field="introducer.membership",
        event=introduction.pk,
        value=official.pk,
        reason="Nhầm người",
    )
    introducer.refresh_from_db()
    assert introducer.membership == official
    assert refused(
        lambda: act(
            approver,
            candidacy,
            "amend",
            field="introducer.months_together",
            event=events["branch_vote"].pk,
            value=20,
            reason="x",
        )
    ) == {"event": ["Bước này không ghi nhận người giới thiệu."]}
    void(approver, candidacy)
    introducer.refresh_from_db()
    assert (
        introducer.membership_id
        == CandidacyEvent.objects.get(pk=introduction.pk).facts["membership"]
    )


def test_the_amend_form_offers_the_steps_and_event_facts(client, cell, approver, candidacy):
    events = decided(approver, candidacy, cell)
    client.force_login(approver)
    url = f"/candidacies/{candidacy.pk}/actions/amend/"
    page = client.get(url).content.decode()
    assert "Biểu quyết: số tán thành" in page and "Văn bản: người ký" in page
    version = Candidacy.objects.get(pk=candidacy.pk).version
    response = client.post(url, {
        "version": version, "date": "02/04/2025", "field": "document.number",
        "event": events["branch_vote"].pk, "value": "4-NQ/CB", "reason": "Sai số",
    })  # fmt: skip
    assert response.status_code == 302
    assert CandidacyEvent.objects.get(pk=events["branch_vote"].pk).document_number == "4-NQ/CB"
    timeline = client.get(candidacy.get_absolute_url()).content.decode().split('id="timeline"')[1]
    assert "Văn bản: số, ký hiệu" in timeline and "4-NQ/CB" in timeline


def test_membership_rows_follow_their_own_service(cell, approver, candidacy):
    """The recognition the members' service writes is undone by a void of its decision."""
    for action, facts in journey(cell):
        act(approver, candidacy, action, **facts)
    void(approver, candidacy)
    membership = PartyMembership.objects.get(candidacy=candidacy)
    assert membership.status == "probationary" and membership.official_date is None
    assert membership_recognise(candidacy_id=candidacy.pk, official_date=D(2026, 4, 21)) == 1
