"""The services of exemplars: recording (a person of PTĐV or a free name), scope, links to a
dossier, evidence files, search and the review figures."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from ptdv.audit.models import AuditEntry
from ptdv.core.review import review_sources
from ptdv.exemplars.models import Exemplar
from ptdv.exemplars.selectors import (
    ExemplarFilters,
    exemplar_list,
    exemplar_review_figures,
)
from ptdv.exemplars.services import (
    ExemplarData,
    StaleExemplar,
    exemplar_evidence_attach,
    exemplar_evidence_open,
    exemplar_link_candidacy,
    exemplar_update,
)
from ptdv.exemplars.tests.conftest import PDF, record
from ptdv.factories import CandidacyFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_a_free_name_is_recorded_nfc_searchable_and_audited(tree, clerk_a):
    exemplar = record(clerk_a, tree["cell_a1"], name="  Phạm   Văn Tiến ")
    assert exemplar.name == "Phạm Văn Tiến"
    assert exemplar.person is None
    assert " buoi" in exemplar.search_text and " tien" in exemplar.search_text
    entry = AuditEntry.objects.get(object_type="exemplars.exemplar", action="create")
    assert entry.actor == clerk_a
    assert "Tiến" not in entry.summary + str(entry.data)
    # Folded word starts, accents and case aside; a wrong word finds nothing.
    found = exemplar_list(actor=clerk_a, filters=ExemplarFilters(q="pham tien BUOI"))
    assert list(found) == [exemplar]
    assert not exemplar_list(actor=clerk_a, filters=ExemplarFilters(q="cam")).exists()


def test_a_person_of_ptdv_gives_the_name(tree, clerk_a):
    person = PersonFactory(
        organisation=tree["cell_a1"], family_name="Đỗ", middle_name="Thị", given_name="Hoa"
    )
    exemplar = record(clerk_a, tree["cell_a1"], person=person.pk, name="")
    assert exemplar.person == person
    assert exemplar.name == "Đỗ Thị Hoa"


def test_outside_the_scope_is_the_same_field_error_as_absent(tree, clerk_a, viewer_a):
    elsewhere = PersonFactory(organisation=tree["cell_b1"])
    with pytest.raises(ValidationError) as outside:
        record(clerk_a, tree["cell_b1"])
    with pytest.raises(ValidationError) as absent:
        record(clerk_a, tree["cell_a1"].__class__(pk=999999))
    assert outside.value.message_dict == absent.value.message_dict
    assert "organisation" in outside.value.message_dict
    with pytest.raises(ValidationError) as person:
        record(clerk_a, tree["cell_a1"], person=elsewhere.pk)
    assert "Người" in person.value.message_dict["person"][0]
    with pytest.raises(PermissionDenied):
        record(viewer_a, tree["cell_a1"])
    assert not Exemplar.objects.exists()


def test_required_fields_are_named(tree, clerk_a):
    with pytest.raises(ValidationError) as exc:
        record(clerk_a, tree["cell_a1"], deed="  ", field="nope")
    assert set(exc.value.message_dict) == {"deed", "field"}
    with pytest.raises(ValidationError) as nameless:
        record(clerk_a, tree["cell_a1"], name=" ")
    assert nameless.value.message_dict["name"][0].startswith("Họ và tên")
    with pytest.raises(ValidationError) as future:
        record(clerk_a, tree["cell_a1"], recognised_on=dt.date.today() + dt.timedelta(days=2))
    assert "recognised_on" in future.value.message_dict


def test_update_checks_the_version_and_scope(tree, clerk_a, clerk_b, viewer_a):
    exemplar = record(clerk_a, tree["cell_a1"])
    data = ExemplarData(
        organisation=tree["cell_a2"].pk,
        field="study",
        deed="Thủ khoa tốt nghiệp.",
        recognised_on=dt.date(2026, 1, 5),
        name="Phạm Văn Tiến",
    )
    exemplar = exemplar_update(actor=clerk_a, exemplar_id=exemplar.pk, data=data, version=1)
    assert (exemplar.organisation, exemplar.field, exemplar.version) == (
        tree["cell_a2"],
        "study",
        2,
    )
    with pytest.raises(StaleExemplar):
        exemplar_update(actor=clerk_a, exemplar_id=exemplar.pk, data=data, version=1)
    with pytest.raises(Http404):
        exemplar_update(actor=clerk_b, exemplar_id=exemplar.pk, data=data)
    with pytest.raises(PermissionDenied):
        exemplar_update(actor=viewer_a, exemplar_id=exemplar.pk, data=data)


def test_linking_the_dossier_of_the_candidate_they_became(tree, clerk_a):
    exemplar = record(clerk_a, tree["cell_a1"], name="Vũ Minh Quân")
    dossier = CandidacyFactory(
        organisation=tree["cell_a1"],
        person=PersonFactory(
            organisation=tree["cell_a1"], family_name="Vũ", middle_name="Minh", given_name="Quân"
        ),
    )
    exemplar = exemplar_link_candidacy(actor=clerk_a, exemplar_id=exemplar.pk, candidacy=dossier.pk)
    assert exemplar.candidacy == dossier
    assert exemplar.person == dossier.person  # a free name takes the dossier's person
    assert list(dossier.exemplars.all()) == [exemplar]
    # Another person's dossier is refused; one outside the scope is "not found".
    other = CandidacyFactory(organisation=tree["cell_a2"])
    with pytest.raises(ValidationError) as wrong:
        exemplar_link_candidacy(actor=clerk_a, exemplar_id=exemplar.pk, candidacy=other.pk)
    assert "candidacy" in wrong.value.message_dict
    outside = CandidacyFactory(organisation=tree["cell_b1"])
    with pytest.raises(ValidationError) as out:
        exemplar_link_candidacy(actor=clerk_a, exemplar_id=exemplar.pk, candidacy=outside.pk)
    assert out.value.message_dict["candidacy"][0].startswith("Hồ sơ: không tìm thấy")
    exemplar = exemplar_link_candidacy(actor=clerk_a, exemplar_id=exemplar.pk, candidacy=None)
    assert exemplar.candidacy is None
    only = exemplar_list(actor=clerk_a, filters=ExemplarFilters(candidate="no"))
    assert list(only) == [exemplar]


def test_evidence_file_is_sniffed_kept_privately_and_read_audited(tree, clerk_a, viewer_a):
    exemplar = record(clerk_a, tree["cell_a1"])
    with pytest.raises(ValidationError) as bad:
        exemplar_evidence_attach(
            actor=clerk_a,
            exemplar_id=exemplar.pk,
            upload=io.BytesIO(b"MZ.."),
            original_name="x.pdf",
        )
    assert "file" in bad.value.message_dict
    exemplar = exemplar_evidence_attach(
        actor=clerk_a, exemplar_id=exemplar.pk, upload=io.BytesIO(PDF), original_name="qd.pdf"
    )
    assert exemplar.has_evidence_file and exemplar.evidence_type == "application/pdf"
    with exemplar_evidence_open(actor=viewer_a, exemplar=exemplar) as handle:
        assert handle.read() == PDF
    assert AuditEntry.objects.filter(
        actor=viewer_a, action="export", object_id=str(exemplar.pk)
    ).exists()


def test_review_figures_of_task_9(tree, clerk_a):
    record(clerk_a, tree["cell_a1"], field="study")
    linked = record(clerk_a, tree["cell_a2"], field="production")
    record(clerk_a, tree["cell_a2"], recognised_on=dt.date(2025, 3, 1))  # before the period
    dossier = CandidacyFactory(organisation=tree["cell_a2"])
    exemplar_link_candidacy(actor=clerk_a, exemplar_id=linked.pk, candidacy=dossier.pk)
    figures = exemplar_review_figures(
        clerk_a, tree["commune_a"], dt.date(2026, 1, 1), dt.date(2026, 6, 30)
    )
    values = {f.label: f.value for f in figures}
    assert values["Số gương điển hình được phát hiện, ghi nhận"] == 2
    assert values["Trong đó đã trở thành quần chúng ưu tú (có hồ sơ)"] == 1
    assert values["Lĩnh vực học tập"] == 1
    assert "exemplars" in [name for name, _ in review_sources()[9]]
