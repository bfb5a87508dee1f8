"""Import "people" in update mode: the yearly clean-up. Rows find people by national ID
within the actor's scope, every row is judged by person_update's own checks, nothing is
written unless all pass, and a rejected workbook comes back annotated."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import load_workbook

from ptdv.accounts.models import Assignment, Role
from ptdv.audit.models import AuditEntry
from ptdv.candidacies.models import CandidacySearch
from ptdv.exchange.models import ImportJob, ImportStatus
from ptdv.exchange.services import errors_by_cell, import_workbook
from ptdv.exchange.tests.conftest import filled_template
from ptdv.exchange.workbook import ERROR_HEADER, errors_workbook
from ptdv.factories import CandidacyFactory, LocalityFactory, PersonFactory, user_with_role
from ptdv.people.crypto import national_id_decrypt, national_id_encrypt, national_id_hash
from ptdv.people.models import Person

pytestmark = pytest.mark.django_db


def with_number(organisation, number: str, **kwargs) -> Person:
    return PersonFactory(
        organisation=organisation,
        national_id_hash=national_id_hash(number),
        national_id_encrypted=national_id_encrypt(number),
        **kwargs,
    )


@pytest.fixture
def clerk(tree):
    return user_with_role(tree["commune_a"], Role.CLERK)


@pytest.fixture
def people(tree):
    return {
        "lan": with_number(tree["cell_a1"], "042301000001", education="lower_secondary"),
        "minh": with_number(tree["cell_a2"], "042301000002", given_name="Minh"),
        "other": with_number(tree["cell_b1"], "042301000009"),  # commune B: out of scope
    }


def run(clerk, path, **kwargs):
    return import_workbook(actor=clerk, path=path, kind="people", mode="update", **kwargs)


def test_corrections_are_written_through_person_update(tree, clerk, people, tmp_path):
    village = LocalityFactory(organisation=tree["commune_a"], code="TH-01")
    candidacy = CandidacyFactory(organisation=tree["cell_a2"], person=people["minh"])
    path = filled_template(
        tmp_path,
        "people",
        [
            {
                "national_id": "042301000001",
                "education": "Đại học",
                "residence_locality": "TH-01",
                "youth_union_member": "Có",
            },
            {
                "national_id": "042301000002",
                "given_name": "Mịnh",
                "new_national_id": "042301000022",
                "reason": "Sai chính tả; CCCD cấp lại",
            },
        ],
    )

    outcome = run(clerk, path)

    assert outcome.status == ImportStatus.IMPORTED, outcome.errors
    assert outcome.written == 2
    lan, minh = (Person.objects.get(pk=people[k].pk) for k in ("lan", "minh"))
    assert (lan.education, lan.residence_locality_id, lan.youth_union_member) == (
        "university",
        village.pk,
        True,
    )
    assert lan.family_name == people["lan"].family_name  # empty cells keep the value
    assert minh.given_name == "Mịnh" and minh.version == 2
    assert minh.national_id_hash == national_id_hash("042301000022")
    assert national_id_decrypt(minh.national_id_encrypted) == "042301000022"
    entry = CandidacySearch.objects.get(candidacy=candidacy)
    assert entry.search_text == minh.search_text
    changes = AuditEntry.objects.filter(action="change", person=minh).get()
    assert changes.data["reason"] == "Sai chính tả; CCCD cấp lại"
    assert changes.data["after"]["national_id"] == "•••••••••022"
    assert AuditEntry.objects.filter(action="import", data__mode="update").count() == 1


def test_one_bad_row_writes_nothing_and_the_workbook_comes_back_annotated(
    tree, clerk, people, tmp_path
):
    path = filled_template(
        tmp_path,
        "people",
        [
            {"national_id": "042301000001", "education": "Đại học"},  # fine alone
            {"national_id": "042301000002", "family_name": "Phạm"},  # no reason
            {"national_id": "042301000009", "education": "Đại học"},  # outside the scope
            {"national_id": "042301000777", "education": "Đại học"},  # nobody
            {
                "national_id": "042301000001",  # the same person twice
                "occupation": "Nông dân",
            },
        ],
    )
    path2 = filled_template(
        tmp_path,
        "people",
        [
            {
                "national_id": "042301000002",
                "new_national_id": "042301000009",  # another person's number
                "reason": "Nhập nhầm",
            }
        ],
        name="dup.xlsx",
    )

    outcome = run(clerk, path)
    duplicate = run(clerk, path2)

    assert outcome.status == ImportStatus.REJECTED and outcome.written == 0
    by_row = {(e.row, e.column): e.message for e in outcome.errors}
    assert by_row[(4, "reason")] == "cần ghi lý do khi sửa họ."
    not_found = "Không tìm thấy công dân có số định danh này trong phạm vi được phân quyền."
    assert by_row[(5, "national_id")] == not_found
    assert by_row[(6, "national_id")] == not_found
    assert by_row[(7, "national_id")] == "Công dân này đã có ở dòng 3."
    assert (3, "education") not in by_row
    assert Person.objects.get(pk=people["lan"].pk).education == "lower_secondary"
    assert not AuditEntry.objects.filter(action__in=["change", "import"]).exists()
    assert duplicate.status == ImportStatus.REJECTED
    assert [(e.column, e.message) for e in duplicate.errors] == [
        ("new_national_id", "số này đã có ở một công dân khác trong hệ thống.")
    ]

    annotated = tmp_path / "loi.xlsx"
    cells, messages = errors_by_cell(outcome.sheet, outcome.errors)
    errors_workbook(path, annotated, outcome.sheet, cells, messages)
    ws = load_workbook(annotated)["Công dân"]
    headers = [c.value for c in ws[1]]
    error_column = headers.index(ERROR_HEADER) + 1
    assert ws.cell(row=4, column=error_column).value == "Lý do sửa: cần ghi lý do khi sửa họ."
    assert ws.cell(row=3, column=error_column).value is None
    reason_cell = ws.cell(row=4, column=headers.index("Lý do sửa") + 1)
    assert reason_cell.comment is not None and "lý do" in reason_cell.comment.text


def test_a_dry_run_checks_and_writes_nothing(tree, clerk, people, tmp_path):
    path = filled_template(
        tmp_path, "people", [{"national_id": "042301000001", "occupation": "Nông dân"}]
    )

    outcome = run(clerk, path, dry_run=True)

    assert outcome.status == ImportStatus.CHECKED
    assert Person.objects.get(pk=people["lan"].pk).occupation == "other"


def test_the_command_takes_the_mode(tree, clerk, people, tmp_path):
    path = filled_template(
        tmp_path, "people", [{"national_id": "042301000001", "birth_date": dt.date(1997, 2, 3)}]
    )
    errors_file = tmp_path / "loi.xlsx"
    with pytest.raises(CommandError, match="lỗi"):
        call_command(
            "import", str(path), "--kind", "people", "--mode", "update", "--as", clerk.username,
            "--errors-output", str(errors_file),
        )  # fmt: skip
    assert errors_file.exists()  # the birth date needs a reason
    with pytest.raises(CommandError, match="chế độ"):
        call_command(
            "import", str(path), "--kind", "people", "--mode", "create", "--as", clerk.username
        )
    fixed = filled_template(
        tmp_path,
        "people",
        [{"national_id": "042301000001", "birth_date": dt.date(1997, 2, 3), "reason": "Lý lịch"}],
        name="ok.xlsx",
    )
    call_command("import", str(fixed), "--kind", "people", "--as", clerk.username)
    assert Person.objects.get(pk=people["lan"].pk).birth_date == dt.date(1997, 2, 3)


def test_the_web_upload_in_update_mode(client, tree, clerk, people, tmp_path):
    client.force_login(clerk)
    good = filled_template(
        tmp_path, "people", [{"national_id": "042301000001", "education": "Đại học"}]
    )
    bad = filled_template(
        tmp_path,
        "people",
        [{"national_id": "042301000002", "given_name": "Minh2", "reason": "x"}],
        name="bad.xlsx",
    )
    url = reverse("exchange:index")

    with good.open("rb") as handle:
        response = client.post(url, {"kind": "people", "mode": "update", "file": handle})
    job = ImportJob.objects.get()
    with bad.open("rb") as handle:
        client.post(url, {"kind": "people", "mode": "update", "file": handle})
    rejected = ImportJob.objects.exclude(pk=job.pk).get()
    with good.open("rb") as handle:
        wrong_mode = client.post(url, {"kind": "people", "mode": "create", "file": handle})

    assert response.status_code == 302
    assert (job.mode, job.status) == ("update", ImportStatus.IMPORTED)
    assert Person.objects.get(pk=people["lan"].pk).education == "university"
    assert rejected.status == ImportStatus.REJECTED and rejected.result_storage_name
    assert rejected.errors[0]["column"] == "Tên"
    download = client.get(reverse("exchange:job_errors", args=[rejected.pk]))
    assert download.status_code == 200
    assert ImportJob.objects.count() == 2
    assert "chế độ" in wrong_mode.content.decode()


def test_a_viewer_s_subtree_reads_as_not_found(tree, people, tmp_path):
    """A clerk of commune A who only views commune B finds nobody of B to correct."""
    user = user_with_role(tree["commune_a"], Role.CLERK)
    Assignment.objects.create(user=user, organisation=tree["commune_b"], role=Role.VIEWER)
    path = filled_template(
        tmp_path, "people", [{"national_id": "042301000009", "occupation": "Nông dân"}]
    )

    outcome = run(user, path)

    assert outcome.status == ImportStatus.REJECTED
    assert [(e.row, e.column) for e in outcome.errors] == [(3, "national_id")]
    assert Person.objects.get(pk=people["other"].pk).occupation == "other"
