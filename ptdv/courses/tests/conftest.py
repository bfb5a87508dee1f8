from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ptdv.accounts.models import Role
from ptdv.courses.services import CourseData, course_create
from ptdv.factories import CandidacyFactory, PersonFactory, user_with_role
from ptdv.organisations.models import Organisation

GIVEN = [
    "An", "Bảo", "Bình", "Cúc", "Cường", "Dung", "Dũng", "Giang", "Hà", "Hải",
    "Hạnh", "Hiếu", "Hoa", "Hùng", "Hương", "Khang", "Lan", "Linh", "Long", "Mai",
    "Minh", "Nam", "Nga", "Ngọc", "Phong", "Quân", "Sơn", "Tâm", "Thảo", "Vy",
]  # fmt: skip


@pytest.fixture
def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def clerk(tree):
    """A clerk of commune A: the organiser's office."""
    Organisation.objects.filter(pk=tree["commune_a"].pk).update(abbreviation="ĐU")
    return user_with_role(tree["commune_a"], Role.CLERK)


@pytest.fixture
def viewer(tree):
    return user_with_role(tree["commune_a"], Role.VIEWER)


@pytest.fixture
def pool(tree):
    """Thirty candidates of the pool in the two cells of commune A."""
    candidacies = []
    for index, given in enumerate(GIVEN):
        cell = tree["cell_a1"] if index % 2 == 0 else tree["cell_a2"]
        person = PersonFactory(
            organisation=cell, family_name="Trần", middle_name="Thị", given_name=given
        )
        candidacies.append(CandidacyFactory(person=person, organisation=cell))
    return candidacies


def make_course(actor, organiser, today, **changes):
    values = {
        "organiser": organiser.pk,
        "kind": "awareness",
        "format": "evening",
        "name": "Lớp bồi dưỡng nhận thức về Đảng khóa 3",
        "starts_on": today - dt.timedelta(days=40),
        "ends_on": today - dt.timedelta(days=20),
        "capacity": 30,
        "venue": "Hội trường Đảng ủy xã A",
        "teachers": "Nguyễn Văn Giảng\nLê Thị Dạy",
        "issuing_body": "",
    }
    values.update(changes)
    return course_create(actor=actor, data=CourseData(**values))


@pytest.fixture
def course(clerk, tree, today):
    return make_course(clerk, tree["commune_a"], today)
