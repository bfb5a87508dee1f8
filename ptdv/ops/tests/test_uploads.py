"""Uploads that fail half-way (issue 15 §4): a disk that fills up while a signed scan is
written, and a request body cut off in the middle — a clear answer, no file left behind,
nothing recorded."""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.base import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from ptdv.accounts.models import Role
from ptdv.audit.models import AuditEntry
from ptdv.documents.models import Attachment
from ptdv.factories import CandidacyFactory, user_with_role

pytestmark = pytest.mark.django_db

SCAN = b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024) + b"\n%%EOF\n"  # three chunks and a bit


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def site(tree, tmp_path: Path) -> Any:
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return CandidacyFactory(organisation=tree["cell_a1"]), user_with_role(
        tree["commune_a"], Role.CLERK
    )


def test_a_disk_full_half_way_leaves_no_file_and_records_nothing(site, monkeypatch) -> None:
    candidacy, clerk = site
    chunks = File.chunks

    def fill_up(self: File, chunk_size: int | None = None) -> Any:
        for number, chunk in enumerate(chunks(self, chunk_size)):
            if number == 1:  # the first chunk is on disk, then the disk is full
                raise OSError(errno.ENOSPC, "No space left on device")
            yield chunk

    monkeypatch.setattr(File, "chunks", fill_up)
    audit_before = AuditEntry.objects.count()
    client = APIClient()
    client.force_authenticate(clerk)
    response = client.post(
        f"/api/v1/candidacies/{candidacy.pk}/attachments/",
        {"file": SimpleUploadedFile("qd.pdf", SCAN)},
        format="multipart",
    )
    assert response.status_code == 400, response.content
    assert "hết chỗ lưu trữ" in response.json()["error"]["fields"]["file"][0]
    assert _files(settings.PRIVATE_MEDIA_ROOT) == []
    assert not Attachment.objects.exists()
    assert AuditEntry.objects.count() == audit_before


def test_a_body_cut_off_in_the_middle_is_refused_and_records_nothing(site) -> None:
    candidacy, clerk = site
    boundary = "BoUnDaRy"
    head = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="file"; filename="qd.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    body = head + SCAN[: len(SCAN) // 2]  # the connection dropped: no end, no boundary
    client = Client(raise_request_exception=False)
    client.force_login(clerk)
    response = client.generic(
        "POST",
        f"/api/v1/candidacies/{candidacy.pk}/attachments/",
        body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 400, response.content
    assert response.json()["error"]["message"]
    assert _files(settings.PRIVATE_MEDIA_ROOT) == []
    assert not Attachment.objects.exists()
