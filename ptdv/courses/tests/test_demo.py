"""The demo's courses (ptdv/demo/courses.py) agree with the dossiers' certificates."""

from __future__ import annotations

import datetime as dt

import pytest

from ptdv.candidacies.workflow import candidacy_act
from ptdv.courses.models import Attendance, Course, Enrolment, Result
from ptdv.demo.courses import courses_demo_load
from ptdv.documents.models import DocumentNumber


@pytest.mark.django_db
def test_demo_courses_hold_the_dossiers_certificates(clerk, tree, pool, today):
    certified = pool[:12]
    for index, candidacy in enumerate(certified):
        day = today - dt.timedelta(days=30 + index * 20)
        candidacy_act(
            actor=clerk,
            candidacy_id=candidacy.pk,
            action="record_certificate",
            data={"date": day.isoformat(), "certificate_date": day.isoformat()},
        )
        DocumentNumber.objects.create(
            organisation=tree["commune_a"],
            year=day.year,
            number=100 + index,
            kind="GCN",
            symbol=f"{100 + index}-GCN/ĐU",
            issued_on=day,
            candidacy=candidacy,
            slug="cn-ntvd",
        )

    report = courses_demo_load(root=tree["province"], today=today, seed=1)

    assert report.certificates == 12
    passed = Enrolment.objects.filter(result=Result.PASSED).select_related("candidacy", "course")
    assert {e.candidacy_id for e in passed} == {c.pk for c in certified}
    for enrolment in passed:
        assert enrolment.certificate_date == enrolment.candidacy.certificate_date
        assert enrolment.certificate.candidacy_id == enrolment.candidacy_id
        assert enrolment.course.ends_on <= enrolment.certificate_date
        assert enrolment.course.organiser_id == tree["commune_a"].pk
    planned = Course.objects.filter(starts_on__gt=today)
    assert planned.exists()
    waiting = Enrolment.objects.filter(course__in=planned, result=Result.PENDING)
    assert waiting.exists()
    assert not waiting.filter(candidacy__in=certified).exists()
    assert Attendance.objects.exists() or report.attendance == 0
    assert report.courses == Course.objects.count()
