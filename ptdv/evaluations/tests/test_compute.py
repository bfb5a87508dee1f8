from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from ptdv.audit.models import AuditEntry
from ptdv.evaluations.compute import subtree_figures
from ptdv.evaluations.formula import DEFAULT_COMPONENTS, DEFAULT_GRADES, peer_group
from ptdv.evaluations.models import Evaluation, EvaluationRun, Formula, Grade, RunStatus
from ptdv.evaluations.recount import ranks_check, recount_check
from ptdv.evaluations.services import evaluation_compute, formula_create, formula_for
from ptdv.evaluations.tests.conftest import TODAY, YEAR

pytestmark = pytest.mark.django_db


def _components(evaluation: Evaluation) -> dict:
    return {c["code"]: c for c in evaluation.component_details()}


def test_figures_are_counted_for_every_organisation_of_the_subtree(data):
    figures = {f.path: f for f in subtree_figures(data["province"], YEAR, TODAY)}
    assert len(figures) == 9
    commune_a = figures[data["commune_a"].path]
    assert (commune_a.admitted, commune_a.admitted_previous, commune_a.target) == (3, 2, 3)
    assert (commune_a.due, commune_a.on_time) == (3, 2)
    assert commune_a.grassroots_units == 1 and commune_a.grassroots_admitting == 1
    commune_b = figures[data["commune_b"].path]
    assert (commune_b.removed_early, commune_b.open, commune_b.overdue) == (1, 2, 1)
    assert commune_b.members_at_start == 120  # the removed member no longer counts
    province = figures[data["province"].path]
    assert (province.admitted, province.grassroots_units, province.grassroots_admitting) == (
        3,
        2,
        1,
    )
    assert (province.open, province.overdue, province.removed_early) == (2, 1, 1)


def test_compute_scores_ranks_and_grades_with_the_default_formula(data, province_admin):
    run = evaluation_compute(
        actor=province_admin, year=YEAR, organisation=data["province"].pk, today=TODAY
    )
    assert run.status == RunStatus.DONE and run.evaluated == 9
    assert Formula.objects.count() == 1  # the default version, made on first use
    a = Evaluation.objects.get(organisation=data["commune_a"], year=YEAR)
    b = Evaluation.objects.get(organisation=data["commune_b"], year=YEAR)
    assert a.peer_group == b.peer_group == "commune.communes"
    parts = _components(a)
    assert parts["target_achievement"]["value"] == 1.0
    assert parts["target_achievement"]["figures"] == {"admitted": 3, "target": 3}
    assert parts["recognition_on_time"]["figures"] == {"due": 3, "on_time": 2}
    assert parts["white_localities"]["applies"] is False
    assert _components(b)["target_achievement"]["score"] == 0.0
    assert _components(b)["overdue"]["figures"] == {"overdue": 1, "open": 2}
    assert a.score > b.score
    assert (a.rank, b.rank, a.peer_count) == (1, 2, 2)
    assert b.grade == Grade.NOT_FULFILLED
    assert AuditEntry.objects.filter(
        object_type="evaluations.evaluationrun", actor=province_admin
    ).exists()
    every = list(Evaluation.objects.filter(year=YEAR).select_related("formula", "organisation"))
    assert recount_check(every, TODAY) == []
    assert ranks_check(every) == []


def test_score_and_grade_follow_the_formula_by_hand(data):
    formula_create(
        actor=None,
        year_from=2000,
        components=[{"code": "target_achievement", "weight": 1, "full": 1.0, "zero": 0.0}],
        grades={"excellent": 90, "good": 60, "fulfilled": 40},
    )
    Evaluation.objects.all().delete()
    from ptdv.targets.models import Target

    Target.objects.filter(organisation=data["commune_b"]).update(number=4)
    from ptdv.evaluations.tests.conftest import tally

    tally(data["cell_b1"], YEAR, 2)
    evaluation_compute(actor=None, year=YEAR, organisation=data["province"], today=TODAY)
    b = Evaluation.objects.get(organisation=data["commune_b"], year=YEAR)
    assert b.score == Decimal("50.00") and b.grade == Grade.FULFILLED
    root = Evaluation.objects.get(organisation=data["province"], year=YEAR)
    assert (
        root.score is None and root.rank is None and root.grade == ""
    )  # no target: nothing applies


def test_recompute_replaces_the_subtree_rows_only(data, province_admin, commune_admin):
    evaluation_compute(
        actor=province_admin, year=YEAR, organisation=data["province"].pk, today=TODAY
    )
    first = Evaluation.objects.get(organisation=data["commune_b"], year=YEAR).pk
    run = evaluation_compute(actor=commune_admin, year=YEAR, today=TODAY)
    assert run.organisation == data["commune_a"] and run.evaluated == 4
    assert Evaluation.objects.filter(year=YEAR).count() == 9
    assert Evaluation.objects.get(organisation=data["commune_b"], year=YEAR).pk == first


def test_compute_outside_the_scope_is_refused_and_writes_nothing(data, commune_admin):
    with pytest.raises(ValidationError) as caught:
        evaluation_compute(actor=commune_admin, year=YEAR, organisation=data["province"].pk)
    assert "organisation" in caught.value.message_dict
    with pytest.raises(ValidationError):
        evaluation_compute(actor=commune_admin, year=YEAR, organisation=data["commune_b"].pk)
    assert not Evaluation.objects.exists() and not EvaluationRun.objects.exists()
    with pytest.raises(ValidationError) as caught:
        evaluation_compute(actor=commune_admin, year="abc")
    assert caught.value.message_dict["year"] == ["Năm phải là một số."]


def test_a_clerk_cannot_compute(data):
    from ptdv.accounts.models import Role
    from ptdv.factories import user_with_role

    clerk = user_with_role(data["commune_a"], Role.CLERK)
    with pytest.raises(ValidationError):
        evaluation_compute(actor=clerk, year=YEAR, organisation=data["commune_a"].pk)
    with pytest.raises(PermissionDenied):
        evaluation_compute(actor=clerk, year=YEAR)


def test_formula_versions_are_new_rows_never_edits(data, province_admin, commune_admin):
    first = formula_create(
        actor=province_admin, year_from=2020, components=DEFAULT_COMPONENTS, grades=DEFAULT_GRADES
    )
    changed = [dict(c, weight=50) if c["code"] == "overdue" else c for c in DEFAULT_COMPONENTS]
    second = formula_create(
        actor=province_admin,
        year_from=2026,
        components=changed,
        grades=DEFAULT_GRADES,
        note="Nghị quyết mới",
    )
    assert (first.version, second.version) == (1, 2)
    first.refresh_from_db()
    assert next(c for c in first.components if c["code"] == "overdue")["weight"] == 10
    assert formula_for(2025) == first and formula_for(2026) == second and formula_for(2019) is None
    with pytest.raises(PermissionDenied):
        formula_create(
            actor=commune_admin,
            year_from=2026,
            components=DEFAULT_COMPONENTS,
            grades=DEFAULT_GRADES,
        )
    with pytest.raises(ValidationError) as caught:
        formula_create(
            actor=province_admin,
            year_from=2026,
            components=[{"code": "overdue", "weight": 1, "full": 0.5, "zero": 0.1}],
            grades={"excellent": 50, "good": 70, "fulfilled": 40},
        )
    errors = caught.value.message_dict
    assert (
        "Tiêu chí “Hồ sơ quá hạn”: ngưỡng đạt đủ điểm phải thấp hơn ngưỡng 0 điểm."
        in errors["components"]
    )
    assert errors["grades"][0].startswith("Ngưỡng xếp loại phải")
    assert Formula.objects.count() == 2


def test_peer_groups_compare_like_with_like():
    assert peer_group("commune", "urban_ward") == "commune.wards"
    assert peer_group("grassroots_committee", "fdi_enterprise") == "grassroots.enterprises"
    assert peer_group("grassroots_cell", "police") == "grassroots.armed_forces"
    assert peer_group("bloc", "health") == "commune.agencies"
    assert peer_group("cell", "education") == "cell.schools"


def test_compute_costs_a_fixed_number_of_queries(
    data, province_admin, django_assert_max_num_queries
):
    evaluation_compute(
        actor=province_admin, year=YEAR, organisation=data["province"].pk, today=TODAY
    )
    with django_assert_max_num_queries(25):
        evaluation_compute(
            actor=province_admin, year=YEAR, organisation=data["province"].pk, today=TODAY
        )


def test_command_computes_as_a_user_or_the_system(data, province_admin):
    out = io.StringIO()
    call_command(
        "evaluations", "compute", "--year", str(YEAR), "--as", province_admin.username, stdout=out
    )
    assert "Đã đánh giá 9 tổ chức" in out.getvalue()
    out = io.StringIO()
    call_command("evaluations", "compute", "--year", str(YEAR), "--organisation", "Xb", stdout=out)
    assert "Đã đánh giá 4 tổ chức thuộc Đảng bộ xã B" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("evaluations", "compute", "--year", str(YEAR), "--as", "khong-co")


def test_review_source_gives_the_figures_of_the_period(data, province_admin, commune_admin):
    import datetime as dt

    from ptdv.core.review import review_sources

    evaluation_compute(
        actor=province_admin, year=YEAR, organisation=data["province"].pk, today=TODAY
    )
    _name, source = next(s for s in review_sources()[8] if s[0] == "evaluations")
    figures = {
        f.label: f.value
        for f in source(
            commune_admin, data["commune_a"], dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)
        )
    }
    assert figures["Năm đánh giá gần nhất trong kỳ"] == YEAR
    assert figures["Số tổ chức đảng được đánh giá"] == 4
    assert figures["Thứ hạng trong nhóm Cấp xã và tương đương — Xã"] == "1/2"
    empty = source(commune_admin, data["commune_a"], dt.date(2020, 1, 1), dt.date(2020, 12, 31))
    assert empty[0].label == "Chưa có kết quả đánh giá, xếp loại trong kỳ"
