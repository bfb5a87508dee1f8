"""The organisation an account or an assignment is created on is named by the request: it is
resolved through the administrator's scope in the service — outside answers like absent, a
visible one they do not administer is refused — and nothing is written (issue 10 §1)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from ptdv.accounts.models import Assignment, Role
from ptdv.accounts.services import assignment_create, user_create
from ptdv.core.tests.state import db_state
from ptdv.factories import user_with_role
from ptdv.organisations.models import Organisation

pytestmark = pytest.mark.django_db

NOT_FOUND = {"organisation": ["Không tìm thấy tổ chức."]}
PASSWORD = "mat-khau-thu-nghiem"


@pytest.fixture
def admin_a(tree):
    return user_with_role(tree["commune_a"], Role.ADMINISTRATOR)


def refused(call):
    before = db_state()
    with pytest.raises(ValidationError) as info:
        call()
    assert db_state() == before
    return info.value.message_dict


def test_an_account_on_another_commune_reads_as_absent(tree, admin_a):
    def create(organisation):
        return lambda: user_create(
            actor=admin_a,
            username="cb.moi",
            password=PASSWORD,
            organisation=organisation,
            role=Role.ADMINISTRATOR,
        )

    assert refused(create(tree["commune_b"])) == NOT_FOUND
    assert refused(create(Organisation(pk=987654, path="ZZZZ"))) == NOT_FOUND
    # Above their subtree: the province is not theirs to hand out either.
    assert refused(create(tree["province"])) == NOT_FOUND


def test_an_assignment_on_another_commune_reads_as_absent(tree, admin_a):
    clerk = user_with_role(tree["cell_a1"], Role.CLERK)
    errors = refused(
        lambda: assignment_create(
            actor=admin_a, user=clerk, organisation=tree["cell_b1"], role=Role.ADMINISTRATOR
        )
    )
    assert errors == NOT_FOUND


def test_a_visible_organisation_the_actor_does_not_administer_is_refused(tree, admin_a):
    Assignment.objects.create(user=admin_a, organisation=tree["commune_b"], role=Role.VIEWER)
    admin_a = type(admin_a).objects.get(pk=admin_a.pk)
    clerk = user_with_role(tree["cell_a1"], Role.CLERK)
    before = db_state()
    with pytest.raises(PermissionDenied):
        assignment_create(actor=admin_a, user=clerk, organisation=tree["cell_b1"], role="clerk")
    assert db_state() == before


def test_the_assignment_form_changes_nothing_for_another_commune(client, tree, admin_a):
    clerk = user_with_role(tree["cell_a1"], Role.CLERK)
    client.force_login(admin_a)
    before = db_state("accounts.Assignment", "accounts.User")
    response = client.post(
        reverse("accounts:assignment_add", args=[clerk.pk]),
        {"organisation": tree["cell_b1"].pk, "role": "administrator"},
    )
    assert response.status_code == 200
    assert "organisation" in response.context["assignment_form"].errors
    assert db_state("accounts.Assignment", "accounts.User") == before
