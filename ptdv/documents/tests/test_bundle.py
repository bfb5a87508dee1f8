"""The whole dossier as one PDF ("send the dossier up"), read back page by page with
pdftotext: the table of contents, then every form and scan in the order of the regulations,
each starting on the page the contents give."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader
from rest_framework.test import APIClient

from ptdv.accounts.models import Role
from ptdv.audit.models import AuditEntry
from ptdv.candidacies.models import CandidacyEvent
from ptdv.documents.bundle import bundle_plan
from ptdv.documents.dossier import dossier_load
from ptdv.documents.models import Attachment, DocumentNumber
from ptdv.documents.services import attachment_create
from ptdv.documents.tests.conftest import act
from ptdv.documents.tests.test_forms import tool
from ptdv.factories import CandidacyFactory, PersonFactory, user_with_role

pytestmark = pytest.mark.django_db

BROKEN_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def scan_pdf(text: str, pages: int = 1) -> bytes:
    from weasyprint import HTML

    body = "".join(
        f'<p style="page-break-after: always">{text} — trang {n + 1}</p>' for n in range(pages)
    )
    return HTML(string=f"<html><body>{body}</body></html>").write_pdf()


def scan_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 400), (200, 200, 200)).save(out, format="PNG")
    return out.getvalue()


def page_texts(content: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "bundle.pdf"
    path.write_bytes(content)
    count = len(PdfReader(io.BytesIO(content)).pages)
    texts = []
    for number in range(1, count + 1):
        result = subprocess.run(  # noqa: S603 - a fixed local tool on our own file
            [tool("pdftotext"), "-f", str(number), "-l", str(number), str(path), "-"],
            capture_output=True,
            check=True,
            text=True,
        )
        texts.append(" ".join(result.stdout.split()))
    return texts


@pytest.fixture
def clerk(tree):
    return user_with_role(tree["commune_a"], Role.CLERK)


@pytest.fixture
def dossier(private_root, dossier_cell, clerk):
    """Lê Thị Mai: certificate, application and history, verification; a signed certificate
    (2-page PDF) on the certificate's step, a PNG of the verification minutes (a step that
    issues no form), and a broken file attached to no step."""
    person = PersonFactory(
        organisation=dossier_cell,
        family_name="Lê",
        middle_name="Thị",
        given_name="Mai",
        gender="female",
        birth_date=dt.date(2000, 3, 5),
    )
    candidacy = CandidacyFactory(person=person, organisation=dossier_cell)
    act(clerk, candidacy, "record_certificate", date="2025-05-21", certificate_date="2025-05-20")
    act(
        clerk,
        candidacy,
        "record_application",
        date="2025-06-05",
        application_date="2025-06-01",
        history_date="2025-06-05",
    )
    act(clerk, candidacy, "record_verification", date="2025-07-01", concluded_on="2025-07-01")
    events = {e.action: e for e in CandidacyEvent.objects.filter(candidacy=candidacy)}
    for title, content, name, event in (
        ("Giấy chứng nhận đã ký", scan_pdf("BAN KY GIAY CHUNG NHAN", 2), "gcn.pdf",
         events["record_certificate"]),
        ("Biên bản thẩm tra", scan_png(), "tham-tra.png", events["record_verification"]),
        ("Tệp hỏng", BROKEN_PDF, "hong.pdf", None),
    ):  # fmt: skip
        attachment_create(
            actor=clerk,
            candidacy=candidacy,
            upload=io.BytesIO(content),
            original_name=name,
            title=title,
            event=event,
        )
    candidacy.refresh_from_db()
    return candidacy


EXPECTED = [
    # (table-of-contents title, a text of its first page)
    ("CN-NTVĐ — Giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng", "GIẤY CHỨNG NHẬN"),
    ("Bản scan: Giấy chứng nhận đã ký", "BAN KY GIAY CHUNG NHAN — trang 1"),
    ("1-KNĐ — Đơn xin vào Đảng (bản điền sẵn)", "ĐƠN XIN VÀO ĐẢNG"),
    ("2-KNĐ — Lý lịch của người xin vào Đảng (bản điền sẵn)", "LÝ LỊCH"),
    ("Bản scan: Biên bản thẩm tra", "Bản scan: Biên bản thẩm tra"),
    ("Bản scan: Tệp hỏng", "không đọc được"),
]


def test_the_bundle_has_contents_then_every_part_in_order(client, dossier, clerk, tmp_path):
    client.force_login(clerk)
    numbers = DocumentNumber.objects.count()
    response = client.get(reverse("documents:bundle", args=[dossier.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    pages = page_texts(response.content, tmp_path)
    contents = pages[0]
    assert "HỒ SƠ ĐỀ NGHỊ KẾT NẠP ĐẢNG VIÊN" in contents and "MỤC LỤC" in contents
    assert "Lê Thị Mai" in contents
    # The contents list the parts in the regulations' order …
    positions = [contents.find(title) for title, _marker in EXPECTED]
    assert -1 not in positions, contents
    assert positions == sorted(positions)
    # … each with the page it starts on, and it does start there.
    outline = PdfReader(io.BytesIO(response.content))
    starts = {item.title: outline.get_destination_page_number(item) + 1 for item in outline.outline}
    assert next(iter(starts)) == "Mục lục" and starts["Mục lục"] == 1
    previous = 1
    for title, marker in EXPECTED:
        first = starts[title]
        assert first > previous
        assert marker in pages[first - 1], (title, pages[first - 1][:200])
        assert re.search(re.escape(title[-20:]) + r"\s+" + str(first) + r"\b", contents), (
            title,
            first,
        )
        previous = first
    # The scanned PDF keeps its two pages, right after the certificate.
    scan = starts["Bản scan: Giấy chứng nhận đã ký"]
    assert "BAN KY GIAY CHUNG NHAN — trang 2" in pages[scan]
    assert f"Tổng số {len(pages)} trang" in contents
    # A read: no number taken from a register; audited as one export.
    assert DocumentNumber.objects.count() == numbers
    entry = AuditEntry.objects.filter(action="export", object_id=str(dossier.pk)).latest("pk")
    assert entry.summary == "Xuất toàn bộ hồ sơ (PDF)"
    assert entry.data["forms"] == ["cn-ntvd", "1-knd", "2-knd"]


def test_scans_of_a_step_without_a_form_sit_where_the_step_falls(dossier, clerk):
    attachments = list(Attachment.objects.filter(candidacy=dossier).select_related("event"))
    plan = bundle_plan(dossier_load(dossier, dt.date(2025, 8, 1)), attachments)
    assert [item.title for item in plan] == [title for title, _ in EXPECTED]


def test_outside_the_subtree_the_bundle_is_not_found(client, dossier, tree):
    stranger = user_with_role(tree["commune_b"], Role.APPROVER)
    client.force_login(stranger)
    assert client.get(reverse("documents:bundle", args=[dossier.pk])).status_code == 404
    api = APIClient()
    api.force_authenticate(stranger)
    assert api.get(f"/api/v1/candidacies/{dossier.pk}/bundle.pdf").status_code == 404


def test_the_api_gives_the_same_bundle(dossier, clerk, tmp_path):
    api = APIClient()
    api.force_authenticate(clerk)
    response = api.get(
        f"/api/v1/candidacies/{dossier.pk}/bundle.pdf", HTTP_ACCEPT="application/pdf"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "MỤC LỤC" in page_texts(response.content, tmp_path)[0]


def test_the_dossier_page_offers_the_bundle(client, dossier, clerk):
    client.force_login(clerk)
    page = client.get(reverse("candidacies:detail", args=[dossier.pk])).content.decode()
    assert reverse("documents:bundle", args=[dossier.pk]) in page
