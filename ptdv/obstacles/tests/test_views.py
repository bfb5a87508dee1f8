"""The obstacle pages: list with filters, create, detail with history and actions (by the
level where it sits), the monthly list and its Excel export, the statistics — 404 outside,
403 for a step at a level the user does not cover, every read audited."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from ptdv.audit.models import AuditEntry
from ptdv.obstacles.models import Obstacle, Status
from ptdv.obstacles.tests.conftest import record

pytestmark = pytest.mark.django_db


def client(user):
    c = Client()
    c.force_login(user)
    return c


def test_list_and_filters(tree, obstacle, cell_clerk, other_clerk, commune_clerk):
    foreign = record(other_clerk, tree["commune_b"], title="Thiếu nguồn ở xã B")
    page = client(commune_clerk).get("/obstacles/")
    text = page.content.decode()
    assert page.status_code == 200
    assert f'data-obstacle="{obstacle.pk}"' in text and foreign.title not in text
    assert AuditEntry.objects.filter(actor=commune_clerk, summary__contains="danh sách").exists()
    filtered = client(commune_clerk).get("/obstacles/?status=resolved&category=pool&month=03/2026")
    assert f'data-obstacle="{obstacle.pk}"' not in filtered.content.decode()
    bad = client(commune_clerk).get("/obstacles/?month=13/2026")
    assert "Tháng: nhập dạng tháng/năm" in bad.content.decode()


def test_create_records_at_the_chosen_unit(tree, cell_clerk, dossier):
    c = client(cell_clerk)
    form = c.get(f"/obstacles/new/?candidacy={dossier.pk}")
    assert form.status_code == 200 and f'value="{dossier.pk}"' in form.content.decode()
    response = c.post(
        "/obstacles/new/",
        {
            "organisation": tree["cell_a1"].pk,
            "category": "residence",
            "title": "Quần chúng đi làm ăn xa",
            "description": "Chưa có ý kiến nơi cư trú.",
            "candidacies": str(dossier.pk),
        },
    )
    obstacle = Obstacle.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/obstacles/{obstacle.pk}/"
    assert list(obstacle.candidacies.all()) == [dossier]


def test_create_refusals_are_shown_by_field(tree, cell_clerk, foreign_dossier):
    response = client(cell_clerk).post(
        "/obstacles/new/",
        {
            "organisation": tree["cell_a1"].pk,
            "category": "residence",
            "title": "X",
            "description": "Y",
            "candidacies": f"{foreign_dossier.pk}, abc",
        },
    )
    assert "không phải là mã hồ sơ" in response.content.decode()
    response = client(cell_clerk).post(
        "/obstacles/new/",
        {
            "organisation": tree["cell_a1"].pk,
            "category": "residence",
            "title": "X",
            "description": "Y",
            "candidacies": str(foreign_dossier.pk),
        },
    )
    assert "không tìm thấy hồ sơ số" in response.content.decode()
    assert not Obstacle.objects.exists()


def test_detail_and_actions_by_level(tree, obstacle, cell_clerk, commune_clerk, other_clerk):
    detail = client(cell_clerk).get(f"/obstacles/{obstacle.pk}/")
    assert detail.status_code == 200 and 'id="escalate-form"' in detail.content.decode()
    assert AuditEntry.objects.filter(actor=cell_clerk, action="view", object_id=str(obstacle.pk))
    assert client(other_clerk).get(f"/obstacles/{obstacle.pk}/").status_code == 404
    assert (
        client(cell_clerk)
        .post(f"/obstacles/{obstacle.pk}/actions/escalate/", {"note": ""})
        .status_code
        == 200
    )
    response = client(cell_clerk).post(
        f"/obstacles/{obstacle.pk}/actions/escalate/", {"note": "Vượt thẩm quyền"}
    )
    assert response.status_code == 302
    obstacle.refresh_from_db()
    assert obstacle.level == tree["grassroots_a"]
    # The cell now only reads: no actions, and a post is refused.
    assert (
        'id="escalate-form"'
        not in client(cell_clerk).get(f"/obstacles/{obstacle.pk}/").content.decode()
    )
    assert (
        client(cell_clerk)
        .post(f"/obstacles/{obstacle.pk}/actions/resolve/", {"resolve-answer": "x"})
        .status_code
        == 403
    )
    response = client(commune_clerk).post(
        f"/obstacles/{obstacle.pk}/actions/decline/",
        {"decline-answer": "Không thuộc thẩm quyền", "decline-version": obstacle.version},
    )
    assert response.status_code == 302
    obstacle.refresh_from_db()
    assert obstacle.status == Status.DECLINED
    # A second answer meets the closed obstacle.
    again = client(commune_clerk).post(
        f"/obstacles/{obstacle.pk}/actions/resolve/", {"resolve-answer": "x"}, follow=True
    )
    assert "đã kết thúc" in again.content.decode()
    history = client(cell_clerk).get(f"/obstacles/{obstacle.pk}/").content.decode()
    assert history.count('data-kind="') == 3
    assert (
        client(commune_clerk).post(f"/obstacles/{obstacle.pk}/actions/delete/").status_code == 404
    )


def test_monthly_page_and_export(tree, obstacle, commune_clerk):
    page = client(commune_clerk).get(
        f"/obstacles/monthly/?organisation={tree['commune_a'].pk}&month=03/2026"
    )
    assert page.status_code == 200 and obstacle.title in page.content.decode()
    export = client(commune_clerk).get(
        f"/obstacles/monthly.xlsx?organisation={tree['commune_a'].pk}&month=03/2026"
    )
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "STT" and rows[1][3] == obstacle.title
    assert rows[1][7] == tree["cell_a1"].name
    assert AuditEntry.objects.filter(actor=commune_clerk, action="export").exists()
    outside = client(commune_clerk).get(
        f"/obstacles/monthly/?organisation={tree['commune_b'].pk}&month=03/2026"
    )
    assert outside.status_code == 404


def test_stats_page(tree, obstacle, commune_clerk):
    page = client(commune_clerk).get("/obstacles/stats/?year=2026")
    text = page.content.decode()
    assert page.status_code == 200 and 'data-category="background"' in text
    assert (
        client(commune_clerk)
        .get(f"/obstacles/stats/?year=2026&organisation={tree['commune_b'].pk}")
        .status_code
        == 404
    )


def test_the_dossier_page_links_to_its_obstacles(tree, obstacle, dossier, cell_clerk, other_clerk):
    page = client(cell_clerk).get(f"/candidacies/{dossier.pk}/").content.decode()
    assert f"/obstacles/?candidacy={dossier.pk}&amp;status=open" in page
    listed = client(cell_clerk).get(f"/obstacles/?candidacy={dossier.pk}&status=open")
    assert f'data-obstacle="{obstacle.pk}"' in listed.content.decode()
    assert client(other_clerk).get(f"/obstacles/?candidacy={dossier.pk}").status_code == 404
