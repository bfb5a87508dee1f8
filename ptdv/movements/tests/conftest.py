from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from ptdv.accounts.models import Role
from ptdv.factories import bearer_key, user_with_role
from ptdv.movements.services import (
    MassOrganisationData,
    MovementData,
    mass_organisation_create,
    movement_create,
)


@pytest.fixture
def clerk(tree):
    """A clerk of commune A."""
    return user_with_role(tree["commune_a"], Role.CLERK)


@pytest.fixture
def viewer(tree):
    return user_with_role(tree["commune_a"], Role.VIEWER)


@pytest.fixture
def youth(clerk, tree):
    return mass_organisation_create(
        actor=clerk,
        data=MassOrganisationData(
            organisation=tree["commune_a"].pk, kind="youth_union", name="Đoàn Thanh niên xã A"
        ),
    )


@pytest.fixture
def club(clerk, tree, youth):
    return movement_create(
        actor=clerk,
        data=MovementData(
            organiser=tree["commune_a"].pk,
            kind="club",
            name="Câu lạc bộ Thanh niên với pháp luật",
            starts_on=dt.date(2025, 1, 1),
            mass_organisation=youth.pk,
        ),
    )


def api_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer_key(user)}")
    return client
