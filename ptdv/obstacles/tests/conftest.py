"""A tree (province > commune A > grassroots A > cell A1), a clerk at each of those levels,
a dossier at cell A1 and one at cell B1."""

from __future__ import annotations

import datetime as dt

import pytest

from ptdv.accounts.models import Role
from ptdv.factories import CandidacyFactory, user_with_role
from ptdv.obstacles.services import NewObstacle, obstacle_record

TODAY = dt.date(2026, 3, 2)  # a Monday


@pytest.fixture
def cell_clerk(tree):
    return user_with_role(tree["cell_a1"], Role.CLERK, username="cell-clerk")


@pytest.fixture
def grassroots_clerk(tree):
    return user_with_role(tree["grassroots_a"], Role.CLERK, username="grassroots-clerk")


@pytest.fixture
def commune_clerk(tree):
    return user_with_role(tree["commune_a"], Role.CLERK, username="commune-clerk")


@pytest.fixture
def other_clerk(tree):
    return user_with_role(tree["commune_b"], Role.CLERK, username="other-clerk")


@pytest.fixture
def dossier(tree):
    return CandidacyFactory(organisation=tree["cell_a1"])


@pytest.fixture
def foreign_dossier(tree):
    return CandidacyFactory(organisation=tree["cell_b1"])


def record(actor, organisation, *, candidacies=(), today=TODAY, category="background", **extra):
    return obstacle_record(
        actor=actor,
        data=NewObstacle(
            organisation=organisation.pk,
            category=category,
            title=extra.pop("title", "Chưa thẩm tra được lý lịch người ở nơi khác"),
            description=extra.pop(
                "description", "Gia đình quần chúng cư trú ở tỉnh khác, công văn chưa được trả lời."
            ),
            candidacies=[c.pk for c in candidacies],
        ),
        today=today,
    )


@pytest.fixture
def obstacle(tree, cell_clerk, dossier):
    return record(cell_clerk, tree["cell_a1"], candidacies=[dossier])
