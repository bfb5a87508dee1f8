"""The pages: lists, create and edit, detail with its candidates (audited), targets, the
yield page and its Excel export, the registration form's source fields, the dashboard panel."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.test import Client

from ptdv.accounts.models import Role
from ptdv.audit.models import AuditEntry
from ptdv.factories import CandidacyFactory, user_with_role
from ptdv.movements.models import MassOrganisation, MassOrganisationTarget, Movement

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_clerk_creates_and_edits_from_the_pages(clerk, tree) -> None:
    web = _client(clerk)
    response = web.post(
        "/movements/mass-organisations/new/",
        {"organisation": tree["commune_a"].pk, "kind": "womens_union", "name": "Hội Phụ nữ xã A"},
    )
    body = MassOrganisation.objects.get()
    assert response.status_code == 302 and response["Location"] == body.get_absolute_url()
    response = web.post(
        f"/movements/mass-organisations/{body.pk}/targets/", {"year": "2025", "referrals": "8"}
    )
    assert response.status_code == 302
    assert MassOrganisationTarget.objects.get().referrals == 8
    response = web.post(
        "/movements/new/",
        {
            "organiser": tree["commune_a"].pk,
            "kind": "club",
            "name": "Câu lạc bộ Phụ nữ khởi nghiệp",
            "mass_organisation": body.pk,
            "starts_on": "01/02/2025",
        },
    )
    movement = Movement.objects.get()
    assert response.status_code == 302 and movement.mass_organisation == body
    response = web.post(
        f"/movements/{movement.pk}/edit/",
        {"kind": "club", "name": "CLB Phụ nữ khởi nghiệp", "starts_on": "01/02/2025",
         "ends_on": "31/01/2025"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Ngày kết thúc không được trước ngày bắt đầu." in response.content.decode()
    page = web.get("/movements/").content.decode()
    assert "Câu lạc bộ Phụ nữ khởi nghiệp" in page


def test_create_outside_scope_shows_not_found(clerk, tree) -> None:
    response = _client(clerk).post(
        "/movements/mass-organisations/new/",
        {"organisation": tree["commune_b"].pk, "kind": "youth_union", "name": "Đoàn xã B"},
    )
    assert response.status_code == 200
    assert "Không tìm thấy tổ chức." in response.content.decode()
    assert not MassOrganisation.objects.exists()


def test_detail_lists_candidates_and_audits(viewer, tree, club) -> None:
    candidacy = CandidacyFactory(organisation=tree["cell_a1"], movement=club)
    response = _client(viewer).get(f"/movements/{club.pk}/")
    assert response.status_code == 200
    assert candidacy.person.full_name in response.content.decode()
    entry = AuditEntry.objects.filter(
        action="view", object_type="candidacies.candidacy", actor=viewer
    ).latest("pk")
    assert entry.data["person_ids"] == [candidacy.person_id]
    assert entry.data["filters"] == {"movement": club.pk}


def test_outside_user_gets_404(tree, club, youth) -> None:
    web = _client(user_with_role(tree["commune_b"], Role.ADMINISTRATOR))
    assert web.get(f"/movements/{club.pk}/").status_code == 404
    assert web.get(f"/movements/mass-organisations/{youth.pk}/").status_code == 404


def test_viewer_may_not_edit(viewer, club) -> None:
    assert _client(viewer).get(f"/movements/{club.pk}/edit/").status_code == 403


def test_yield_page_and_export(clerk, tree, club, youth) -> None:
    CandidacyFactory(
        organisation=tree["cell_a1"], movement=club, referring_body=youth,
        source_channel="youth_union", opened_on=dt.date(2025, 3, 1),
    )  # fmt: skip
    web = _client(clerk)
    page = web.get(f"/movements/yield/?organisation={tree['commune_a'].pk}&year=2025")
    assert page.status_code == 200
    assert "Câu lạc bộ Thanh niên với pháp luật" in page.content.decode()
    export = web.get(f"/movements/yield.xlsx?organisation={tree['commune_a'].pk}&year=2025")
    assert export.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("Nhóm", "Tên", "Đơn vị", "Phát hiện", "Đã học lớp", "Được kết nạp")
    assert ("Tổng số", 1) == (rows[1][0], rows[1][3])
    assert any(r[0] == "Đoàn thể" and r[1] == "Đoàn Thanh niên xã A" and r[3] == 1 for r in rows)


def test_registration_form_offers_the_cells_sources(clerk, tree, club, youth) -> None:
    web = _client(clerk)
    fields = web.get(f"/candidacies/new/cell-fields/?organisation={tree['cell_a1'].pk}")
    text = fields.content.decode()
    assert "Câu lạc bộ Thanh niên với pháp luật" in text
    assert "Đoàn Thanh niên xã A" in text


def test_dashboard_shows_the_yield_panel(clerk, tree, club) -> None:
    response = _client(clerk).get(f"/targets/{tree['commune_a'].pk}/")
    assert response.status_code == 200
    text = response.content.decode()
    assert 'id="movement-yield"' in text
    assert "Câu lạc bộ Thanh niên với pháp luật" in text
