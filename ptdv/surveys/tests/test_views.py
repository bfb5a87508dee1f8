from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from ptdv.surveys.models import ResponseStatus

from .conftest import response_of

pytestmark = pytest.mark.django_db


def _form(**changes):
    return {
        "pool_quality": "good",
        "quality_note": "Nguồn dồi dào ở các thôn.",
        "reasons": "Đoàn thanh niên hoạt động tốt.",
        "difficulties": "",
        "plan_train": "6",
        "plan_admit": "4",
        "plan_admit_women": "2",
        "then": "save",
        **changes,
    }


def test_round_pages_and_the_whole_journey(
    client, tree, survey, admin, unit_clerk, commune_approver
):
    client.force_login(admin)
    page = client.get(reverse("surveys:list"))
    assert survey.title in page.content.decode()
    page = client.get(reverse("surveys:round", args=[survey.pk]))
    html = page.content.decode()
    assert "Tình hình gửi phiếu" in html and "Đảng bộ cơ sở A" in html

    response = response_of(survey, tree["grassroots_a"])
    url = reverse("surveys:response", args=[survey.pk, response.pk])
    client.force_login(unit_clerk)
    page = client.get(url)
    assert "Số liệu từ dữ liệu (điền sẵn)" in page.content.decode()
    answer = client.post(url, _form(plan_admit_women="9", version=response.version))
    assert answer.status_code == 200
    assert "vượt tổng số" in answer.content.decode()
    answer = client.post(url, _form(then="submit"))
    assert answer.status_code == 302
    response.refresh_from_db()
    assert response.status == ResponseStatus.SUBMITTED and response.plan["admit"] == 4

    client.force_login(commune_approver)
    answer = client.post(
        reverse("surveys:response_action", args=[survey.pk, response.pk, "return"]),
        {"reason": "Bổ sung khó khăn."},
    )
    response.refresh_from_db()
    assert response.status == ResponseStatus.RETURNED
    client.force_login(unit_clerk)
    client.post(url, _form(difficulties="Thiếu kinh phí.", then="submit"))
    client.force_login(commune_approver)
    answer = client.post(
        reverse("surveys:response_action", args=[survey.pk, response.pk, "accept"])
    )
    assert answer.status_code == 302
    response.refresh_from_db()
    assert response.status == ResponseStatus.ACCEPTED

    client.force_login(admin)
    export = client.get(reverse("surveys:export", args=[survey.pk]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "Tổ chức"
    assert rows[1][0] == tree["province"].name and rows[1][3] == 1
    admit_column = rows[0].index("Kế hoạch: Số người kết nạp")
    assert rows[1][admit_column] == 4


def test_open_a_round_from_the_form(client, tree, data, admin, today):
    client.force_login(admin)
    answer = client.post(
        reverse("surveys:create"),
        {
            "organisation": tree["commune_a"].pk,
            "year": today.year,
            "due_date": f"{today.day:02d}/{today.month:02d}/{today.year + 1}",
        },
    )
    assert answer.status_code == 302
    page = client.get(answer["Location"])
    assert "Đảng bộ cơ sở A" in page.content.decode()


def test_viewer_cannot_post_and_outsiders_get_404(client, tree, survey):
    from ptdv.accounts.models import Role
    from ptdv.factories import user_with_role

    response = response_of(survey, tree["grassroots_a"])
    url = reverse("surveys:response", args=[survey.pk, response.pk])
    client.force_login(user_with_role(tree["grassroots_a"], Role.VIEWER))
    assert client.post(url, _form()).status_code == 403
    client.force_login(user_with_role(tree["commune_b"], Role.ADMINISTRATOR))
    assert client.get(url).status_code == 404
