"""The demo province as after 1 July 2025 (QĐ 294): each commune's standing committee decides
for the cells directly under it, which are grassroots cells from that day (no commune
committee vote); dossiers decided before keep the bodies of their time."""

from __future__ import annotations

import datetime as dt
import io
from io import StringIO
from typing import Any

import docx
import pytest
from django.core.management import call_command

from ptdv.accounts.models import Role
from ptdv.candidacies.models import Candidacy, CandidacyEvent
from ptdv.documents.models import DocumentNumber
from ptdv.documents.services import document_render
from ptdv.factories import user_with_role
from ptdv.organisations.competence import REFORM_DATE, competence_on
from ptdv.organisations.models import Competence, Kind, Organisation

# A small province with enough dossiers for a village cell of xã Thiên Cầm to hold one
# decided after the reform.
SMALL = ("--members", "1500", "--candidates", "1500", "--seed", "1")


def docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return " ".join(" ".join(parts).split())


@pytest.mark.django_db
def test_thien_cam_village_cells_are_decided_by_the_communes_standing_committee(
    db: Any,
) -> None:
    call_command("demo", "load", *SMALL, stdout=StringIO())
    communes = Organisation.objects.filter(kind=Kind.COMMUNE)
    rows = Competence.objects.filter(valid_from=REFORM_DATE, valid_to__isnull=True)
    assert rows.count() == communes.count() == 69
    assert all(r.subject_id == r.decider_id for r in rows)
    thien_cam = communes.get(name="Đảng bộ xã Thiên Cầm")
    province = Organisation.objects.get(kind=Kind.PROVINCE)
    villages = Organisation.objects.filter(parent=thien_cam, name__startswith="Chi bộ thôn")
    assert villages.exists()
    for village in villages:
        assert competence_on(village, REFORM_DATE) == thien_cam
        assert competence_on(village, REFORM_DATE - dt.timedelta(days=1)) == province

    # A village cell's dossier decided after the reform: 9-KNĐ of the commune's standing
    # committee, numbered from the commune's register, with no commune committee vote.
    decided = (
        Candidacy.objects.filter(organisation__in=villages, decision_date__gte=REFORM_DATE)
        .select_related("organisation")
        .order_by("pk")
    )
    assert decided.exists()
    candidacy = decided[0]
    decision = candidacy.events.get(action="admission_decision")
    entry = DocumentNumber.objects.get(candidacy=candidacy, slug="9-knd")
    assert entry.organisation == thien_cam and decision.document_number == entry.symbol
    assert entry.symbol.endswith("-QĐ/ĐU")
    assert not candidacy.events.filter(action="committee_vote", on__gte=REFORM_DATE).exists()
    admin = user_with_role(province, Role.ADMINISTRATOR)
    result = document_render(actor=admin, candidacy_id=candidacy.pk, slug="9-knd", fmt="docx")
    text = docx_text(result.content)
    assert "BAN THƯỜNG VỤ ĐẢNG ỦY XÃ THIÊN CẦM QUYẾT ĐỊNH" in text
    assert f"Số {entry.symbol}" in text
    assert "BAN THƯỜNG VỤ TỈNH ỦY" not in text and "QĐ/TU" not in text

    # Province-wide: after the reform no cell directly under a commune has a committee vote,
    # and every admission decision of such a cell is the commune's; before it, the province's.
    direct = Organisation.objects.filter(parent__kind=Kind.COMMUNE, kind=Kind.CELL)
    after = CandidacyEvent.objects.filter(candidacy__organisation__in=direct, on__gte=REFORM_DATE)
    assert not after.filter(action="committee_vote").exists()
    issuers = dict(
        DocumentNumber.objects.filter(slug="9-knd", candidacy__organisation__in=direct).values_list(
            "candidacy_id", "organisation__kind"
        )
    )
    decisions = CandidacyEvent.objects.filter(
        candidacy__organisation__in=direct, action="admission_decision"
    )
    assert decisions.filter(on__gte=REFORM_DATE).exists()
    assert decisions.filter(on__lt=REFORM_DATE).exists()
    for event in decisions:
        expected = Kind.COMMUNE if event.on >= REFORM_DATE else Kind.PROVINCE
        assert issuers[event.candidacy_id] == expected, (event.candidacy_id, event.on)
