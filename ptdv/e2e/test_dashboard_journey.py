"""A province administrator follows the year's admissions: the province's dashboard, down to
a commune, and the commune's two reports downloaded as Excel and PDF and read back.

The data: 100 members (60 in commune A, 40 in commune B) counted on 1 January, three
admission decisions this year (two in A, one in B), a few candidates still in the pipeline,
targets of 5 for the province, 3 for A and 2 for B, and a congress term for commune A.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from playwright.sync_api import expect

from ptdv.accounts.models import Role
from ptdv.candidacies.models import Stage
from ptdv.candidacies.tallies import aggregates_rebuild
from ptdv.e2e.conftest import login
from ptdv.factories import (
    CandidacyFactory,
    MembershipFactory,
    PersonFactory,
    make_tree,
    user_with_role,
)
from ptdv.targets.services import snapshot_take, target_approve, target_set, term_create

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "mat-khau-thu-nghiem"  # noqa: S105 (UserFactory's test password)
# The province's dashboard, kept for a human to look at.
SCREENSHOT = Path(tempfile.gettempdir()) / "ptdv-dashboard.png"
TODAY = dt.date.today()
YEAR = TODAY.year
# Ten days ago, but never last year (the journey may run in the first days of January).
DECIDED_ON = max(dt.date(YEAR, 1, 1), TODAY - dt.timedelta(days=10))


def admitted(cell: Any, given: str) -> None:
    """A candidate whose admission was decided this year (the tallies count decision dates)."""
    person = PersonFactory(
        family_name="Hoàng", middle_name="Thị", given_name=given, organisation=cell
    )
    CandidacyFactory(
        person=person,
        organisation=cell,
        stage=Stage.DECIDED,
        opened_on=DECIDED_ON - dt.timedelta(days=400),
        stage_changed_on=DECIDED_ON,
        decision_date=DECIDED_ON,
    )


def figure(summary: Any, label: str) -> Any:
    """The big number of the dashboard's summary card titled `label`."""
    return summary.locator(".card", has_text=label).locator(".display-6")


def download(page: Any, link: Any, folder: Path) -> Path:
    """Click a link that answers with an attachment; save the file and return its path."""
    with page.expect_download() as info:
        link.click()
    file = info.value
    assert file.failure() is None
    path = folder / file.suggested_filename
    file.save_as(path)
    return path


def workbook_text(path: Path) -> str:
    """Every cell of every sheet, as one string."""
    workbook = openpyxl.load_workbook(path)
    cells = [
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    ]
    return "\n".join(cells)


def summary_value(path: Path, label: str) -> Any:
    """The value next to `label` on the workbook's first (summary) sheet."""
    sheet = openpyxl.load_workbook(path).worksheets[0]
    for row in sheet.iter_rows(values_only=True):
        if row and row[0] == label:
            return row[1]
    raise AssertionError(f"{label!r} not in {path.name}")


def pdf_text(path: Path) -> str:
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext is missing: apt-get install poppler-utils"
    result = subprocess.run(  # noqa: S603 - a fixed local tool on our own file
        [pdftotext, str(path), "-"], capture_output=True, check=True, text=True
    )
    return " ".join(result.stdout.split())


def test_province_administrator_follows_progress_and_downloads_reports(
    page: Any, tmp_path: Path
) -> None:
    tree = make_tree()
    for index in range(60):
        MembershipFactory(organisation=tree["cell_a1" if index % 2 else "cell_a2"])
    for _ in range(40):
        MembershipFactory(organisation=tree["cell_b1"])
    admitted(tree["cell_a1"], "Mai")
    admitted(tree["cell_a2"], "Đào")
    admitted(tree["cell_b1"], "Lý")
    for given in ("Cúc", "Huệ"):
        CandidacyFactory(
            organisation=tree["cell_a1"],
            person=PersonFactory(given_name=given, organisation=tree["cell_a1"]),
        )
    admin = user_with_role(
        tree["province"], Role.ADMINISTRATOR, username="quantri", full_name="Võ Văn Quản"
    )
    snapshot_take(year=YEAR, actor=admin)
    aggregates_rebuild()
    for key, number in (("province", 5), ("commune_a", 3), ("commune_b", 2)):
        target = target_set(actor=admin, organisation=tree[key], year=YEAR, number=number)
        target_approve(actor=admin, target=target)
    term = f"{YEAR - 1}–{YEAR + 3}"
    term_create(
        actor=admin,
        organisation=tree["commune_a"],
        name=term,
        start_year=YEAR - 1,
        end_year=YEAR + 3,
        congress_target=15,
    )
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    login(page, "quantri", PASSWORD)
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name="Theo dõi, báo cáo"
    ).click()

    # The user's only root: the province's dashboard for this year.
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(f"Tiến độ kết nạp đảng viên năm {YEAR}")
    expect(
        page.get_by_text(f"Đảng bộ tỉnh Mẫu · số liệu đến ngày {TODAY:%d/%m/%Y}")
    ).to_be_visible()
    summary = page.locator("#summary")
    expect(figure(summary, "Đảng viên đầu năm")).to_have_text("100")
    expect(figure(summary, "Đã kết nạp / chỉ tiêu")).to_have_text("3 / 5")
    expect(summary.locator(".card", has_text="Đã kết nạp / chỉ tiêu")).to_contain_text(
        "Đạt 60,0% chỉ tiêu"
    )
    expect(figure(summary, "Tỷ lệ kết nạp so với số đảng viên")).to_have_text("3,0%")
    rate = summary.locator(".card", has_text="Tỷ lệ kết nạp so với số đảng viên")
    expect(rate).to_contain_text("Đạt tỷ lệ tối thiểu 3%")
    # Members were counted on 1 January: no "estimated" warning.
    expect(page.get_by_text("chưa chốt số đảng viên đầu năm")).to_have_count(0)

    # The charts draw (Chart.js and ptdv/dashboard.js loaded under the Content-Security-
    # Policy, the data read from the JSON element), each with its table of figures.
    expect(page.locator("#chart-funnel")).to_be_visible()
    assert page.evaluate("typeof Chart") == "function"
    page.wait_for_function("() => Chart.getChart('chart-breakdown') !== undefined")
    drawn = page.evaluate(
        "['chart-funnel', 'chart-trend', 'chart-breakdown'].map("
        "id => Chart.getChart(id).data.datasets[0].data.length)"
    )
    assert all(count > 0 for count in drawn), drawn
    assert "script-src 'self';" in page.evaluate(
        "async () => (await fetch(location.href)).headers.get('content-security-policy') + ';'"
    )
    funnel = page.locator("#funnel")
    expect(funnel.locator("tr", has_text="Đã có quyết định kết nạp").locator("td")).to_have_text(
        ["Đã có quyết định kết nạp", "3"]
    )
    expect(funnel.locator("tr", has_text="Quần chúng ưu tú (nguồn)").locator("td")).to_have_text(
        ["Quần chúng ưu tú (nguồn)", "2"]
    )
    trend = page.locator("#trend")
    expect(trend.locator("tbody tr")).to_have_count(6)
    expect(trend.locator("tbody tr").last.locator("td")).to_have_text(
        [str(YEAR), "100", "5", "3", "3,0%"]
    )

    # The communes, each with its own figures.
    children = page.locator("#children")
    row_a = children.locator("tbody tr", has_text="Đảng bộ xã A")
    # Name, members at start, target, admitted, rate, achievement, the forecast and its upper
    # bound (they depend on the date), overdue, "white" localities.
    any_text = re.compile(".*")
    expect(row_a.locator("td")).to_have_text(
        ["Đảng bộ xã A", "60", "3", "2", "3,3%", "66,7%", any_text, any_text, "0", "0"]
    )
    row_b = children.locator("tbody tr", has_text="Đảng bộ xã B")
    expect(row_b.locator("td").nth(4)).to_have_text("2,5%")
    expect(row_b.locator("td").nth(4)).to_have_class(re.compile("text-danger"))
    page.screenshot(path=SCREENSHOT, full_page=True)

    # Down to commune A.
    row_a.get_by_role("link", name="Đảng bộ xã A").click()
    expect(page.get_by_role("navigation", name="Đường dẫn")).to_contain_text("Đảng bộ tỉnh Mẫu")
    expect(page.locator(".breadcrumb-item.active")).to_have_text("Đảng bộ xã A")
    expect(figure(summary, "Đảng viên đầu năm")).to_have_text("60")
    expect(figure(summary, "Đã kết nạp / chỉ tiêu")).to_have_text("2 / 3")
    expect(figure(summary, "Tỷ lệ kết nạp so với số đảng viên")).to_have_text("3,3%")
    # Its children are the grassroots committee.
    expect(page.locator("#children")).to_contain_text("Đảng bộ cơ sở A")

    # Choosing another year reloads the page (ptdv.js submits the selector: no inline
    # handler), and back.
    years = page.locator("#id_year option").evaluate_all("options => options.map(o => o.value)")
    other = next(value for value in years if value != str(YEAR))
    page.select_option("#id_year", other)
    expect(heading).to_have_text(f"Tiến độ kết nạp đảng viên năm {other}")
    page.select_option("#id_year", str(YEAR))
    expect(heading).to_have_text(f"Tiến độ kết nạp đảng viên năm {YEAR}")
    expect(page.locator(".breadcrumb-item.active")).to_have_text("Đảng bộ xã A")

    # The progress report, as a workbook and as a PDF.
    xlsx = download(page, page.get_by_role("link", name="Báo cáo tiến độ (Excel)"), tmp_path)
    assert xlsx.name == f"bao-cao-tien-do-Xa-{YEAR}.xlsx"
    text = workbook_text(xlsx)
    assert f"BÁO CÁO TIẾN ĐỘ KẾT NẠP ĐẢNG VIÊN NĂM {YEAR} — ĐẢNG BỘ XÃ A" in text
    assert f"Đảng bộ xã A — số liệu đến ngày {TODAY:%d/%m/%Y}" in text
    assert "Đảng bộ cơ sở A" in text
    assert summary_value(xlsx, "Số đảng viên đầu năm") == 60
    assert summary_value(xlsx, "Chỉ tiêu kết nạp") == 3
    assert summary_value(xlsx, "Số đã kết nạp") == 2

    pdf = download(page, page.get_by_role("link", name="Báo cáo tiến độ (PDF)"), tmp_path)
    assert pdf.read_bytes().startswith(b"%PDF")
    text = pdf_text(pdf)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert f"BÁO CÁO tiến độ kết nạp đảng viên năm {YEAR} Đảng bộ xã A" in text
    assert "Đã kết nạp 2 đảng viên, đạt 66,7% chỉ tiêu" in text
    assert "Đảng bộ cơ sở A" in text

    # The directive's indicators over the commune's term.
    page.get_by_role("link", name=f"Chỉ số theo Chỉ thị (nhiệm kỳ {term})").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Kết quả phát triển đảng viên theo nhiệm kỳ"
    )
    indicators = page.locator("#indicators")
    expect(indicators).to_contain_text(f"{term} (tính các năm {YEAR - 1}–{YEAR + 3})")
    expect(
        indicators.locator("tr", has_text="Số đảng viên kết nạp từ năm").locator("td")
    ).to_have_text("2")
    xlsx = download(page, page.get_by_role("link", name="Excel", exact=True), tmp_path)
    assert xlsx.name == f"bao-cao-chi-so-Xa-{YEAR - 1}-{YEAR}.xlsx"
    text = workbook_text(xlsx)
    assert "BÁO CÁO KẾT QUẢ PHÁT TRIỂN ĐẢNG VIÊN — ĐẢNG BỘ XÃ A" in text
    assert f"Đảng bộ xã A — nhiệm kỳ {term}, từ năm {YEAR - 1} đến năm {YEAR}" in text

    pdf = download(page, page.get_by_role("link", name="PDF", exact=True), tmp_path)
    text = pdf_text(pdf)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert f"BÁO CÁO kết quả phát triển đảng viên nhiệm kỳ {term} Đảng bộ xã A" in text
    assert f"Từ năm {YEAR - 1} đến năm {YEAR}, toàn Đảng bộ xã A kết nạp 2 đảng viên" in text

    assert errors == []
