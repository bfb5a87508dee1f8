"""The services of inspections: recording (scope of the body, the inspected side), both sides'
view, recommendations (notified), their result by either side, the work list, the overdue
reminder and the review figures of task 10."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from ptdv.audit.models import AuditEntry
from ptdv.core.review import review_sources
from ptdv.core.work import work_sources
from ptdv.inspections.models import Inspection, RecommendationStatus
from ptdv.inspections.selectors import (
    InspectionFilters,
    followup_items,
    inspection_list,
    inspection_review_figures,
)
from ptdv.inspections.services import (
    InspectionData,
    StaleInspection,
    followups_overdue_notify,
    inspection_update,
    recommendation_add,
    recommendation_close,
)
from ptdv.inspections.tests.conftest import TODAY, make
from ptdv.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_recording_cleans_and_audits(tree, body_clerk, inspection):
    assert inspection.body == tree["commune_a"]
    assert inspection.inspector_list == [
        "Nguyễn Văn Trưởng — Trưởng đoàn",
        "Trần Thị Viên — thành viên",
    ]
    entry = AuditEntry.objects.get(object_type="inspections.inspection", action="create")
    assert entry.actor == body_clerk


def test_the_body_must_be_where_the_actor_is_a_clerk(tree, body_clerk, cell_viewer, clerk_b):
    with pytest.raises(ValidationError) as outside:
        make(body_clerk, tree["commune_b"], tree["cell_a1"])
    assert list(outside.value.message_dict) == ["body"]
    with pytest.raises(ValidationError) as inspected:
        make(body_clerk, tree["commune_a"], tree["cell_b1"])
    assert inspected.value.message_dict["organisation"][0].startswith("Tổ chức được kiểm tra")
    with pytest.raises(PermissionDenied):
        make(cell_viewer, tree["cell_a1"], tree["cell_a1"])
    with pytest.raises(ValidationError) as dates:
        make(body_clerk, tree["commune_a"], tree["cell_a1"], ends_on=TODAY - dt.timedelta(days=60))
    assert "ends_on" in dates.value.message_dict
    assert not Inspection.objects.exists()


def test_both_sides_see_it_and_nobody_else(tree, inspection, body_clerk, cell_viewer, clerk_b):
    today = TODAY
    assert list(inspection_list(actor=body_clerk, today=today)) == [inspection]
    assert list(inspection_list(actor=cell_viewer, today=today)) == [inspection]
    assert not inspection_list(actor=clerk_b, today=today).exists()
    by_b = inspection_list(
        actor=body_clerk, today=today, filters=InspectionFilters(organisation=tree["cell_a2"])
    )
    assert not by_b.exists()


def test_only_the_body_changes_it(tree, inspection, body_clerk, cell_clerk, clerk_b):
    data = InspectionData(
        kind="supervision",
        body=tree["commune_a"].pk,
        organisation=tree["cell_a1"].pk,
        subject="Giám sát việc thực hiện kế hoạch phát triển đảng viên",
        starts_on=inspection.starts_on,
        ends_on=inspection.ends_on,
    )
    with pytest.raises(PermissionDenied):
        inspection_update(actor=cell_clerk, inspection_id=inspection.pk, data=data)
    with pytest.raises(Http404):
        inspection_update(actor=clerk_b, inspection_id=inspection.pk, data=data)
    changed = inspection_update(actor=body_clerk, inspection_id=inspection.pk, data=data, version=1)
    assert (changed.kind, changed.version) == ("supervision", 2)
    with pytest.raises(StaleInspection):
        inspection_update(actor=body_clerk, inspection_id=inspection.pk, data=data, version=1)


def test_recommendation_is_notified_and_closed_by_the_inspected_side(
    tree, inspection, body_clerk, cell_clerk, cell_viewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        rec = recommendation_add(
            actor=body_clerk,
            inspection_id=inspection.pk,
            text="Lập danh sách quần chúng ưu tú và phân công đảng viên giúp đỡ.",
            due_on=TODAY + dt.timedelta(days=10),
        )
    told = Notification.objects.filter(kind="inspection_recommendation")
    assert [n.user for n in told] == [cell_clerk]
    with pytest.raises(PermissionDenied):
        recommendation_add(actor=cell_clerk, inspection_id=inspection.pk, text="x", due_on=TODAY)
    with pytest.raises(PermissionDenied):
        recommendation_close(actor=cell_viewer, recommendation_id=rec.pk, result="x", done_on=TODAY)
    with pytest.raises(ValidationError) as empty:
        recommendation_close(actor=cell_clerk, recommendation_id=rec.pk, result=" ", done_on=TODAY)
    assert "result" in empty.value.message_dict
    rec = recommendation_close(
        actor=cell_clerk,
        recommendation_id=rec.pk,
        result="Đã lập danh sách 5 quần chúng.",
        done_on=TODAY,
    )
    assert rec.status == RecommendationStatus.DONE and rec.done_by == cell_clerk
    with pytest.raises(ValidationError):
        recommendation_close(actor=body_clerk, recommendation_id=rec.pk, result="x", done_on=TODAY)


def test_followups_in_my_work_and_the_overdue_reminder(
    tree, inspection, body_clerk, cell_clerk, clerk_b
):
    overdue = recommendation_add(
        actor=body_clerk,
        inspection_id=inspection.pk,
        text="Bổ sung hồ sơ",
        due_on=TODAY - dt.timedelta(days=3),
    )
    soon = recommendation_add(
        actor=body_clerk,
        inspection_id=inspection.pk,
        text="Mở lớp nhận thức",
        due_on=TODAY + dt.timedelta(days=5),
    )
    recommendation_add(
        actor=body_clerk,
        inspection_id=inspection.pk,
        text="Tổng kết",
        due_on=TODAY + dt.timedelta(days=90),
    )
    assert "inspection_followup" in work_sources()
    for user in (cell_clerk, body_clerk):
        items = list(followup_items(user, TODAY))
        assert [i.object_key for i in items] == [
            f"recommendation:{overdue.pk}",
            f"recommendation:{soon.pk}",
        ]
        assert items[0].overdue(TODAY) and items[0].detail.startswith("Quá hạn")
    assert list(followup_items(clerk_b, TODAY)) == []
    assert followups_overdue_notify(today=TODAY) == 2  # both sides, once
    assert followups_overdue_notify(today=TODAY) == 0
    told = {n.user for n in Notification.objects.filter(kind="inspection_followup_overdue")}
    assert told == {cell_clerk, body_clerk}
    flagged = inspection_list(
        actor=cell_clerk, today=TODAY, filters=InspectionFilters(followup="overdue")
    )
    row = flagged.get()
    assert (row.recommended, row.done, row.overdue) == (3, 0, 1)


def test_review_figures_of_task_10(tree, inspection, body_clerk, cell_clerk):
    make(body_clerk, tree["commune_a"], tree["cell_a2"], kind="supervision")
    done = recommendation_add(
        actor=body_clerk,
        inspection_id=inspection.pk,
        text="A",
        due_on=TODAY - dt.timedelta(days=20),
    )
    recommendation_add(
        actor=body_clerk,
        inspection_id=inspection.pk,
        text="B",
        due_on=TODAY - dt.timedelta(days=10),
    )
    recommendation_close(
        actor=cell_clerk,
        recommendation_id=done.pk,
        result="Xong",
        done_on=TODAY - dt.timedelta(days=25),
    )
    figures = inspection_review_figures(
        body_clerk, tree["province"], TODAY - dt.timedelta(days=100), TODAY
    )
    values = {f.label: f.value for f in figures}
    assert values["Số cuộc kiểm tra"] == 1
    assert values["Số cuộc giám sát"] == 1
    assert values["Số tổ chức được kiểm tra, giám sát"] == 2
    assert values["Số kiến nghị sau kiểm tra, giám sát"] == 2
    assert values["Số kiến nghị đã thực hiện xong"] == 1
    assert values["Số kiến nghị quá hạn chưa thực hiện"] == 1
    assert "inspections" in [name for name, _ in review_sources()[10]]
