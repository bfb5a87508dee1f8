"""The pages of exemplars: the list (scope, search, audit of names), the form, the page with
the link to a dossier, the Excel and the printable PDF read back."""

from __future__ import annotations

import io
import unicodedata

import openpyxl
import pytest
from django.urls import reverse
from pypdf import PdfReader

from ptdv.audit.models import AuditEntry
from ptdv.exemplars.models import Exemplar
from ptdv.exemplars.tests.conftest import PDF, record
from ptdv.factories import CandidacyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(tree, clerk_a, clerk_b):
    return record(clerk_a, tree["cell_a1"], name="Hoàng Văn Nông"), record(
        clerk_b, tree["cell_b1"], name="Trịnh Thị Xa"
    )


def test_the_list_shows_the_scope_and_searches_without_accents(client, clerk_a, two):
    client.force_login(clerk_a)
    page = client.get(reverse("exemplars:list"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Hoàng Văn Nông" in text and "Trịnh Thị Xa" not in text
    assert "Gương điển hình" in text
    entry = AuditEntry.objects.filter(actor=clerk_a, action="view").latest("pk")
    assert entry.data["ids"] == [two[0].pk]
    assert (
        client.get(reverse("exemplars:list") + "?q=nong").content.decode().count("data-exemplar=")
        == 1
    )
    assert "data-exemplar=" not in client.get(reverse("exemplars:list") + "?q=xa").content.decode()


def test_recording_through_the_form_with_an_evidence_file(client, tree, clerk_a):
    client.force_login(clerk_a)
    upload = io.BytesIO(PDF)
    upload.name = "quyet-dinh.pdf"
    response = client.post(
        reverse("exemplars:create"),
        {
            "organisation": tree["cell_a1"].pk,
            "name": "Lý Thị Mai",
            "field": "community",
            "recognised_on": "05/02/2026",
            "deed": "Hiến đất làm đường liên thôn.",
            "evidence": "Bằng khen của Chủ tịch UBND tỉnh",
            "file": upload,
        },
    )
    exemplar = Exemplar.objects.get()
    assert response.status_code == 302 and response["Location"] == exemplar.get_absolute_url()
    assert exemplar.evidence_name == "quyet-dinh.pdf"
    download = client.get(reverse("exemplars:evidence", args=[exemplar.pk]))
    assert b"".join(download.streaming_content) == PDF
    # A missing name and deed are named in Vietnamese; nothing is written.
    bad = client.post(
        reverse("exemplars:create"),
        {"organisation": tree["cell_a1"].pk, "field": "study", "recognised_on": "05/02/2026"},
    )
    assert bad.status_code == 200 and Exemplar.objects.count() == 1
    message = bad.context["form"].errors["deed"][0]
    assert message in bad.content.decode()
    # A form that passes but names nobody: the service's message sits by the name field.
    nameless = client.post(
        reverse("exemplars:create"),
        {
            "organisation": tree["cell_a1"].pk,
            "field": "study",
            "recognised_on": "05/02/2026",
            "deed": "Đạt giải nhất học sinh giỏi.",
        },
    )
    assert nameless.context["form"].errors["name"][0].startswith("Họ và tên")
    assert Exemplar.objects.count() == 1


def test_the_page_and_the_link_to_a_dossier_both_sides(client, tree, clerk_a, clerk_b, two):
    exemplar = two[0]
    dossier = CandidacyFactory(organisation=tree["cell_a1"])
    client.force_login(clerk_a)
    response = client.post(reverse("exemplars:link", args=[exemplar.pk]), {"candidacy": dossier.pk})
    assert response.status_code == 302
    page = client.get(exemplar.get_absolute_url()).content.decode()
    assert reverse("candidacies:detail", args=[dossier.pk]) in page
    dossier_page = client.get(reverse("candidacies:detail", args=[dossier.pk])).content.decode()
    assert reverse("exemplars:detail", args=[exemplar.pk]) in dossier_page
    client.force_login(clerk_b)
    assert client.get(exemplar.get_absolute_url()).status_code == 404
    assert client.post(reverse("exemplars:link", args=[exemplar.pk]), {}).status_code == 404


def test_excel_and_pdf_read_back(client, clerk_a, two):
    client.force_login(clerk_a)
    response = client.get(reverse("exemplars:export"))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][1] == "Họ và tên"
    assert [r[1] for r in rows[1:]] == ["Hoàng Văn Nông"]
    pdf = client.get(reverse("exemplars:print"))
    assert pdf["Content-Type"] == "application/pdf"
    text = " ".join(
        unicodedata.normalize("NFC", p.extract_text())
        for p in PdfReader(io.BytesIO(pdf.content)).pages
    )
    text = " ".join(text.split())
    assert "Hoàng Văn Nông" in text and "Trịnh" not in text
    assert AuditEntry.objects.filter(actor=clerk_a, action="export").count() == 2
