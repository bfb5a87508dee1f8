"""Signed scans: type by content, size limit, private storage, scoped and audited download."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from ptdv.accounts.models import Role
from ptdv.audit.models import AuditEntry
from ptdv.candidacies.models import CandidacyEvent
from ptdv.documents.models import Attachment
from ptdv.documents.services import MAX_ATTACHMENT_BYTES
from ptdv.factories import CandidacyFactory, user_with_role

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


@pytest.fixture
def candidacy(tree):
    return CandidacyFactory(organisation=tree["cell_a1"])


@pytest.fixture
def clerk(tree):
    return user_with_role(tree["commune_a"], Role.CLERK)


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def upload(client, candidacy, name, content, **extra):
    return client.post(
        f"/api/v1/candidacies/{candidacy.pk}/attachments/",
        {"file": SimpleUploadedFile(name, content), **extra},
        format="multipart",
    )


def test_upload_list_and_download(private_root, candidacy, clerk):
    event = CandidacyEvent.objects.create(
        candidacy=candidacy, action="record_certificate", on="2025-06-01",
        stage_before="source", stage_after="trained", organisation=candidacy.organisation,
    )  # fmt: skip
    response = upload(
        api(clerk), candidacy, "quyet-dinh.pdf", PDF, title="QĐ kết nạp", event=event.pk
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["content_type"] == "application/pdf" and body["event"] == event.pk
    attachment = Attachment.objects.get(pk=body["id"])
    stored = private_root / attachment.storage_name
    assert stored.read_bytes() == PDF
    assert "media" not in str(stored) and "static" not in str(stored)
    for name, content, kind in (("a.png", PNG, "image/png"), ("anh.jpg", JPEG, "image/jpeg")):
        assert upload(api(clerk), candidacy, name, content).json()["content_type"] == kind
    listing = api(clerk).get(f"/api/v1/candidacies/{candidacy.pk}/attachments/")
    assert [a["original_name"] for a in listing.json()] == ["quyet-dinh.pdf", "a.png", "anh.jpg"]
    download = api(clerk).get(body["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert AuditEntry.objects.filter(
        action="export", object_type="documents.attachment", object_id=str(attachment.pk)
    ).exists()


def test_type_is_checked_by_content_not_name(private_root, candidacy, clerk):
    response = upload(api(clerk), candidacy, "scan.pdf", b"<html>not a pdf</html>")
    assert response.status_code == 400
    assert "PDF, JPEG hoặc PNG" in response.json()["error"]["message"]
    renamed = upload(api(clerk), candidacy, "anh.txt", PNG)
    assert renamed.status_code == 201 and renamed.json()["content_type"] == "image/png"
    assert Attachment.objects.count() == 1


def test_size_limit(private_root, candidacy, clerk):
    big = PDF + b"0" * (MAX_ATTACHMENT_BYTES + 1 - len(PDF))
    response = upload(api(clerk), candidacy, "big.pdf", big)
    assert response.status_code == 400
    assert "20 MB" in response.json()["error"]["message"]
    assert not Attachment.objects.exists()
    assert not list(private_root.rglob("*.pdf")) if private_root.exists() else True


def test_scope_and_roles(private_root, tree, candidacy, clerk):
    attachment_id = upload(api(clerk), candidacy, "a.pdf", PDF).json()["id"]
    outsider = user_with_role(tree["commune_b"], Role.ADMINISTRATOR)
    assert upload(api(outsider), candidacy, "b.pdf", PDF).status_code == 404
    assert api(outsider).get(f"/api/v1/attachments/{attachment_id}/download/").status_code == 404
    assert api(outsider).get(f"/api/v1/candidacies/{candidacy.pk}/attachments/").status_code == 404
    viewer = user_with_role(tree["cell_a1"], Role.VIEWER)
    assert upload(api(viewer), candidacy, "c.pdf", PDF).status_code == 403
    assert api(viewer).get(f"/api/v1/attachments/{attachment_id}/download/").status_code == 200


def test_web_upload_and_download(private_root, client, candidacy, clerk):
    client.force_login(clerk)
    response = client.post(
        reverse("documents:attachment_upload", args=[candidacy.pk]),
        {"file": io.BytesIO(PDF), "title": "Nghị quyết chi bộ (bản ký)"},
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.title == "Nghị quyết chi bộ (bản ký)"
    response = client.get(reverse("documents:attachment", args=[attachment.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    # The dossier page lists it (its row says it has an attachment now).
    page = client.get(reverse("candidacies:detail", args=[candidacy.pk])).content.decode()
    listed = page.split('id="candidacy-attachments"')[1]
    assert reverse("documents:attachment", args=[attachment.pk]) in listed
    assert "Nghị quyết chi bộ (bản ký)" in listed
    bad = client.post(
        reverse("documents:attachment_upload", args=[candidacy.pk]),
        {"file": SimpleUploadedFile("x.pdf", b"MZ\x90\x00 executable")},
        follow=True,
    )
    assert "PDF, JPEG hoặc PNG" in bad.content.decode()
    assert Attachment.objects.count() == 1


def test_event_zero_is_refused_not_ignored(private_root, candidacy, clerk):
    response = upload(api(clerk), candidacy, "a.pdf", PDF, event=0)
    assert response.status_code == 400
    assert "event" in response.json()["error"]["fields"]
    assert not Attachment.objects.exists()
