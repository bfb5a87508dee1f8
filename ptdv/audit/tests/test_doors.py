"""Every door that shows personal data writes exactly one audit entry per request, naming
who, the door, the organisation it concerns, and never a name typed or shown."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

from ptdv.accounts.models import Role
from ptdv.audit.models import AuditEntry
from ptdv.candidacies.models import Stage
from ptdv.documents.models import Relation
from ptdv.documents.services import RelativeData, attachment_create, relative_create
from ptdv.factories import CandidacyFactory, PersonFactory, user_with_role

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FAMILY, GIVEN = "Trịnh", "Quyết"


@pytest.fixture
def world(tree, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    cell = tree["cell_a1"]
    # An administrator (also Django staff) of commune A does everything a clerk does there.
    admin = user_with_role(tree["commune_a"], Role.ADMINISTRATOR, is_staff=True)
    person = PersonFactory(organisation=cell, family_name=FAMILY, given_name=GIVEN)
    candidacy = CandidacyFactory(
        organisation=cell,
        person=person,
        stage=Stage.TRAINED,
        certificate_date=dt.date(2025, 10, 1),
    )
    relative = relative_create(
        actor=admin,
        person=person,
        data=RelativeData(relation=Relation.FATHER, full_name="Trịnh Văn Cha", birth_year=1960),
    )
    attachment = attachment_create(
        actor=admin,
        candidacy=candidacy,
        upload=SimpleUploadedFile("scan.pdf", PDF),
        original_name="scan.pdf",
        title="Đơn",
    )
    return {
        "tree": tree,
        "admin": admin,
        "person": person,
        "candidacy": candidacy,
        "relative": relative,
        "attachment": attachment,
        "tmp": tmp_path,
    }


def web(w: dict[str, Any]) -> Client:
    client = Client()
    client.force_login(w["admin"])
    return client


def api(w: dict[str, Any]) -> APIClient:
    client = APIClient()
    client.force_authenticate(w["admin"])
    return client


def get(kind: str, url: Callable[[dict[str, Any]], str], **extra: Any) -> Callable[..., Any]:
    def door(w: dict[str, Any]) -> int:
        client = web(w) if kind in ("web", "admin") else api(w)
        before = AuditEntry.objects.count()
        response = client.get(url(w), **extra)
        assert response.status_code == 200, (url(w), response.status_code)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        return before

    door.channel = kind  # type: ignore[attr-defined]
    return door


def command(*args_of: Callable[[dict[str, Any]], list[str]]) -> Callable[..., Any]:
    def door(w: dict[str, Any]) -> int:
        before = AuditEntry.objects.count()
        call_command(*args_of[0](w), stdout=io.StringIO())
        return before

    door.channel = "console"  # type: ignore[attr-defined]
    return door


DOORS = {
    # The web pages.
    "person page": get("web", lambda w: f"/people/{w['person'].pk}/"),
    "dossier page": get("web", lambda w: f"/candidacies/{w['candidacy'].pk}/"),
    "candidate list": get("web", lambda w: "/candidacies/?q=trinh"),
    "candidate list (htmx)": get(
        "web", lambda w: "/candidacies/?q=trinh+quyet", HTTP_HX_REQUEST="true"
    ),
    "relative form": get("web", lambda w: f"/people/relatives/{w['relative'].pk}/edit/"),
    "relative deletion": get("web", lambda w: f"/people/relatives/{w['relative'].pk}/delete/"),
    "official form": get("web", lambda w: f"/documents/candidacies/{w['candidacy'].pk}/1-knd.docx"),
    "attachment": get("web", lambda w: f"/documents/attachments/{w['attachment'].pk}/"),
    "excel export": get("web", lambda w: "/exchange/export/candidacies.xlsx?q=trinh"),
    "plan": get("web", lambda w: f"/targets/{w['tree']['commune_a'].pk}/plan/"),
    "report": get("web", lambda w: f"/reports/progress/{w['tree']['commune_a'].pk}.xlsx"),
    "audit page": get("web", lambda w: "/audit/"),
    "audit export": get("web", lambda w: "/audit/export.xlsx"),
    # The API.
    "API people": get("api", lambda w: "/api/v1/people/?search=trinh"),
    "API person": get("api", lambda w: f"/api/v1/people/{w['person'].pk}/"),
    "API candidacies": get("api", lambda w: "/api/v1/candidacies/?search=trinh"),
    "API candidacy": get("api", lambda w: f"/api/v1/candidacies/{w['candidacy'].pk}/"),
    "API relatives": get("api", lambda w: f"/api/v1/people/{w['person'].pk}/relatives/"),
    "API attachments": get(
        "api", lambda w: f"/api/v1/candidacies/{w['candidacy'].pk}/attachments/"
    ),
    "API attachment": get("api", lambda w: f"/api/v1/attachments/{w['attachment'].pk}/download/"),
    "API official form": get(
        "api", lambda w: f"/api/v1/candidacies/{w['candidacy'].pk}/documents/1-knd.pdf"
    ),
    "API report": get(
        "api", lambda w: f"/api/v1/reports/progress/{w['tree']['commune_a'].pk}.xlsx"
    ),
    "API audit": get("api", lambda w: "/api/v1/audit/"),
    # The Django admin.
    "admin people": get("admin", lambda w: "/admin/people/person/?q=trinh"),
    "admin person": get("admin", lambda w: f"/admin/people/person/{w['person'].pk}/change/"),
    "admin dossiers": get("admin", lambda w: "/admin/candidacies/candidacy/"),
    "admin dossier": get(
        "admin", lambda w: f"/admin/candidacies/candidacy/{w['candidacy'].pk}/change/"
    ),
    "admin relatives": get("admin", lambda w: "/admin/documents/relative/"),
    "admin relative": get(
        "admin", lambda w: f"/admin/documents/relative/{w['relative'].pk}/change/"
    ),
    "admin attachments": get("admin", lambda w: "/admin/documents/attachment/"),
    "admin members": get("admin", lambda w: "/admin/members/partymembership/"),
    # The console.
    "console export": command(
        lambda w: [
            "export",
            "candidacies",
            "--as",
            w["admin"].username,
            "--search",
            "trinh",
            "--output",
            str(w["tmp"] / "out.xlsx"),
        ]
    ),
    "console form": command(
        lambda w: [
            "documents",
            "render",
            "--as",
            w["admin"].username,
            "--candidacy",
            str(w["candidacy"].pk),
            "--slug",
            "1-knd",
            "--output",
            str(w["tmp"] / "form.pdf"),
        ]
    ),
}


@pytest.mark.parametrize("name", DOORS)
def test_each_read_of_personal_data_writes_exactly_one_entry(world, name) -> None:
    door = DOORS[name]
    before = door(world)
    entries = list(AuditEntry.objects.order_by("id")[before:])
    assert len(entries) == 1, [(e.action, e.summary) for e in entries]
    entry = entries[0]
    assert entry.actor == world["admin"]
    assert entry.action in ("view", "export")
    assert entry.channel == door.channel
    # The entry concerns commune A's subtree, so commune A's administrators can read it.
    assert entry.org_path.startswith(world["tree"]["commune_a"].path)
    # No name in the free fields, not even the one typed as a search.
    free = (entry.summary + json.dumps(entry.data, ensure_ascii=False)).lower()
    for word in (FAMILY, GIVEN, "trinh", "quyet", "Trịnh Văn Cha"):
        assert word.lower() not in free, (name, free)
