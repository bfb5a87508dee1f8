from __future__ import annotations

import datetime as dt

import pytest

from ptdv.accounts.models import Role
from ptdv.candidacies.models import AdmissionTally
from ptdv.factories import CandidacyFactory, MembershipFactory, user_with_role
from ptdv.members.models import MembershipStatus
from ptdv.organisations.models import Organisation
from ptdv.targets.models import Target

YEAR = 2025
TODAY = dt.date(2026, 3, 1)


def tally(org: Organisation, year: int, admitted: int) -> None:
    """Add `admitted` to the subtree tallies of `org` and every ancestor (as the services do)."""
    for path in org.ancestor_paths:
        row, _created = AdmissionTally.objects.get_or_create(
            organisation=Organisation.objects.get(path=path), year=year
        )
        row.admitted += admitted
        row.save()


@pytest.fixture
def data(tree):
    """Commune A admitted 3 against a target of 3 (cell A1 only); commune B admitted 0 of 2."""
    tally(tree["cell_a1"], YEAR, 3)
    tally(tree["cell_a1"], YEAR - 1, 2)
    for key, number in (
        ("commune_a", 3),
        ("commune_b", 2),
        ("grassroots_a", 3),
        ("grassroots_b", 2),
    ):
        Target.objects.create(organisation=tree[key], year=YEAR, number=number)
    # Members: 40 official in each cell of A, 60 in B's cells.
    for cell, count in (("cell_a1", 40), ("cell_a2", 40), ("cell_b1", 60), ("cell_b2", 60)):
        MembershipFactory.create_batch(count, organisation=tree[cell])
    # Probationary admitted last year in A1: two recognised on time, one late.
    for official in (dt.date(YEAR, 3, 25), dt.date(YEAR, 4, 20), dt.date(YEAR, 9, 1)):
        MembershipFactory(
            organisation=tree["cell_a1"],
            admission_decision_date=dt.date(YEAR - 1, 3, 1),
            ceremony_date=dt.date(YEAR - 1, 3, 20),
            official_date=official,
        )
    # B1: one member removed this year, 10 months after admission.
    MembershipFactory(
        organisation=tree["cell_b1"],
        status=MembershipStatus.REMOVED,
        admission_decision_date=dt.date(YEAR - 1, 10, 1),
        ceremony_date=dt.date(YEAR - 1, 10, 20),
        official_date=None,
        exit_date=dt.date(YEAR, 8, 1),
    )
    # Open dossiers: two in B2, one overdue.
    CandidacyFactory(organisation=tree["cell_b2"], next_due=TODAY - dt.timedelta(days=5))
    CandidacyFactory(organisation=tree["cell_b2"], next_due=TODAY + dt.timedelta(days=5))
    return tree


@pytest.fixture
def province_admin(tree):
    return user_with_role(tree["province"], Role.ADMINISTRATOR, full_name="Trần Văn Tỉnh")


@pytest.fixture
def commune_admin(tree):
    return user_with_role(tree["commune_a"], Role.ADMINISTRATOR, full_name="Lê Thị Xã")
