from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ptdv.accounts.models import Role
from ptdv.candidacies.models import Candidacy, Stage
from ptdv.factories import (
    CandidacyFactory,
    LocalityFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    user_with_role,
)
from ptdv.members.models import MembershipStatus
from ptdv.organisations.models import Kind
from ptdv.surveys.services import round_open


@pytest.fixture
def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def data(tree, today):
    """Commune A holds a village cell of its own (with a white locality) and the
    grassroots committee A (cells A1, A2) — two responding units with their own parts."""
    village = OrganisationFactory(parent=tree["commune_a"], name="Chi bộ thôn Hạ", code="CH")
    LocalityFactory(organisation=tree["commune_a"], name="Thôn Hạ")
    LocalityFactory(organisation=tree["commune_a"], name="Thôn Thượng")
    MembershipFactory(organisation=village)
    MembershipFactory(organisation=tree["cell_a1"])
    MembershipFactory(organisation=tree["cell_a1"], status=MembershipStatus.PROBATIONARY)
    MembershipFactory(organisation=tree["cell_a2"])
    young = today.replace(year=today.year - 22, month=1, day=1)
    woman = PersonFactory(
        organisation=tree["cell_a1"], gender="female", birth_date=young, youth_union_member=True
    )
    CandidacyFactory(person=woman, organisation=tree["cell_a1"])
    trained = CandidacyFactory(organisation=tree["cell_a2"])
    Candidacy.objects.filter(pk=trained.pk).update(
        stage=Stage.TRAINED, certificate_date=today - dt.timedelta(days=30)
    )
    PersonFactory(
        organisation=tree["cell_a1"],
        birth_date=today.replace(year=today.year - 40, month=1, day=1),
        trade_union_member=True,
    )
    return {"village": village}


@pytest.fixture
def admin(tree):
    return user_with_role(tree["province"], Role.ADMINISTRATOR)


@pytest.fixture
def commune_approver(tree):
    return user_with_role(tree["commune_a"], Role.APPROVER)


@pytest.fixture
def unit_clerk(tree):
    return user_with_role(tree["grassroots_a"], Role.CLERK)


@pytest.fixture
def unit_approver(tree):
    return user_with_role(tree["grassroots_a"], Role.APPROVER)


@pytest.fixture
def survey(tree, data, admin, today):
    return round_open(
        actor=admin,
        organisation=tree["province"].pk,
        year=today.year,
        due_date=today + dt.timedelta(days=30),
    )


def response_of(survey, organisation):
    return survey.responses.get(organisation=organisation)


__all__ = ["Kind", "response_of"]
