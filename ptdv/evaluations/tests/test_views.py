from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from ptdv.audit.models import AuditEntry
from ptdv.evaluations.formula import DEFAULT_COMPONENTS
from ptdv.evaluations.models import Evaluation, EvaluationRun, Formula, RunStatus
from ptdv.evaluations.services import evaluation_compute
from ptdv.evaluations.tests.conftest import TODAY, YEAR

pytestmark = pytest.mark.django_db


@pytest.fixture
def computed(data, province_admin):
    evaluation_compute(
        actor=province_admin, year=YEAR, organisation=data["province"].pk, today=TODAY
    )
    return data


def test_ranking_page_filters_and_scope(client, computed, province_admin, commune_admin):
    client.force_login(province_admin)
    page = client.get(
        reverse("evaluations:ranking"), {"year": YEAR, "peer_group": "commune.communes"}
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "Đảng bộ xã A" in text and "Đảng bộ xã B" in text and "Chi bộ thôn A1" not in text
    assert "Tính đánh giá" in text  # the administrator's button
    client.force_login(commune_admin)
    text = client.get(reverse("evaluations:ranking"), {"year": YEAR}).content.decode()
    assert "Đảng bộ xã A" in text and "Đảng bộ xã B" not in text
    b = Evaluation.objects.get(organisation=computed["commune_b"], year=YEAR)
    assert client.get(reverse("evaluations:detail", args=[b.pk])).status_code == 404
    assert (
        client.get(reverse("evaluations:organisation", args=[computed["commune_b"].pk])).status_code
        == 404
    )


def test_detail_shows_every_component_with_its_figures(client, computed, province_admin):
    client.force_login(province_admin)
    a = Evaluation.objects.get(organisation=computed["commune_a"], year=YEAR)
    response = client.get(
        reverse("evaluations:organisation", args=[computed["commune_a"].pk]), {"year": YEAR}
    )
    assert response.status_code == 302 and response["Location"] == reverse(
        "evaluations:detail", args=[a.pk]
    )
    text = client.get(response["Location"]).content.decode()
    for label in (
        "Thực hiện chỉ tiêu kết nạp",
        "Công nhận đảng viên chính thức đúng hạn",
        "Hồ sơ quá hạn",
    ):
        assert label in text
    assert "due: 3; on_time: 2" in text
    organisation_page = client.get(reverse("organisations:detail", args=[computed["commune_a"].pk]))
    assert (
        reverse("evaluations:organisation", args=[computed["commune_a"].pk])
        in organisation_page.content.decode()
    )


def test_honours_list_the_responsible_leader(client, computed, province_admin):
    from ptdv.accounts.models import Role
    from ptdv.factories import user_with_role

    user_with_role(computed["commune_b"], Role.ADMINISTRATOR, full_name="Phạm Văn Bí Thư")
    client.force_login(province_admin)
    text = client.get(reverse("evaluations:honours"), {"year": YEAR}).content.decode()
    assert "Cần chấn chỉnh" in text and "Phạm Văn Bí Thư" in text


def test_export_by_peer_group_reads_back(client, computed, province_admin):
    client.force_login(province_admin)
    response = client.get(reverse("evaluations:export"), {"year": YEAR})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert "Cấp xã và tương đương — Xã" in book.sheetnames
    sheet = book["Cấp xã và tương đương — Xã"]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert [r[1] for r in rows] == ["Đảng bộ xã A", "Đảng bộ xã B"]
    assert rows[0][0] == 1
    assert "Cần chấn chỉnh" in book.sheetnames
    assert AuditEntry.objects.filter(action="export", object_type="evaluations.evaluation").exists()


def test_formula_page_history_and_new_version(client, computed, province_admin, commune_admin):
    client.force_login(commune_admin)
    assert client.get(reverse("evaluations:formula_create")).status_code == 403
    client.force_login(province_admin)
    form = client.get(reverse("evaluations:formula_create"))
    assert form.status_code == 200
    data = {
        "year_from": 2026,
        "note": "Điều chỉnh",
        "excellent": 85,
        "good": 70,
        "fulfilled": 50,
        "recognition_days": 400,
    }
    for c in DEFAULT_COMPONENTS:
        data.update(
            {
                f"{c['code']}__weight": c["weight"],
                f"{c['code']}__full": c["full"],
                f"{c['code']}__zero": c["zero"],
            }
        )
    data["overdue__full"] = 0.5  # higher than the zero threshold: refused
    refused = client.post(reverse("evaluations:formula_create"), data)
    assert refused.status_code == 200 and "phải thấp hơn ngưỡng 0 điểm" in refused.content.decode()
    data["overdue__full"] = 0
    saved = client.post(reverse("evaluations:formula_create"), data)
    assert saved.status_code == 302
    assert list(Formula.objects.values_list("version", "year_from")) == [(2, 2026), (1, 2000)]
    text = client.get(reverse("evaluations:formula")).content.decode()
    assert "Phiên bản 2" in text and "Phiên bản 1" in text and "Điều chỉnh" in text


def test_compute_button_runs_in_the_background_worker(
    client, data, commune_admin, django_capture_on_commit_callbacks
):
    client.force_login(commune_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("evaluations:compute"), {"year": YEAR, "organisation": data["commune_a"].pk}
        )
        # Queued until the request's transaction commits; then the worker's task runs it.
        assert EvaluationRun.objects.get().status == RunStatus.QUEUED
    assert response.status_code == 302
    run = EvaluationRun.objects.get()
    assert run.status == RunStatus.DONE and run.evaluated == 4 and run.actor == commune_admin
    outside = client.post(
        reverse("evaluations:compute"), {"year": YEAR, "organisation": data["province"].pk}
    )
    assert outside.status_code == 404  # as for an absent organisation
    from ptdv.accounts.models import Role
    from ptdv.factories import user_with_role

    client.force_login(user_with_role(data["commune_a"], Role.CLERK))
    low = client.post(
        reverse("evaluations:compute"), {"year": YEAR, "organisation": data["commune_a"].pk}
    )
    assert low.status_code == 403
    client.force_login(commune_admin)
    bad_year = client.post(
        reverse("evaluations:compute"),
        {"year": "1800", "organisation": data["commune_a"].pk},
        follow=True,
    )
    assert "Năm phải trong khoảng 2000–2100." in bad_year.content.decode()
    assert EvaluationRun.objects.count() == 1
    assert "Đã xong" in client.get(reverse("evaluations:runs")).content.decode()


def test_api_lists_evaluations_and_the_formula(computed, province_admin, commune_admin):
    api = APIClient()
    api.force_authenticate(province_admin)
    body = api.get("/api/v1/evaluations/", {"year": YEAR, "peer_group": "commune.communes"}).json()
    assert body["count"] == 2
    first = body["results"][0]
    assert first["organisation"]["code"] == "Xa" and first["rank"] == 1 and first["grade"]
    assert {c["code"] for c in first["components"]} >= {"target_achievement", "overdue"}
    formula = api.get("/api/v1/evaluations/formula/", {"year": YEAR}).json()
    assert formula["version"] == 1 and len(formula["history"]) == 1
    bad = api.get("/api/v1/evaluations/", {"year": "x"})
    assert bad.status_code == 400 and "year" in bad.json()["error"]["fields"]
    api.force_authenticate(commune_admin)
    assert (
        api.get(
            "/api/v1/evaluations/", {"year": YEAR, "organisation": computed["commune_b"].pk}
        ).status_code
        == 404
    )
    assert api.get("/api/v1/evaluations/", {"year": YEAR}).json()["count"] == 4


def test_a_run_left_running_by_a_stopped_worker_is_marked_failed(data, commune_admin):
    """The worker marks failed, when it starts, the runs a killed worker left "running"
    (issue 15 §4); queued and finished runs are left as they are."""
    from ptdv.evaluations.services import evaluation_runs_interrupted_fail

    def run(status: str) -> EvaluationRun:
        return EvaluationRun.objects.create(
            organisation=data["commune_a"], year=YEAR, actor=commune_admin, status=status
        )

    left, queued, done = run(RunStatus.RUNNING), run(RunStatus.QUEUED), run(RunStatus.DONE)
    assert evaluation_runs_interrupted_fail() == 1
    left.refresh_from_db()
    assert left.status == RunStatus.FAILED and left.finished_at is not None
    assert "gián đoạn" in left.error
    assert not Evaluation.objects.exists()
    statuses = dict(EvaluationRun.objects.values_list("pk", "status"))
    assert statuses[queued.pk] == RunStatus.QUEUED and statuses[done.pk] == RunStatus.DONE
    assert evaluation_runs_interrupted_fail() == 0
