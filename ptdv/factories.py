"""factory_boy factories shared by every app's tests.

Organisations get their materialised path through the real service, so tests exercise the
same tree code as production.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from factory.django import DjangoModelFactory

from ptdv.accounts.models import Assignment, Role, User
from ptdv.candidacies.models import Candidacy, Stage
from ptdv.candidacies.search import candidacy_search_refresh
from ptdv.candidacies.tallies import (
    due_state,
    tallies_due_changed,
    tallies_yield_changed,
    yield_state,
)
from ptdv.members.localities import locality_residents_recount
from ptdv.members.models import MembershipStatus, PartyMembership
from ptdv.organisations.models import Kind, Locality, LocalityKind, Organisation, Sector
from ptdv.organisations.services import (
    locality_save,
    organisation_counters_adjust,
    organisation_create,
)
from ptdv.people.models import Person
from ptdv.people.services import person_name_keys


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    code = factory.Sequence(lambda n: f"ORG{n:05d}")
    name = factory.Sequence(lambda n: f"Chi bộ thôn {n}")
    kind = Kind.CELL
    sector = Sector.RURAL_COMMUNE
    parent = None

    @classmethod
    def _create(cls, model_class: type[Organisation], *args: Any, **kwargs: Any) -> Organisation:
        return organisation_create(**kwargs)


def make_tree() -> dict[str, Organisation]:
    """A province with two communes, each with a grassroots committee and two cells."""
    province = OrganisationFactory(name="Đảng bộ tỉnh Mẫu", code="P", kind=Kind.PROVINCE)
    nodes = {"province": province}
    for key in ("a", "b"):
        commune = OrganisationFactory(
            parent=province, name=f"Đảng bộ xã {key.upper()}", code=f"X{key}", kind=Kind.COMMUNE
        )
        grassroots = OrganisationFactory(
            parent=commune,
            name=f"Đảng bộ cơ sở {key.upper()}",
            code=f"G{key}",
            kind=Kind.GRASSROOTS_COMMITTEE,
        )
        nodes[f"commune_{key}"] = commune
        nodes[f"grassroots_{key}"] = grassroots
        for index in (1, 2):
            nodes[f"cell_{key}{index}"] = OrganisationFactory(
                parent=grassroots, name=f"Chi bộ thôn {key.upper()}{index}", code=f"C{key}{index}"
            )
    return nodes


class LocalityFactory(DjangoModelFactory):
    class Meta:
        model = Locality

    code = factory.Sequence(lambda n: f"L{n:05d}")
    name = factory.Sequence(lambda n: f"Thôn {n}")
    kind = LocalityKind.VILLAGE
    organisation = factory.SubFactory(OrganisationFactory, kind=Kind.COMMUNE)

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
        locality = model_class(*args, **kwargs)
        locality_save(locality)  # as the admin does: the counters of the tree above move
        return locality


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    family_name = "Nguyễn"
    middle_name = "Văn"
    given_name = factory.Sequence(lambda n: ["An", "Bình", "Cường", "Dũng", "Hà"][n % 5])
    birth_date = dt.date(1998, 5, 17)
    gender = "male"
    organisation = factory.SubFactory(OrganisationFactory)

    @classmethod
    def _create(cls, model_class: type[Person], *args: Any, **kwargs: Any) -> Person:
        keys = person_name_keys(
            kwargs.pop("family_name"), kwargs.pop("middle_name"), kwargs.pop("given_name")
        )
        return super()._create(model_class, *args, **keys, **kwargs)


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = PartyMembership

    organisation = factory.SubFactory(OrganisationFactory)
    person = factory.SubFactory(PersonFactory, organisation=factory.SelfAttribute("..organisation"))
    status = MembershipStatus.OFFICIAL
    admission_decision_date = dt.date(2015, 3, 1)
    ceremony_date = dt.date(2015, 3, 20)
    official_date = dt.date(2016, 3, 20)

    @classmethod
    def _create(cls, model_class: type[PartyMembership], *args: Any, **kwargs: Any) -> Any:
        membership = super()._create(model_class, *args, **kwargs)
        if membership.status in ("official", "probationary"):
            organisation_counters_adjust(organisation=membership.organisation, members=1)
            locality_residents_recount([membership.person.residence_locality_id])
        return membership


class CandidacyFactory(DjangoModelFactory):
    class Meta:
        model = Candidacy

    organisation = factory.SubFactory(OrganisationFactory)
    person = factory.SubFactory(PersonFactory, organisation=factory.SelfAttribute("..organisation"))
    stage = Stage.SOURCE
    opened_on = dt.date(2025, 9, 1)
    stage_changed_on = dt.date(2025, 9, 1)

    @classmethod
    def _create(cls, model_class: type[Candidacy], *args: Any, **kwargs: Any) -> Candidacy:
        # tallied=False: a row as an import writes it, before `aggregates_rows_added`.
        tallied = kwargs.pop("tallied", True)
        candidacy = super()._create(model_class, *args, **kwargs)
        if candidacy.is_open and candidacy.stage not in ("probationary", "official"):
            organisation_counters_adjust(organisation=candidacy.organisation, candidates=1)
        candidacy_search_refresh(candidacy_ids=[candidacy.pk])
        if tallied:
            # The dated tallies, as the services keep them (the overdue counts and the yield
            # read them); the pipeline and admission tallies are left to a rebuild.
            tallies_due_changed([(None, due_state(candidacy))])
            tallies_yield_changed([(None, yield_state(candidacy))])
        return candidacy


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Người dùng {n}")
    password = factory.PostGenerationMethodCall("set_password", "mat-khau-thu-nghiem")

    @factory.post_generation
    def save_password(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            self.save()


def user_with_role(organisation: Organisation, role: Role = Role.CLERK, **kwargs: Any) -> User:
    user = UserFactory(**kwargs)
    Assignment.objects.create(user=user, organisation=organisation, role=role)
    return user


def bearer_key(user: User) -> str:
    """A fresh API token for `user`, as the key a client sends (stored like
    ptdv.accounts.tokens.api_token_issue does, without its audit entry). It is marked as just
    used, so that the query counts of API tests show the steady state: a token's use is
    written at most every LAST_USED_RESOLUTION, not on each request."""
    import datetime as dt
    import secrets

    from django.utils import timezone

    from ptdv.accounts.models import ApiToken
    from ptdv.accounts.tokens import token_digest

    key = secrets.token_hex(20)
    ApiToken.objects.create(
        user=user,
        key_digest=token_digest(key),
        prefix=key[:8],
        expires_at=timezone.now() + dt.timedelta(days=30),
        last_used_at=timezone.now(),
    )
    return key
