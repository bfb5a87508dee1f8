"""Enrolment from the candidate list's selection: the bulk action `enrol_course` (issue 13
§2 "select candidates in the candidate list (bulk)")."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from ptdv.courses.models import Enrolment
from ptdv.factories import CandidacyFactory, bearer_key

pytestmark = pytest.mark.django_db


def test_the_selection_is_enrolled_and_a_dossier_outside_answers_not_found(
    clerk, course, pool, tree
):
    stranger = CandidacyFactory(organisation=tree["cell_b1"])  # another commune's dossier
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer_key(clerk)}")
    ids = [c.pk for c in pool[:5]] + [stranger.pk]
    answer = client.post(
        "/api/v1/candidacies/bulk/enrol_course/",
        {"ids": ids, "facts": {"course": str(course.pk)}},
        format="json",
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    results = {row["id"]: row for row in body["results"]}
    assert all(results[c.pk]["ok"] for c in pool[:5])
    assert not results[stranger.pk]["ok"]
    assert set(Enrolment.objects.values_list("candidacy_id", flat=True)) == {c.pk for c in pool[:5]}
    # Enrolled already: refused one by one, nothing written twice.
    again = client.post(
        "/api/v1/candidacies/bulk/enrol_course/",
        {"ids": [pool[0].pk], "facts": {"course": str(course.pk)}},
        format="json",
    ).json()
    assert (
        again["refused"] == 1
        and "đã có trong lớp" in again["results"][0]["violations"][0]["message"]
    )
    assert Enrolment.objects.count() == 5
