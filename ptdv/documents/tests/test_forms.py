"""Every official form, generated from a real dossier, read back from the files: the PDF's
text (pdftotext) and the DOCX's paragraphs and tables (python-docx)."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from ptdv.accounts.models import Role
from ptdv.audit.models import AuditEntry
from ptdv.candidacies.models import Candidacy
from ptdv.documents.models import DocumentNumber
from ptdv.documents.official_forms import FORMS
from ptdv.documents.services import FormNotAvailable, document_render
from ptdv.documents.tests.conftest import act
from ptdv.factories import (
    CandidacyFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    user_with_role,
)
from ptdv.organisations.models import Kind

pytestmark = pytest.mark.django_db


def tool(name: str) -> str:
    """poppler-utils, a system package of `make setup`."""
    found = shutil.which(name)
    assert found, f"{name} is missing: apt-get install poppler-utils"
    return found


def pdf_text(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(content)
    result = subprocess.run(  # noqa: S603 - a fixed local tool on our own file
        [tool("pdftotext"), str(path), "-"], capture_output=True, check=True, text=True
    )
    return " ".join(result.stdout.split())


def docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return " ".join(" ".join(parts).split())


# What each generated form must print for the official dossier of conftest.py.
EXPECTED = {
    "cn-ntvd": ["45-GCN/ĐU", "20/05/2024"],
    "1-knd": ["Chi bộ thôn A1", "ngày 01 tháng 10 năm 2024"],
    "2-knd": ["Nguyễn Văn Cha", "1970", "Trần Thị Mẹ", "ngày 05 tháng 10 năm 2024"],
    "3-knd": ["NGƯỜI GIỚI THIỆU", "14 tháng", "ngày 10 tháng 12 năm 2024"],
    "4-knd": ["07-NQ/ĐTN", "ĐOÀN TNCS HỒ CHÍ MINH", "12/12/2024"],
    "5-knd": ["T/M CHI ỦY", "15/12/2024"],
    "6-knd": ["Số 3-NQ/CB", "03/03/2025", "8/9", "88,9%", "Lê Văn Chi", "ĐẢNG BỘ CƠ SỞ A"],
    "8-knd": ["NQ/ĐU", "10/03/2025", "6/7", "số 3-NQ/CB"],
    "9-knd": [
        "Số 12-QĐ/ĐU", "ngày 01 tháng 04 năm 2025", "K/T BÍ THƯ", "Phạm Thị Phó",
        "BAN THƯỜNG VỤ ĐẢNG ỦY XÃ A", "ĐẢNG BỘ TỈNH HÀ TĨNH", "Hà Tĩnh",
    ],
    "10-knd": ["21/04/2025", "NGƯỜI TỰ KIỂM ĐIỂM"],
    "11-knd": ["NGƯỜI GIÚP ĐỠ", "21/04/2025"],
    "12-knd": ["đảng viên dự bị", "T/M CHI ỦY"],
    "13-knd": ["22/04/2026", "9/9", "công nhận"],
    "15-knd": ["công nhận", "Nguyễn Thị Hoa"],
    "recognition-decision": [
        "ngày 05 tháng 05 năm 2026", "21/04/2026", "T/M BAN THƯỜNG VỤ", "Trần Văn Quyết",
    ],
}  # fmt: skip


def test_every_available_form_reads_back_in_both_formats(official_candidacy, approver, tmp_path):
    rendered = set()
    for slug in FORMS:
        if slug not in EXPECTED:
            with pytest.raises(FormNotAvailable):
                document_render(
                    actor=approver, candidacy_id=official_candidacy.pk, slug=slug, fmt="pdf"
                )
            continue
        for fmt in ("pdf", "docx"):
            result = document_render(
                actor=approver, candidacy_id=official_candidacy.pk, slug=slug, fmt=fmt
            )
            assert result.filename == f"{slug}-{official_candidacy.pk}.{fmt}"
            text = pdf_text(result.content, tmp_path) if fmt == "pdf" else docx_text(result.content)
            assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text or slug == "4-knd", (slug, fmt)
            assert "Nguyễn Thị Hoa" in text, (slug, fmt)
            assert "05/03/2000" in text or slug in ("11-knd", "15-knd"), (slug, fmt)
            for expected in EXPECTED[slug]:
                assert expected in text, (slug, fmt, expected, text)
            rendered.add(slug)
    assert rendered == set(EXPECTED)
    # Numbers the dossier's steps did not record came from the register, once per form.
    issued = dict(DocumentNumber.objects.values_list("slug", "symbol"))
    assert set(issued) == {"8-knd", "13-knd", "15-knd", "recognition-decision"}
    assert AuditEntry.objects.filter(
        action="export", object_id=str(official_candidacy.pk)
    ).count() == 2 * len(EXPECTED)


def test_the_pdf_embeds_a_serif_font_and_is_a4(official_candidacy, approver, tmp_path):
    result = document_render(
        actor=approver, candidacy_id=official_candidacy.pk, slug="9-knd", fmt="pdf"
    )
    path = tmp_path / "q.pdf"
    path.write_bytes(result.content)
    fonts = subprocess.run(  # noqa: S603
        [tool("pdffonts"), str(path)], capture_output=True, check=True, text=True
    ).stdout
    info = subprocess.run(  # noqa: S603
        [tool("pdfinfo"), str(path)], capture_output=True, check=True, text=True
    ).stdout
    assert "Liberation-Serif" in fonts
    assert "595.28 x 841.89" in info or "595.276 x 841.89" in info


def test_the_docx_is_editable_with_the_party_layout(official_candidacy, approver):
    result = document_render(
        actor=approver, candidacy_id=official_candidacy.pk, slug="9-knd", fmt="docx"
    )
    document = docx.Document(io.BytesIO(result.content))
    header = document.tables[0].rows[0].cells
    assert "ĐẢNG ỦY XÃ A" in header[0].text and "Số 12-QĐ/ĐU" in header[0].text
    party = header[1].paragraphs[0].runs[0]
    assert party.text == "ĐẢNG CỘNG SẢN VIỆT NAM" and party.bold and party.underline
    place = next(p for p in header[1].paragraphs if "Hà Tĩnh" in p.text)
    assert place.runs[0].italic
    assert document.styles["Normal"].font.name == "Times New Roman"
    assert document.styles["Normal"].font.size.pt == 14
    section = document.sections[0]
    assert round(section.left_margin.mm) == 30 and round(section.right_margin.mm) == 15


def test_forms_of_a_partial_committee_two_introducers_and_a_trade_union(tree, tmp_path):
    """3A-KNĐ, 4A-KNĐ and 7-KNĐ, from a dossier at the cell's resolution."""
    partial = OrganisationFactory(
        parent=tree["grassroots_b"], name="Đảng bộ bộ phận Phân xưởng", code="PB",
        kind=Kind.PARTIAL_COMMITTEE,
    )  # fmt: skip
    cell = OrganisationFactory(parent=partial, name="Chi bộ Tổ Dệt", code="CBD")
    # An enterprise without a Youth Union: a young worker is introduced by the trade union.
    cell.has_trade_union, cell.has_youth_union = True, False
    cell.save(update_fields=["has_trade_union", "has_youth_union"])
    members = [MembershipFactory(organisation=cell) for _ in range(5)]
    user = user_with_role(tree["commune_b"], Role.APPROVER)
    person = PersonFactory(
        organisation=cell, family_name="Lê", middle_name="Văn", given_name="Thợ",
        birth_date=dt.date(2000, 6, 1), trade_union_member=True,
    )  # fmt: skip
    candidacy = CandidacyFactory(person=person, organisation=cell, opened_on=dt.date(2024, 1, 5))
    act(user, candidacy, "record_certificate", date="2024-06-01", certificate_date="2024-05-20")
    act(user, candidacy, "record_application", date="2024-10-06",
        application_date="2024-10-01", history_date="2024-10-05")  # fmt: skip
    act(user, candidacy, "record_verification", date="2024-12-01", concluded_on="2024-12-01")
    act(user, candidacy, "record_opinions", date="2024-12-15", opinions_date="2024-12-15")
    act(user, candidacy, "record_introduction", date="2024-12-10", kind="member",
        membership=members[0].pk, months_together=24, introduced_on="2024-12-10")  # fmt: skip
    act(user, candidacy, "record_introduction", date="2024-12-12",
        kind="trade_union_committee", introduced_on="2024-12-12")  # fmt: skip
    act(user, candidacy, "branch_vote", date="2025-03-03", vote={"agree": 5})
    candidacy = Candidacy.objects.get(pk=candidacy.pk)
    assert candidacy.stage == "branch_resolved"
    # Another applicant introduced by two members (3A-KNĐ), before the cell's vote.
    other = CandidacyFactory(
        organisation=cell,
        person=PersonFactory(organisation=cell, family_name="Lê", middle_name="Văn",
                             given_name="Thợ", birth_date=dt.date(1999, 1, 1)),
        stage="applied",
    )  # fmt: skip
    for member, day in ((members[1], "2024-12-10"), (members[2], "2024-12-11")):
        act(user, other, "record_introduction", date=day, kind="member",
            membership=member.pk, months_together=24, introduced_on=day)  # fmt: skip
    checks = {
        "3a-knd": [members[1].person.full_name, members[2].person.full_name, "24 tháng"],
        "4a-knd": ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "công đoàn viên"],
        "7-knd": ["ĐẢNG ỦY BỘ PHẬN PHÂN XƯỞNG", "BÁO CÁO", "1-BC/ĐU", "03/03/2025"],
    }
    for slug, expected in checks.items():
        for fmt in ("pdf", "docx"):
            target = other if slug == "3a-knd" else candidacy
            result = document_render(actor=user, candidacy_id=target.pk, slug=slug, fmt=fmt)
            text = pdf_text(result.content, tmp_path) if fmt == "pdf" else docx_text(result.content)
            assert "Lê Văn Thợ" in text and "Chi bộ Tổ Dệt" in text, (slug, fmt)
            for item in expected:
                assert item in text, (slug, fmt, item)
    with pytest.raises(FormNotAvailable):
        document_render(actor=user, candidacy_id=candidacy.pk, slug="9-knd", fmt="pdf")


def test_a_viewer_gets_the_form_without_taking_a_number(tree, official_candidacy, tmp_path):
    viewer = user_with_role(tree["cell_a1"], Role.VIEWER)
    result = document_render(
        actor=viewer, candidacy_id=official_candidacy.pk, slug="13-knd", fmt="pdf"
    )
    assert "-NQ/CB" in pdf_text(result.content, tmp_path)
    assert not DocumentNumber.objects.exists()


def api_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_api_routes_scope_and_errors(tree, official_candidacy, approver):
    url = f"/api/v1/candidacies/{official_candidacy.pk}/documents/9-knd.pdf"
    response = api_for(approver).get(url, HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert 'filename="9-knd-' in response["Content-Disposition"]
    docx_response = api_for(approver).get(url.replace(".pdf", ".docx"))
    assert docx_response.status_code == 200 and docx_response.content[:2] == b"PK"
    outsider = user_with_role(tree["commune_b"], Role.APPROVER)
    assert api_for(outsider).get(url).status_code == 404
    assert api_for(approver).get(url.replace("9-knd", "99-knd")).status_code == 404
    assert api_for(approver).get(url.replace(".pdf", ".odt")).status_code == 404
    assert APIClient().get(url).status_code == 401
    fresh = CandidacyFactory(organisation=tree["cell_a1"])
    response = api_for(approver).get(f"/api/v1/candidacies/{fresh.pk}/documents/9-knd.pdf")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "not_available"


def test_web_download_and_not_available_redirect(client, tree, official_candidacy, approver):
    client.force_login(approver)
    url = reverse("documents:form", args=[official_candidacy.pk, "6-knd", "docx"])
    assert url == f"/documents/candidacies/{official_candidacy.pk}/6-knd.docx"
    response = client.get(url)
    assert response.status_code == 200 and response.content[:2] == b"PK"
    fresh = CandidacyFactory(organisation=tree["cell_a1"])
    response = client.get(reverse("documents:form", args=[fresh.pk, "9-knd", "pdf"]))
    assert response.status_code == 302
    client.force_login(user_with_role(tree["commune_b"], Role.APPROVER))
    assert client.get(url).status_code == 404


def test_the_include_lists_the_forms_of_the_current_stage(rf, tree, official_candidacy, approver):
    from django.template.loader import render_to_string

    html = render_to_string(
        "documents/_candidacy_documents.html",
        {"candidacy": official_candidacy, "user": approver},
    )
    assert f"/documents/candidacies/{official_candidacy.pk}/9-knd.pdf" in html
    assert f"/documents/candidacies/{official_candidacy.pk}/recognition-decision.docx" in html
    assert "3a-knd" not in html
    assert 'enctype="multipart/form-data"' in html
    fresh = CandidacyFactory(organisation=tree["cell_a1"])
    viewer = user_with_role(tree["cell_a1"], Role.VIEWER)
    html = render_to_string(
        "documents/_candidacy_documents.html", {"candidacy": fresh, "user": viewer}
    )
    assert "Chưa có biểu mẫu nào" in html and "multipart/form-data" not in html


def test_command_renders_as_a_user(tree, official_candidacy, approver, tmp_path):
    target = tmp_path / "qd.docx"
    call_command(
        "documents", "render", "--candidacy", str(official_candidacy.pk), "--slug", "9-knd",
        "--format", "docx", "--output", str(target), "--as", approver.username,
    )  # fmt: skip
    assert "Nguyễn Thị Hoa" in docx_text(target.read_bytes())
    from django.core.management.base import CommandError

    outsider = user_with_role(tree["commune_b"], Role.APPROVER)
    with pytest.raises(CommandError):
        call_command(
            "documents", "render", "--candidacy", str(official_candidacy.pk), "--slug", "9-knd",
            "--output", str(target), "--as", outsider.username,
        )  # fmt: skip
