"""The sơ kết / tổng kết report of the directive, read back from the DOCX: the party layout,
the indicators of the period, each task's figures from the registered sources (ours for
tasks 2, 6, 7 and a fake one), the sections left for the narrative; the page, the API, the
scope and the audit trail."""

import datetime as dt
import io

import docx
import pytest
from rest_framework.test import APIClient

from ptdv.accounts.models import Role
from ptdv.audit.models import AuditEntry
from ptdv.core import review
from ptdv.core.review import ReviewFigure
from ptdv.factories import bearer_key, user_with_role
from ptdv.reports.periods import period_half, period_quarter
from ptdv.reports.review import FILL, TASKS
from ptdv.reports.services import DOCX, report_review_export
from ptdv.targets.tests.scenario import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_source(monkeypatch):
    """A source for task 5 (movements, another helper's) that records its calls."""
    calls = []

    def clubs(actor, organisation, start, end):
        calls.append((actor, organisation, start, end))
        return [
            ReviewFigure("Số câu lạc bộ, diễn đàn đang hoạt động", 7, "câu lạc bộ"),
            ReviewFigure("Tỷ lệ quần chúng qua phong trào được kết nạp", 12.5, "%"),
        ]

    monkeypatch.setitem(review._SOURCES, 5, [("test.clubs", clubs)])
    return calls


def paragraphs(document):
    return [paragraph.text for paragraph in document.paragraphs]


def table_rows(document):
    return [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]


def test_the_review_docx(world, fake_source):
    tree = world["tree"]
    period = period_quarter(2026, 2)
    exported = report_review_export(
        actor=world["user"],
        organisation=tree["province"],
        period=period,
        kind="interim",
        today=TODAY,
    )
    assert exported.filename == "bao-cao-so-ket-P-2026-q2.docx"
    assert exported.content_type == DOCX
    document = docx.Document(io.BytesIO(exported.content))
    section = document.sections[0]
    assert (round(section.left_margin.mm), round(section.right_margin.mm)) == (30, 15)
    assert document.styles["Normal"].font.name == "Times New Roman"
    texts = paragraphs(document)
    rows = table_rows(document)
    header = [cell for row in rows[:1] for cell in row]
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in header[1]
    assert "BAN TỔ CHỨC" in header[0]
    assert "BÁO CÁO" in texts
    assert (
        "Sơ kết thực hiện Chỉ thị về đẩy mạnh công tác phát triển đảng viên trong tình hình "
        "mới, quý II năm 2026" in texts
    )
    # Every task has its heading, in the directive's order.
    headings = [t for t in texts if t.startswith("3.") and not t.startswith("3. ")]
    assert headings == [f"3.{n}. {title}" for n, title in TASKS.items()]
    for heading in ("I. ĐẶC ĐIỂM, TÌNH HÌNH", "III. ĐÁNH GIÁ CHUNG", "V. ĐỀ XUẤT, KIẾN NGHỊ"):
        assert heading in texts
    # The narrative is left to the clerk: dotted lines, no placeholder left in the text.
    assert texts.count(FILL) >= 30
    assert not any("{{" in t or "{%" in t for t in texts)
    # The indicators of the period.
    assert ["Số đảng viên kết nạp trong kỳ", "2"] in rows
    assert ["Số đảng viên đầu năm 2026", "35"] in rows
    assert ["Tỷ lệ kết nạp so với số đảng viên đầu năm", "5,71%"] in rows
    assert ["Đạt so với chỉ tiêu Đại hội (cả nhiệm kỳ)", "20,0%"] in rows
    # Task 2 (ours): the admissions of the quarter; task 6 and 7 (ours).
    assert ["Số đảng viên kết nạp trong kỳ", "2 đảng viên"] in rows
    assert ["Trong đó: nữ", "1 đảng viên"] in rows
    assert ["Chỉ tiêu kết nạp năm 2026", "4 đảng viên"] in rows
    assert ["Số hồ sơ đã kết luận thẩm tra lý lịch", "0 hồ sơ"] in rows
    assert ["Số quần chúng mới đưa vào nguồn", "0 người"] in rows
    # Task 5 (the fake source), called with the organisation and the period.
    assert ["Số câu lạc bộ, diễn đàn đang hoạt động", "7 câu lạc bộ"] in rows
    assert ["Tỷ lệ quần chúng qua phong trào được kết nạp", "12,50%"] in rows
    assert fake_source == [
        (world["user"], tree["province"], dt.date(2026, 4, 1), dt.date(2026, 6, 30))
    ]
    entry = AuditEntry.objects.filter(action="export").latest("id")
    assert entry.data == {
        "report": "review",
        "kind": "interim",
        "period": "quarter",
        "from": "2026-04-01",
        "to": "2026-06-30",
        "format": "docx",
        "organisation": "P",
    }


def test_the_final_review_of_a_commune_without_a_term(world):
    tree = world["tree"]
    exported = report_review_export(
        actor=world["user"],
        organisation=tree["commune_b"],
        period=period_half(2025, 2),
        kind="final",
        today=TODAY,
    )
    assert exported.filename == "bao-cao-tong-ket-Xb-2025-h2.docx"
    document = docx.Document(io.BytesIO(exported.content))
    texts = paragraphs(document)
    assert any(t.startswith("Tổng kết thực hiện Chỉ thị") for t in texts)
    assert "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ, GIẢI PHÁP TIẾP TỤC THỰC HIỆN" in texts
    assert any("chưa khai báo nhiệm kỳ" in t for t in texts)
    rows = table_rows(document)
    # Both dossiers of commune B were opened in January 2025, not in the second half.
    assert ["Số quần chúng mới đưa vào nguồn", "0 người"] in rows
    assert ["Số đảng viên kết nạp trong kỳ", "0"] in rows


def test_review_page_and_downloads_are_scoped(client, world):
    tree = world["tree"]
    commune = tree["commune_a"]
    client.force_login(user_with_role(commune, Role.VIEWER))
    response = client.get(
        f"/reports/{commune.pk}/",
        {
            "review": "1",
            "organisation": tree["cell_a1"].pk,
            "kind": "final",
            "half": "1",
            "year": "2026",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == (
        f"/reports/review/{tree['cell_a1'].pk}.docx?kind=final&half=1&year=2026"
    )
    download = client.get(response["Location"])
    assert download.status_code == 200 and download["Content-Type"] == DOCX
    text = "\n".join(paragraphs(docx.Document(io.BytesIO(download.content))))
    assert "Tổng kết thực hiện Chỉ thị" in text
    # An organisation outside the page's subtree, or outside the user's: as absent.
    outside = {"review": "1", "organisation": tree["commune_b"].pk, "year": "2026"}
    assert client.get(f"/reports/{commune.pk}/", outside).status_code == 404
    assert client.get(f"/reports/review/{tree['province'].pk}.docx").status_code == 404
    refused = client.get(
        f"/reports/{commune.pk}/", {"review": "1", "kind": "yearly", "year": "2026"}
    )
    assert refused.status_code == 400
    assert "Loại báo cáo phải là sơ kết (interim) hoặc tổng kết (final)." in (
        refused.content.decode()
    )
    refused = client.get(f"/reports/review/{commune.pk}.docx", {"quarter": "7"})
    assert refused.status_code == 400
    assert "Quý phải là số từ 1 đến 4." in refused.content.decode()


def test_review_api(world):
    tree = world["tree"]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer_key(world['user'])}")
    url = f"/api/v1/reports/review/{tree['province'].pk}.docx"
    response = api.get(url, {"from": "01/03/2026", "to": "15/05/2026", "kind": "final"})
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    assert (
        'filename="bao-cao-tong-ket-P-20260301-20260515.docx"' in (response["Content-Disposition"])
    )
    rows = table_rows(docx.Document(io.BytesIO(response.content)))
    assert ["Số đảng viên kết nạp trong kỳ", "2"] in rows
    response = api.get(url, {"kind": "yearly"})
    assert response.status_code == 400 and "kind" in response.json()["error"]["fields"]
    response = api.get(url, {"from": "15/05/2026", "to": "01/03/2026"})
    assert response.status_code == 422 and "from" in response.json()["error"]["fields"]
    outsider = APIClient()
    outsider.credentials(
        HTTP_AUTHORIZATION=f"Bearer {bearer_key(user_with_role(tree['commune_b'], Role.VIEWER))}"
    )
    assert outsider.get(url).status_code == 404
    assert outsider.get(f"/api/v1/reports/review/{tree['commune_b'].pk}.docx").status_code == 200


def test_command_line_periods_and_review(world, tmp_path):
    from django.core.management import CommandError, call_command
    from openpyxl import load_workbook

    tree = world["tree"]
    username = world["user"].username
    review_file = tmp_path / "so-ket.docx"
    call_command(
        "report", "review", "--organisation", "P", "--kind", "final", "--half", "1",
        "--year", "2026", "--output", str(review_file), "--as", username,
    )  # fmt: skip
    texts = paragraphs(docx.Document(str(review_file)))
    assert any(
        t.startswith("Tổng kết thực hiện Chỉ thị") and "6 tháng đầu năm 2026" in t for t in texts
    )
    progress_file = tmp_path / "quy.xlsx"
    call_command(
        "report", "progress", "--organisation", tree["commune_a"].code, "--quarter", "2",
        "--year", "2026", "--format", "xlsx", "--output", str(progress_file), "--as", username,
    )  # fmt: skip
    summary = load_workbook(progress_file)["Tổng hợp"]
    assert summary["A1"].value.startswith("BÁO CÁO TIẾN ĐỘ KẾT NẠP ĐẢNG VIÊN QUÝ II NĂM 2026")
    with pytest.raises(CommandError, match="Từ ngày phải trước hoặc bằng đến ngày"):
        call_command(
            "report", "review", "--organisation", "P", "--from", "02/05/2026",
            "--to", "01/05/2026", "--output", str(review_file), "--as", username,
        )  # fmt: skip
