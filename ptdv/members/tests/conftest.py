from __future__ import annotations

import datetime as dt

import pytest

from ptdv.accounts.models import Role
from ptdv.candidacies.tallies import aggregates_rebuild
from ptdv.factories import LocalityFactory, MembershipFactory, PersonFactory, user_with_role


@pytest.fixture
def world(tree):
    """Cell A1 with four official members (one resident of a village of commune A), a clerk
    and an approver of commune A, a clerk of the province; tallies rebuilt from the rows."""
    village = LocalityFactory(organisation=tree["commune_a"], name="Thôn Đông")
    cell = tree["cell_a1"]
    resident = PersonFactory(organisation=cell, residence_locality=village, given_name="Lan")
    members = [MembershipFactory(organisation=cell, person=resident)] + [
        MembershipFactory(organisation=cell, admission_decision_date=dt.date(2020 + i, 3, 1))
        for i in range(3)
    ]
    aggregates_rebuild()
    return {
        "tree": tree,
        "cell": cell,
        "village": village,
        "members": members,
        "clerk": user_with_role(tree["commune_a"], Role.CLERK),
        "approver": user_with_role(tree["commune_a"], Role.APPROVER),
        "province_clerk": user_with_role(tree["province"], Role.CLERK),
        "viewer": user_with_role(tree["commune_a"], Role.VIEWER),
        "outsider": user_with_role(tree["commune_b"], Role.ADMINISTRATOR),
    }
