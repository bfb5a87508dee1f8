"""Every code an import row names — organisation, cell, parent, residence — is resolved
through the importing user's scope: outside reads exactly like absent ("Không tìm thấy …"),
and the whole file writes nothing, through the service and the console alike (issue 10 §1)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ptdv.accounts.models import Role
from ptdv.core.tests.state import WRITE_TABLES, db_state
from ptdv.exchange.services import import_workbook
from ptdv.exchange.tests.conftest import candidate, filled_template
from ptdv.factories import LocalityFactory, user_with_role
from ptdv.people.models import Person

pytestmark = pytest.mark.django_db

# A refused import leaves its own trace (the job and its audit entry); nothing else moves.
DATA_TABLES = tuple(t for t in WRITE_TABLES if t not in ("audit.AuditEntry", "exchange.ImportJob"))


def messages_of(outcome):
    return {(e.row, e.column): e.message for e in outcome.errors}


def run(actor, tmp_path, kind, rows):
    before = db_state(*DATA_TABLES)
    outcome = import_workbook(actor=actor, path=filled_template(tmp_path, kind, rows), kind=kind)
    assert outcome.status == "rejected"
    assert db_state(*DATA_TABLES) == before
    return messages_of(outcome)


def test_a_candidate_in_another_communes_cell_reads_as_absent(tree, tmp_path):
    clerk = user_with_role(tree["commune_a"], Role.CLERK)
    messages = run(
        clerk,
        tmp_path,
        "candidates",
        [
            candidate(),  # a good row: still not written
            candidate(national_id="042301000002", organisation="Cb1"),
            candidate(national_id="042301000003", organisation="KHONG-CO"),
        ],
    )
    outside, absent = messages[(4, "organisation")], messages[(5, "organisation")]
    assert outside == "Không tìm thấy tổ chức mã “Cb1” trong phạm vi được phân quyền."
    assert absent == outside.replace("Cb1", "KHONG-CO")


def test_a_residence_in_another_commune_reads_as_absent(tree, tmp_path):
    clerk = user_with_role(tree["commune_a"], Role.CLERK)
    LocalityFactory(organisation=tree["commune_a"], code="TH-A")
    LocalityFactory(organisation=tree["commune_b"], code="TH-B")
    messages = run(
        clerk,
        tmp_path,
        "candidates",
        [
            candidate(residence_locality="TH-A"),
            candidate(national_id="042301000002", residence_locality="TH-B"),
            candidate(national_id="042301000003", residence_locality="TH-KHONG-CO"),
        ],
    )
    assert (3, "residence_locality") not in messages
    outside = messages[(4, "residence_locality")]
    assert outside == "Không tìm thấy thôn, tổ dân phố mã “TH-B” trong phạm vi được phân quyền."
    assert messages[(5, "residence_locality")] == outside.replace("TH-B", "TH-KHONG-CO")


def test_a_cell_level_clerk_may_name_the_villages_of_the_commune_above(tree, tmp_path):
    """As in the registration form: the commune's villages are named, though outside the
    cell's subtree (names only, no personal data)."""
    clerk = user_with_role(tree["cell_a1"], Role.CLERK)
    village = LocalityFactory(organisation=tree["commune_a"], code="TH-A")
    path = filled_template(
        tmp_path, "candidates", [candidate(organisation="Ca1", residence_locality="TH-A")]
    )
    outcome = import_workbook(actor=clerk, path=path, kind="candidates")
    assert outcome.status == "imported", outcome.errors
    assert Person.objects.get().residence_locality == village


def test_localities_and_users_name_organisations_in_scope_only(tree, tmp_path):
    admin = user_with_role(tree["commune_a"], Role.ADMINISTRATOR)
    messages = run(
        admin,
        tmp_path,
        "localities",
        [
            {"code": "TH-1", "name": "Thôn Một", "kind": "Thôn", "organisation": "Xb"},
            {"code": "TH-2", "name": "Thôn Hai", "kind": "Thôn", "organisation": "Xa",
             "cell": "Cb1"},
        ],
    )  # fmt: skip
    assert messages[(3, "organisation")].startswith("Không tìm thấy tổ chức mã “Xb”")
    assert messages[(4, "cell")].startswith("Không tìm thấy tổ chức mã “Cb1”")
    messages = run(
        admin,
        tmp_path,
        "users",
        [{"username": "cb.moi", "organisation": "Xb", "role": "Nhập liệu"}],
    )
    assert messages[(3, "organisation")].startswith("Không tìm thấy tổ chức mã “Xb”")


def test_the_console_import_refuses_the_whole_file(tree, tmp_path, capsys):
    clerk = user_with_role(tree["commune_a"], Role.CLERK)
    path = filled_template(
        tmp_path,
        "candidates",
        [candidate(), candidate(national_id="042301000002", organisation="Cb1")],
    )
    before = db_state(*DATA_TABLES)
    with pytest.raises(CommandError):
        call_command("import", str(path), "--kind", "candidates", "--as", clerk.username)
    assert "Không tìm thấy tổ chức mã “Cb1”" in capsys.readouterr().err
    assert db_state(*DATA_TABLES) == before
