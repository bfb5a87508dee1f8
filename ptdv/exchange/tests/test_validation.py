"""Row checks: dates, national IDs, organisation codes and scope, coded values, duplicates;
a rejected file comes back annotated; nothing is written unless every row passes."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook

from ptdv.accounts.models import Role
from ptdv.candidacies.models import Candidacy
from ptdv.exchange import workbook
from ptdv.exchange.models import ImportJob
from ptdv.exchange.services import import_job_create, import_job_run, import_workbook
from ptdv.exchange.tests.conftest import candidate, filled_template
from ptdv.factories import PersonFactory, user_with_role
from ptdv.people.crypto import national_id_encrypt, national_id_hash
from ptdv.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(tree):
    return user_with_role(tree["commune_a"], Role.CLERK)


def errors_of(clerk, tmp_path, rows):
    outcome = import_workbook(
        actor=clerk, path=filled_template(tmp_path, "candidates", rows), kind="candidates"
    )
    assert not Candidacy.objects.exists()
    return {(e.row, e.column): e.message for e in outcome.errors}, outcome


def test_every_bad_value_is_named_and_nothing_is_written(tree, clerk, tmp_path):
    tomorrow = dt.date.today() + dt.timedelta(days=2)
    rows = [
        candidate(),  # row 3 is fine: still not written, the file is refused whole
        candidate(national_id="042301000002", birth_date="31/02/2001"),
        candidate(national_id="042301000003", birth_date="2001/13/45"),
        candidate(national_id=42301000004),  # a number: the leading zero is gone
        candidate(national_id="04230100000A"),
        candidate(national_id="042301000006", organisation="KHONG-CO"),
        candidate(national_id="042301000007", organisation="Cb1"),  # outside the subtree
        candidate(national_id="042301000008", organisation="Xa"),  # not a cell
        candidate(national_id="042301000009", gender="Khác"),
        candidate(national_id="042301000010", education="nu"),
        candidate(national_id="042301000011", opened_on=tomorrow),
        candidate(national_id="042301000012", family_name=""),
        candidate(national_id="042301000013", birth_date="01/01/2020"),
    ]
    messages, outcome = errors_of(clerk, tmp_path, rows)
    assert outcome.status == "rejected"
    assert (3, "birth_date") not in messages
    assert messages[(4, "birth_date")] == "Ngày 31/02/2001 không có trên lịch."
    assert "không phải ngày" in messages[(5, "birth_date")]
    assert "bỏ số 0 ở đầu" in messages[(6, "national_id")]
    assert messages[(7, "national_id")] == "Số định danh phải gồm đúng 12 chữ số."
    assert messages[(8, "organisation")].startswith("Không tìm thấy tổ chức mã “KHONG-CO”")
    assert messages[(9, "organisation")] == messages[(8, "organisation")].replace("KHONG-CO", "Cb1")
    assert "không phải" in messages[(10, "organisation")]
    assert "không có trong danh mục" in messages[(11, "gender")]
    assert "không có trong danh mục" in messages[(12, "education")]
    assert "ở tương lai" in messages[(13, "opened_on")]
    assert "không được để trống" in messages[(14, "family_name")]
    assert "Chưa đủ 16 tuổi" in messages[(15, "birth_date")]


def test_labels_are_matched_without_case_or_diacritics(tree, clerk, tmp_path):
    rows = [candidate(gender="NỮ", education="dai hoc", occupation="vien chuc")]
    outcome = import_workbook(
        actor=clerk, path=filled_template(tmp_path, "candidates", rows), kind="candidates"
    )
    assert outcome.status == "imported", outcome.errors
    person = Person.objects.get()
    assert (person.gender, person.education, person.occupation) == (
        "female",
        "university",
        "public_service",
    )


def test_duplicates_in_the_file_and_against_the_database(tree, clerk, tmp_path):
    existing = PersonFactory(organisation=tree["cell_b1"], given_name="Khác")
    Person.objects.filter(pk=existing.pk).update(
        national_id_hash=national_id_hash("042301000099"),
        national_id_encrypted=national_id_encrypt("042301000099"),
    )
    rows = [
        candidate(),
        candidate(given_name="Mai Hai"),  # same national ID as row 3
        candidate(national_id="042301000099", given_name="Khác"),
    ]
    messages, _outcome = errors_of(clerk, tmp_path, rows)
    assert messages[(4, "national_id")] == "Trùng số định danh với dòng 3."
    assert messages[(5, "national_id")] == "Số định danh này đã có trong hệ thống."


def test_same_name_and_birth_date_is_a_warning(tree, clerk, tmp_path):
    PersonFactory(
        organisation=tree["cell_a1"], family_name="Trần", middle_name="Thị", given_name="Mai",
        birth_date=dt.date(2001, 9, 5),
    )  # fmt: skip
    rows = [candidate(national_id=""), candidate(national_id="", organisation="Ca2")]
    outcome = import_workbook(
        actor=clerk, path=filled_template(tmp_path, "candidates", rows), kind="candidates"
    )
    assert outcome.status == "imported"
    warnings = [w.message for w in outcome.warnings]
    assert any("Cùng họ tên và ngày sinh với dòng 3" in w for w in warnings)
    assert sum("Đã có người cùng họ tên" in w for w in warnings) == 2


@pytest.mark.parametrize("in_place", [True, False])
def test_a_rejected_file_comes_back_annotated(tree, clerk, tmp_path, monkeypatch, in_place):
    if not in_place:
        monkeypatch.setattr(workbook, "IN_PLACE_ROWS", 1)
    path = filled_template(
        tmp_path, "candidates",
        [candidate(), candidate(national_id="042301000002", birth_date="30/02/2001",
                                 gender="Khác")],
    )  # fmt: skip
    with open(path, "rb") as handle:
        job = import_job_create(
            actor=clerk, kind="candidates", upload=handle, original_name="danh-sach.xlsx"
        )
    job = import_job_run(job.pk)
    assert job.status == "rejected" and job.error_count == 2
    assert {e["column"] for e in job.errors} == {"Ngày sinh", "Giới tính"}
    from ptdv.documents.storage import private_storage

    result = load_workbook(private_storage().path(job.result_storage_name))
    ws = result["Quần chúng"]
    headers = [c.value for c in ws[1]]
    assert headers[-1] == "Lỗi"
    assert ws.cell(row=3, column=len(headers)).value is None
    note = ws.cell(row=4, column=len(headers)).value
    assert "Ngày sinh: Ngày 30/02/2001 không có trên lịch." in note and "Giới tính" in note
    bad = ws.cell(row=4, column=4)
    assert bad.value == "30/02/2001"
    assert bad.fill.fgColor.rgb == "FFFFC7CE"
    assert "không có trên lịch" in bad.comment.text
    assert ws.cell(row=4, column=1).fill.fgColor.rgb != "FFFFC7CE"
    assert not Candidacy.objects.exists()
    assert ImportJob.objects.get().rows_written == 0
