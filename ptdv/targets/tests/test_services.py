"""Snapshots, targets (suggest, set, approve, lock, amend), terms, plans and rates."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from ptdv.accounts.models import Role
from ptdv.audit.models import AuditEntry
from ptdv.candidacies.models import CandidacyEvent
from ptdv.factories import CandidacyFactory, MembershipFactory, PersonFactory, user_with_role
from ptdv.members.models import MembershipStatus
from ptdv.targets.models import (
    ConversionRate,
    MemberSnapshot,
    PlanAssignment,
    Target,
    TargetAmendment,
    TargetState,
)
from ptdv.targets.rates import RATE_MIN_SAMPLE, conversion_rates_rebuild
from ptdv.targets.selectors import progress_for
from ptdv.targets.services import (
    plan_assign,
    plan_unassign,
    programme_target_set,
    snapshot_take,
    target_amend,
    target_approve,
    target_lock,
    target_set,
    target_set_group,
    term_create,
)

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 29)


def audits(summary_part):
    return AuditEntry.objects.filter(summary__contains=summary_part)


# --- Snapshots ------------------------------------------------------------------------------


def test_snapshot_counts_members_on_the_day_and_is_frozen(tree):
    cell = tree["cell_a1"]
    MembershipFactory(organisation=cell)  # since 2015
    MembershipFactory(
        organisation=cell,
        status=MembershipStatus.PROBATIONARY,
        ceremony_date=dt.date(2025, 6, 1),
        official_date=None,
    )
    MembershipFactory(organisation=cell, ceremony_date=dt.date(2026, 2, 1))  # after 1/1
    MembershipFactory(
        organisation=tree["cell_b1"], status=MembershipStatus.REMOVED, exit_date=dt.date(2026, 3, 1)
    )  # still a member on 1/1
    MembershipFactory(
        organisation=tree["cell_b1"],
        status=MembershipStatus.DECEASED,
        exit_date=dt.date(2025, 3, 1),
    )
    MembershipFactory(
        organisation=tree["cell_b1"],
        status=MembershipStatus.OFFICIAL,
        ceremony_date=dt.date(2025, 3, 1),
        official_date=dt.date(2026, 3, 1),
    )  # probationary on 1/1
    run, taken = snapshot_take(year=2026, today=TODAY)
    assert taken and run.snapshot_date == dt.date(2026, 1, 1) and run.members == 4
    rows = {s.organisation.code: s for s in MemberSnapshot.objects.select_related("organisation")}
    assert (rows["P"].members, rows["P"].official, rows["P"].probationary) == (4, 2, 2)
    assert rows["Ca1"].members == 2 and rows["Cb1"].members == 2
    assert "Ca2" not in rows  # no member: no row, counts as 0
    assert audits("Chốt số đảng viên đầu năm 2026").count() == 1
    # Taken once: running again changes nothing, even if the members changed.
    MembershipFactory(organisation=cell, ceremony_date=dt.date(2020, 1, 1))
    again, taken = snapshot_take(year=2026, today=TODAY)
    assert not taken and again.pk == run.pk
    assert MemberSnapshot.objects.get(organisation=tree["province"], year=2026).members == 4
    # --replace recounts and is audited with the totals before and after.
    replaced, taken = snapshot_take(year=2026, today=TODAY, replace=True)
    assert taken and replaced.replaced == 1
    assert MemberSnapshot.objects.get(organisation=tree["province"], year=2026).members == 5
    entry = audits("Chốt lại số đảng viên đầu năm 2026").get()
    assert entry.data["members_before"] == 4 and entry.data["members"] == 5


def test_snapshot_of_a_future_date_is_refused(tree, settings):
    settings.PTDV_SNAPSHOT_MONTH_DAY = "12-31"
    with pytest.raises(ValidationError):
        snapshot_take(year=2026, today=TODAY)
    run, _taken = snapshot_take(year=2025, today=TODAY)
    assert run.snapshot_date == dt.date(2025, 12, 31)


def test_snapshot_command_is_idempotent(tree, capsys):
    from django.core.management import call_command

    MembershipFactory(organisation=tree["cell_a1"])
    call_command("targets", "snapshot", "--year", "2026", "--today", "29/11/2026")
    call_command("targets", "snapshot", "--year", "2026", "--today", "29/11/2026")
    out = capsys.readouterr().out
    assert "Đã chốt số đảng viên ngày 01/01/2026: 1 đảng viên." in out
    assert "không thay đổi" in out


# --- Targets --------------------------------------------------------------------------------


@pytest.fixture
def admins(tree):
    return {
        "province": user_with_role(tree["province"], Role.ADMINISTRATOR),
        "commune_a": user_with_role(tree["commune_a"], Role.ADMINISTRATOR),
        "approver": user_with_role(tree["province"], Role.APPROVER),
        "commune_b": user_with_role(tree["commune_b"], Role.ADMINISTRATOR),
    }


def test_a_target_is_set_by_the_administrators_of_the_parent(tree, admins):
    for _ in range(40):
        MembershipFactory(organisation=tree["cell_a1"])
    snapshot_take(year=2026, today=TODAY)
    commune = tree["commune_a"]
    target = target_set(actor=admins["province"], organisation=commune, year=2026, number=3)
    assert (target.suggested, target.members_at_start, target.state) == (2, 40, "draft")
    assert float(target.floor_rate) == 0.03
    with pytest.raises(PermissionDenied):  # its own administrators do not set it
        target_set(actor=admins["commune_a"], organisation=commune, year=2026, number=1)
    with pytest.raises(PermissionDenied):  # an approver of the parent is not enough
        target_set(actor=admins["approver"], organisation=commune, year=2026, number=1)
    with pytest.raises(Http404):  # outside the subtree
        target_set(actor=admins["commune_b"], organisation=commune, year=2026, number=1)
    # The commune's administrators set the targets of the commune's children.
    child = target_set(
        actor=admins["commune_a"], organisation=tree["grassroots_a"], year=2026, number=2
    )
    assert child.state == "draft"
    entry = audits("Giao chỉ tiêu kết nạp năm 2026 cho Đảng bộ xã A").get()
    assert entry.actor == admins["province"] and entry.data["suggested"] == 2


def test_lifecycle_lock_and_amend(tree, admins):
    user = admins["province"]
    target = target_set(actor=user, organisation=tree["commune_a"], year=2026, number=5)
    target_set_group(actor=user, organisation=tree["commune_a"], year=2026, group="youth", number=3)
    with pytest.raises(ValidationError):
        target_lock(actor=user, target=target)  # a draft cannot be locked
    target = target_approve(actor=user, target=target)
    assert target.state == "approved" and target.approved_by == user
    # A change after approval sends it back for approval.
    target = target_set(actor=user, organisation=tree["commune_a"], year=2026, number=6)
    assert target.state == "draft"
    target = target_lock(actor=user, target=target_approve(actor=user, target=target))
    assert target.state == "locked"
    assert set(target.group_targets.values_list("state", flat=True)) == {"locked"}
    with pytest.raises(ValidationError) as error:
        target_set(actor=user, organisation=tree["commune_a"], year=2026, number=7)
    assert "đã khóa" in error.value.message_dict["number"][0]
    with pytest.raises(ValidationError):
        target_set_group(
            actor=user, organisation=tree["commune_a"], year=2026, group="youth", number=1
        )
    with pytest.raises(ValidationError):
        target_amend(actor=user, target=target, number=7, reason="  ")
    with pytest.raises(PermissionDenied):
        target_amend(actor=admins["commune_a"], target=target, number=7, reason="Tăng")
    amendment = target_amend(actor=user, target=target, number=7, reason="Bổ sung nguồn")
    assert (amendment.number_before, amendment.number_after) == (6, 7)
    assert Target.objects.get(pk=target.pk).number == 7
    entry = audits("Điều chỉnh chỉ tiêu kết nạp năm 2026").get()
    assert entry.data["reason"] == "Bổ sung nguồn" and entry.data["number_before"] == 6
    group = Target.objects.get(group="youth")
    target_amend(actor=user, target=group, number=4, reason="Thêm đoàn viên")
    assert TargetAmendment.objects.count() == 2


def test_group_targets_need_the_main_one_and_fit_in_it(tree, admins):
    user = admins["province"]
    with pytest.raises(ValidationError):
        target_set_group(
            actor=user, organisation=tree["commune_a"], year=2026, group="women", number=1
        )
    target_set(actor=user, organisation=tree["commune_a"], year=2026, number=2)
    with pytest.raises(ValidationError):
        target_set_group(
            actor=user, organisation=tree["commune_a"], year=2026, group="women", number=3
        )
    with pytest.raises(ValidationError):
        target_set_group(
            actor=user, organisation=tree["commune_a"], year=2026, group="nobody", number=1
        )
    group = target_set_group(
        actor=user, organisation=tree["commune_a"], year=2026, group="women", number=1
    )
    assert group.parent.group == "" and group.state == TargetState.DRAFT
    with pytest.raises(ValidationError):
        target_approve(actor=user, target=group)


def test_a_parent_shows_its_target_against_the_sum_of_its_children(tree, admins):
    from ptdv.targets.selectors import target_children_sum

    user = admins["province"]
    target_set(actor=user, organisation=tree["province"], year=2026, number=10)
    target_set(actor=user, organisation=tree["commune_a"], year=2026, number=4)
    target_set(actor=user, organisation=tree["commune_b"], year=2026, number=5)
    assert target_children_sum(tree["province"], 2026) == {"total": 9, "count": 2}


# --- Terms and plans ------------------------------------------------------------------------


def test_terms_belong_to_their_organisation(tree, admins):
    with pytest.raises(PermissionDenied):
        term_create(
            actor=admins["approver"],
            organisation=tree["province"],
            name="2020–2025",
            start_year=2021,
            end_year=2025,
            congress_target=100,
        )
    term = term_create(
        actor=admins["province"],
        organisation=tree["province"],
        name="2020–2025",
        start_year=2021,
        end_year=2025,
        congress_target=100,
        programmes=[("Chương trình hành động số 18-CTr/TU", 120)],
    )
    programme_target_set(actor=admins["province"], term=term, name="Kết luận 103-KL/TU", number=30)
    assert [p.number for p in term.programmes.all()] == [120, 30]
    with pytest.raises(ValidationError):
        term_create(
            actor=admins["province"],
            organisation=tree["province"],
            name="Sai",
            start_year=2025,
            end_year=2021,
            congress_target=1,
        )
    assert audits("Nhiệm kỳ 2020–2025").count() == 1


def test_plan_assignment(tree, admins):
    cell = tree["cell_a1"]
    leader = MembershipFactory(organisation=cell)
    helper = MembershipFactory(organisation=cell)
    elsewhere = MembershipFactory(organisation=tree["cell_b1"])
    candidacy = CandidacyFactory(organisation=cell)
    clerk = user_with_role(tree["commune_a"], Role.CLERK)
    assignment = plan_assign(
        actor=clerk,
        organisation=tree["commune_a"],
        year=2026,
        candidacy=candidacy,
        responsible_person=leader.person,
        member=helper,
        note="Phấn đấu quý III",
    )
    again = plan_assign(
        actor=clerk, organisation=tree["commune_a"], year=2026, candidacy=candidacy, member=helper
    )
    assert again.pk == assignment.pk and again.responsible_person is None
    with pytest.raises(ValidationError) as error:
        plan_assign(
            actor=clerk,
            organisation=tree["commune_a"],
            year=2026,
            candidacy=candidacy,
            member=elsewhere,
        )
    assert "member" in error.value.message_dict
    with pytest.raises(ValidationError):
        plan_assign(actor=clerk, organisation=tree["commune_a"], year=2026, candidacy=candidacy)
    with pytest.raises(PermissionDenied):
        plan_assign(
            actor=user_with_role(tree["commune_a"], Role.VIEWER),
            organisation=tree["commune_a"],
            year=2026,
            candidacy=candidacy,
            member=helper,
        )
    with pytest.raises(Http404):
        plan_assign(
            actor=admins["commune_b"],
            organisation=tree["commune_a"],
            year=2026,
            candidacy=candidacy,
            member=helper,
        )
    plan_unassign(actor=clerk, assignment=again)
    assert PlanAssignment.objects.count() == 0
    assert AuditEntry.objects.filter(object_type="targets.planassignment").count() == 3


# --- Conversion rates -----------------------------------------------------------------------


def test_conversion_rates_from_history(tree):
    cell = tree["cell_a1"]
    entered = RATE_MIN_SAMPLE + 5
    for index in range(entered):
        decided = dt.date(2025, 6, 1) if index < 10 else None
        candidacy = CandidacyFactory(
            organisation=cell,
            person=PersonFactory(organisation=cell),
            opened_on=dt.date(2025, 3, 2),
            decision_date=decided,
        )
        CandidacyEvent.objects.create(
            candidacy=candidacy,
            action="record_application",
            on=dt.date(2025, 3, 10),
            stage_before="trained",
            stage_after="applied",
            organisation=cell,
        )
    # An entry in the current year is not history yet.
    late = CandidacyFactory(
        organisation=cell, person=PersonFactory(organisation=cell), opened_on=dt.date(2026, 3, 2)
    )
    CandidacyEvent.objects.create(
        candidacy=late,
        action="record_application",
        on=dt.date(2026, 3, 10),
        stage_before="trained",
        stage_after="applied",
        organisation=cell,
    )
    stored = conversion_rates_rebuild(today=TODAY)
    # Source and applied, in March, for the top three levels; the cell (4th) reads its
    # grassroots committee's.
    assert stored == 6
    assert not ConversionRate.objects.filter(organisation=cell).exists()
    rate = ConversionRate.objects.get(organisation=tree["province"], stage="applied", month=3)
    assert (rate.entered, rate.converted) == (entered, 10)
    assert not ConversionRate.objects.filter(organisation=tree["commune_b"]).exists()
    progress = progress_for(tree["commune_b"], 2026, dt.date(2026, 3, 15))
    assert progress.forecast.rates == {}  # nothing open there
