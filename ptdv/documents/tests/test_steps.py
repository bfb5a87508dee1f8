"""Forms fill from the dossier's events and fall back to the dossier's own facts: a dossier
without events (an import, the demo) still prints the dates it holds; a dossier with events
prints the events' numbers, signers and votes; blanks only where neither exists."""

from __future__ import annotations

import datetime as dt

import pytest

from ptdv.candidacies.models import Candidacy
from ptdv.documents.dossier import dossier_load
from ptdv.documents.official_forms import FORMS, form_document
from ptdv.documents.official_forms.steps import FORM_STEPS, step
from ptdv.documents.services import document_render
from ptdv.documents.tests.test_forms import docx_text, pdf_text
from ptdv.factories import CandidacyFactory, PersonFactory

pytestmark = pytest.mark.django_db

BLANK_LONG = "ngày …… tháng …… năm ………"
BLANK_SHORT = "……/……/………"


@pytest.fixture
def probationary_without_events(dossier_cell):  # type: ignore[no-untyped-def]
    """A probationary member as the demo made them: every date on the dossier, no event."""
    person = PersonFactory(
        organisation=dossier_cell,
        family_name="Phan",
        middle_name="Văn",
        given_name="Dự",
        birth_date=dt.date(1998, 7, 9),
    )
    return CandidacyFactory(
        person=person,
        organisation=dossier_cell,
        stage="probationary",
        opened_on=dt.date(2024, 2, 1),
        certificate_date=dt.date(2024, 5, 20),
        application_date=dt.date(2024, 10, 1),
        history_date=dt.date(2024, 10, 5),
        opinions_date=dt.date(2024, 12, 15),
        branch_resolution_date=dt.date(2025, 3, 3),
        committee_resolution_date=dt.date(2025, 3, 10),
        decision_date=dt.date(2025, 4, 1),
        ceremony_date=dt.date(2025, 4, 21),
    )


def _texts(candidacy: Candidacy, user, slug: str, tmp_path) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The generated form read back from the PDF (pdftotext) and from the DOCX."""
    texts = {}
    for fmt in ("pdf", "docx"):
        content = document_render(actor=user, candidacy_id=candidacy.pk, slug=slug, fmt=fmt).content
        texts[fmt] = pdf_text(content, tmp_path) if fmt == "pdf" else docx_text(content)
    return texts


def test_decision_without_events_prints_the_dossier_dates(
    probationary_without_events, approver, tmp_path
):
    candidacy = probationary_without_events
    assert not candidacy.events.exists()
    for fmt, text in _texts(candidacy, approver, "9-knd", tmp_path).items():
        assert "Phan Văn Dự" in text, fmt
        assert "Hà Tĩnh, ngày 01 tháng 04 năm 2025" in text, (fmt, text)
        assert "Xét Nghị quyết số …… ngày 03/03/2025 của Chi bộ thôn A1" in text, (fmt, text)
        assert "Nghị quyết số …… ngày 10/03/2025 của Đảng ủy cơ sở A" in text, (fmt, text)
        assert BLANK_LONG not in text and BLANK_SHORT not in text, (fmt, text)
        # No event named a signer: the decider's default signer signs; the number is the
        # register's, taken once.
        assert "Trần Văn Quyết" in text and "Số 1-QĐ/ĐU" in text, (fmt, text)


def test_resolutions_without_events_print_their_dates_and_cite_each_other(
    probationary_without_events, approver, tmp_path
):
    candidacy = probationary_without_events
    cell = _texts(candidacy, approver, "6-knd", tmp_path)
    committee = _texts(candidacy, approver, "8-knd", tmp_path)
    decision = _texts(candidacy, approver, "9-knd", tmp_path)
    for fmt in ("pdf", "docx"):
        assert "Ngày 03/03/2025, Chi bộ thôn A1 đã họp" in cell[fmt], fmt
        # The vote's figures are not on the dossier: the lines are there, blank to fill.
        assert "tán thành: …/… đồng chí" in cell[fmt], fmt
        assert "Căn cứ Nghị quyết số 1-NQ/CB ngày 03/03/2025" in committee[fmt], fmt
        assert "Ngày 10/03/2025, Đảng ủy cơ sở A đã họp" in committee[fmt], fmt
        assert "Xét Nghị quyết số 1-NQ/CB ngày 03/03/2025" in decision[fmt], fmt
        assert "Nghị quyết số 1-NQ/ĐU ngày 10/03/2025" in decision[fmt], fmt
        for text in (cell[fmt], committee[fmt], decision[fmt]):
            assert BLANK_LONG not in text and BLANK_SHORT not in text, (fmt, text)


def test_blanks_only_where_neither_an_event_nor_a_date_exists(probationary_without_events):
    candidacy = probationary_without_events
    Candidacy.objects.filter(pk=candidacy.pk).update(
        decision_date=None, branch_resolution_date=None, committee_resolution_date=None
    )
    candidacy = Candidacy.objects.select_related(
        "person__residence_locality__organisation", "organisation", "helper__person"
    ).get(pk=candidacy.pk)
    dossier = dossier_load(candidacy, dt.date(2026, 1, 5))
    facts = step(dossier, "9-knd")
    assert facts.event is None and facts.on is None and not facts.known and facts.number == ""
    document = form_document(dossier, "9-knd")
    assert document.place_date.endswith(BLANK_LONG)
    grounds = " ".join(getattr(block, "text", "") for block in document.body)
    assert f"Xét Nghị quyết số …… ngày {BLANK_SHORT} của Chi bộ thôn A1;" in grounds


def test_with_events_the_forms_print_the_events_number_signer_and_votes(
    official_candidacy, approver, tmp_path
):
    """The event's facts win over the dossier's: its date, number, signer and vote."""
    Candidacy.objects.filter(pk=official_candidacy.pk).update(
        decision_date=dt.date(2025, 4, 2), branch_resolution_date=dt.date(2025, 3, 4)
    )
    decision = _texts(official_candidacy, approver, "9-knd", tmp_path)
    cell = _texts(official_candidacy, approver, "6-knd", tmp_path)
    committee = _texts(official_candidacy, approver, "8-knd", tmp_path)
    for fmt in ("pdf", "docx"):
        text = decision[fmt]
        assert "Số 12-QĐ/ĐU" in text and "Phạm Thị Phó" in text and "K/T BÍ THƯ" in text
        assert "ngày 01 tháng 04 năm 2025" in text and "02 tháng 04" not in text, fmt
        assert "Xét Nghị quyết số 3-NQ/CB ngày 03/03/2025" in text, (fmt, text)
        assert "Số 3-NQ/CB" in cell[fmt] and "Lê Văn Chi" in cell[fmt], fmt
        assert "có mặt: 8 đồng chí" in cell[fmt] and "8/9" in cell[fmt], fmt
        assert "88,9%" in cell[fmt] and "04/03/2025" not in cell[fmt], fmt
        assert "Tổng số ủy viên đảng ủy: 7 đồng chí" in committee[fmt], fmt
        assert "6/7" in committee[fmt] and "85,7%" in committee[fmt], fmt


def test_every_form_names_its_step_once():
    """The action strings of the forms live in FORM_STEPS only (one entry per form)."""
    assert set(FORM_STEPS) == set(FORMS)
    actions = {form.action for form in FORM_STEPS.values()} - {None}
    assert actions == {
        "record_certificate",
        "record_application",
        "record_introduction",
        "record_opinions",
        "branch_vote",
        "committee_vote",
        "admission_decision",
        "recognition_vote",
        "recognition_decision",
    }
