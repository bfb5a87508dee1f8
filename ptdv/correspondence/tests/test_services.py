"""The services of the requests between organisations: what each writes, who may take it,
what a refusal leaves (nothing), the dossier facts a reply records and a transfer's move."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from ptdv.accounts.models import Role
from ptdv.audit.models import AuditEntry
from ptdv.candidacies.models import Candidacy, CandidacyEvent, Stage
from ptdv.candidacies.workflow import candidacy_checklist
from ptdv.core.tests.state import db_state
from ptdv.correspondence.models import OrganisationRequest, RequestStatus
from ptdv.correspondence.parameters import DUE, UNCONFIRMED
from ptdv.correspondence.services import (
    Reply,
    StaleRequest,
    WrongStatus,
    request_accept,
    request_answer,
    request_cancel,
    request_receive,
    request_record,
    request_refuse,
    requests_escalate,
)
from ptdv.correspondence.tests.conftest import PDF, TODAY, WRITES, send
from ptdv.documents.models import Attachment
from ptdv.factories import MembershipFactory, user_with_role
from ptdv.notifications.models import Notification
from ptdv.rules.services import rules_calendar

pytestmark = pytest.mark.django_db


def reply(**extra):
    values = {
        "text": "Gia đình chấp hành tốt chủ trương, chính sách.",
        "conclusion": "favourable",
        "answered_on": TODAY - dt.timedelta(days=2),
        "number": "12-CV/ĐU",
        "signer": "Nguyễn Văn Ký",
    }
    values.update(extra)
    return Reply(**values)


# --- Send ------------------------------------------------------------------------------------


def test_send_copies_only_what_the_addressee_needs_and_counts_working_days(
    tree, clerk_a, dossier, django_capture_on_commit_callbacks
):
    clerk_b = user_with_role(tree["commune_b"], Role.CLERK)
    sent_on = dt.date(2026, 4, 24)  # before the 30/4 and 1/5 holidays
    with django_capture_on_commit_callbacks(execute=True):
        request = send(clerk_a, dossier, addressee=tree["commune_b"], today=sent_on)
    assert request.status == RequestStatus.SENT
    assert request.sender == tree["cell_a1"]
    assert request.subject_name == "Lê Thị Xuyến"
    assert request.subject_father == "Lê Văn Cha"
    assert request.subject_mother == ""
    assert request.due_on == rules_calendar().add_working_days(sent_on, 20)
    assert request.due_on > sent_on + dt.timedelta(days=28)  # the holidays are not counted
    assert request.number is None  # a letter inside the tree takes no number
    entry = AuditEntry.objects.filter(
        object_type="correspondence.organisationrequest", object_id=str(request.pk), action="create"
    ).get()
    assert entry.actor == clerk_a
    assert "Xuyến" not in entry.summary + str(entry.data)
    told = Notification.objects.filter(kind="request_received", object_key=f"request:{request.pk}")
    assert [n.user for n in told] == [clerk_b]


def test_every_kind_has_a_due_parameter_with_its_source():
    for parameter in DUE.values():
        assert parameter.working_days > 0
        assert parameter.source.startswith(UNCONFIRMED)


def test_a_letter_outside_the_tree_takes_the_next_number_of_the_committee(tree, dossier):
    clerk = user_with_role(tree["grassroots_a"], Role.CLERK)
    first = send(
        clerk,
        dossier,
        addressee_name="Đảng ủy xã Nghi Xuân, tỉnh Nghệ An",
        addressee_address="Nghi Xuân, Nghệ An",
    )
    second = send(
        clerk,
        dossier,
        kind="mass_opinion",
        addressee_name="Đoàn Thanh niên Trường Đại học Vinh",
        addressee_address="Vinh",
    )
    assert first.number.organisation == tree["grassroots_a"]
    assert (first.number.number, second.number.number) == (1, 2)
    assert first.number.symbol.startswith("1-CV/")


def test_a_cell_clerk_without_rights_at_the_committee_leaves_the_number_blank(tree, dossier):
    clerk = user_with_role(tree["cell_a1"], Role.CLERK)
    request = send(clerk, dossier, addressee_name="Đảng ủy xã Khác", addressee_address="Xã Khác")
    assert request.number is None


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"addressee_name": "Xã Khác"}, "addressee_address"),
        (
            {"addressee_name": "Xã Khác", "addressee_address": "Xã Khác", "inside": True},
            "addressee",
        ),
        ({"place": "", "inside": True}, "place"),
        ({"questions": "  ", "inside": True}, "questions"),
    ],
)
def test_send_refuses_an_incomplete_request_and_writes_nothing(
    tree, clerk_a, dossier, extra, field
):
    extra = dict(extra)
    addressee = tree["commune_b"] if extra.pop("inside", False) else None
    before = db_state(*WRITES)
    with pytest.raises(ValidationError) as refused:
        send(clerk_a, dossier, addressee=addressee, **extra)
    assert field in refused.value.message_dict
    assert db_state(*WRITES) == before


def test_the_same_request_twice_is_refused(tree, clerk_a, dossier, verification):
    with pytest.raises(ValidationError) as refused:
        send(clerk_a, dossier, addressee=tree["commune_b"])
    assert "kind" in refused.value.message_dict


def test_a_dossier_outside_the_scope_is_not_found(tree, clerk_b, dossier):
    before = db_state(*WRITES)
    with pytest.raises(ValidationError) as refused:
        send(clerk_b, dossier, addressee=tree["commune_a"])
    assert refused.value.message_dict == {"candidacy": ["Không tìm thấy hồ sơ."]}
    assert db_state(*WRITES) == before


def test_a_viewer_may_not_send(tree, dossier):
    viewer = user_with_role(tree["commune_a"], Role.VIEWER)
    with pytest.raises(PermissionDenied):
        send(viewer, dossier, addressee=tree["commune_b"])


# --- Receive, answer ------------------------------------------------------------------------


def test_the_addressee_receives_and_answers_and_the_checklist_ticks(
    tree, clerk_a, clerk_b, dossier, verification, django_capture_on_commit_callbacks
):
    def verification_row():
        rows = candidacy_checklist(Candidacy.objects.get(pk=dossier.pk), TODAY)
        return next(r for r in rows if r["rule"] == "verification.done")

    assert verification_row()["ok"] is False
    request_receive(actor=clerk_b, request_id=verification.pk, today=TODAY - dt.timedelta(days=8))
    with django_capture_on_commit_callbacks(execute=True):
        answered = request_answer(
            actor=clerk_b,
            request_id=verification.pk,
            reply=reply(scan=io.BytesIO(PDF), scan_name="tra-loi.pdf"),
            today=TODAY,
        )
    assert answered.status == RequestStatus.ANSWERED
    event = CandidacyEvent.objects.get(pk=answered.recorded_event_id)
    assert event.action == "record_verification"
    assert (event.document_number, event.issuing_body) == ("12-CV/ĐU", "Đảng bộ xã B")
    assert event.actor == clerk_b  # the addressee's clerk recorded it, and the trail says so
    dossier.refresh_from_db()
    assert dossier.verification_concluded_on == TODAY - dt.timedelta(days=2)
    assert verification_row()["ok"] is True
    scan = Attachment.objects.get(pk=answered.reply_attachment_id)
    assert (scan.candidacy_id, scan.event_id) == (dossier.pk, event.pk)
    assert Notification.objects.filter(kind="request_answered", user=clerk_a).count() == 1


def test_the_sender_cannot_answer_for_an_addressee_of_the_tree(clerk_a, verification):
    before = db_state(*WRITES)
    with pytest.raises(PermissionDenied):
        request_answer(actor=clerk_a, request_id=verification.pk, reply=reply(), today=TODAY)
    assert db_state(*WRITES) == before


def test_an_unrelated_commune_does_not_see_the_request(tree, dossier, verification):
    stranger = user_with_role(tree["cell_a2"], Role.CLERK)
    with pytest.raises(Http404):
        request_receive(actor=stranger, request_id=verification.pk, today=TODAY)


def test_a_reply_from_outside_the_tree_is_recorded_by_the_sender(clerk_a, dossier):
    request = send(
        clerk_a, dossier, addressee_name="Đảng ủy xã Ngoài", addressee_address="Xã Ngoài"
    )
    answered = request_answer(actor=clerk_a, request_id=request.pk, reply=reply(), today=TODAY)
    assert answered.recorded_event is not None
    assert answered.recorded_event.actor == clerk_a


def test_a_bad_scan_refuses_the_whole_answer(clerk_b, verification):
    before = db_state(*WRITES)
    with pytest.raises(ValidationError) as refused:
        request_answer(
            actor=clerk_b,
            request_id=verification.pk,
            reply=reply(scan=io.BytesIO(b"MZ not a pdf"), scan_name="virus.exe"),
            today=TODAY,
        )
    assert "file" in refused.value.message_dict
    assert db_state(*WRITES) == before


def test_a_reply_dated_after_today_is_refused(clerk_b, verification):
    with pytest.raises(ValidationError) as refused:
        request_answer(
            actor=clerk_b,
            request_id=verification.pk,
            reply=reply(answered_on=TODAY + dt.timedelta(days=1)),
            today=TODAY,
        )
    assert "answered_on" in refused.value.message_dict


def test_opinions_are_recorded_when_the_last_one_is_in(tree, clerk_a, clerk_b, dossier):
    residence = send(clerk_a, dossier, kind="residence_opinion", addressee=tree["commune_b"])
    mass = send(
        clerk_a,
        dossier,
        kind="mass_opinion",
        addressee_name="Đoàn Thanh niên xã Ngoài",
        addressee_address="Xã Ngoài",
    )
    first = request_answer(
        actor=clerk_b,
        request_id=residence.pk,
        reply=reply(answered_on=TODAY - dt.timedelta(days=1)),
        today=TODAY,
    )
    assert first.recorded_event is None
    assert Candidacy.objects.get(pk=dossier.pk).opinions_date is None
    last = request_answer(
        actor=clerk_a,
        request_id=mass.pk,
        reply=reply(answered_on=TODAY - dt.timedelta(days=3)),
        today=TODAY,
    )
    assert last.recorded_event.action == "record_opinions"
    assert Candidacy.objects.get(pk=dossier.pk).opinions_date == TODAY - dt.timedelta(days=1)


def test_a_reply_the_dossier_cannot_take_yet_is_recorded_later(tree, clerk_a, clerk_b):
    from ptdv.factories import CandidacyFactory

    early = CandidacyFactory(organisation=tree["cell_a1"], stage=Stage.SOURCE)
    request = send(clerk_a, early, addressee=tree["commune_b"])
    answered = request_answer(actor=clerk_b, request_id=request.pk, reply=reply(), today=TODAY)
    assert answered.recorded_event is None  # a dossier in the pool records no verification
    Candidacy.objects.filter(pk=early.pk).update(stage=Stage.TRAINED)
    recorded = request_record(actor=clerk_a, request_id=request.pk)
    assert recorded.recorded_event.action == "record_verification"
    with pytest.raises(WrongStatus):
        request_record(actor=clerk_a, request_id=request.pk)


def test_a_stale_version_is_refused(clerk_b, verification):
    request_receive(actor=clerk_b, request_id=verification.pk, today=TODAY)
    with pytest.raises(StaleRequest) as stale:
        request_answer(
            actor=clerk_b, request_id=verification.pk, reply=reply(), today=TODAY, version=1
        )
    assert stale.value.current == 2


# --- Cancel, escalate ------------------------------------------------------------------------


def test_the_sender_cancels_and_nothing_more_can_happen(clerk_a, clerk_b, verification):
    request_cancel(actor=clerk_a, request_id=verification.pk, reason="Gửi nhầm", today=TODAY)
    with pytest.raises(WrongStatus):
        request_answer(actor=clerk_b, request_id=verification.pk, reply=reply(), today=TODAY)
    with pytest.raises(PermissionDenied):
        request_cancel(actor=clerk_b, request_id=verification.pk, reason="x", today=TODAY)


def test_overdue_requests_escalate_to_the_addressee_parent_once(
    tree, clerk_a, verification, django_capture_on_commit_callbacks
):
    province_clerk = user_with_role(tree["province"], Role.CLERK)
    user_with_role(tree["commune_b"], Role.CLERK)
    assert requests_escalate(today=verification.due_on) == 0  # due today: not yet overdue
    later = verification.due_on + dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert requests_escalate(today=later) == 1
    request = OrganisationRequest.objects.get(pk=verification.pk)
    assert (request.status, request.overdue_on) == (RequestStatus.OVERDUE, later)
    assert request.escalated_to == tree["province"]
    assert Notification.objects.filter(kind="request_escalated", user=province_clerk).exists()
    assert Notification.objects.filter(kind="request_overdue", user=clerk_a).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert requests_escalate(today=later + dt.timedelta(days=5)) == 0
    assert Notification.objects.filter(kind="request_escalated").count() == 1


# --- Dossier transfer ------------------------------------------------------------------------


@pytest.fixture
def transfer(tree, clerk_a, dossier):
    return send(clerk_a, dossier, kind="transfer", addressee=tree["commune_b"])


def test_an_accepted_transfer_moves_the_dossier_with_its_history(
    tree, clerk_a, clerk_b, dossier, transfer
):
    history = list(CandidacyEvent.objects.filter(candidacy=dossier).values_list("pk", flat=True))
    accepted = request_accept(
        actor=clerk_b, request_id=transfer.pk, organisation=tree["cell_b1"], today=TODAY
    )
    assert accepted.status == RequestStatus.ACCEPTED
    dossier.refresh_from_db()
    assert dossier.organisation == tree["cell_b1"]
    assert dossier.person.organisation == tree["cell_b1"]
    events = list(CandidacyEvent.objects.filter(candidacy=dossier).order_by("pk"))
    assert [e.pk for e in events[: len(history)]] == history
    assert events[-1].action == "transfer" and events[-1].actor == clerk_b
    # The receiving side now continues it; the sending side no longer sees the dossier.
    from ptdv.candidacies.policies import candidacy_policy

    assert candidacy_policy.visible_to(clerk_b).filter(pk=dossier.pk).exists()
    assert not candidacy_policy.visible_to(clerk_a).filter(pk=dossier.pk).exists()


def test_a_refused_transfer_changes_nothing_on_the_dossier(tree, clerk_b, dossier, transfer):
    before = db_state("candidacies.Candidacy", "candidacies.CandidacyEvent", "people.Person")
    refused = request_refuse(
        actor=clerk_b, request_id=transfer.pk, reason="Không cư trú tại địa bàn", today=TODAY
    )
    assert refused.status == RequestStatus.REFUSED
    assert (
        db_state("candidacies.Candidacy", "candidacies.CandidacyEvent", "people.Person") == before
    )


def test_the_receiving_side_names_only_its_own_cells(tree, clerk_b, dossier, transfer):
    before = db_state(*WRITES)
    with pytest.raises(ValidationError) as refused:
        request_accept(
            actor=clerk_b, request_id=transfer.pk, organisation=tree["cell_a2"], today=TODAY
        )
    assert "organisation" in refused.value.message_dict
    assert db_state(*WRITES) == before


def test_a_helper_who_is_not_a_member_of_the_cell_refuses_the_acceptance(
    tree, clerk_b, dossier, transfer
):
    elsewhere = MembershipFactory(organisation=tree["cell_b2"])
    before = db_state(*WRITES)
    with pytest.raises(ValidationError):
        request_accept(
            actor=clerk_b,
            request_id=transfer.pk,
            organisation=tree["cell_b1"],
            helper=elsewhere.pk,
            today=TODAY,
        )
    assert db_state(*WRITES) == before


def test_a_transfer_inside_the_same_commune_is_refused(tree, clerk_a, dossier):
    with pytest.raises(ValidationError) as refused:
        send(clerk_a, dossier, kind="transfer", addressee=tree["grassroots_a"])
    assert "addressee" in refused.value.message_dict


def test_only_a_transfer_is_accepted(tree, clerk_b, verification):
    with pytest.raises(WrongStatus):
        request_accept(
            actor=clerk_b, request_id=verification.pk, organisation=tree["cell_b1"], today=TODAY
        )
