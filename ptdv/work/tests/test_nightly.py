"""The nightly notifications: dossiers due within 7 days or overdue tell the body that must
act (an overdue one also the organisation above); targets out of reach tell their people."""

from __future__ import annotations

import datetime as dt

import pytest

from ptdv.accounts.models import Role
from ptdv.candidacies.models import DossierAction, Stage
from ptdv.factories import CandidacyFactory, PersonFactory, user_with_role
from ptdv.notifications.models import Notification
from ptdv.targets.models import Target
from ptdv.work.nightly import dossier_notifications, target_notifications

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 10)


def dossier(cell, given, action, due, stage=Stage.APPLIED):
    return CandidacyFactory(
        organisation=cell,
        person=PersonFactory(organisation=cell, given_name=given),
        stage=stage,
        next_action=str(action),
        next_due=due,
    )


def told(user):
    return sorted(Notification.objects.filter(user=user).values_list("kind", "object_key"))


def test_dossiers_due_and_overdue_tell_who_must_act_and_escalate(tree):
    cell_clerk = user_with_role(tree["cell_a1"], Role.CLERK)
    grassroots = user_with_role(tree["grassroots_a"], Role.CLERK)
    commune = user_with_role(tree["commune_a"], Role.CLERK)
    province = user_with_role(tree["province"], Role.ADMINISTRATOR)
    b_clerk = user_with_role(tree["commune_b"], Role.CLERK)
    soon = dossier(tree["cell_a1"], "Gần", DossierAction.BRANCH_VOTE, TODAY + dt.timedelta(days=3))
    late = dossier(tree["cell_a1"], "Trễ", DossierAction.BRANCH_VOTE, TODAY - dt.timedelta(days=2))
    decide = dossier(
        tree["cell_a2"],
        "Quyết",
        DossierAction.ADMISSION_DECISION,
        TODAY - dt.timedelta(days=1),
        stage=Stage.COMMITTEE_RESOLVED,
    )
    dossier(tree["cell_a1"], "Xa", DossierAction.BRANCH_VOTE, TODAY + dt.timedelta(days=20))

    created = dossier_notifications(TODAY)

    def k(c):
        return f"candidacy:{c.pk}:{c.next_action}:{c.next_due.isoformat()}"

    assert told(cell_clerk) == sorted([("dossier_due", k(soon)), ("dossier_overdue", k(late))])
    # The cell's overdue step escalates to the grassroots committee above it.
    assert told(grassroots) == [("dossier_overdue", k(late))]
    # The decision is the commune's (its standing committee decides); overdue, the
    # province hears of it.
    assert told(commune) == [("dossier_overdue", k(decide))]
    assert told(province) == [("dossier_overdue", k(decide))]
    assert told(b_clerk) == []
    assert created == 5
    assert dossier_notifications(TODAY) == 0  # once per step and due date
    title = Notification.objects.get(user=cell_clerk, kind="dossier_overdue").title
    assert title.startswith("Nguyễn Văn Trễ — Chi bộ biểu quyết") and "quá hạn từ" in title


def test_a_muted_kind_is_not_created(tree):
    from ptdv.notifications.services import preference_update

    clerk = user_with_role(tree["cell_a1"], Role.CLERK)
    preference_update(actor=clerk, muted_kinds=["dossier_due"], digest=True)
    dossier(tree["cell_a1"], "Gần", DossierAction.BRANCH_VOTE, TODAY + dt.timedelta(days=3))
    assert dossier_notifications(TODAY) == 0


def test_a_target_out_of_reach_is_told_once_a_month(tree):
    clerk = user_with_role(tree["commune_a"], Role.CLERK)
    b_clerk = user_with_role(tree["commune_b"], Role.CLERK)
    # 40 admissions asked, nobody in the pipeline: the forecast cannot reach it.
    Target.objects.create(organisation=tree["commune_a"], year=TODAY.year, number=40)
    assert target_notifications(TODAY) == 1
    (notification,) = Notification.objects.filter(user=clerk)
    assert notification.kind == "target_at_risk"
    assert notification.object_key == f"target:{tree['commune_a'].pk}:2026-03"
    assert "dự báo không đạt chỉ tiêu kết nạp năm 2026" in notification.title
    assert target_notifications(TODAY + dt.timedelta(days=3)) == 0
    assert target_notifications(dt.date(2026, 4, 1)) == 1
    assert not Notification.objects.filter(user=b_clerk).exists()
