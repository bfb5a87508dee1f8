"""The progress and indicator reports, read back: the workbook's cells and styles, the PDF's
text (pdftotext), the downloads, the API, the command line, the audit trail."""

import io
import shutil
import subprocess

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook
from rest_framework.test import APIClient

from ptdv.accounts.models import Role
from ptdv.audit.models import AuditEntry
from ptdv.factories import bearer_key, user_with_role
from ptdv.reports.builders import letterhead
from ptdv.reports.services import report_indicators_export, report_progress_export
from ptdv.targets.tests.scenario import TODAY, YEAR

pytestmark = pytest.mark.django_db
# poppler-utils (installed by the Makefile)
PDFTOTEXT = shutil.which("pdftotext") or "/usr/bin/pdftotext"
PDFFONTS = shutil.which("pdffonts") or "/usr/bin/pdffonts"


def pdf_text(content, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    command = [PDFTOTEXT, "-layout", str(path), "-"]
    result = subprocess.run(command, capture_output=True, check=True)  # noqa: S603
    return result.stdout.decode("utf-8")


def cells(sheet):
    return {cell.coordinate: cell for row in sheet.iter_rows() for cell in row}


def test_progress_workbook(world):
    tree = world["tree"]
    report = report_progress_export(
        actor=world["user"], organisation=tree["province"], year=YEAR, fmt="xlsx", today=TODAY
    )
    assert report.filename == "bao-cao-tien-do-P-2026.xlsx"
    book = load_workbook(io.BytesIO(report.content))
    assert book.sheetnames == [
        "Tổng hợp",
        "Tổ chức trực thuộc",
        "Nguồn",
        "Cơ cấu",
        "Theo lĩnh vực",
        "Theo địa bàn",
        "Theo đối tượng",
        "Qua các năm",
        "Xóa tên, khai trừ",
    ]
    summary = book["Tổng hợp"]
    assert summary["A1"].value == "BÁO CÁO TIẾN ĐỘ KẾT NẠP ĐẢNG VIÊN NĂM 2026 — ĐẢNG BỘ TỈNH MẪU"
    assert summary["A1"].font.bold and "A1:B1" in summary.merged_cells
    assert summary["A4"].value == "Chỉ tiêu thống kê" and summary["A4"].font.bold
    assert summary["A4"].fill.fgColor.rgb.endswith("A50E0E")
    assert summary.freeze_panes == "A5"
    values = {
        summary.cell(row=r, column=1).value: summary.cell(row=r, column=2)
        for r in range(5, summary.max_row + 1)
    }
    assert values["Số đảng viên đầu năm"].value == 35
    assert values["Số đảng viên đầu năm"].number_format == "#,##0"
    assert values["Chỉ tiêu kết nạp"].value == 4 and values["Số đã kết nạp"].value == 2
    rate = values["Tỷ lệ kết nạp so với số đảng viên đầu năm"]
    assert rate.value == pytest.approx(2 / 35) and rate.number_format == "0.00%"
    assert values["Tỷ lệ đạt chỉ tiêu"].value == 0.5
    assert values["Có thể đạt chỉ tiêu"].value == "Không"
    assert values["Số thôn, tổ dân phố “trắng” đảng viên"].value == 2
    assert values["Số hồ sơ quá hạn"].border.left.style == "thin"
    children = book["Tổ chức trực thuộc"]
    rows = {
        children.cell(row=r, column=1).value: [c.value for c in children[r]]
        for r in range(5, children.max_row + 1)
    }
    assert rows["Đảng bộ xã A"][1:4] == [15, 1, 2]
    assert rows["Đảng bộ xã B"][10] == "x"  # cannot reach 5
    assert children.column_dimensions["A"].width == 40 and children.freeze_panes == "A5"
    # Both communes are rural ("Xã"): the sector sheet sums their rows.
    sectors = [[c.value for c in row] for row in book["Theo lĩnh vực"].iter_rows(min_row=5)]
    assert sectors == [
        [
            "Xã",
            2,
            sum(r[1] for r in rows.values()),
            sum(r[2] or 0 for r in rows.values()),
            sum(r[3] for r in rows.values()),
            pytest.approx(sum(r[3] for r in rows.values()) / sum(r[1] for r in rows.values())),
            sectors[0][6],
            sum(r[9] for r in rows.values()),
        ]
    ]
    groups = [row[0].value for row in book["Theo đối tượng"].iter_rows(min_row=5)]
    assert groups[0] == "Học sinh, sinh viên" and len(groups) == 10
    composition = book["Cơ cấu"]
    labels = {
        composition.cell(row=r, column=1).value: composition.cell(row=r, column=2).value
        for r in range(5, composition.max_row + 1)
    }
    assert labels["Nữ"] == 1 and labels["Dân tộc thiểu số"] == 1
    assert labels["Tuổi bình quân"] == 33.5
    trend = book["Qua các năm"]
    assert [trend.cell(row=r, column=1).value for r in range(5, trend.max_row + 1)] == list(
        range(2021, 2027)
    )
    entry = AuditEntry.objects.get(action="export")
    assert entry.actor == world["user"] and entry.data["report"] == "progress"


def test_progress_pdf(world, tmp_path):
    tree = world["tree"]
    report = report_progress_export(
        actor=world["user"], organisation=tree["province"], year=YEAR, fmt="pdf", today=TODAY
    )
    assert report.content.startswith(b"%PDF")
    text = pdf_text(report.content, tmp_path)
    for expected in (
        "ĐẢNG BỘ TỈNH MẪU",
        "BAN TỔ CHỨC",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Mẫu, ngày 29 tháng 11 năm 2026",
        "BÁO CÁO",
        "tiến độ kết nạp đảng viên năm 2026",
        "Đảng bộ tỉnh Mẫu",
        "Đã kết nạp 2 đảng viên, đạt 50,0% chỉ tiêu",
        "Số đảng viên đầu năm 2026: 35",
        "5,71%",
        "Đảng bộ xã B (*)",
        "thôn, tổ dân phố “trắng” đảng viên: 2/4",
        "Quần chúng ưu tú (nguồn)",
        "Tuổi bình quân",
    ):
        assert expected in " ".join(text.split()) or expected in text, expected
    command = [PDFFONTS, str(tmp_path / "report.pdf")]
    fonts = subprocess.run(command, capture_output=True, check=True).stdout.decode()  # noqa: S603
    assert "Liberation-Serif" in fonts or "LiberationSerif" in fonts


def test_indicators_reports(world, tmp_path):
    tree = world["tree"]
    term = world["term"]
    workbook = report_indicators_export(
        actor=world["user"],
        organisation=tree["province"],
        term=term,
        year=YEAR,
        fmt="xlsx",
        today=TODAY,
    )
    book = load_workbook(io.BytesIO(workbook.content))
    summary = book["Tổng hợp"]
    values = {
        summary.cell(row=r, column=1).value: summary.cell(row=r, column=2).value
        for r in range(5, summary.max_row + 1)
    }
    assert values["Số đảng viên kết nạp"] == 2 and values["Số năm tính"] == 2
    assert values["Bình quân mỗi năm"] == 1
    assert values["Đạt so với chỉ tiêu Đại hội (cả nhiệm kỳ)"] == 0.2
    assert values["Bình quân đạt so với chỉ tiêu Đại hội"] == 0.5
    assert values["Bình quân đạt so với Chương trình hành động số 18-CTr/TU"] == 0.25
    by_year = book["Theo năm"]
    assert [by_year.cell(row=r, column=4).value for r in (5, 6)] == [0, 2]
    pdf = report_indicators_export(
        actor=world["user"],
        organisation=tree["province"],
        term=term,
        year=YEAR,
        fmt="pdf",
        today=TODAY,
    )
    text = " ".join(pdf_text(pdf.content, tmp_path).split())
    assert "kết quả phát triển đảng viên nhiệm kỳ 2025–2030" in text
    assert "kết nạp 2 đảng viên, bình quân mỗi năm 1,0 đảng viên" in text
    assert "bình quân đạt khoảng 50% so với chỉ tiêu Nghị quyết Đại hội" in text
    assert "đạt khoảng 25% so với chỉ tiêu Chương trình hành động số 18-CTr/TU" in text
    assert AuditEntry.objects.filter(action="export").count() == 2


def test_downloads_are_scoped(client, world):
    tree = world["tree"]
    client.force_login(user_with_role(tree["commune_a"], Role.VIEWER))
    response = client.get(f"/reports/progress/{tree['commune_a'].pk}.xlsx?year=2026")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="bao-cao-tien-do-Xa-2026.xlsx"'
    assert client.get(f"/reports/progress/{tree['province'].pk}.pdf?year=2026").status_code == 404
    assert client.get(f"/reports/progress/{tree['commune_a'].pk}.doc").status_code == 404
    # The commune has no term of its own.
    assert client.get(f"/reports/indicators/{tree['commune_a'].pk}.pdf").status_code == 404
    client.force_login(world["user"])
    response = client.get(
        f"/reports/indicators/{tree['province'].pk}.pdf?term={world['term'].pk}&year=2026"
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_api_downloads(world):
    tree = world["tree"]
    api = APIClient()
    token = bearer_key(user_with_role(tree["commune_b"], Role.VIEWER))
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = api.get(f"/api/v1/reports/progress/{tree['commune_b'].pk}.xlsx", {"year": 2026})
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.content))["Tổng hợp"]["B5"].value == 20
    assert api.get(f"/api/v1/reports/progress/{tree['commune_a'].pk}.xlsx").status_code == 404
    assert (
        api.get(f"/api/v1/reports/progress/{tree['commune_b'].pk}.xlsx", {"year": "x"}).status_code
        == 400
    )


def test_command_line(world, tmp_path):
    tree = world["tree"]
    output = tmp_path / "tien-do.xlsx"
    call_command(
        "report",
        "progress",
        "--organisation",
        "Xa",
        "--year",
        "2026",
        "--format",
        "xlsx",
        "--output",
        str(output),
        "--as",
        world["user"].username,
        stdout=io.StringIO(),
    )
    book = load_workbook(output)
    assert book["Tổng hợp"]["B5"].value == 15
    output = tmp_path / "chi-so.pdf"
    call_command(
        "report",
        "indicators",
        "--organisation",
        "P",
        "--term",
        "2025–2030",
        "--year",
        "2026",
        "--format",
        "pdf",
        "--output",
        str(output),
        "--as",
        world["user"].username,
        stdout=io.StringIO(),
    )
    assert "nhiệm kỳ 2025–2030" in pdf_text(output.read_bytes(), tmp_path)
    outsider = user_with_role(tree["commune_b"], Role.ADMINISTRATOR)
    with pytest.raises(CommandError, match="Không tìm thấy tổ chức"):
        call_command(
            "report",
            "progress",
            "--organisation",
            "Xa",
            "--format",
            "pdf",
            "--output",
            str(output),
            "--as",
            outsider.username,
        )
    entries = AuditEntry.objects.filter(action="export")
    assert entries.count() == 2 and {e.actor for e in entries} == {world["user"]}


def test_letterhead_of_a_commune(world):
    tree = world["tree"]
    head = letterhead(tree["commune_a"], TODAY)
    assert (head.superior, head.issuer) == ("ĐẢNG BỘ TỈNH MẪU", "ĐẢNG ỦY XÃ A")
    assert head.date_line == "Mẫu, ngày 29 tháng 11 năm 2026"
    import datetime as dt

    assert letterhead(tree["province"], dt.date(2026, 1, 5)).date_line == (
        "Mẫu, ngày 05 tháng 01 năm 2026"
    )
