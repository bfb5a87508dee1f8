"""Import "organisation changes": a merger list, all or nothing, with a dry run."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from ptdv.accounts.models import Role
from ptdv.candidacies.counters import organisation_counters_rebuild
from ptdv.candidacies.models import Candidacy, Stage
from ptdv.candidacies.tallies import aggregates_rebuild
from ptdv.core.tests.state import db_state
from ptdv.exchange.services import import_workbook
from ptdv.exchange.tests.conftest import filled_template
from ptdv.factories import (
    CandidacyFactory,
    LocalityFactory,
    MembershipFactory,
    OrganisationFactory,
    user_with_role,
)
from ptdv.members.models import PartyMembership
from ptdv.organisations.models import Kind, Locality, Organisation, OrganisationChange

pytestmark = pytest.mark.django_db

DECISION = {
    "decision_number": "125-QĐ/TU",
    "decision_date": dt.date(2025, 6, 20),
    "issuing_body": "Ban Thường vụ Tỉnh ủy",
    "date": dt.date(2025, 7, 1),
}
TABLES = (
    "organisations.Organisation",
    "organisations.Locality",
    "members.PartyMembership",
    "candidacies.Candidacy",
    "candidacies.AdmissionTally",
    "candidacies.PipelineTally",
)


@pytest.fixture
def province():
    """A province of six communes, each with two cells, members, dossiers and a village."""
    province = OrganisationFactory(code="P", name="Đảng bộ tỉnh", kind=Kind.PROVINCE)
    for n in range(1, 7):
        commune = OrganisationFactory(
            parent=province, code=f"X{n}", name=f"Đảng bộ xã {n}", kind=Kind.COMMUNE
        )
        village = LocalityFactory(organisation=commune)
        for c in (1, 2):
            cell = OrganisationFactory(parent=commune, code=f"C{n}{c}")
            MembershipFactory(organisation=cell, person__residence_locality=village)
            CandidacyFactory(
                organisation=cell, stage=Stage.PROBATIONARY, decision_date=dt.date(2025, 3, n)
            )
            CandidacyFactory(organisation=cell, stage=Stage.TRAINED)
    organisation_counters_rebuild()
    aggregates_rebuild()
    return province


def merger_rows():
    """Communes 1–4 into a new commune A; 5 and 6 into the existing commune 5."""
    rows = [
        {
            "change": "Hợp nhất, sáp nhập",
            "organisation": f"X{n}",
            "target": "XA",
            "new_name": "Đảng bộ xã An Phú",
            **DECISION,
        }
        for n in (1, 2, 3, 4)
    ]
    rows.append({"change": "Hợp nhất, sáp nhập", "organisation": "X6", "target": "X5", **DECISION})
    rows.append(
        {"change": "Đổi tên", "organisation": "X5", "new_name": "Đảng bộ xã Hòa Bình", **DECISION}
    )
    return rows


def test_dry_run_changes_nothing_then_the_import_merges(province, tmp_path):
    admin = user_with_role(province, Role.ADMINISTRATOR)
    path = filled_template(tmp_path, "organisation_changes", merger_rows())
    before = db_state(*TABLES)
    outcome = import_workbook(actor=admin, path=path, kind="organisation_changes", dry_run=True)
    assert outcome.status == "checked", [(e.row, e.column, e.message) for e in outcome.errors]
    assert db_state(*TABLES) == before
    assert not OrganisationChange.objects.exists()

    members = set(PartyMembership.objects.values_list("pk", flat=True))
    outcome = import_workbook(actor=admin, path=path, kind="organisation_changes")
    assert outcome.status == "imported" and outcome.written == 6
    new = Organisation.objects.get(code="XA")
    assert new.name == "Đảng bộ xã An Phú" and new.member_count == 8
    x5 = Organisation.objects.get(code="X5")
    assert x5.name == "Đảng bộ xã Hòa Bình" and x5.member_count == 4
    assert (
        set(
            PartyMembership.objects.filter(organisation__path__startswith=new.path).values_list(
                "pk", flat=True
            )
        )
        | set(
            PartyMembership.objects.filter(organisation__path__startswith=x5.path).values_list(
                "pk", flat=True
            )
        )
        == members
    )
    assert Locality.objects.filter(organisation=new).count() == 4
    assert Candidacy.objects.filter(organisation__path__startswith=new.path).count() == 16
    assert Organisation.objects.filter(valid_to=dt.date(2025, 7, 1)).count() == 5
    out = StringIO()
    call_command("aggregates", "verify", stdout=out)
    assert "khớp" in out.getvalue()


def test_a_bad_row_rejects_the_whole_file(province, tmp_path):
    admin = user_with_role(province, Role.ADMINISTRATOR)
    rows = merger_rows()
    rows.append(
        {"change": "Hợp nhất, sáp nhập", "organisation": "KHONGCO", "target": "XA", **DECISION}
    )
    rows.append(
        {
            "change": "Hợp nhất, sáp nhập",
            "organisation": "X1",
            "target": "XB",
            "new_name": "B",
            **DECISION,
        }
    )
    before = db_state(*TABLES)
    outcome = import_workbook(
        actor=admin,
        path=filled_template(tmp_path, "organisation_changes", rows),
        kind="organisation_changes",
    )
    assert outcome.status == "rejected"
    messages = {(e.row, e.column): e.message for e in outcome.errors}
    assert "Không tìm thấy" in messages[(9, "organisation")]
    assert "dòng 3" in messages[(10, "organisation")]
    assert db_state(*TABLES) == before


def test_console_import_with_dry_run(province, tmp_path):
    admin = user_with_role(province, Role.ADMINISTRATOR, username="qt-tinh")
    path = filled_template(tmp_path, "organisation_changes", merger_rows())
    out = StringIO()
    call_command(
        "import",
        str(path),
        "--kind",
        "organisation_changes",
        "--as",
        "qt-tinh",
        "--dry-run",
        stdout=out,
    )
    assert not OrganisationChange.objects.exists()
    call_command(
        "import", str(path), "--kind", "organisation_changes", "--as", admin.username, stdout=out
    )
    assert OrganisationChange.objects.count() == 3


def test_the_bench_merger_verifies_and_leaves_nothing(db):
    from bench.merger import merger_bench

    before = Organisation.objects.count()
    timings = merger_bench(12, 4, today=dt.date(2025, 7, 1))
    assert timings["status"] == "imported", timings
    assert timings["written"] == 12 and timings["communes_after"] == 4
    clean = {"counters": 0, "tallies": 0, "localities": 0, "search": 0}
    assert timings["mismatches_before"] == timings["mismatches"] == clean
    assert Organisation.objects.count() == before


def split_rows():
    """Commune 1 splits in two: the first takes cell C11 and the village, the second C12."""
    village = Locality.objects.get(organisation__code="X1")
    return [
        {
            "change": "Chia tách",
            "organisation": "X1",
            "target": "X1A",
            "new_name": "Đảng bộ xã Bắc",
            "children": "C11",
            "localities": village.code,
            **DECISION,
        },
        {
            "change": "Chia tách",
            "organisation": "X1",
            "target": "X1B",
            "new_name": "Đảng bộ xã Nam",
            "children": "C12",
            **DECISION,
        },
    ]


def test_a_split_takes_each_part_where_its_row_says(province, tmp_path):
    admin = user_with_role(province, Role.ADMINISTRATOR)
    path = filled_template(tmp_path, "organisation_changes", split_rows())
    outcome = import_workbook(actor=admin, path=path, kind="organisation_changes")
    assert outcome.status == "imported", [(e.row, e.column, e.message) for e in outcome.errors]
    assert outcome.written == 2
    north, south = Organisation.objects.get(code="X1A"), Organisation.objects.get(code="X1B")
    assert Organisation.objects.get(code="C11").parent == north
    assert Organisation.objects.get(code="C12").parent == south
    assert Locality.objects.filter(organisation=north).count() == 1
    assert (north.member_count, south.member_count) == (1, 1)
    assert Organisation.objects.get(code="X1").valid_to == dt.date(2025, 7, 1)
    out = StringIO()
    call_command("aggregates", "verify", stdout=out)
    assert "khớp" in out.getvalue()


def test_a_split_row_naming_what_is_not_under_it_rejects_the_file(province, tmp_path):
    admin = user_with_role(province, Role.ADMINISTRATOR)
    rows = split_rows()
    rows[1]["children"] = "C21"  # a cell of commune 2
    rows.append({**rows[0], "target": "X1C", "children": "", "localities": "KHONG-CO"})
    rows.append({"change": "Chia tách", "organisation": "X3", "target": "X3A",
                 "new_name": "Một mình", **DECISION})  # fmt: skip
    before = db_state(*TABLES)
    outcome = import_workbook(
        actor=admin,
        path=filled_template(tmp_path, "organisation_changes", rows),
        kind="organisation_changes",
    )
    assert outcome.status == "rejected"
    messages = {(e.row, e.column): e.message for e in outcome.errors}
    assert "không phải tổ chức trực thuộc" in messages[(4, "children")]
    assert "không phải thôn" in messages[(5, "localities")]
    assert "ít nhất hai" in messages[(6, "target")]
    assert db_state(*TABLES) == before
