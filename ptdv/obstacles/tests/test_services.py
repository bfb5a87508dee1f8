"""Record, escalate, resolve, decline and the nightly escalation: each step writes its event
and audit entry, checks who acts at which level, and refuses without writing anything."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from ptdv.audit.models import AuditEntry
from ptdv.core.tests.state import db_state
from ptdv.notifications.models import Notification
from ptdv.obstacles import services
from ptdv.obstacles.models import EventKind, Obstacle, ObstacleEvent, Status
from ptdv.obstacles.parameters import due_date
from ptdv.obstacles.tests.conftest import TODAY, record

pytestmark = pytest.mark.django_db

WRITES = ("obstacles.Obstacle", "obstacles.ObstacleEvent")


def test_record_sits_at_the_recording_unit_with_a_working_day_due_date(
    tree, obstacle, cell_clerk, dossier
):
    assert obstacle.level == tree["cell_a1"] == obstacle.organisation
    assert obstacle.status == Status.OPEN
    # 15 working days from Monday 02/03/2026: three weeks later, Monday 23/03/2026.
    assert obstacle.due_on == dt.date(2026, 3, 23) == due_date(TODAY)
    assert list(obstacle.candidacies.all()) == [dossier]
    event = obstacle.events.get()
    assert (event.kind, event.actor, event.level) == (
        EventKind.RECORDED,
        cell_clerk,
        tree["cell_a1"],
    )
    entry = AuditEntry.objects.filter(action="create", object_type="obstacles.obstacle").get()
    assert entry.data["candidacies"] == [dossier.pk]


def test_due_days_are_a_setting(tree, cell_clerk, settings):
    settings.PTDV_OBSTACLE_DUE_WORKING_DAYS = 5
    assert record(cell_clerk, tree["cell_a1"]).due_on == dt.date(2026, 3, 9)


def test_a_dossier_outside_the_recording_unit_is_refused(tree, cell_clerk, foreign_dossier):
    before = db_state(*WRITES)
    with pytest.raises(ValidationError) as err:
        record(cell_clerk, tree["cell_a1"], candidacies=[foreign_dossier])
    assert "candidacies" in err.value.message_dict
    assert db_state(*WRITES) == before


def test_an_organisation_outside_the_scope_is_refused(tree, cell_clerk):
    with pytest.raises(ValidationError) as err:
        record(cell_clerk, tree["cell_a2"])
    assert "không tìm thấy" in err.value.message_dict["organisation"][0]
    assert not Obstacle.objects.exists()


def test_empty_title_and_bad_category_name_the_fields(tree, cell_clerk):
    with pytest.raises(ValidationError) as err:
        record(cell_clerk, tree["cell_a1"], title=" ", category="weather")
    assert set(err.value.message_dict) == {"title", "category"}


def test_escalate_twice_then_resolve_two_levels_up(
    tree, obstacle, cell_clerk, grassroots_clerk, commune_clerk, django_capture_on_commit_callbacks
):
    services.obstacle_escalate(
        actor=cell_clerk, obstacle_id=obstacle.pk, note="Vượt thẩm quyền chi bộ.", today=TODAY
    )
    obstacle.refresh_from_db()
    assert obstacle.level == tree["grassroots_a"] and obstacle.escalations == 1
    # The cell still sees it, but no longer acts on it.
    with pytest.raises(PermissionDenied):
        services.obstacle_escalate(
            actor=cell_clerk, obstacle_id=obstacle.pk, note="Lần nữa", today=TODAY
        )
    later = TODAY + dt.timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        services.obstacle_escalate(
            actor=grassroots_clerk,
            obstacle_id=obstacle.pk,
            note="Cần xã liên hệ tỉnh bạn.",
            today=later,
        )
    obstacle.refresh_from_db()
    assert obstacle.level == tree["commune_a"] and obstacle.due_on == due_date(later)
    assert Notification.objects.filter(user=commune_clerk, kind="obstacle_escalated").exists()
    with django_capture_on_commit_callbacks(execute=True):
        done = services.obstacle_resolve(
            actor=commune_clerk,
            obstacle_id=obstacle.pk,
            outcome=Status.RESOLVED,
            answer="Ban Tổ chức đã gửi công văn, tỉnh bạn trả lời.",
            today=TODAY + dt.timedelta(days=10),
        )
    assert (done.status, done.closed_by_level, done.days_to_close) == (
        Status.RESOLVED,
        tree["commune_a"],
        10,
    )
    kinds = list(obstacle.events.values_list("kind", "level__code", "to_level__code"))
    assert kinds == [
        (EventKind.RECORDED, "Ca1", None),
        (EventKind.ESCALATED, "Ca1", "Ga"),
        (EventKind.ESCALATED, "Ga", "Xa"),
        (EventKind.RESOLVED, "Xa", None),
    ]
    assert Notification.objects.filter(user=cell_clerk, kind="obstacle_answered").exists()
    assert AuditEntry.objects.filter(object_type="obstacles.obstacle", action="change").count() == 3


def test_decline_closes_with_the_reason(obstacle, cell_clerk):
    done = services.obstacle_resolve(
        actor=cell_clerk,
        obstacle_id=obstacle.pk,
        outcome=Status.DECLINED,
        answer="Quy định hiện hành không cho phép.",
        today=TODAY,
    )
    assert done.status == Status.DECLINED and done.answer.startswith("Quy định")
    with pytest.raises(services.WrongStatus):
        services.obstacle_escalate(actor=cell_clerk, obstacle_id=obstacle.pk, note="x", today=TODAY)


def test_refusals_write_nothing(tree, obstacle, cell_clerk, other_clerk):
    before = db_state(*WRITES)
    with pytest.raises(ValidationError) as err:
        services.obstacle_escalate(actor=cell_clerk, obstacle_id=obstacle.pk, note=" ", today=TODAY)
    assert "note" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        services.obstacle_resolve(
            actor=cell_clerk, obstacle_id=obstacle.pk, outcome="resolved", answer="", today=TODAY
        )
    assert "answer" in err.value.message_dict
    with pytest.raises(services.StaleObstacle):
        services.obstacle_escalate(
            actor=cell_clerk, obstacle_id=obstacle.pk, note="x", today=TODAY, version=99
        )
    with pytest.raises(Http404):
        services.obstacle_escalate(
            actor=other_clerk, obstacle_id=obstacle.pk, note="x", today=TODAY
        )
    assert db_state(*WRITES) == before


def test_the_top_level_cannot_escalate(tree):
    from ptdv.accounts.models import Role
    from ptdv.factories import user_with_role

    clerk = user_with_role(tree["province"], Role.CLERK)
    obstacle = record(clerk, tree["province"])
    with pytest.raises(ValidationError) as err:
        services.obstacle_escalate(actor=clerk, obstacle_id=obstacle.pk, note="x", today=TODAY)
    assert "cao nhất" in err.value.message_dict["level"][0]


def test_nightly_escalation_moves_overdue_ones_up_once(
    tree, obstacle, grassroots_clerk, django_capture_on_commit_callbacks
):
    assert services.obstacles_escalate(today=obstacle.due_on) == 0  # due today: not yet
    night = obstacle.due_on + dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.obstacles_escalate(today=night) == 1
    obstacle.refresh_from_db()
    assert obstacle.level == tree["grassroots_a"] and obstacle.due_on == due_date(night)
    event = obstacle.events.latest("pk")
    assert event.kind == EventKind.AUTO_ESCALATED and event.actor is None
    assert Notification.objects.filter(user=grassroots_clerk, kind="obstacle_escalated").exists()
    assert services.obstacles_escalate(today=night) == 0
    assert ObstacleEvent.objects.filter(kind=EventKind.AUTO_ESCALATED).count() == 1


def test_nightly_escalation_leaves_the_top_overdue(tree):
    from ptdv.accounts.models import Role
    from ptdv.factories import user_with_role

    clerk = user_with_role(tree["province"], Role.CLERK)
    obstacle = record(clerk, tree["province"])
    assert services.obstacles_escalate(today=obstacle.due_on + dt.timedelta(days=5)) == 0
    obstacle.refresh_from_db()
    assert obstacle.level == tree["province"] and obstacle.is_open


def test_command_runs_the_escalation(tree, obstacle, capsys):
    from django.core.management import call_command

    night = obstacle.due_on + dt.timedelta(days=1)
    call_command("obstacles", "escalate", "--today", night.strftime("%d/%m/%Y"))
    assert "1 khó khăn" in capsys.readouterr().out
    obstacle.refresh_from_db()
    assert obstacle.level == tree["grassroots_a"]


def test_the_scheduled_job_is_declared():
    from ptdv.work.schedule import job_named

    assert job_named("obstacles_escalate").command == "ptdv obstacles escalate"


def test_a_visible_dossier_of_another_unit_is_refused_as_unprocessable(
    tree, commune_clerk, foreign_dossier
):
    from ptdv.factories import CandidacyFactory

    sibling = CandidacyFactory(organisation=tree["cell_a2"])
    with pytest.raises(ValidationError) as err:
        record(commune_clerk, tree["cell_a1"], candidacies=[sibling])
    assert err.value.error_dict["candidacies"][0].code == "unprocessable"
    assert "không thuộc tổ chức ghi nhận" in err.value.message_dict["candidacies"][0]
    assert not Obstacle.objects.exists()
