"""Access rows of courses (issue 13 §2): the pages and the API of `ptdv.courses`.

A course lies in its organiser's subtree: its viewers read it, its clerks manage it. The
world (`access_world`) has no course, so the rows' URLs name the organisation-level object
of each site and `course_at` makes the course that organisation runs the first time a door
asks (and again after a door's test has rolled it back), in one of four states
(`FLAVOURS`): "empty" (nobody enrolled: the enrolment doors enrol the site's dossier),
"plain" (the site's dossier enrolled, one session held), "passed" (enrolled and passed,
waiting for the certificate) and "certified" (its certificate issued, for the printed
certificates). The rows are written straight to the tables; the site's dossier itself is
left as it is.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from ptdv.accounts.models import Role
from ptdv.candidacies.models import Candidacy
from ptdv.core.tests.access_matrix import Door, Url, rev
from ptdv.core.tests.access_world import World
from ptdv.courses.models import Course, CourseSession, Enrolment, Result
from ptdv.documents.models import DocumentNumber
from ptdv.organisations.models import Organisation

FLAVOURS = ("empty", "plain", "passed", "certified")
_STARTS = dt.date(2025, 9, 1)
_ENDS = dt.date(2025, 9, 20)


def course_at(world: World, organisation: Organisation, flavour: str) -> Course:
    """The course of `flavour` that `organisation` runs (made on first use)."""
    made: dict[tuple[int, str], Course] = world.objects.setdefault("course", {})
    key = (organisation.pk, flavour)
    # Each door's test rolls back what it made: a course made for an earlier door may be
    # gone, and is then made again.
    if key in made and Course.objects.filter(pk=made[key].pk).exists():
        return made[key]
    site = next(s for s, o in world.org_site.items() if o.pk == organisation.pk)
    course = Course.objects.create(
        organiser=organisation,
        kind="awareness",
        format="evening",
        name=f"Lớp nhận thức khóa {flavour} {organisation.code}",
        starts_on=_STARTS,
        ends_on=_ENDS,
        capacity=30,
    )
    if flavour != "empty":
        session = CourseSession.objects.create(course=course, date=_STARTS, topic="Chuyên đề 1")
        candidacy = Candidacy.objects.get(pk=world.obj("candidacy", site).pk)
        enrolment = Enrolment.objects.create(
            course=course,
            candidacy=candidacy,
            enrolled_on=dt.date(2025, 8, 20),
            result=Result.PASSED if flavour in ("passed", "certified") else Result.PENDING,
        )
        if flavour == "certified":
            number = DocumentNumber.objects.create(
                organisation=organisation,
                year=2025,
                number=900,
                kind="GCN",
                symbol="900-GCN/TEST",
                issued_on=_ENDS,
                candidacy=candidacy,
            )
            Enrolment.objects.filter(pk=enrolment.pk).update(
                certificate=number, certificate_number=number.symbol, certificate_date=_ENDS
            )
        world.objects.setdefault("course_session", {})[key] = session
    made[key] = course
    return course


def _url(name: str, flavour: str = "plain", **fixed: Any) -> Url:
    def build(world: World, obj: Any, user: Any, **extra: Any) -> str:
        course = course_at(world, obj, flavour)
        return reverse(name, kwargs={"pk": course.pk, **fixed, **extra})

    return build


def _attendance_url(name: str) -> Url:
    def build(world: World, obj: Any, user: Any) -> str:
        course = course_at(world, obj, "plain")
        session = world.objects["course_session"][(obj.pk, "plain")]
        return reverse(name, kwargs={"pk": course.pk, "session_id": session.pk})

    return build


def _site_of(world: World, site: str) -> tuple[Organisation, Candidacy]:
    return world.org_site[site], world.obj("candidacy", site)


def _version(world: World, site: str, flavour: str) -> int:
    course = course_at(world, world.org_site[site], flavour)
    return Course.objects.values_list("version", flat=True).get(pk=course.pk)


def _enrolment(world: World, site: str, flavour: str) -> Enrolment:
    course = course_at(world, world.org_site[site], flavour)
    return Enrolment.objects.get(course=course)


_COURSE_FORM = {
    "kind": "awareness",
    "format": "online",
    "name": "Lớp nhận thức mới",
    "starts_on": "01/11/2025",
    "ends_on": "10/11/2025",
    "capacity": "40",
    "venue": "Hội trường",
    "teachers": "Giảng viên A",
}
_COURSE_JSON = {
    "kind": "awareness",
    "format": "online",
    "name": "Lớp nhận thức mới",
    "starts_on": "2025-11-01",
    "ends_on": "2025-11-10",
    "capacity": 40,
}


def _create_form(world: World, site: str, user: Any) -> dict[str, Any]:
    return {**_COURSE_FORM, "organiser": world.org_site[site].pk}


def _create_json(world: World, site: str, user: Any) -> dict[str, Any]:
    return {**_COURSE_JSON, "organisation": world.org_site[site].pk}


def _edit_form(world: World, site: str, user: Any) -> dict[str, Any]:
    return {**_COURSE_FORM, "version": _version(world, site, "plain")}


def _edit_json(world: World, site: str, user: Any) -> dict[str, Any]:
    return {**_COURSE_JSON, "version": _version(world, site, "plain")}


def _enrol_form(world: World, site: str, user: Any) -> dict[str, Any]:
    course_at(world, world.org_site[site], "empty")
    return {"candidacies": [world.obj("candidacy", site).pk]}


def _attendance_form(world: World, site: str, user: Any) -> dict[str, Any]:
    organisation = world.org_site[site]
    course_at(world, organisation, "plain")
    session = world.objects["course_session"][(organisation.pk, "plain")]
    enrolment = _enrolment(world, site, "plain")
    return {f"present-{session.pk}-{enrolment.pk}": "on", "version": _version(world, site, "plain")}


def _attendance_json(world: World, site: str, user: Any) -> dict[str, Any]:
    return {"present": [_enrolment(world, site, "plain").pk]}


def _results_form(world: World, site: str, user: Any) -> dict[str, Any]:
    enrolment = _enrolment(world, site, "plain")
    return {f"result-{enrolment.pk}": "passed", "version": _version(world, site, "plain")}


def _results_json(world: World, site: str, user: Any) -> dict[str, Any]:
    enrolment = _enrolment(world, site, "plain")
    return {"results": [{"enrolment": enrolment.pk, "result": "passed"}]}


def _session_form(world: World, site: str, user: Any) -> dict[str, Any]:
    return {"date": "05/09/2025", "topic": "Chuyên đề 2"}


def _session_json(world: World, site: str, user: Any) -> dict[str, Any]:
    return {"date": "2025-09-05", "topic": "Chuyên đề 2"}


def _issue_form(world: World, site: str, user: Any) -> dict[str, Any]:
    return {"date": "25/09/2025", "version": _version(world, site, "passed")}


def _issue_json(world: World, site: str, user: Any) -> dict[str, Any]:
    return {"date": "2025-09-25"}


def _org_query(world: World, site: str) -> str:
    return f"organisation={world.org_site[site].pk}"


def _count(path: str) -> int:
    return Course.objects.filter(organiser__path__startswith=path).count()


DOORS = [
    # --- Pages ---------------------------------------------------------------------------
    Door("courses/", rev("courses:list", pk=None), query=_org_query),
    Door(
        "courses/new/",
        rev("courses:create", pk=None),
        read=Role.CLERK,
        writes=("POST",),
        data=_create_form,
        positional_body=True,
        effective=True,
    ),
    Door("courses/figures/", rev("courses:figures", pk=None), query=_org_query),
    Door("courses/figures.xlsx", rev("courses:figures_export", pk=None), query=_org_query),
    Door("courses/<int:pk>/", _url("courses:detail"), obj="organisation"),
    Door(
        "courses/<int:pk>/edit/",
        _url("courses:edit"),
        obj="organisation",
        read=Role.CLERK,
        writes=("POST",),
        data=_edit_form,
        effective=True,
    ),
    Door(
        "courses/<int:pk>/enrol/",
        _url("courses:enrol", "empty"),
        obj="organisation",
        read=Role.CLERK,
        writes=("POST",),
        data=_enrol_form,
        effective=True,
    ),
    Door(
        "courses/<int:pk>/attendance/",
        _url("courses:attendance"),
        obj="organisation",
        writes=("POST",),
        data=_attendance_form,
        effective=True,
    ),
    Door(
        "courses/<int:pk>/sessions/",
        _url("courses:session_add"),
        obj="organisation",
        reads=(),
        writes=("POST",),
        data=_session_form,
        effective=True,
    ),
    Door(
        "courses/<int:pk>/results/",
        _url("courses:results"),
        obj="organisation",
        writes=("POST",),
        data=_results_form,
        effective=True,
    ),
    Door(
        "courses/<int:pk>/certificates/",
        _url("courses:certificates", "passed"),
        obj="organisation",
        writes=("POST",),
        data=_issue_form,
    ),
    Door(
        "courses/<int:pk>/certificates.<str:ext>",
        _url("courses:certificates_print", "certified", ext="pdf"),
        obj="organisation",
    ),
    # --- API -----------------------------------------------------------------------------
    Door(
        "api/v1/courses/",
        rev("api:course-list", pk=None),
        count=_count,
        query=_org_query,
        writes=("POST",),
        body="json",
        data=_create_json,
        positional_body=True,
        effective=True,
    ),
    Door("api/v1/courses/figures/", rev("api:course-figures", pk=None), query=_org_query),
    Door(
        "api/v1/courses/<int:pk>/",
        _url("api:course-detail"),
        obj="organisation",
        writes=("PUT",),
        body="json",
        data=_edit_json,
        effective=True,
    ),
    Door(
        "api/v1/courses/<int:pk>/enrolments/",
        _url("api:course-enrolments", "empty"),
        obj="organisation",
        writes=("POST",),
        body="json",
        data=_enrol_form,
        effective=True,
    ),
    Door(
        "api/v1/courses/<int:pk>/sessions/",
        _url("api:course-sessions"),
        obj="organisation",
        writes=("POST",),
        body="json",
        data=_session_json,
        effective=True,
    ),
    Door(
        "api/v1/courses/<int:pk>/sessions/<int:session_id>/attendance/",
        _attendance_url("api:course-attendance"),
        obj="organisation",
        reads=(),
        writes=("POST",),
        body="json",
        data=_attendance_json,
        effective=True,
    ),
    Door(
        "api/v1/courses/<int:pk>/results/",
        _url("api:course-results"),
        obj="organisation",
        reads=(),
        writes=("POST",),
        body="json",
        data=_results_json,
        effective=True,
    ),
    Door(
        "api/v1/courses/<int:pk>/certificates/",
        _url("api:course-certificates", "passed"),
        obj="organisation",
        writes=("POST",),
        body="json",
        data=_issue_json,
    ),
    Door(
        "api/v1/courses/<int:pk>/certificates.<str:ext>",
        _url("api:course-certificates-print", "certified", ext="pdf"),
        obj="organisation",
    ),
]
