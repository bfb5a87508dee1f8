"""The import and export pages: templates, upload with dry run, background jobs with a
progress bar, the annotated file, exports of the lists with their filters."""

from __future__ import annotations

import io

import pytest
from django.test import override_settings
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from bench.imports import exchange_bench_import
from ptdv.accounts.models import Role
from ptdv.audit.models import AuditEntry
from ptdv.candidacies.models import Candidacy
from ptdv.exchange.columns import KINDS
from ptdv.exchange.models import ImportJob
from ptdv.exchange.tasks import import_job_task
from ptdv.exchange.tests.conftest import candidate, filled_template
from ptdv.factories import CandidacyFactory, MembershipFactory, PersonFactory, user_with_role
from ptdv.organisations.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(tree):
    return user_with_role(tree["commune_a"], Role.CLERK)


def test_index_and_templates(client, clerk):
    client.force_login(clerk)
    page = client.get(reverse("exchange:index")).content.decode()
    assert "Nhập, xuất Excel" in page
    assert 'value="candidates"' in page and 'value="organisations"' not in page
    for kind, spec in KINDS.items():
        response = client.get(reverse("exchange:template", args=[kind]))
        assert response.status_code == 200
        wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        ws = wb[spec.sheet]
        assert str(ws.cell(row=1, column=1).value).startswith(spec.columns[0].header)
        assert wb["Danh mục"].sheet_state == "hidden"
        if any(c.type in ("code", "bool") for c in spec.columns):
            assert ws.data_validations.dataValidation
    assert client.get("/exchange/templates/khong-co.xlsx").status_code == 404


def test_small_upload_runs_at_once(client, clerk, tmp_path):
    client.force_login(clerk)
    path = filled_template(tmp_path, "candidates", [candidate()])
    with open(path, "rb") as handle:
        response = client.post(
            reverse("exchange:index"), {"kind": "candidates", "file": handle, "dry_run": "1"}
        )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.status == "checked" and not Candidacy.objects.exists()
    page = client.get(job.get_absolute_url()).content.decode()
    # A finished job does not poll (the header's notification count loads once, not this).
    assert "Kiểm tra xong" in page and 'hx-trigger="every 1s"' not in page
    with open(path, "rb") as handle:
        client.post(reverse("exchange:index"), {"kind": "candidates", "file": handle})
    assert Candidacy.objects.count() == 1
    other = user_with_role(Organisation.objects.get(code="Xa"), Role.ADMINISTRATOR)
    client.force_login(other)
    assert client.get(job.get_absolute_url()).status_code == 404


def test_rejected_upload_offers_the_annotated_file(client, clerk, tmp_path):
    client.force_login(clerk)
    path = filled_template(tmp_path, "candidates", [candidate(birth_date="99/99/2001")])
    with open(path, "rb") as handle:
        client.post(reverse("exchange:index"), {"kind": "candidates", "file": handle})
    job = ImportJob.objects.get()
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Có lỗi, chưa nhập gì" in page and "99/99/2001" in page
    response = client.get(reverse("exchange:job_errors", args=[job.pk]))
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    # The column after the template's last one (issue 14 added the source columns).
    after = len(KINDS["candidates"].columns) + 1
    assert wb["Quần chúng"].cell(row=1, column=after).value == "Lỗi"


def test_a_broken_upload_says_why(client, clerk):
    client.force_login(clerk)
    client.post(
        reverse("exchange:index"),
        {"kind": "candidates", "file": io.BytesIO(b"not a workbook at all")},
    )
    job = ImportJob.objects.get()
    assert job.status == "rejected" and "không phải là sổ tính" in job.message


def test_a_large_import_runs_in_the_background(
    client, clerk, tmp_path, django_capture_on_commit_callbacks
):
    # Distinct given names without digits (a name holds letters only): 7 -> "Mai Aaah".
    rows = [
        candidate(
            national_id=f"0423010{i:05d}",
            given_name="Mai " + "".join("abcdefghij"[int(d)] for d in f"{i:04d}").title(),
        )
        for i in range(1005)
    ]
    path = filled_template(tmp_path, "candidates", rows)
    client.force_login(clerk)
    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    ):
        from django_tasks import task_backends

        with django_capture_on_commit_callbacks(execute=True), open(path, "rb") as handle:
            client.post(reverse("exchange:index"), {"kind": "candidates", "file": handle})
        job = ImportJob.objects.get()
        assert job.status == "pending" and job.rows_total == 1006
        backend = task_backends["default"]
        assert len(backend.results) == 1
    partial = client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in partial and "progressbar" in partial
    assert import_job_task.call(job.pk) == "imported"  # what the worker does
    job.refresh_from_db()
    assert job.status == "imported" and job.rows_written == 1005 and job.percent == 100
    assert Candidacy.objects.count() == 1005
    partial = client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in partial and "Đã nhập 1.005 dòng" in partial


def test_export_candidacies_with_the_list_filters(client, tree, clerk):
    for name in ("An", "Bình"):
        CandidacyFactory(
            organisation=tree["cell_a1"],
            person=PersonFactory(organisation=tree["cell_a1"], given_name=name),
        )
    for cell, stage in ((tree["cell_a2"], "trained"), (tree["cell_b1"], "source")):
        CandidacyFactory(
            organisation=cell, stage=stage,
            person=PersonFactory(organisation=cell, given_name="Cường"),
        )  # fmt: skip
    client.force_login(clerk)
    url = "/exchange/export/candidacies.xlsx"
    assert reverse("exchange:export", args=["candidacies"]) == url

    def rows(query: str) -> list[tuple]:
        response = client.get(url + query)
        assert response.status_code == 200
        ws = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["Hồ sơ"]
        return list(ws.iter_rows(min_row=2, values_only=True))

    assert len(rows("")) == 3
    assert len(rows(f"?organisation={tree['cell_a1'].pk}")) == 2
    assert [r[0] for r in rows("?q=binh")] == ["Nguyễn Văn Bình"]
    assert len(rows("?stage=trained")) == 1
    assert len(rows("?status=closed")) == 0
    assert client.get(url + f"?organisation={tree['cell_b1'].pk}").status_code == 404
    entries = AuditEntry.objects.filter(action="export", object_id="candidacies")
    assert entries.count() == 5  # the 404 one exported nothing
    assert any(e.data["filters"].get("stage") == "trained" for e in entries)


def test_export_members_and_organisations(client, tree, clerk, tmp_path):
    MembershipFactory(organisation=tree["cell_a1"])
    MembershipFactory(organisation=tree["cell_b1"])
    client.force_login(clerk)
    response = client.get("/exchange/export/members.xlsx")
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["Đảng viên"]
    data = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(data) == 1 and "Chính thức" in data[0]
    response = client.get("/exchange/export/organisations.xlsx")
    content = b"".join(response.streaming_content)
    ws = load_workbook(io.BytesIO(content))["Tổ chức đảng"]
    codes = [r[0] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert codes == ["Xa", "Ga", "Ca1", "Ca2"]
    # The export is in the import template's columns: edit it and import it elsewhere.
    wb = load_workbook(io.BytesIO(content))
    ws = wb["Tổ chức đảng"]
    ws.delete_rows(2, ws.max_row)
    ws.append(["Ca9", "Chi bộ thôn A9", "Chi bộ", "Ga"])
    path = tmp_path / "orgs.xlsx"
    wb.save(path)
    from ptdv.exchange.services import import_workbook

    admin = user_with_role(tree["commune_a"], Role.ADMINISTRATOR)
    outcome = import_workbook(actor=admin, path=path, kind="organisations")
    assert outcome.status == "imported", outcome.errors
    assert Organisation.objects.get(code="Ca9").parent == tree["grassroots_a"]


def test_export_command(tree, clerk, tmp_path):
    from django.core.management import call_command

    CandidacyFactory(organisation=tree["cell_a1"])
    target = tmp_path / "hs.xlsx"
    call_command(
        "export", "candidacies", "--as", clerk.username, "--output", str(target),
        "--organisation", "Ca1",
    )  # fmt: skip
    assert load_workbook(target)["Hồ sơ"].max_row == 2
    call_command("export", "template", "--kind", "dossiers", "--output", str(tmp_path / "m.xlsx"))
    assert "Hồ sơ" in load_workbook(tmp_path / "m.xlsx").sheetnames


def test_bench_function_imports_and_cleans_up(db):
    before = (Organisation.objects.count(), Candidacy.objects.count())
    timings = exchange_bench_import(50)
    assert timings["status"] == "imported" and timings["written"] == 50
    assert timings["import"] > 0 and "import_read" in timings
    assert (Organisation.objects.count(), Candidacy.objects.count()) == before


def test_workbook_from_scratch_with_headers_only_in_another_order(tree, clerk, tmp_path):
    """A workbook the user made themselves: the headers (in any order) are what count."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    ws.append(["Mã chi bộ", "Tên", "Họ", "Giới tính", "Ngày sinh", "Cột riêng"])
    ws.append(["Ca1", "Hòa", "Lê", "Nam", "10/10/2000", "ghi chú"])
    path = tmp_path / "tu-lam.xlsx"
    wb.save(path)
    from ptdv.exchange.services import import_workbook

    outcome = import_workbook(actor=clerk, path=path, kind="candidates")
    assert outcome.status == "imported", outcome.errors
    assert any("Cột riêng" in w.message for w in outcome.warnings)
