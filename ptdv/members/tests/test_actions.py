"""The membership actions through `membership_act`: each action's change and history step,
the counters, localities and tallies that follow, roles, scope, dates and versions."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.http import Http404

from ptdv.audit.models import AuditEntry
from ptdv.candidacies.models import AdmissionTally
from ptdv.members.actions import StaleVersion, WrongState, membership_act
from ptdv.members.models import (
    ExitReason,
    MembershipAction,
    MembershipEvent,
    MembershipStatus,
    PartyMembership,
)
from ptdv.members.votes import cell_members_on
from ptdv.organisations.models import Locality, Organisation

pytestmark = pytest.mark.django_db

DOC = {"number": "12-QĐ/ĐU", "date": "2026-03-01", "issuing_body": "Đảng ủy xã A", "signer": "Lê B"}


def verify_clean() -> None:
    out = StringIO()
    call_command("aggregates", "verify", stdout=out)


def count(org: Organisation) -> int:
    org.refresh_from_db()
    return org.member_count


def admitted(org: Organisation, year: int) -> int:
    row = AdmissionTally.objects.filter(organisation=org, year=year).first()
    return row.admitted if row else 0


def test_remove_for_not_attending_ends_the_membership(world):
    member = world["members"][0]
    village, commune = world["village"], world["tree"]["commune_a"]
    assert count(world["cell"]) == 4
    result = membership_act(
        actor=world["approver"],
        membership_id=member.pk,
        action="remove",
        data={
            "date": "2026-03-05",
            "grounds": "not_attending",
            "reason": "Bỏ sinh hoạt 4 tháng không lý do",
            "document": DOC,
        },
        version=1,
    )
    member.refresh_from_db()
    assert member.status == MembershipStatus.REMOVED
    assert member.exit_date == dt.date(2026, 3, 5)
    assert member.exit_reason == ExitReason.ABANDONED_ACTIVITIES
    assert member.exit_grounds == "not_attending"
    assert member.version == 2
    event = result.event
    assert (event.action, event.date, event.document_number, event.signer) == (
        MembershipAction.REMOVE,
        dt.date(2026, 3, 5),
        "12-QĐ/ĐU",
        "Lê B",
    )
    assert event.reason == "Bỏ sinh hoạt 4 tháng không lý do"
    assert event.actor == world["approver"]
    assert count(world["cell"]) == 3
    assert count(world["tree"]["province"]) == 3
    # The village loses its only resident member: it turns white.
    village.refresh_from_db()
    commune.refresh_from_db()
    assert village.active_members == 0
    assert commune.white_locality_count == 1
    assert AuditEntry.objects.filter(object_id=str(member.pk), action="action").exists()
    verify_clean()


def test_transfer_moves_member_counters_person_and_tallies(world):
    member = world["members"][1]  # admitted 2020, no dossier: counted in the tallies
    target = world["tree"]["cell_a2"]
    assert admitted(world["tree"]["cell_a1"], 2020) == 1
    membership_act(
        actor=world["clerk"],
        membership_id=member.pk,
        action="transfer",
        data={"date": "2026-02-01", "organisation": target.pk, "document": DOC | {"date": None}},
    )
    member.refresh_from_db()
    member.person.refresh_from_db()
    assert member.organisation == target
    assert member.person.organisation == target
    assert count(world["cell"]) == 3
    assert count(target) == 1
    assert admitted(world["tree"]["cell_a1"], 2020) == 0
    assert admitted(target, 2020) == 1
    event = member.events.get(action=MembershipAction.TRANSFER)
    assert (event.from_organisation, event.to_organisation) == (world["cell"], target)
    verify_clean()


def test_transfer_needs_both_ends_in_scope(world):
    member = world["members"][1]
    with pytest.raises(ValidationError) as error:
        membership_act(
            actor=world["clerk"],
            membership_id=member.pk,
            action="transfer",
            data={"organisation": world["tree"]["cell_b1"].pk},
        )
    assert "organisation" in error.value.message_dict
    member.refresh_from_db()
    assert member.organisation == world["cell"]
    assert not member.events.filter(action="transfer").exists()


def test_attachment_and_exemption_leave_the_vote_denominator(world):
    member, other = world["members"][1], world["members"][2]
    on = dt.date(2026, 5, 1)
    assert cell_members_on(world["cell"].pk, on).attached_elsewhere == 0
    membership_act(
        actor=world["clerk"],
        membership_id=member.pk,
        action="attach",
        data={"date": "2026-04-01", "organisation": world["tree"]["cell_a2"].pk},
    )
    membership_act(
        actor=world["clerk"],
        membership_id=other.pk,
        action="exempt",
        data={"date": "2026-04-02", "reason": "Tuổi cao, sức yếu"},
    )
    counted = cell_members_on(world["cell"].pk, on)
    assert (counted.official, counted.attached_elsewhere, counted.exempt) == (4, 1, 1)
    # Before the attachment began it did not count.
    assert cell_members_on(world["cell"].pk, dt.date(2026, 3, 1)).attached_elsewhere == 0
    # Still members of the cell: the counters do not move.
    assert count(world["cell"]) == 4
    with pytest.raises(WrongState):
        membership_act(
            actor=world["clerk"],
            membership_id=member.pk,
            action="attach",
            data={"organisation": world["tree"]["cell_a2"].pk},
        )
    membership_act(
        actor=world["clerk"],
        membership_id=member.pk,
        action="end_attachment",
        data={"date": "2026-06-01"},
    )
    membership_act(
        actor=world["clerk"],
        membership_id=other.pk,
        action="end_exemption",
        data={"date": "2026-06-01"},
    )
    member.refresh_from_db()
    other.refresh_from_db()
    assert member.attached_to is None and member.attached_from is None
    assert other.exempt_from is None
    assert list(member.events.values_list("action", flat=True).order_by("date", "id"))[-2:] == [
        "attach",
        "end_attachment",
    ]
    verify_clean()


def test_attach_outside_the_system_needs_a_place(world):
    member = world["members"][1]
    with pytest.raises(ValidationError) as error:
        membership_act(actor=world["clerk"], membership_id=member.pk, action="attach", data={})
    assert "place" in error.value.message_dict
    membership_act(
        actor=world["clerk"],
        membership_id=member.pk,
        action="attach",
        data={"place": "Chi bộ Công ty X, TP Hồ Chí Minh"},
    )
    member.refresh_from_db()
    assert member.attached_note == "Chi bộ Công ty X, TP Hồ Chí Minh"
    assert member.is_attached_elsewhere


@pytest.mark.parametrize(
    ("action", "facts", "status", "reason"),
    [
        (
            "expel",
            {"reason": "Vi phạm nghiêm trọng", "exit_reason": "corruption_conviction"},
            MembershipStatus.EXPELLED,
            ExitReason.CORRUPTION_CONVICTION,
        ),
        ("death", {}, MembershipStatus.DECEASED, ExitReason.DEATH),
        (
            "transfer_out",
            {"destination": "Đảng bộ tỉnh Nghệ An"},
            MembershipStatus.TRANSFERRED_OUT,
            ExitReason.TRANSFER,
        ),
    ],
)
def test_exits(world, action, facts, status, reason):
    member = world["members"][2]
    person_id = member.person_id
    membership_act(
        actor=world["approver"],
        membership_id=member.pk,
        action=action,
        data={"date": "2026-01-10", **facts},
    )
    member.refresh_from_db()
    assert (member.status, member.exit_reason, member.exit_date) == (
        status,
        reason,
        dt.date(2026, 1, 10),
    )
    assert member.person_id == person_id  # the person is kept
    assert count(world["cell"]) == 3
    with pytest.raises(WrongState):
        membership_act(actor=world["approver"], membership_id=member.pk, action="death", data={})
    verify_clean()


def test_roles(world):
    member = world["members"][1]
    # Removal and expulsion are the committee's decisions: an approver records them.
    with pytest.raises(PermissionDenied):
        membership_act(
            actor=world["clerk"],
            membership_id=member.pk,
            action="remove",
            data={"grounds": "not_attending", "reason": "x"},
        )
    with pytest.raises(PermissionDenied):
        membership_act(actor=world["viewer"], membership_id=member.pk, action="death", data={})
    member.refresh_from_db()
    assert member.status == MembershipStatus.OFFICIAL
    assert member.version == 1


def test_outside_the_scope_is_absent_and_nothing_changes(world):
    member = world["members"][1]
    with pytest.raises(Http404):
        membership_act(actor=world["outsider"], membership_id=member.pk, action="death", data={})
    with pytest.raises(Http404):
        membership_act(actor=world["outsider"], membership_id=10**9, action="death", data={})
    member.refresh_from_db()
    assert member.status == MembershipStatus.OFFICIAL
    assert not MembershipEvent.objects.filter(membership=member, action="death").exists()


def test_stale_version_is_refused(world):
    member = world["members"][1]
    membership_act(
        actor=world["clerk"],
        membership_id=member.pk,
        action="exempt",
        data={"reason": "Ốm dài ngày"},
        version=1,
    )
    with pytest.raises(StaleVersion) as error:
        membership_act(
            actor=world["clerk"], membership_id=member.pk, action="death", data={}, version=1
        )
    assert error.value.current == 2
    member.refresh_from_db()
    assert member.status == MembershipStatus.OFFICIAL


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"date": "2099-01-01"}, "date"),  # after today
        ({"date": "2014-01-01"}, "date"),  # before the admission
        ({"date": "2026-01-01", "document": {"date": "2026-02-01"}}, "document.date"),
    ],
)
def test_date_rules(world, data, field):
    member = world["members"][0]
    with pytest.raises(ValidationError) as error:
        membership_act(actor=world["clerk"], membership_id=member.pk, action="death", data=data)
    assert field in error.value.message_dict
    assert error.value.error_dict[field][0].code == "unprocessable"
    assert PartyMembership.objects.get(pk=member.pk).status == MembershipStatus.OFFICIAL


def test_a_step_before_the_last_one_is_refused(world):
    member = world["members"][1]
    membership_act(
        actor=world["clerk"],
        membership_id=member.pk,
        action="exempt",
        data={"date": "2026-05-01", "reason": "Ốm"},
    )
    with pytest.raises(ValidationError) as error:
        membership_act(
            actor=world["clerk"],
            membership_id=member.pk,
            action="death",
            data={"date": "2026-04-01"},
        )
    assert "date" in error.value.message_dict


def test_remove_needs_grounds_and_reason(world):
    with pytest.raises(ValidationError) as error:
        membership_act(
            actor=world["approver"],
            membership_id=world["members"][1].pk,
            action="remove",
            data={"grounds": "bogus"},
        )
    assert set(error.value.message_dict) >= {"grounds", "reason"}


def test_localities_follow_a_death(world):
    member = world["members"][0]
    membership_act(
        actor=world["clerk"], membership_id=member.pk, action="death", data={"date": "2026-02-02"}
    )
    assert Locality.objects.get(pk=world["village"].pk).active_members == 0
    verify_clean()
