"""Members, mode "update": the exits of current members from a workbook, all or nothing,
through the import every kind goes through (function, command, web page and job)."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import load_workbook

from ptdv.accounts.models import Role
from ptdv.audit.models import AuditEntry
from ptdv.exchange.columns import KINDS, MEMBER_EXITS, kind_spec
from ptdv.exchange.importers import MemberImporter, MemberUpdateImporter, importer_for
from ptdv.exchange.models import ImportJob, ImportStatus
from ptdv.exchange.services import ImportOutcome, errors_by_cell, import_workbook
from ptdv.exchange.tests.conftest import filled_template
from ptdv.exchange.workbook import errors_workbook, template_build
from ptdv.factories import user_with_role
from ptdv.members.models import MembershipEvent, MembershipStatus, PartyMembership

pytestmark = pytest.mark.django_db

PEOPLE = [
    ("Phan", "Văn", "Sử", "042070000009"),
    ("Lê", "Thị", "Hoa", "042080000010"),
    ("Trịnh", "Đình", "Quang", "042090000011"),
]


def exits_workbook(tmp_path: Path, rows: list[dict[str, Any]]) -> Path:
    path = tmp_path / "ra-khoi-to-chuc.xlsx"
    template_build(MEMBER_EXITS, path)
    wb = load_workbook(path)
    ws = wb[MEMBER_EXITS.sheet]
    index = {c.key: i + 1 for i, c in enumerate(MEMBER_EXITS.columns)}
    for offset, values in enumerate(rows):
        for key, value in values.items():
            ws.cell(row=3 + offset, column=index[key], value=value)
    wb.save(path)
    return path


@pytest.fixture
def members(tree, tmp_path):
    """Three official members imported (mode "create") into cell A1."""
    clerk = user_with_role(tree["commune_a"], Role.CLERK)
    path = filled_template(
        tmp_path,
        "members",
        [
            {
                "family_name": family, "middle_name": middle, "given_name": given,
                "birth_date": "02/02/1990", "gender": "Nam", "national_id": number,
                "organisation": "Ca1", "status": "Chính thức",
                "admission_decision_date": "01/02/2015", "ceremony_date": "03/02/2015",
                "official_date": "03/02/2016",
            }
            for family, middle, given, number in PEOPLE
        ],
        name="dang-vien.xlsx",
    )  # fmt: skip
    outcome = import_workbook(actor=clerk, path=path, kind="members")
    assert outcome.status == "imported", outcome.errors
    tree["cell_a1"].refresh_from_db()
    assert tree["cell_a1"].member_count == 3
    # The create mode's counters and tallies went through the memberships' hook.
    call_command("aggregates", "verify", stdout=StringIO())
    return {"approver": user_with_role(tree["commune_a"], Role.APPROVER), "clerk": clerk}


def members_update_import(
    *, actor: Any, path: Path, errors_path: Path | None = None, **kwargs: Any
) -> ImportOutcome:
    """The common import in mode "update"; with errors, the annotated copy as the job and
    the command write it."""
    outcome = import_workbook(actor=actor, path=path, kind="members", mode="update", **kwargs)
    if outcome.errors and errors_path is not None and outcome.sheet is not None:
        cells, messages = errors_by_cell(outcome.sheet, outcome.errors)
        errors_workbook(path, errors_path, outcome.sheet, cells, messages)
    return outcome


def by_given(given: str) -> PartyMembership:
    return PartyMembership.objects.get(person__given_name=given)


def test_exits_recorded_with_their_history(tree, members, tmp_path):
    path = exits_workbook(
        tmp_path,
        [
            {"national_id": "042070000009", "action": "Xóa tên", "date": dt.date(2024, 6, 1),
             "grounds": "Bỏ sinh hoạt đảng hoặc không đóng đảng phí 3 tháng",
             "reason": "Bỏ sinh hoạt 4 tháng", "document_number": "15-QĐ/ĐU",
             "document_date": dt.date(2024, 6, 1), "issuing_body": "Đảng ủy xã A",
             "signer": "Trần C"},
            {"national_id": "042080000010", "action": "Từ trần", "date": dt.date(2025, 1, 3)},
        ],
    )  # fmt: skip
    outcome = members_update_import(actor=members["approver"], path=path)
    assert outcome.status == "imported", outcome.errors
    assert outcome.written == 2
    removed = by_given("Sử")
    assert (removed.status, removed.exit_date, removed.exit_grounds) == (
        MembershipStatus.REMOVED,
        dt.date(2024, 6, 1),
        "not_attending",
    )
    event = removed.events.get(action="remove")
    assert (event.document_number, event.signer) == ("15-QĐ/ĐU", "Trần C")
    assert by_given("Hoa").status == MembershipStatus.DECEASED
    assert by_given("Quang").status == MembershipStatus.OFFICIAL
    tree["cell_a1"].refresh_from_db()
    assert tree["cell_a1"].member_count == 1
    call_command("aggregates", "verify", stdout=StringIO())


def test_one_bad_row_writes_nothing_and_annotates(tree, members, tmp_path):
    path = exits_workbook(
        tmp_path,
        [
            {"national_id": "042070000009", "action": "Từ trần", "date": dt.date(2024, 6, 1)},
            # Before the admission (a date rule of the service).
            {"national_id": "042080000010", "action": "Từ trần", "date": dt.date(2010, 1, 3)},
            # Not a member anyone may see.
            {"national_id": "042099999999", "action": "Từ trần", "date": dt.date(2024, 1, 3)},
            # Removal without its grounds and reason.
            {"national_id": "042090000011", "action": "Xóa tên", "date": dt.date(2024, 1, 3)},
        ],
    )  # fmt: skip
    annotated = tmp_path / "loi.xlsx"
    outcome = members_update_import(actor=members["approver"], path=path, errors_path=annotated)
    assert outcome.status == "rejected"
    by_row = {(e.row, e.column) for e in outcome.errors}
    assert (4, "date") in by_row
    assert (5, "national_id") in by_row
    assert (6, "grounds") in by_row and (6, "reason") in by_row
    assert not any(row == 3 for row, _c in by_row)
    assert PartyMembership.objects.filter(status=MembershipStatus.OFFICIAL).count() == 3
    assert not MembershipEvent.objects.exclude(action__in=["admit", "recognise"]).exists()
    ws = load_workbook(annotated)[MEMBER_EXITS.sheet]
    header = [c.value for c in ws[1]]
    errors = {row: ws.cell(row=row, column=header.index("Lỗi") + 1).value for row in (3, 4, 5)}
    assert errors[3] is None
    assert "không được trước ngày kết nạp" in errors[4]
    assert "Không tìm thấy đảng viên" in errors[5]


def test_roles_and_scope(tree, members, tmp_path):
    path = exits_workbook(
        tmp_path,
        [{"national_id": "042070000009", "action": "Khai trừ", "date": dt.date(2024, 6, 1),
          "reason": "Vi phạm"}],
    )  # fmt: skip
    # Expulsion is an approver's: a clerk's row is refused, nothing written.
    outcome = members_update_import(actor=members["clerk"], path=path)
    assert outcome.status == "rejected"
    assert outcome.errors[0].column == "action"
    outsider = user_with_role(tree["commune_b"], Role.ADMINISTRATOR)
    outcome = members_update_import(actor=outsider, path=path)
    assert outcome.status == "rejected"
    assert outcome.errors[0].column == "national_id"
    assert by_given("Sử").status == MembershipStatus.OFFICIAL


def test_dry_run_writes_nothing(tree, members, tmp_path):
    path = exits_workbook(
        tmp_path,
        [{"national_id": "042070000009", "action": "Từ trần", "date": dt.date(2024, 6, 1)}],
    )
    outcome = members_update_import(actor=members["clerk"], path=path, dry_run=True)
    assert outcome.status == "checked", outcome.errors
    assert by_given("Sử").status == MembershipStatus.OFFICIAL
    assert not MembershipEvent.objects.filter(action="death").exists()


def test_the_kind_s_modes_choose_importer_and_columns():
    assert importer_for("members", "create") is MemberImporter
    assert importer_for("members", "update") is MemberUpdateImporter
    assert kind_spec("members") is KINDS["members"]
    assert kind_spec("members", "create") is KINDS["members"]
    assert kind_spec("members", "update") is MEMBER_EXITS
    assert kind_spec("people", "update") is KINDS["people"]


def test_the_command_in_update_mode(tree, members, tmp_path):
    path = exits_workbook(
        tmp_path,
        [{"national_id": "042080000010", "action": "Từ trần", "date": dt.date(2025, 1, 3)}],
    )
    approver = members["approver"].username
    out = StringIO()
    call_command(
        "import", str(path), "--kind", "members", "--mode", "update", "--as", approver,
        "--dry-run", stdout=out,
    )  # fmt: skip
    assert "không có lỗi" in out.getvalue()
    assert by_given("Hoa").status == MembershipStatus.OFFICIAL
    assert not MembershipEvent.objects.filter(action="death").exists()

    # The exits' workbook read in mode "create" is refused (another template), nothing written.
    with pytest.raises(CommandError, match="ra khỏi tổ chức"):
        call_command("import", str(path), "--kind", "members", "--as", approver, stdout=StringIO())

    out = StringIO()
    call_command(
        "import", str(path), "--kind", "members", "--mode", "update", "--as", approver, stdout=out
    )
    assert "Đã nhập 1 dòng" in out.getvalue()
    assert by_given("Hoa").status == MembershipStatus.DECEASED
    entry = AuditEntry.objects.filter(action="import", data__mode="update").get()
    assert entry.data["kind"] == "members" and "(cập nhật)" in entry.summary
    call_command("aggregates", "verify", stdout=StringIO())


def test_the_command_writes_the_annotated_workbook(tree, members, tmp_path):
    path = exits_workbook(
        tmp_path,
        [{"national_id": "042090000011", "action": "Xóa tên", "date": dt.date(2024, 1, 3)}],
    )
    annotated = tmp_path / "loi-lenh.xlsx"
    with pytest.raises(CommandError, match="chưa nhập dòng nào"):
        call_command(
            "import", str(path), "--kind", "members", "--mode", "update",
            "--as", members["approver"].username, "--errors-output", str(annotated),
            stdout=StringIO(), stderr=StringIO(),
        )  # fmt: skip
    ws = load_workbook(annotated)[MEMBER_EXITS.sheet]
    header = [c.value for c in ws[1]]
    assert "Căn cứ xóa tên" in ws.cell(row=3, column=header.index("Lỗi") + 1).value
    assert by_given("Quang").status == MembershipStatus.OFFICIAL


def test_the_template_of_the_update_mode(tree, members, tmp_path, client):
    target = tmp_path / "mau.xlsx"
    call_command(
        "export",
        "template",
        "--kind",
        "members",
        "--mode",
        "update",
        "--output",
        str(target),
        stdout=StringIO(),
    )
    ws = load_workbook(target)[MEMBER_EXITS.sheet]
    assert [str(c.value).removesuffix(" (*)") for c in ws[1]][:3] == [
        "Số định danh cá nhân (CCCD)", "Thao tác", "Ngày có hiệu lực",
    ]  # fmt: skip
    with pytest.raises(CommandError):
        call_command(
            "export", "template", "--kind", "organisations", "--mode", "update",
            "--output", str(target), stdout=StringIO(),
        )  # fmt: skip

    client.force_login(members["clerk"])
    url = reverse("exchange:template", args=["members"])
    page = client.get(reverse("exchange:index")).content.decode()
    assert f"{url}?mode=update" in page
    response = client.get(url, {"mode": "update"})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'{MEMBER_EXITS.template_name}"')
    assert client.get(url, {"mode": "nope"}).status_code == 404
    default = client.get(url)
    assert default["Content-Disposition"].endswith(f'{KINDS["members"].template_name}"')


def test_the_web_upload_in_update_mode(tree, members, tmp_path, client):
    client.force_login(members["approver"])
    bad = exits_workbook(
        tmp_path,
        [{"national_id": "042090000011", "action": "Xóa tên", "date": dt.date(2024, 1, 3)}],
    )
    url = reverse("exchange:index")
    (tmp_path / "ok").mkdir()
    with bad.open("rb") as handle:
        client.post(url, {"kind": "members", "mode": "update", "file": handle})
    rejected = ImportJob.objects.get()
    assert (rejected.mode, rejected.status) == ("update", ImportStatus.REJECTED)
    assert {e["column"] for e in rejected.errors} >= {"Căn cứ xóa tên", "Lý do"}
    download = client.get(reverse("exchange:job_errors", args=[rejected.pk]))
    assert download.status_code == 200
    annotated = tmp_path / "tai-ve.xlsx"
    annotated.write_bytes(b"".join(download.streaming_content))
    ws = load_workbook(annotated)[MEMBER_EXITS.sheet]
    header = [c.value for c in ws[1]]
    assert "Căn cứ xóa tên" in ws.cell(row=3, column=header.index("Lỗi") + 1).value
    assert by_given("Quang").status == MembershipStatus.OFFICIAL

    good = exits_workbook(
        tmp_path / "ok",
        [{"national_id": "042090000011", "action": "Từ trần", "date": dt.date(2024, 1, 3)}],
    )
    with good.open("rb") as handle:
        response = client.post(
            url, {"kind": "members", "mode": "update", "dry_run": "1", "file": handle}
        )
    checked = ImportJob.objects.exclude(pk=rejected.pk).get()
    assert response.status_code == 302
    assert (checked.dry_run, checked.status) == (True, ImportStatus.CHECKED)
    assert by_given("Quang").status == MembershipStatus.OFFICIAL
    with good.open("rb") as handle:
        client.post(url, {"kind": "members", "mode": "update", "file": handle})
    done = ImportJob.objects.order_by("-pk").first()
    assert done is not None and done.status == ImportStatus.IMPORTED
    assert by_given("Quang").status == MembershipStatus.DECEASED
