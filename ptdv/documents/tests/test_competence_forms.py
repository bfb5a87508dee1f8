"""The forms name the body competent on their own date: a village cell's admission decided
before 1 July 2025 by the Provincial Standing Committee (after the commune's 8-KNĐ), one
decided after it by the commune's standing committee, numbered from the commune's register."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import docx
import pytest

from ptdv.accounts.models import Role
from ptdv.candidacies.models import Candidacy
from ptdv.candidacies.tests import test_competence_case as case
from ptdv.documents.models import DocumentNumber
from ptdv.documents.selectors import documents_for_candidacy
from ptdv.documents.services import document_render
from ptdv.factories import user_with_role
from ptdv.organisations.models import Locality, LocalityKind, Organisation
from ptdv.people.models import Person

# The dossiers' tree and helpers of the dossier's own tests (fixtures re-exported).
commune_tree = case.commune_tree
approver = case.approver
act, branch_resolved = case.act, case.branch_resolved


def docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return " ".join(" ".join(parts).split())


def render(user: Any, candidacy: Candidacy, slug: str) -> str:
    result = document_render(actor=user, candidacy_id=candidacy.pk, slug=slug, fmt="docx")
    return docx_text(result.content)


@pytest.fixture
def province_admin(commune_tree: dict[str, Organisation]) -> Any:
    Organisation.objects.filter(pk=commune_tree["province"].pk).update(place_name="Hà Tĩnh")
    return user_with_role(commune_tree["province"], Role.ADMINISTRATOR)


def test_a_decision_before_the_reform_keeps_the_province(
    commune_tree: dict[str, Organisation], approver: Any, province_admin: Any
) -> None:
    candidacy = branch_resolved(approver, commune_tree["village"], dt.date(2025, 3, 3), "An")
    act(approver, candidacy, "committee_vote", date="2025-03-10", vote={"agree": 6, "body_size": 7})
    act(approver, candidacy, "admission_decision", date="2025-04-01",
        vote={"agree": 5, "body_size": 9})  # fmt: skip
    text = render(province_admin, candidacy, "9-knd")
    assert "BAN THƯỜNG VỤ TỈNH ỦY HÀ TĨNH QUYẾT ĐỊNH" in text
    assert "Số 1-QĐ/TU" in text
    # The commune's committee, a grassroots committee then, proposed it (8-KNĐ).
    assert "của Đảng ủy xã Thiên Cầm" in text
    assert DocumentNumber.objects.get(slug="9-knd").organisation == commune_tree["province"]
    eight = render(province_admin, candidacy, "8-knd")
    assert "ĐẢNG ỦY XÃ THIÊN CẦM" in eight and "Ban Thường vụ Tỉnh ủy Hà Tĩnh" in eight


def test_a_decision_after_the_reform_is_the_communes(
    commune_tree: dict[str, Organisation], approver: Any, province_admin: Any
) -> None:
    candidacy = branch_resolved(approver, commune_tree["village"], dt.date(2025, 9, 1), "Bình")
    act(approver, candidacy, "admission_decision", date="2025-09-15",
        vote={"agree": 5, "body_size": 9})  # fmt: skip
    # Lives in "Thôn 9" (its name carries its kind): printed once, not "Thôn Thôn 9".
    nine = Locality.objects.create(
        code="L9", name="Thôn 9", kind=LocalityKind.VILLAGE, organisation=commune_tree["commune"]
    )
    Person.objects.filter(pk=candidacy.person_id).update(residence_locality=nine)
    candidacy.refresh_from_db()
    text = render(province_admin, candidacy, "9-knd")
    assert "nơi cư trú: Thôn 9, xã Thiên Cầm" in text and "Thôn Thôn" not in text
    assert "BAN THƯỜNG VỤ ĐẢNG ỦY XÃ THIÊN CẦM QUYẾT ĐỊNH" in text
    assert "ĐẢNG BỘ TỈNH HÀ TĨNH ĐẢNG ỦY XÃ THIÊN CẦM" in text  # superior, issuer
    assert "Số 1-QĐ/ĐU" in text and "QĐ/TU" not in text
    assert "TỈNH ỦY HÀ TĨNH" not in text.replace("ĐẢNG BỘ TỈNH HÀ TĨNH", "")
    # The cell is a grassroots cell: no grassroots-committee resolution to cite or to issue.
    assert "Nghị quyết số" in text and "của Đảng ủy xã" not in text
    assert DocumentNumber.objects.get(slug="9-knd").organisation == commune_tree["commune"]
    slugs = {
        f["slug"]
        for f in documents_for_candidacy(actor=province_admin, candidacy=candidacy)["forms"]
    }
    assert "9-knd" in slugs and "8-knd" not in slugs
    six = render(province_admin, candidacy, "6-knd")
    assert "Đề nghị Ban Thường vụ Đảng ủy xã Thiên Cầm xem xét" in six
