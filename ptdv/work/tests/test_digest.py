"""The daily digest: one mail per user listing exactly their overdue and due-soon work and
their new notifications — nothing about other communes; none when turned off."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from ptdv.accounts.models import Role
from ptdv.candidacies.models import DossierAction
from ptdv.factories import CandidacyFactory, PersonFactory, user_with_role
from ptdv.notifications.models import Notification
from ptdv.notifications.services import notify, preference_update
from ptdv.work.digest import digest_send

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 10)


def dossier(cell, given, due):
    return CandidacyFactory(
        organisation=cell,
        person=PersonFactory(organisation=cell, given_name=given),
        next_action=str(DossierAction.BRANCH_VOTE),
        next_due=due,
    )


@pytest.fixture
def world(tree):
    clerk = user_with_role(tree["commune_a"], Role.CLERK, email="thu.a@example.org")
    other = user_with_role(tree["commune_b"], Role.CLERK, email="thu.b@example.org")
    mine = {
        "late": dossier(tree["cell_a1"], "Trễ", TODAY - dt.timedelta(days=4)),
        "soon": dossier(tree["cell_a2"], "Gần", TODAY + dt.timedelta(days=6)),
    }
    dossier(tree["cell_a1"], "Muộn", TODAY + dt.timedelta(days=25))  # not within 7 days
    dossier(tree["cell_b1"], "Bên", TODAY - dt.timedelta(days=2))  # another commune
    dossier(tree["cell_b2"], "Cạnh", TODAY + dt.timedelta(days=1))
    notify(
        kind="target_at_risk",
        title="Đảng bộ xã A: dự báo không đạt chỉ tiêu",
        object_key="target:a",
        organisation=tree["commune_a"],
        url="/targets/1/",
    )
    notify(
        kind="target_at_risk",
        title="Đảng bộ xã B: dự báo không đạt chỉ tiêu",
        object_key="target:b",
        organisation=tree["commune_b"],
    )
    return {"clerk": clerk, "other": other, "mine": mine}


def test_a_clerks_digest_lists_exactly_their_due_and_overdue_items(world):
    sent = digest_send(TODAY, users=[world["clerk"]])
    assert sent == 1 and len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["thu.a@example.org"]
    assert "1 quá hạn, 1 sắp đến hạn, 1 thông báo mới" in message.subject
    body = message.body
    overdue, rest = body.split("QUÁ HẠN (1)")[1].split("SẮP ĐẾN HẠN TRONG 7 NGÀY (1)")
    soon, news = rest.split("THÔNG BÁO MỚI (1)")
    assert "Nguyễn Văn Trễ" in overdue and f"/candidacies/{world['mine']['late'].pk}/" in overdue
    assert "Nguyễn Văn Gần" in soon
    assert "Đảng bộ xã A: dự báo không đạt chỉ tiêu" in news
    for outside in ("Muộn", "Bên", "Cạnh", "Đảng bộ xã B"):
        assert outside not in body
    # The notification is marked as mailed: not in tomorrow's digest again.
    assert Notification.objects.get(user=world["clerk"]).digested_at is not None
    mail.outbox.clear()
    digest_send(TODAY, users=[world["clerk"]])
    assert "THÔNG BÁO MỚI" not in mail.outbox[0].body


def test_every_user_gets_their_own_mail_unless_turned_off(world, tree):
    user_with_role(tree["cell_a1"], Role.CLERK)  # no e-mail address: no mail
    assert digest_send(TODAY) == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["thu.a@example.org", "thu.b@example.org"]
    b_body = next(m.body for m in mail.outbox if m.to == ["thu.b@example.org"])
    assert "Nguyễn Văn Bên" in b_body and "Nguyễn Văn Trễ" not in b_body
    preference_update(actor=world["other"], muted_kinds=[], digest=False)
    mail.outbox.clear()
    assert digest_send(TODAY) == 1 and mail.outbox[0].to == ["thu.a@example.org"]


def test_nothing_to_say_sends_nothing(tree):
    user_with_role(tree["commune_a"], Role.CLERK, email="thu@example.org")
    assert digest_send(TODAY) == 0 and mail.outbox == []


def test_a_notification_from_a_scope_given_up_is_not_mailed(world, tree):
    world["clerk"].assignments.all().delete()
    world["clerk"].assignments.create(organisation=tree["commune_b"], role=Role.CLERK)
    world["clerk"]._ptdv_scopes = None
    digest_send(TODAY, users=[world["clerk"]])
    body = mail.outbox[0].body
    assert "Đảng bộ xã A" not in body and "Nguyễn Văn Trễ" not in body
