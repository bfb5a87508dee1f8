"""The tree of a past date and the progress of a past year after a merger."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from ptdv.accounts.models import Role
from ptdv.factories import user_with_role
from ptdv.organisations.changes import NewOrganisation, organisation_merge, organisation_move
from ptdv.organisations.history import children_on
from ptdv.organisations.models import Organisation
from ptdv.organisations.tests.test_changes import DECISION, populate, verify_clean
from ptdv.targets.selectors import progress_children, progress_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def merged(tree):
    populate(tree, random.Random(7))
    admin = user_with_role(tree["province"], Role.ADMINISTRATOR)
    change = organisation_merge(
        actor=admin,
        sources=[tree["commune_a"], tree["commune_b"]],
        new=NewOrganisation(code="XC", name="Đảng bộ xã C"),
        decision=DECISION,  # in force from 01/07/2025
    )
    return admin, change.successors.get()


def names(progress):
    return {p.organisation.name: p.admitted for p in progress}


def test_the_tree_of_a_past_date(tree, merged):
    _admin, c = merged
    province = tree["province"]
    before = children_on(province, dt.date(2025, 6, 30))
    assert {o.code for o in before} == {"Xa", "Xb"}
    assert {o.code for o in children_on(province, dt.date(2025, 7, 1))} == {"XC"}
    assert {o.code for o in children_on(tree["commune_a"], dt.date(2024, 5, 1))} == {"Ga"}
    assert {o.code for o in children_on(c, dt.date(2025, 7, 2))} == {"Ga", "Gb"}


def test_past_year_progress_shows_the_communes_of_then(tree, merged):
    admin, c = merged
    today = dt.date(2026, 3, 1)
    # 2024: communes A and B, each with the admissions of its two cells.
    then = names(
        progress_children(actor=admin, organisation=tree["province"], year=2024, today=today)
    )
    assert then == {"Đảng bộ xã A": 2, "Đảng bộ xã B": 2}
    assert progress_for(tree["commune_a"], 2024, today).admitted == 2
    assert progress_for(c, 2024, today).admitted == 0  # C did not exist yet
    assert progress_for(tree["province"], 2024, today).admitted == 4
    # The year of the merger: C counts its predecessors' admissions, once each.
    now = names(
        progress_children(actor=admin, organisation=tree["province"], year=2025, today=today)
    )
    assert now == {"Đảng bộ xã C": 4}
    assert progress_for(c, 2025, today).admitted == 4
    assert progress_for(c, 2025, dt.date(2025, 9, 1)).admitted == 4  # during that year
    assert progress_for(tree["province"], 2025, today).admitted == 4
    verify_clean()


def test_a_later_move_is_undone_for_the_past(tree, merged):
    admin, c = merged
    # After the merger a grassroots committee moves back under the province (2026).
    later = DECISION.__class__(
        number="7-QĐ/TU",
        decision_date=dt.date(2026, 1, 5),
        issuing_body="BTV Tỉnh ủy",
        date=dt.date(2026, 1, 10),
    )
    organisation_move(
        actor=admin, organisation=tree["grassroots_b"], parent=tree["province"], decision=later
    )
    today = dt.date(2026, 3, 1)
    assert progress_for(c, 2025, today).admitted == 4
    moved = Organisation.objects.get(pk=tree["grassroots_b"].pk)
    assert moved.parent_id == tree["province"].pk
    assert progress_for(moved, 2025, today).admitted == 2
    assert names(
        progress_children(actor=admin, organisation=tree["province"], year=2024, today=today)
    ) == {"Đảng bộ xã A": 2, "Đảng bộ xã B": 2}
    assert {o.code for o in children_on(c, dt.date(2025, 12, 31))} == {"Ga", "Gb"}
    verify_clean()


def test_the_progress_api_of_a_past_year_lists_the_communes_of_then(tree, merged):
    from rest_framework.test import APIClient

    from ptdv.factories import bearer_key

    admin, _c = merged
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer_key(admin)}")
    url = f"/api/v1/organisations/{tree['province'].pk}/progress/children/"
    then = client.get(url, {"year": 2024}).json()
    rows = then["results"] if isinstance(then, dict) and "results" in then else then
    assert {row["code"]: row["admitted"] for row in rows} == {"Xa": 2, "Xb": 2}
    now = client.get(url, {"year": 2025}).json()
    rows = now["results"] if isinstance(now, dict) and "results" in now else now
    assert {row["code"]: row["admitted"] for row in rows} == {"XC": 4}
