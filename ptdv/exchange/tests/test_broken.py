"""Broken and unusual workbooks: each one gets a clear Vietnamese message and writes
nothing; real Excel dates of both date systems and empty rows are read as a person means."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from ptdv.accounts.models import Role
from ptdv.audit.models import AuditEntry
from ptdv.candidacies.models import Candidacy
from ptdv.exchange.columns import KINDS
from ptdv.exchange.services import import_workbook
from ptdv.exchange.tests.conftest import candidate, filled_template
from ptdv.exchange.workbook import template_build
from ptdv.factories import user_with_role
from ptdv.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(tree):
    return user_with_role(tree["commune_a"], Role.CLERK)


def rejected(clerk, path: Path, kind: str = "candidates") -> str:
    outcome = import_workbook(actor=clerk, path=path, kind=kind)
    assert outcome.status == "rejected"
    assert not Person.objects.exists() and not Candidacy.objects.exists()
    assert not AuditEntry.objects.filter(action="import").exists()
    return outcome.message


def test_not_a_workbook(clerk, tmp_path):
    path = tmp_path / "danh-sach.xlsx"
    path.write_text("Họ,Tên\nNguyễn,An\n", encoding="utf-8")
    assert "không phải là sổ tính Excel" in rejected(clerk, path)


def test_truncated_file(clerk, tmp_path):
    whole = filled_template(tmp_path, "candidates", [candidate()])
    path = tmp_path / "cut.xlsx"
    path.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    message = rejected(clerk, path)
    assert "hỏng" in message or "không phải là sổ tính" in message


def test_damaged_zip_member(clerk, tmp_path):
    import zipfile

    whole = filled_template(tmp_path, "candidates", [candidate()])
    path = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(whole) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/sheet1"):
                data = data[: len(data) // 3]
            target.writestr(item, data)
    assert "hỏng" in rejected(clerk, path)


def test_wrong_sheet(clerk, tmp_path):
    wb = Workbook()
    wb.active.title = "Sheet1"
    wb.create_sheet("Sheet2")
    path = tmp_path / "wrong.xlsx"
    wb.save(path)
    message = rejected(clerk, path)
    assert "Không tìm thấy trang tính “Quần chúng”" in message and "“Sheet1”" in message


def test_another_kinds_template(clerk, tmp_path):
    path = tmp_path / "members.xlsx"
    template_build(KINDS["members"], path)
    assert "mẫu nhập “Đảng viên”, không phải “Quần chúng”" in rejected(clerk, path)


def test_missing_columns(clerk, tmp_path):
    path = filled_template(tmp_path, "candidates", [candidate()])
    wb = load_workbook(path)
    ws = wb["Quần chúng"]
    ws.delete_cols(4)  # Ngày sinh
    wb.save(path)
    assert "Thiếu cột bắt buộc: “Ngày sinh”" in rejected(clerk, path)


def test_merged_cells(clerk, tmp_path):
    path = filled_template(
        tmp_path, "candidates", [candidate(), candidate(national_id="042301000002")]
    )
    wb = load_workbook(path)
    wb["Quần chúng"].merge_cells("A3:A4")
    wb.save(path)
    message = rejected(clerk, path)
    assert "ô gộp (A3:A4)" in message and "Unmerge" in message


def test_formulas(clerk, tmp_path):
    path = filled_template(tmp_path, "candidates", [candidate(given_name='=B3&"x"')])
    message = rejected(clerk, path)
    assert "công thức (C3)" in message and "Paste Values" in message


def test_empty_sheet(clerk, tmp_path):
    wb = Workbook()
    wb.active.title = "Quần chúng"
    path = tmp_path / "empty.xlsx"
    wb.save(path)
    assert "trống" in rejected(clerk, path)


def test_only_the_example_row(clerk, tmp_path):
    path = tmp_path / "t.xlsx"
    template_build(KINDS["candidates"], path)
    assert "không có dòng dữ liệu" in rejected(clerk, path)


@pytest.mark.parametrize("epoch", ["1900", "1904"])
def test_real_excel_dates_in_both_date_systems_and_empty_rows(tree, clerk, tmp_path, epoch):
    path = filled_template(
        tmp_path,
        "candidates",
        [
            candidate(birth_date=dt.date(2001, 9, 5)),
            {},  # an empty row in the middle
            {"family_name": "   "},  # only blanks: empty too
            candidate(
                national_id="042301000002", given_name="Hạnh", birth_date=dt.date(1999, 2, 28)
            ),
        ],
    )  # fmt: skip
    wb = load_workbook(path)
    if epoch == "1904":
        # Rewrite the workbook in the 1904 date system (Excel for Mac): the same dates are
        # stored as different serial numbers.
        wb.epoch = CALENDAR_MAC_1904
    ws = wb["Quần chúng"]
    # A date typed as a plain serial number (no date format): read with the workbook's epoch.
    serial = (dt.datetime(2026, 1, 20) - wb.epoch).days
    ws.cell(row=6, column=18, value=serial).number_format = "General"
    wb.save(path)
    with open(path, "rb") as handle:
        import zipfile

        workbook_xml = zipfile.ZipFile(handle).read("xl/workbook.xml")
    assert (b'date1904="1"' in workbook_xml) == (epoch == "1904")
    outcome = import_workbook(actor=clerk, path=path, kind="candidates")
    assert outcome.status == "imported", [(e.row, e.message) for e in outcome.errors]
    assert outcome.written == 2
    assert Person.objects.get(given_name="Mai").birth_date == dt.date(2001, 9, 5)
    assert Person.objects.get(given_name="Hạnh").birth_date == dt.date(1999, 2, 28)
    assert Candidacy.objects.get(person__given_name="Hạnh").opened_on == dt.date(2026, 1, 20)
