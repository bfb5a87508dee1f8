"""Members, mode "update": the exits of current members from a workbook, all or nothing."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from ptdv.accounts.models import Role
from ptdv.exchange.importers.members_update import MEMBER_EXITS, members_update_import
from ptdv.exchange.services import import_workbook
from ptdv.exchange.tests.conftest import filled_template
from ptdv.exchange.workbook import template_build
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
