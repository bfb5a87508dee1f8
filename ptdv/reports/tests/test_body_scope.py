"""A report export checks the organisation and the term it is given through the actor's scope
itself, whatever door called it; the console's `--organisation CODE` outside the scope reads
like an absent code (issue 10 §1)."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.http import Http404

from ptdv.accounts.models import Role
from ptdv.audit.models import AuditEntry
from ptdv.factories import user_with_role
from ptdv.reports.services import report_indicators_export, report_progress_export
from ptdv.targets.services import term_create

pytestmark = pytest.mark.django_db


def test_the_export_refuses_an_organisation_outside_the_scope(tree):
    admin_b = user_with_role(tree["commune_b"], Role.ADMINISTRATOR)
    with pytest.raises(Http404):
        report_progress_export(
            actor=admin_b,
            organisation=tree["commune_a"],
            year=2026,
            fmt="xlsx",
            today=dt.date(2026, 6, 1),
        )
    assert not AuditEntry.objects.filter(action="export").exists()


def test_the_export_refuses_a_term_of_another_organisation(tree):
    admin = user_with_role(tree["province"], Role.ADMINISTRATOR)
    term_b = term_create(
        actor=admin,
        organisation=tree["commune_b"],
        name="2025–2030",
        start_year=2025,
        end_year=2029,
        congress_target=3,
        programmes=[],
    )
    with pytest.raises(Http404):
        report_indicators_export(
            actor=admin,
            organisation=tree["commune_a"],
            term=term_b,
            year=2026,
            fmt="xlsx",
            today=dt.date(2026, 6, 1),
        )
    assert not AuditEntry.objects.filter(action="export").exists()


def test_the_console_reads_an_organisation_outside_the_scope_as_absent(tree, tmp_path):
    admin_b = user_with_role(tree["commune_b"], Role.ADMINISTRATOR)
    messages = []
    for code in ("Xa", "KHONG-CO"):
        with pytest.raises(CommandError) as info:
            call_command(
                "report", "progress", "--organisation", code, "--format", "xlsx",
                "--output", str(tmp_path / "r.xlsx"), "--as", admin_b.username,
                stdout=io.StringIO(),
            )  # fmt: skip
        messages.append(str(info.value).replace(code, "…"))
    assert messages[0] == messages[1]
    assert not (tmp_path / "r.xlsx").exists()
    assert not AuditEntry.objects.filter(action="export").exists()
