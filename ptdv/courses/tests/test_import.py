"""The Excel import of enrolments (kind "enrolments"): rows name a course and a dossier (by
number or national ID) in the actor's scope; all or nothing."""

from __future__ import annotations

import pytest

from ptdv.courses.models import Enrolment
from ptdv.exchange.models import ImportStatus
from ptdv.exchange.services import import_workbook
from ptdv.exchange.tests.conftest import filled_template
from ptdv.factories import CandidacyFactory, PersonFactory
from ptdv.people.crypto import national_id_encrypt, national_id_hash

pytestmark = pytest.mark.django_db


def test_enrolments_are_imported_through_the_service(clerk, course, pool, tree, tmp_path):
    number = "042301000077"
    person = PersonFactory(
        organisation=tree["cell_a1"],
        national_id_hash=national_id_hash(number),
        national_id_encrypted=national_id_encrypt(number),
    )
    by_number = CandidacyFactory(organisation=tree["cell_a1"], person=person)
    rows = [{"course": course.pk, "candidacy": c.pk} for c in pool[:3]]
    rows.append({"course": course.pk, "national_id": number})
    path = filled_template(tmp_path, "enrolments", rows)

    outcome = import_workbook(actor=clerk, path=path, kind="enrolments")

    assert outcome.status == ImportStatus.IMPORTED, outcome.errors
    assert set(Enrolment.objects.values_list("candidacy_id", flat=True)) == {
        *(c.pk for c in pool[:3]),
        by_number.pk,
    }


def test_a_row_outside_the_scope_rejects_the_file(clerk, course, pool, tree, tmp_path):
    outside = CandidacyFactory(organisation=tree["cell_b1"])
    path = filled_template(
        tmp_path,
        "enrolments",
        [
            {"course": course.pk, "candidacy": pool[0].pk},
            {"course": course.pk, "candidacy": outside.pk},
            {"course": course.pk, "candidacy": pool[0].pk},
            {"course": 99_999_999_999, "candidacy": pool[1].pk},
        ],
    )

    outcome = import_workbook(actor=clerk, path=path, kind="enrolments")

    assert outcome.status == ImportStatus.REJECTED
    assert {(e.row, e.column) for e in outcome.errors} == {
        (4, "candidacy"),
        (5, "candidacy"),
        (6, "course"),
    }
    assert "Không tìm thấy hồ sơ" in next(e.message for e in outcome.errors if e.row == 4)
    assert not Enrolment.objects.exists()
