"""Objects a document request names in its body or options — the step an upload belongs to,
the organisation whose register gives a number — are resolved through the actor's scope in
the service: outside answers like absent, and nothing is written (issue 10 §1)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from rest_framework.test import APIClient

from ptdv.accounts.models import Role
from ptdv.candidacies.models import CandidacyEvent
from ptdv.core.tests.state import db_state
from ptdv.documents.models import Attachment
from ptdv.documents.services import document_number_reserve
from ptdv.factories import CandidacyFactory, user_with_role

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NOT_THIS_DOSSIER = "Bước này không thuộc hồ sơ."


def event_of(candidacy):
    return CandidacyEvent.objects.create(
        candidacy=candidacy, action="record_certificate", on="2025-06-01",
        stage_before="source", stage_after="trained", organisation=candidacy.organisation,
    )  # fmt: skip


@pytest.fixture
def world(tree, private_root):
    mine = CandidacyFactory(organisation=tree["cell_a1"])
    theirs = CandidacyFactory(organisation=tree["cell_b1"])
    return {
        "mine": mine,
        "event": event_of(mine),
        "foreign_event": event_of(theirs),
        "clerk": user_with_role(tree["commune_a"], Role.CLERK),
    }


def test_an_upload_naming_another_dossiers_step_stores_nothing_by_the_api(world):
    client = APIClient()
    client.force_authenticate(world["clerk"])
    url = f"/api/v1/candidacies/{world['mine'].pk}/attachments/"

    def post(event):
        return client.post(
            url, {"file": SimpleUploadedFile("a.pdf", PDF), "event": event}, format="multipart"
        )

    before = db_state()
    outside = post(world["foreign_event"].pk)
    assert outside.status_code == 400
    assert outside.json()["error"]["fields"] == {"event": [NOT_THIS_DOSSIER]}
    assert post(987654).json() == outside.json()
    assert db_state() == before
    assert post(world["event"].pk).status_code == 201


def test_an_upload_naming_another_dossiers_step_stores_nothing_by_the_web_form(client, world):
    """The form used to drop an unknown step silently and keep the scan without it."""
    client.force_login(world["clerk"])
    url = reverse("documents:attachment_upload", args=[world["mine"].pk])
    before = db_state()
    for event in (world["foreign_event"].pk, 987654, "x"):
        response = client.post(url, {"file": io.BytesIO(PDF), "event": event})
        assert {str(m) for m in get_messages(response.wsgi_request)} == {NOT_THIS_DOSSIER}
    assert db_state() == before
    client.post(url, {"file": io.BytesIO(PDF), "event": world["event"].pk})
    assert Attachment.objects.get().event == world["event"]


def test_a_number_from_another_communes_register_is_not_found(tree):
    clerk = user_with_role(tree["commune_a"], Role.CLERK)
    before = db_state()
    with pytest.raises(ValidationError) as info:
        document_number_reserve(
            actor=clerk, organisation=tree["commune_b"], kind="QĐ", on=dt.date(2026, 1, 5)
        )
    assert info.value.message_dict == {"organisation": ["Không tìm thấy tổ chức."]}
    assert db_state() == before
    client = APIClient()
    client.force_authenticate(clerk)
    for organisation in (tree["commune_b"].pk, 987654):
        response = client.post(
            "/api/v1/document-numbers/",
            {"organisation": organisation, "document_kind": "QĐ"},
            format="json",
        )
        assert response.status_code == 400
        assert response.json()["error"]["fields"] == {"organisation": ["Không tìm thấy tổ chức."]}
    assert db_state() == before


def test_the_number_command_treats_another_communes_code_as_absent(tree):
    clerk = user_with_role(tree["commune_a"], Role.CLERK)
    before = db_state()
    messages = []
    for code in (tree["commune_b"].code, "KHONG-CO"):
        with pytest.raises(CommandError) as info:
            call_command(
                "documents", "number", "--organisation", code, "--kind", "QĐ", "--as",
                clerk.username,
            )  # fmt: skip
        messages.append(str(info.value))
    assert messages[0] == messages[1]
    assert db_state() == before
