"""`/api/v1/courses/` and its sub-resources, with the error envelope and pinned query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from ptdv.accounts.models import Role
from ptdv.courses.models import Course, Enrolment
from ptdv.factories import CandidacyFactory, user_with_role


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.django_db
def test_course_lifecycle_through_the_api(clerk, tree, pool, today):
    api = _client(clerk)
    body = {
        "organisation": tree["commune_a"].pk,
        "kind": "awareness",
        "format": "online",
        "name": "Lớp trực tuyến khóa 1",
        "starts_on": (today - dt.timedelta(days=30)).isoformat(),
        "ends_on": (today - dt.timedelta(days=20)).isoformat(),
        "capacity": 10,
        "teachers": "Giảng viên A\nGiảng viên B",
    }
    created = api.post("/api/v1/courses/", body, format="json")
    assert created.status_code == 201, created.json()
    course = created.json()
    assert course["teacher_list"] == ["Giảng viên A", "Giảng viên B"]
    base = f"/api/v1/courses/{course['id']}/"

    enrolled = api.post(
        base + "enrolments/", {"candidacies": [c.pk for c in pool[:3]]}, format="json"
    )
    assert enrolled.status_code == 201
    ids = [row["id"] for row in enrolled.json()]

    session = api.post(
        base + "sessions/",
        {"date": (today - dt.timedelta(days=29)).isoformat(), "topic": "Chuyên đề 1"},
        format="json",
    )
    assert session.status_code == 201
    marked = api.post(
        base + f"sessions/{session.json()['id']}/attendance/", {"present": ids[:2]}, format="json"
    )
    assert marked.status_code == 200 and marked.json()["present"] == 2

    results = api.post(
        base + "results/",
        {"results": [{"enrolment": pk, "result": "passed"} for pk in ids]},
        format="json",
    )
    assert results.status_code == 200
    issued = api.post(
        base + "certificates/", {"date": (today - dt.timedelta(days=5)).isoformat()}, format="json"
    )
    assert issued.status_code == 201, issued.json()
    assert len(issued.json()) == 3
    listed = api.get(base + "certificates/")
    assert [r["certificate_number"] for r in listed.json()["results"]] == [
        r["certificate_number"] for r in issued.json()
    ]
    pdf = api.get(base + "certificates.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")

    detail = api.get(base).json()
    assert (detail["enrolled"], detail["passed"], detail["certified"]) == (3, 3, 3)
    stale = api.put(base, {**body, "capacity": 20, "version": 1}, format="json")
    assert stale.status_code == 409
    assert stale.json()["version"] == detail["version"]
    fresh = api.put(base, {**body, "capacity": 20, "version": detail["version"]}, format="json")
    assert fresh.status_code == 200 and fresh.json()["capacity"] == 20


@pytest.mark.django_db
def test_enrolling_a_dossier_outside_the_scope_answers_404_and_writes_nothing(
    clerk, course, pool, tree
):
    outside = CandidacyFactory(organisation=tree["cell_b1"])
    answer = _client(clerk).post(
        f"/api/v1/courses/{course.pk}/enrolments/",
        {"candidacies": [pool[0].pk, outside.pk]},
        format="json",
    )
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "not_found"
    assert not Enrolment.objects.exists()


@pytest.mark.django_db
def test_refusals_and_roles(clerk, viewer, course, pool, tree, today):
    api = _client(clerk)
    full = api.post(f"/api/v1/courses/{course.pk}/enrolments/", {"candidacies": []}, format="json")
    assert full.status_code == 400
    _client(clerk).post(
        f"/api/v1/courses/{course.pk}/enrolments/", {"candidacies": [pool[0].pk]}, format="json"
    )
    twice = api.post(
        f"/api/v1/courses/{course.pk}/enrolments/", {"candidacies": [pool[0].pk]}, format="json"
    )
    assert twice.status_code == 422
    assert "candidacies" in twice.json()["error"]["fields"]
    refused = _client(viewer).post(
        f"/api/v1/courses/{course.pk}/enrolments/", {"candidacies": [pool[1].pk]}, format="json"
    )
    assert refused.status_code == 403
    outsider = user_with_role(tree["commune_b"], Role.ADMINISTRATOR)
    assert _client(outsider).get(f"/api/v1/courses/{course.pk}/").status_code == 404
    assert _client(outsider).get(f"/api/v1/courses/{course.pk}/enrolments/").status_code == 404
    assert _client(outsider).get("/api/v1/courses/").json()["count"] == 0
    late = api.post(
        f"/api/v1/courses/{course.pk}/certificates/",
        {"date": (today + dt.timedelta(days=1)).isoformat()},
        format="json",
    )
    assert late.status_code == 422


@pytest.mark.django_db
def test_lists_cost_a_fixed_number_of_queries(
    clerk, tree, pool, today, django_assert_max_num_queries
):
    from ptdv.courses.tests.conftest import make_course

    for index in range(5):
        course = make_course(clerk, tree["commune_a"], today, name=f"Lớp {index}")
    api = _client(clerk)
    api.post(
        f"/api/v1/courses/{course.pk}/enrolments/",
        {"candidacies": [c.pk for c in pool[:20]]},
        format="json",
    )
    with django_assert_max_num_queries(8):
        listed = api.get("/api/v1/courses/")
    assert listed.json()["count"] == Course.objects.count()
    with django_assert_max_num_queries(10):
        enrolments = api.get(f"/api/v1/courses/{course.pk}/enrolments/")
    assert enrolments.json()["count"] == 20


@pytest.mark.django_db
def test_figures_endpoint(clerk, tree, today):
    answer = _client(clerk).get(
        f"/api/v1/courses/figures/?organisation={tree['commune_a'].pk}&year={today.year}"
    )
    assert answer.status_code == 200
    assert answer.json()["total"]["organisation"] == tree["commune_a"].pk
    outside = _client(clerk).get(f"/api/v1/courses/figures/?organisation={tree['commune_b'].pk}")
    assert outside.status_code == 404
