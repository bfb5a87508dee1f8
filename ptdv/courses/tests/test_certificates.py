"""The course of issue 13 "done when": thirty candidates enrolled in bulk, attendance, 28
certificates numbered without gaps from the organiser's register and recorded on the 28
dossiers, 2 who did not pass; the certificates printed in one PDF and one DOCX, read back."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ptdv.candidacies.models import Candidacy, CandidacyEvent, Stage
from ptdv.courses.certificates import certificates_render
from ptdv.courses.models import Attendance, Enrolment, Result
from ptdv.courses.services import (
    attendance_record,
    certificates_issue,
    enrolments_add,
    results_record,
    session_add,
)
from ptdv.documents.models import DocumentCounter, DocumentNumber

PDFTOTEXT = shutil.which("pdftotext") or "/usr/bin/pdftotext"


def _run_course(clerk, course, pool, today):
    """Enrol the pool, hold three sessions, record who came and the results: the last two
    (by name) fail."""
    enrolments = enrolments_add(
        actor=clerk,
        course_id=course.pk,
        candidacy_ids=[c.pk for c in pool],
        today=course.starts_on - dt.timedelta(days=5),
    )
    sessions = [
        session_add(
            actor=clerk,
            course_id=course.pk,
            date=course.starts_on + dt.timedelta(days=d),
            topic=f"Chuyên đề {d + 1}",
        )
        for d in (0, 7, 14)
    ]
    ordered = list(
        Enrolment.objects.filter(course=course).order_by("candidacy__person__sort_key", "pk")
    )
    failing = {e.pk for e in ordered[-2:]}
    present = {
        s.pk: [e.pk for e in enrolments if e.pk not in failing or index == 0]
        for index, s in enumerate(sessions)
    }
    attendance_record(actor=clerk, course_id=course.pk, present=present, today=today)
    results_record(
        actor=clerk,
        course_id=course.pk,
        results={e.pk: Result.FAILED if e.pk in failing else Result.PASSED for e in enrolments},
    )
    return enrolments, sessions, failing


@pytest.mark.django_db
def test_thirty_enrolled_28_certificates_without_gaps(clerk, course, pool, today):
    enrolments, _sessions, failing = _run_course(clerk, course, pool, today)
    assert len(enrolments) == 30
    assert Attendance.objects.filter(session__course=course).count() == 90
    assert Attendance.objects.filter(session__course=course, present=True).count() == 28 * 3 + 2

    on = today - dt.timedelta(days=10)
    issued = certificates_issue(
        actor=clerk, course_id=course.pk, on=on, today=today, signer="Hồ Văn Ký"
    )

    assert len(issued) == 28
    entries = DocumentNumber.objects.filter(
        organisation=course.organiser, year=on.year, kind="GCN"
    ).order_by("number")
    numbers = [e.number for e in entries]
    assert numbers == list(range(numbers[0], numbers[0] + 28))  # no gaps, no duplicates
    assert [e.certificate_number for e in issued] == [f"{n}-GCN/ĐU" for n in numbers]
    # In the order of the names.
    sort_keys = [e.candidacy.person.sort_key for e in issued]
    assert sort_keys == sorted(sort_keys)

    passed_ids = [e.candidacy_id for e in enrolments if e.pk not in failing]
    failed_ids = [e.candidacy_id for e in enrolments if e.pk in failing]
    for candidacy in Candidacy.objects.filter(pk__in=passed_ids):
        assert candidacy.certificate_date == on
        assert candidacy.stage == Stage.TRAINED
    events = CandidacyEvent.objects.filter(candidacy_id__in=passed_ids, action="record_certificate")
    assert events.count() == 28
    by_candidacy = {e.candidacy_id: e for e in events}
    for enrolment in Enrolment.objects.filter(course=course, result=Result.PASSED):
        event = by_candidacy[enrolment.candidacy_id]
        assert event.document_number == enrolment.certificate_number
        assert event.issuing_body == "Đảng ủy xã A"
        assert event.signer == "Hồ Văn Ký"
    # The two who did not pass: no certificate, nothing on their dossiers.
    for candidacy in Candidacy.objects.filter(pk__in=failed_ids):
        assert candidacy.certificate_date is None
        assert candidacy.stage == Stage.SOURCE
    assert not CandidacyEvent.objects.filter(candidacy_id__in=failed_ids).exists()
    assert Enrolment.objects.filter(course=course, certificate__isnull=False).count() == 28

    # Issuing again: nobody is waiting.
    with pytest.raises(ValidationError):
        certificates_issue(actor=clerk, course_id=course.pk, on=on, today=today)

    # Printed together: one PDF, one DOCX, each certificate with its number and name.
    pdf = certificates_render(actor=clerk, course_id=course.pk, fmt="pdf")
    assert pdf.count == 28
    command = [PDFTOTEXT, "-layout", "-", "-"]
    text = subprocess.run(  # noqa: S603
        command, input=pdf.content, capture_output=True, check=True
    ).stdout.decode()
    text = " ".join(text.split())
    assert text.count("GIẤY CHỨNG NHẬN") == 28
    for enrolment in issued:
        assert f"Số {enrolment.certificate_number}" in text
        assert enrolment.candidacy.person.full_name in text
    assert "có giá trị 60 tháng" in text

    from docx import Document

    docx = certificates_render(actor=clerk, course_id=course.pk, fmt="docx")
    document = Document(io.BytesIO(docx.content))
    paragraphs = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    whole = paragraphs + "\n" + cells
    for enrolment in issued:
        assert enrolment.certificate_number in whole
        assert enrolment.candidacy.person.full_name in whole


@pytest.mark.django_db
def test_a_refused_dossier_issues_nothing_and_gives_the_numbers_back(clerk, course, pool, today):
    _run_course(clerk, course, pool[:5], today)
    counter_before = list(
        DocumentCounter.objects.values_list("organisation_id", "year", "last_number")
    )
    # One of them went on to the cell's vote meanwhile: the certificate action refuses it.
    late = pool[2]
    Candidacy.objects.filter(pk=late.pk).update(stage=Stage.BRANCH_RESOLVED)
    with pytest.raises(ValidationError) as refused:
        certificates_issue(
            actor=clerk, course_id=course.pk, on=today - dt.timedelta(days=10), today=today
        )
    assert late.person.full_name in str(refused.value)
    assert (
        list(DocumentCounter.objects.values_list("organisation_id", "year", "last_number"))
        == counter_before
    )
    assert not DocumentNumber.objects.filter(kind="GCN").exists()
    assert not CandidacyEvent.objects.filter(action="record_certificate").exists()
    assert not Enrolment.objects.filter(certificate__isnull=False).exists()


@pytest.mark.django_db
def test_printing_is_scoped(clerk, course, pool, today, tree):
    from ptdv.accounts.models import Role
    from ptdv.factories import user_with_role

    _run_course(clerk, course, pool[:3], today)
    certificates_issue(
        actor=clerk, course_id=course.pk, on=today - dt.timedelta(days=10), today=today
    )
    outsider = user_with_role(tree["commune_b"], Role.ADMINISTRATOR)
    with pytest.raises(Http404):
        certificates_render(actor=outsider, course_id=course.pk, fmt="pdf")


class _Rollback(Exception):
    pass


@pytest.mark.django_db
@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(passes=st.lists(st.booleans(), min_size=1, max_size=6))
def test_every_pass_and_only_passes_get_the_next_numbers(clerk, course, pool, today, passes):
    """Whatever the results, the certificates are the passes, numbered one after another
    from where the register stood."""
    try:
        with transaction.atomic():
            start = DocumentNumber.objects.filter(organisation=course.organiser).count()
            chosen = pool[: len(passes)]
            enrolments = enrolments_add(
                actor=clerk, course_id=course.pk, candidacy_ids=[c.pk for c in chosen], today=today
            )
            results_record(
                actor=clerk,
                course_id=course.pk,
                results={
                    e.pk: Result.PASSED if ok else Result.FAILED
                    for e, ok in zip(enrolments, passes, strict=True)
                },
            )
            on = today - dt.timedelta(days=10)
            if not any(passes):
                with pytest.raises(ValidationError):
                    certificates_issue(actor=clerk, course_id=course.pk, on=on, today=today)
            else:
                issued = certificates_issue(actor=clerk, course_id=course.pk, on=on, today=today)
                assert {e.candidacy_id for e in issued} == {
                    c.pk for c, ok in zip(chosen, passes, strict=True) if ok
                }
                numbers = sorted(e.certificate.number for e in issued)
                assert numbers == list(range(start + 1, start + 1 + sum(passes)))
            raise _Rollback
    except _Rollback:
        pass


@pytest.mark.django_db
def test_the_new_member_programme_records_its_certificate_on_the_dossier(clerk, tree, today):
    from ptdv.courses.models import CourseKind
    from ptdv.courses.tests.conftest import make_course
    from ptdv.factories import CandidacyFactory

    course = make_course(
        clerk, tree["commune_a"], today, kind=CourseKind.NEW_MEMBER, name="Lớp đảng viên mới"
    )
    member = CandidacyFactory(organisation=tree["cell_a1"], stage=Stage.PROBATIONARY)
    enrolment = enrolments_add(
        actor=clerk, course_id=course.pk, candidacy_ids=[member.pk], today=today
    )[0]
    results_record(actor=clerk, course_id=course.pk, results={enrolment.pk: Result.PASSED})
    on = today - dt.timedelta(days=10)
    issued = certificates_issue(actor=clerk, course_id=course.pk, on=on, today=today)
    member.refresh_from_db()
    assert member.newmember_course_date == on
    event = CandidacyEvent.objects.get(candidacy=member, action="record_newmember_course")
    assert event.document_number == issued[0].certificate_number
    pdf = certificates_render(actor=clerk, course_id=course.pk, fmt="pdf")
    command = [PDFTOTEXT, "-", "-"]
    text = subprocess.run(  # noqa: S603
        command, input=pdf.content, capture_output=True, check=True
    ).stdout.decode()
    assert "đảng viên mới" in " ".join(text.split())
