"""A commune clerk's paperwork: the cell's resolution (6-KNĐ) as PDF and DOCX, the signed
scan attached to the dossier, then two candidates typed into the Excel template, imported,
listed and exported again.

The dossier is taken to the cell's resolution through the workflow service, with dates
counted back from today (as in the admission journey) so it stays lawful whenever it runs.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
import weasyprint
from playwright.sync_api import expect

from ptdv.accounts.models import Role
from ptdv.candidacies.models import Candidacy, Stage
from ptdv.candidacies.workflow import candidacy_act
from ptdv.documents.models import Attachment
from ptdv.e2e.conftest import login
from ptdv.factories import (
    CandidacyFactory,
    MembershipFactory,
    PersonFactory,
    make_tree,
    user_with_role,
)
from ptdv.members.models import PartyMembership

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "mat-khau-thu-nghiem"  # noqa: S105 (UserFactory's test password)
# The dossier page with its forms and the attached scan, kept for a human to look at.
SCREENSHOT = Path(tempfile.gettempdir()) / "ptdv-candidacy-documents.png"
TODAY = dt.date.today()
APPLICANT = "Trần Thị Ngọc Ánh"
# The two candidates typed into the import template: (family, middle, given, birth, gender).
IMPORTED = [
    ("Phan", "Thị", "Thảo", dt.date(2002, 4, 15), "Nữ"),
    ("Đinh", "Văn", "Quý", dt.date(1999, 11, 20), "Nam"),
]


def iso(days_ago: int) -> str:
    return (TODAY - dt.timedelta(days=days_ago)).isoformat()


def download(page: Any, link: Any, folder: Path) -> Path:
    """Click a link that answers with an attachment; save the file and return its path."""
    with page.expect_download() as info:
        link.click()
    file = info.value
    assert file.failure() is None
    path = folder / file.suggested_filename
    file.save_as(path)
    return path


def pdf_text(path: Path) -> str:
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext is missing: apt-get install poppler-utils"
    result = subprocess.run(  # noqa: S603 - a fixed local tool on our own file
        [pdftotext, str(path), "-"], capture_output=True, check=True, text=True
    )
    return " ".join(result.stdout.split())


def docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return " ".join(" ".join(parts).split())


def workbook_rows(path: Path) -> list[tuple[Any, ...]]:
    sheet = openpyxl.load_workbook(path).worksheets[0]
    return list(sheet.iter_rows(values_only=True))


def dossier_at_branch_resolution(tree: dict[str, Any]) -> Candidacy:
    """Nine members in cell A1 and an applicant whose cell has voted to admit her."""
    cell = tree["cell_a1"]
    for given in ("Giới", "Hai", "Ba", "Bốn", "Năm", "Sáu", "Bảy", "Tám", "Chín"):
        MembershipFactory(
            organisation=cell,
            person=PersonFactory(
                family_name="Lê", middle_name="Văn", given_name=given, organisation=cell
            ),
        )
    introducer = PartyMembership.objects.get(person__given_name="Giới")
    person = PersonFactory(
        family_name="Trần",
        middle_name="Thị Ngọc",
        given_name="Ánh",
        gender="female",
        birth_date=dt.date(2001, 8, 9),
        education="upper_secondary",
        youth_union_member=True,
        organisation=cell,
    )
    candidacy = CandidacyFactory(
        person=person, organisation=cell, opened_on=TODAY - dt.timedelta(days=400)
    )
    approver = user_with_role(tree["commune_a"], Role.APPROVER)
    steps: list[tuple[str, dict[str, Any]]] = [
        ("record_certificate", {"date": iso(300), "certificate_date": iso(310)}),
        (
            "record_application",
            {"date": iso(200), "application_date": iso(202), "history_date": iso(201)},
        ),
        ("record_verification", {"date": iso(120), "concluded_on": iso(120)}),
        ("record_opinions", {"date": iso(110), "opinions_date": iso(110)}),
        (
            "record_introduction",
            {"date": iso(100), "kind": "youth_union_committee", "introduced_on": iso(100)},
        ),
        (
            "record_introduction",
            {
                "date": iso(100),
                "kind": "member",
                "membership": introducer.pk,
                "months_together": 14,
                "introduced_on": iso(100),
            },
        ),
        (
            "branch_vote",
            {
                "date": iso(90),
                "vote": {"summoned": 9, "present": 9, "agree": 8},
                "document": {"number": "06-NQ/CB", "date": iso(90), "signer": "Lê Văn Giới"},
            },
        ),
    ]
    for action, data in steps:
        candidacy_act(actor=approver, candidacy_id=candidacy.pk, action=action, data=data)
    candidacy.refresh_from_db()
    assert candidacy.stage == Stage.BRANCH_RESOLVED
    return candidacy


def signed_scan() -> bytes:
    """A small, valid one-page PDF (what a scanner would produce, give or take the image)."""
    return weasyprint.HTML(
        string="<p>Nghị quyết chi bộ số 06-NQ/CB — bản đã ký, đóng dấu.</p>"
    ).write_pdf()


def fill_template(path: Path, cell_code: str) -> None:
    """Two candidates below the template's example row (left as it came, so it is skipped)."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Quần chúng"]
    column = {str(cell.value).removesuffix(" (*)"): cell.column for cell in sheet[1] if cell.value}
    for row, (family, middle, given, born, gender) in enumerate(IMPORTED, start=3):
        values = {
            "Họ": family,
            "Tên đệm": middle,
            "Tên": given,
            "Ngày sinh": born,
            "Giới tính": gender,
            "Dân tộc": "Kinh",
            "Tôn giáo": "Không",
            "Trình độ học vấn": "Trung học phổ thông",
            "Nghề nghiệp": "Công nhân, người lao động",
            "Nơi làm việc, học tập": "Công ty May Hà Tĩnh",
            "Đối tượng ưu tiên": "Công nhân",
            "Đoàn viên": "Có",
            "Công đoàn viên": "Không",
            "Mã chi bộ": cell_code,
            "Ngày đưa vào nguồn": TODAY - dt.timedelta(days=30),
        }
        for header, value in values.items():
            sheet.cell(row=row, column=column[header], value=value)
    workbook.save(path)


def test_clerk_prints_forms_attaches_a_scan_and_imports_candidates(
    page: Any, tmp_path: Path, settings: Any
) -> None:
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    tree = make_tree()
    candidacy = dossier_at_branch_resolution(tree)
    user_with_role(tree["commune_a"], Role.CLERK, username="vanthu", full_name="Lê Thị Văn Thư")
    files = tmp_path / "downloads"
    files.mkdir()

    login(page, "vanthu", PASSWORD)
    nav = page.get_by_role("navigation", name="Điều hướng chính")

    # The dossier, from the candidate list.
    nav.get_by_role("link", name="Hồ sơ phát triển đảng viên").click()
    row = page.locator("#candidacy-table tbody tr", has_text=APPLICANT)
    row.get_by_role("link", name="Chi bộ đã đề nghị kết nạp").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(APPLICANT)
    expect(page.locator("#candidacy-stage")).to_have_text("Chi bộ đã đề nghị kết nạp")

    # The forms of this stage; the latest is the cell's resolution, 6-KNĐ.
    forms = page.locator("#candidacy-forms")
    expect(forms).to_contain_text("Nghị quyết chi bộ đề nghị kết nạp đảng viên")
    expect(forms).not_to_contain_text("9-KNĐ")
    resolution = forms.locator("li", has_text="6-KNĐ")
    pdf = download(page, resolution.get_by_role("link", name="PDF"), files)
    assert pdf.name == f"6-knd-{candidacy.pk}.pdf"
    text = pdf_text(pdf)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert "NGHỊ QUYẾT" in text and "đề nghị kết nạp đảng viên" in text
    assert f"đề nghị kết nạp quần chúng {APPLICANT} vào Đảng" in text
    assert "Số 06-NQ/CB" in text and "8/9" in text
    word = download(page, resolution.get_by_role("link", name="DOCX"), files)
    assert word.name == f"6-knd-{candidacy.pk}.docx"
    text = docx_text(word)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert f"đề nghị kết nạp quần chúng {APPLICANT} vào Đảng" in text

    # A text file named .pdf is refused, by its content, in Vietnamese; nothing is stored.
    upload = page.locator("#attachment-upload")
    upload.get_by_label("Tên văn bản").fill("Tệp giả mạo")
    upload.locator("#attachment-file").set_input_files(
        {"name": "gia-mao.pdf", "mimeType": "application/pdf", "buffer": b"Day khong phai PDF"}
    )
    upload.get_by_role("button", name="Tải lên").click()
    expect(page.locator(".ptdv-messages")).to_contain_text(
        "Chỉ nhận tệp PDF, JPEG hoặc PNG (kiểm tra theo nội dung tệp)."
    )
    expect(page.get_by_text("Chưa có tệp đính kèm.")).to_be_visible()
    assert not Attachment.objects.exists()

    # The signed scan, attached to the cell's vote.
    scan = signed_scan()
    upload.get_by_label("Tên văn bản").fill("Nghị quyết chi bộ (bản ký)")
    vote = upload.locator("#attachment-event option", has_text="06-NQ/CB")
    upload.get_by_label("Thuộc bước").select_option(vote.get_attribute("value"))
    upload.locator("#attachment-file").set_input_files(
        {"name": "nghi-quyet-ky.pdf", "mimeType": "application/pdf", "buffer": scan}
    )
    upload.get_by_role("button", name="Tải lên").click()
    expect(page.locator(".ptdv-messages")).to_contain_text("Đã đính kèm văn bản.")
    attachments = page.locator("#candidacy-attachments")
    expect(attachments).to_contain_text("Nghị quyết chi bộ (bản ký)")
    expect(attachments).to_contain_text(f"bước {(TODAY - dt.timedelta(days=90)):%d/%m/%Y}")
    stored = download(
        page, attachments.get_by_role("link", name="Nghị quyết chi bộ (bản ký)"), files
    )
    assert stored.read_bytes() == scan
    page.screenshot(path=SCREENSHOT, full_page=True)

    # Two candidates through the Excel template.
    nav.get_by_role("link", name="Nhập, xuất Excel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nhập, xuất Excel")
    template = download(page, page.get_by_role("link", name="Mẫu nhập quần chúng (nguồn)"), files)
    assert template.name == "mau-nhap-quan-chung.xlsx"
    fill_template(template, tree["cell_a1"].code)
    form = page.locator("#import-form")
    form.get_by_label("Loại dữ liệu").select_option("candidates")
    form.get_by_label("Tệp Excel").set_input_files(str(template))
    form.get_by_label("Chỉ kiểm tra, chưa ghi dữ liệu").uncheck()
    form.get_by_role("button", name="Gửi tệp").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Nhập quần chúng (nguồn): mau-nhap-quan-chung.xlsx"
    )
    result = page.locator("#job-result")
    expect(result).to_have_class(re.compile("alert-success"))
    expect(result).to_contain_text("Đã nhập. Đã nhập 2 dòng.")

    # They are in the pool of cell A1.
    nav.get_by_role("link", name="Hồ sơ phát triển đảng viên").click()
    table = page.locator("#candidacy-table")
    for family, middle, given, born, _gender in IMPORTED:
        line = table.locator("tbody tr", has_text=f"{family} {middle} {given}")
        expect(line).to_contain_text(born.strftime("%d/%m/%Y"))
        expect(line).to_contain_text("Chi bộ thôn A1")
        expect(line).to_contain_text("Quần chúng ưu tú (nguồn)")
    expect(table.locator("tbody tr")).to_have_count(3)

    # And in the list's export.
    export = download(page, page.locator("#export-xlsx"), files)
    rows = workbook_rows(export)
    assert rows[0][:3] == ("Họ và tên", "Ngày sinh", "Giới tính")
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {APPLICANT, "Phan Thị Thảo", "Đinh Văn Quý"}
    for family, middle, given, born, gender in IMPORTED:
        exported = by_name[f"{family} {middle} {given}"]
        assert exported[1].date() == born
        assert exported[2] == gender
        assert exported[7:10] == ("Chi bộ thôn A1", "Ca1", "Quần chúng ưu tú (nguồn)")
