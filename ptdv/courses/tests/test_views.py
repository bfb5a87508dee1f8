"""The pages: list, create, detail, enrolment from the pool, attendance grid, results,
certificates (issued and printed) and the figures with their Excel export."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.test import Client

from ptdv.accounts.models import Role
from ptdv.courses.models import Attendance, Course, Enrolment
from ptdv.factories import user_with_role


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_a_clerk_runs_a_course_from_the_pages(clerk, tree, pool, today):
    web = _client(clerk)
    starts = today - dt.timedelta(days=30)
    ends = today - dt.timedelta(days=20)
    created = web.post(
        "/courses/new/",
        {
            "organiser": tree["commune_a"].pk,
            "kind": "awareness",
            "format": "evening",
            "name": "Lớp buổi tối khóa 2",
            "starts_on": starts.strftime("%d/%m/%Y"),
            "ends_on": ends.strftime("%d/%m/%Y"),
            "capacity": "40",
        },
    )
    course = Course.objects.get()
    assert created.status_code == 302 and created["Location"] == f"/courses/{course.pk}/"

    chosen = ",".join(str(c.pk) for c in pool[:2])
    page = web.get(f"/courses/{course.pk}/enrol/?candidacies={chosen}")
    assert page.status_code == 200
    assert page.content.decode().count(" checked>") == 2
    enrolled = web.post(f"/courses/{course.pk}/enrol/", {"candidacies": [c.pk for c in pool[:4]]})
    assert enrolled.status_code == 302
    assert Enrolment.objects.filter(course=course).count() == 4

    web.post(
        f"/courses/{course.pk}/sessions/",
        {"date": starts.strftime("%d/%m/%Y"), "topic": "Chuyên đề 1"},
    )
    session = course.sessions.get()
    enrolments = list(Enrolment.objects.filter(course=course).order_by("pk"))
    version = Course.objects.get(pk=course.pk).version
    marked = web.post(
        f"/courses/{course.pk}/attendance/",
        {f"present-{session.pk}-{e.pk}": "on" for e in enrolments[:3]} | {"version": version},
    )
    assert marked.status_code == 302
    assert Attendance.objects.filter(present=True).count() == 3
    grid = web.get(f"/courses/{course.pk}/attendance/").content.decode()
    assert pool[0].person.full_name in grid

    version = Course.objects.get(pk=course.pk).version
    web.post(
        f"/courses/{course.pk}/results/",
        {f"result-{e.pk}": "passed" for e in enrolments[:3]}
        | {f"result-{enrolments[3].pk}": "failed", "version": version},
    )
    assert Enrolment.objects.filter(result="passed").count() == 3

    version = Course.objects.get(pk=course.pk).version
    issued = web.post(
        f"/courses/{course.pk}/certificates/",
        {"date": (today - dt.timedelta(days=3)).strftime("%d/%m/%Y"), "version": version},
    )
    assert issued.status_code == 302
    certificates = web.get(f"/courses/{course.pk}/certificates/").content.decode()
    for enrolment in Enrolment.objects.filter(certificate__isnull=False):
        assert enrolment.certificate_number in certificates
    docx = web.get(f"/courses/{course.pk}/certificates.docx")
    assert docx.status_code == 200
    detail = web.get(f"/courses/{course.pk}/").content.decode()
    assert "Lớp buổi tối khóa 2" in detail and pool[3].person.full_name in detail
    listing = web.get("/courses/?status=finished").content.decode()
    assert "Lớp buổi tối khóa 2" in listing


@pytest.mark.django_db
def test_pages_are_scoped_and_role_checked(course, viewer, tree):
    outsider = user_with_role(tree["commune_b"], Role.ADMINISTRATOR)
    assert _client(outsider).get(f"/courses/{course.pk}/").status_code == 404
    assert _client(viewer).get(f"/courses/{course.pk}/").status_code == 200
    assert _client(viewer).get(f"/courses/{course.pk}/enrol/").status_code == 403
    assert _client(viewer).get("/courses/new/").status_code == 403


@pytest.mark.django_db
def test_figures_page_and_export(clerk, course, tree, today):
    web = _client(clerk)
    page = web.get(f"/courses/figures/?organisation={tree['commune_a'].pk}&year={today.year}")
    assert page.status_code == 200
    assert tree["grassroots_a"].name in page.content.decode()
    export = web.get(f"/courses/figures.xlsx?organisation={tree['commune_a'].pk}&year={today.year}")
    assert export.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "Tổ chức"
    assert rows[1][0] == tree["commune_a"].name
    assert rows[2][0] == tree["grassroots_a"].name
    assert web.get(f"/courses/figures/?organisation={tree['commune_b'].pk}").status_code == 404


@pytest.mark.django_db
def test_pages_cost_a_fixed_number_of_queries(
    clerk, course, pool, today, django_assert_max_num_queries
):
    from ptdv.courses.services import enrolments_add, session_add

    enrolments_add(
        actor=clerk, course_id=course.pk, candidacy_ids=[c.pk for c in pool[:25]], today=today
    )
    for day in range(3):
        session_add(
            actor=clerk,
            course_id=course.pk,
            date=course.starts_on + dt.timedelta(days=day),
            topic=f"Chuyên đề {day}",
        )
    web = _client(clerk)
    web.get("/courses/")  # the session and the user's scopes, once
    for url in (
        "/courses/",
        f"/courses/{course.pk}/",
        f"/courses/{course.pk}/attendance/",
        f"/courses/{course.pk}/results/",
        f"/courses/{course.pk}/certificates/",
        f"/courses/{course.pk}/enrol/",
    ):
        with django_assert_max_num_queries(16):
            assert web.get(url).status_code == 200
