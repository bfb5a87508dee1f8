"""The request pages: the inbox and outbox, a request as each side sees it (the addressee never
the dossier), the form from the dossier, the answer with its scan, the letter, the Excel
export, the console command — each view audited, 404 outside."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from docx import Document
from openpyxl import load_workbook

from ptdv.accounts.models import Role
from ptdv.audit.models import AuditEntry
from ptdv.candidacies.models import Candidacy
from ptdv.correspondence.models import OrganisationRequest, RequestStatus
from ptdv.correspondence.tests.conftest import PDF, TODAY, send
from ptdv.factories import user_with_role

pytestmark = pytest.mark.django_db


def client(user):
    c = Client()
    c.force_login(user)
    return c


def test_the_inbox_lists_what_came_in(clerk_b, verification):
    page = client(clerk_b).get("/requests/?direction=incoming")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Lê Thị Xuyến" in text
    assert f'data-request="{verification.pk}"' in text
    assert AuditEntry.objects.filter(actor=clerk_b, action="view").exists()


def test_the_addressee_sees_the_request_but_not_the_dossier(clerk_b, dossier, verification):
    page = client(clerk_b).get(f"/requests/{verification.pk}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Lê Văn Cha" in text  # a parent's name: what a verification needs
    assert "Trần Văn Chồng" not in text  # the dossier's other relatives: not
    assert f"/candidacies/{dossier.pk}/" not in text
    assert "letter-pdf" not in text  # the letter is the sender's
    assert client(clerk_b).get(f"/candidacies/{dossier.pk}/").status_code == 404
    assert client(clerk_b).get(f"/requests/{verification.pk}/letter.docx").status_code == 403
    entry = AuditEntry.objects.filter(
        actor=clerk_b,
        object_type="correspondence.organisationrequest",
        object_id=str(verification.pk),
    ).latest("pk")
    assert entry.action == "view"
    assert entry.person_id == dossier.person_id


def test_outside_both_sides_every_page_is_404(tree, verification):
    stranger = user_with_role(tree["cell_a2"], Role.ADMINISTRATOR)
    c = client(stranger)
    assert c.get(f"/requests/{verification.pk}/").status_code == 404
    assert c.get(f"/requests/{verification.pk}/letter.docx").status_code == 404
    assert c.post(f"/requests/{verification.pk}/actions/receive/").status_code == 404
    assert OrganisationRequest.objects.get(pk=verification.pk).status == RequestStatus.SENT
    assert "Xuyến" not in c.get("/requests/").content.decode()


def test_send_from_the_dossier_page(tree, clerk_a, dossier):
    c = client(clerk_a)
    dossier_page = c.get(f"/candidacies/{dossier.pk}/").content.decode()
    assert f"/requests/new/?candidacy={dossier.pk}" in dossier_page
    form = c.get(f"/requests/new/?candidacy={dossier.pk}")
    assert form.status_code == 200
    # The form names no organisation outside the clerk's scope: they type the one they mean.
    assert "Đảng bộ xã B" not in form.content.decode()
    response = c.post(
        f"/requests/new/?candidacy={dossier.pk}",
        {
            "kind": "verification",
            "place": "home_town",
            "addressee": "xa b",
            "questions": "Đề nghị thẩm tra lý lịch.",
        },
    )
    request = OrganisationRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/requests/{request.pk}/"
    assert request.addressee == tree["commune_b"]
    refused = c.post(
        f"/requests/new/?candidacy={dossier.pk}",
        {"kind": "verification", "place": "", "addressee": "Đảng bộ xã B", "questions": "x"},
    )
    assert refused.status_code == 200
    assert "Cần chọn nơi thẩm tra" in refused.content.decode()
    assert OrganisationRequest.objects.count() == 1
    unknown = c.post(
        f"/requests/new/?candidacy={dossier.pk}",
        {"kind": "mass_opinion", "addressee": "Đảng bộ xã Không Có", "questions": "x"},
    )
    assert "Không tìm thấy tổ chức nhận" in unknown.content.decode()


def test_the_addressee_is_named_by_code_or_name(tree, dossier):
    from django.core.exceptions import ValidationError

    from ptdv.correspondence.selectors import addressee_lookup
    from ptdv.factories import OrganisationFactory
    from ptdv.organisations.models import Kind

    assert addressee_lookup(candidacy=dossier, typed="xb") == tree["commune_b"]
    assert addressee_lookup(candidacy=dossier, typed="ĐẢNG ỦY XÃ B") == tree["commune_b"]
    assert addressee_lookup(candidacy=dossier, typed="Đảng bộ cơ sở B") == tree["grassroots_b"]
    OrganisationFactory(parent=tree["commune_a"], name="Đảng bộ xã B", kind=Kind.COMMUNE)
    with pytest.raises(ValidationError) as twice:
        addressee_lookup(candidacy=dossier, typed="xã B")
    assert "mã" in twice.value.message_dict["addressee"][0]
    with pytest.raises(ValidationError):
        addressee_lookup(candidacy=dossier, typed="Chi bộ thôn B1")  # a cell: by code only


def test_answer_with_a_scan_then_the_dossier_checklist_ticks(
    clerk_a, clerk_b, dossier, verification
):
    c = client(clerk_b)
    assert c.post(f"/requests/{verification.pk}/actions/receive/").status_code == 302
    response = c.post(
        f"/requests/{verification.pk}/actions/answer/",
        {
            "reply_text": "Gia đình chấp hành tốt.",
            "conclusion": "favourable",
            "answered_on": TODAY.strftime("%d/%m/%Y"),
            "reply_number": "7-CV/ĐU",
            "scan": SimpleUploadedFile("tra-loi.pdf", PDF, "application/pdf"),
        },
    )
    assert response.status_code == 302
    request = OrganisationRequest.objects.get(pk=verification.pk)
    assert request.status == RequestStatus.ANSWERED
    assert request.reply_attachment is not None
    page = client(clerk_a).get(f"/candidacies/{dossier.pk}/").content.decode()
    assert 'data-rule="verification.done" data-ok="true"' in page
    scan = client(clerk_a).get(f"/documents/attachments/{request.reply_attachment_id}/")
    assert scan.status_code == 200


def test_a_wrong_scan_shows_the_form_again(clerk_b, verification):
    response = client(clerk_b).post(
        f"/requests/{verification.pk}/actions/answer/",
        {
            "reply_text": "Tốt.",
            "conclusion": "favourable",
            "answered_on": TODAY.strftime("%d/%m/%Y"),
            "scan": SimpleUploadedFile("a.exe", b"MZ", "application/octet-stream"),
        },
    )
    assert response.status_code == 200
    assert "Chỉ nhận tệp PDF" in response.content.decode()
    assert OrganisationRequest.objects.get(pk=verification.pk).status == RequestStatus.SENT


def test_the_letter_outside_the_tree(tree, dossier):
    clerk = user_with_role(tree["grassroots_a"], Role.CLERK)
    request = send(
        clerk, dossier, addressee_name="Đảng ủy xã Nghi Xuân", addressee_address="Nghệ An"
    )
    response = client(clerk).get(f"/requests/{request.pk}/letter.docx")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    text = "\n".join([*(p.text for p in document.paragraphs), *cells])
    assert "Đảng ủy xã Nghi Xuân" in text
    assert "Lê Thị Xuyến" in text
    assert request.number.symbol in text
    assert AuditEntry.objects.filter(actor=clerk, action="export").exists()
    assert client(clerk).get(f"/requests/{request.pk}/letter.odt").status_code == 404


def test_the_excel_export_holds_the_list(clerk_a, clerk_b, verification):
    response = client(clerk_b).get("/requests/export.xlsx?direction=incoming")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Mã", "Loại yêu cầu", "Tình trạng")
    assert rows[1][0] == verification.pk
    assert rows[1][5] == "Lê Thị Xuyến"
    assert rows[1][7] == dt.datetime.combine(verification.sent_on, dt.time())
    empty = client(clerk_a).get("/requests/export.xlsx?direction=incoming")
    assert len(list(load_workbook(io.BytesIO(b"".join(empty.streaming_content))).active.rows)) == 1


def test_the_transfer_is_accepted_from_the_page(tree, clerk_a, clerk_b, dossier):
    request = send(clerk_a, dossier, kind="transfer", addressee=tree["commune_b"])
    page = client(clerk_b).get(f"/requests/{request.pk}/").content.decode()
    assert "Chi bộ thôn B1" in page and "Chi bộ thôn A2" not in page
    response = client(clerk_b).post(
        f"/requests/{request.pk}/actions/accept/", {"organisation": tree["cell_b1"].pk}
    )
    assert response.status_code == 302
    assert Candidacy.objects.get(pk=dossier.pk).organisation == tree["cell_b1"]
    # The receiving commune now opens the dossier, with its history.
    assert client(clerk_b).get(f"/candidacies/{dossier.pk}/").status_code == 200


def test_the_console_command_escalates(tree, verification, capsys):
    later = verification.due_on + dt.timedelta(days=1)
    call_command("requests", "escalate", "--today", later.isoformat())
    assert "1 yêu cầu" in capsys.readouterr().out
    request = OrganisationRequest.objects.get(pk=verification.pk)
    assert request.status == RequestStatus.OVERDUE
    assert request.escalated_to == tree["province"]


def test_the_letter_as_pdf_reads_back(tree, dossier, tmp_path):
    import shutil
    import subprocess

    clerk = user_with_role(tree["grassroots_a"], Role.CLERK)
    request = send(clerk, dossier, addressee_name="Công đoàn Công ty X", addressee_address="KCN")
    response = client(clerk).get(f"/requests/{request.pk}/letter.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "letter.pdf"
    path.write_bytes(response.content)
    tool = shutil.which("pdftotext")
    assert tool is not None, "pdftotext (poppler-utils) is needed"
    text = subprocess.run(  # noqa: S603 - a fixed local tool on our own file
        [tool, str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    flat = " ".join(text.split())
    assert "Công đoàn Công ty X" in flat
    assert "Lê Thị Xuyến" in flat
    assert request.number.symbol in flat


def test_the_list_page_costs_the_same_for_many_requests(
    tree, clerk_a, dossier, django_assert_max_num_queries
):
    for index in range(15):
        send(
            clerk_a,
            dossier,
            kind="mass_opinion",
            addressee_name=f"Đoàn thể số {index}",
            addressee_address="Xã Ngoài",
        )
    c = client(clerk_a)
    with django_assert_max_num_queries(14):
        page = c.get("/requests/?direction=outgoing")
    assert page.content.decode().count("data-request=") == 15
