import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from ptdv.accounts.models import Assignment, Role
from ptdv.candidacies.policies import candidacy_policy
from ptdv.core.policies import Action
from ptdv.factories import CandidacyFactory, PersonFactory, UserFactory, user_with_role
from ptdv.organisations.models import Organisation
from ptdv.organisations.policies import organisation_policy
from ptdv.people.policies import person_policy

pytestmark = pytest.mark.django_db


def test_clerk_sees_only_their_subtree(tree):
    clerk = user_with_role(tree["commune_a"], Role.CLERK)
    codes = set(organisation_policy.visible_to(clerk).values_list("code", flat=True))
    assert codes == {"Xa", "Ga", "Ca1", "Ca2"}


def test_user_without_assignment_sees_nothing_even_as_superuser(tree):
    boss = UserFactory(is_superuser=True, is_staff=True)
    assert not organisation_policy.visible_to(boss).exists()


def test_anonymous_sees_nothing(tree):
    from django.contrib.auth.models import AnonymousUser

    assert not organisation_policy.visible_to(AnonymousUser()).exists()


def test_outside_subtree_is_404_inside_without_role_is_403(tree):
    viewer = user_with_role(tree["commune_a"], Role.VIEWER)
    mine = CandidacyFactory(organisation=tree["cell_a1"])
    theirs = CandidacyFactory(organisation=tree["cell_b1"])
    assert candidacy_policy.get_visible(viewer, mine.pk) == mine
    with pytest.raises(Http404):
        candidacy_policy.get_visible(viewer, theirs.pk)
    with pytest.raises(Http404):
        candidacy_policy.authorize(viewer, Action.CHANGE, theirs)
    with pytest.raises(PermissionDenied):
        candidacy_policy.authorize(viewer, Action.CHANGE, mine)
    candidacy_policy.authorize(viewer, Action.VIEW, mine)


def test_roles_include_lower_ones_and_the_highest_assignment_wins(tree):
    user = user_with_role(tree["province"], Role.VIEWER)
    Assignment.objects.create(user=user, organisation=tree["commune_b"], role=Role.APPROVER)
    user = type(user).objects.get(pk=user.pk)  # drop the cached scopes
    cell_b = tree["cell_b1"]
    cell_a = tree["cell_a1"]
    assert organisation_policy.can(user, Action.APPROVE, cell_b)
    assert organisation_policy.can(user, Action.CHANGE, cell_b)
    assert not organisation_policy.can(user, Action.CHANGE, cell_a)
    assert organisation_policy.can(user, Action.VIEW, cell_a)
    assert not organisation_policy.can(user, Action.ADMINISTER, cell_b)


def test_inactive_user_sees_nothing(tree):
    clerk = user_with_role(tree["commune_a"], Role.CLERK, is_active=False)
    assert not organisation_policy.visible_to(clerk).exists()


def test_person_visibility_follows_managing_organisation(tree):
    clerk = user_with_role(tree["commune_a"], Role.CLERK)
    mine = PersonFactory(organisation=tree["cell_a2"])
    PersonFactory(organisation=tree["cell_b2"])
    assert list(person_policy.visible_to(clerk)) == [mine]


def test_dissolved_assignment_grants_nothing(tree):
    import datetime as dt

    clerk = user_with_role(tree["commune_a"], Role.CLERK)
    Organisation.objects.filter(pk=tree["commune_a"].pk).update(valid_to=dt.date(2025, 7, 1))
    clerk = type(clerk).objects.get(pk=clerk.pk)
    assert not organisation_policy.visible_to(clerk).exists()


def test_an_object_by_its_key_answers_as_the_queryset_for_one_or_several_places(tree):
    """`get_visible` reads by a compiled statement for a user of one place: the same object,
    the same 404 outside, for an absent key and for a key no column holds; a user of two
    places takes the queryset, with the same answers."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    mine = CandidacyFactory(organisation=tree["cell_a1"])
    theirs = CandidacyFactory(organisation=tree["cell_b1"])
    one = user_with_role(tree["commune_a"], Role.VIEWER)
    two = user_with_role(tree["commune_a"], Role.VIEWER)
    Assignment.objects.create(user=two, organisation=tree["commune_b"], role=Role.VIEWER)
    two = type(two).objects.get(pk=two.pk)
    for user in (one, two):
        found = candidacy_policy.get_visible(user, mine.pk)
        assert (found.pk, found.organisation.path) == (mine.pk, tree["cell_a1"].path)
        for pk in (0, -1, 2**31, 2**63, 10**30, mine.pk + theirs.pk + 1000):
            with pytest.raises(Http404):
                candidacy_policy.get_visible(user, pk)
    with pytest.raises(Http404):
        candidacy_policy.get_visible(one, theirs.pk)
    assert candidacy_policy.get_visible(two, theirs.pk) == theirs
    assert organisation_policy.get_visible(one, tree["cell_a2"].pk) == tree["cell_a2"]
    with pytest.raises(Http404):
        organisation_policy.get_visible(one, tree["province"].pk)  # above the subtree
    with CaptureQueriesContext(connection) as queries:
        assert candidacy_policy.get_visible(one, mine.pk) == mine
    assert len(queries) == 1
    assert candidacy_policy._by_key.cached()
