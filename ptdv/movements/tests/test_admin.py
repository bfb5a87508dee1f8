"""The dossier's admin page: the movement and the referring body are offered within the
administrator's subtrees, checked against the cell, and settle the channel."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from ptdv.accounts.models import Role
from ptdv.factories import CandidacyFactory, user_with_role
from ptdv.movements.models import MassOrganisation

pytestmark = pytest.mark.django_db


def _browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_admin_sets_the_source_and_settles_the_channel(tree, youth) -> None:
    admin = user_with_role(tree["commune_a"], Role.ADMINISTRATOR, is_staff=True)
    candidacy = CandidacyFactory(organisation=tree["cell_a1"], opened_on=dt.date(2025, 2, 1))
    url = reverse("admin:candidacies_candidacy_change", args=[candidacy.pk])
    response = _browser(admin).post(url, {"source_channel": "other", "referring_body": youth.pk})
    assert response.status_code == 302
    candidacy.refresh_from_db()
    assert candidacy.referring_body == youth
    assert candidacy.source_channel == "youth_union"


def test_admin_refuses_a_body_outside_the_subtree(tree) -> None:
    admin = user_with_role(tree["commune_a"], Role.ADMINISTRATOR, is_staff=True)
    other = MassOrganisation.objects.create(
        organisation=tree["commune_b"], kind="youth_union", name="Đoàn xã B"
    )
    candidacy = CandidacyFactory(organisation=tree["cell_a1"])
    url = reverse("admin:candidacies_candidacy_change", args=[candidacy.pk])
    response = _browser(admin).post(url, {"source_channel": "other", "referring_body": other.pk})
    assert response.status_code == 200
    candidacy.refresh_from_db()
    assert candidacy.referring_body is None
