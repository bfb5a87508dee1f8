"""The targets' permissions are `can()` of one policy, asked of the organisation concerned."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from ptdv.accounts.models import Role
from ptdv.core.policies import Action
from ptdv.factories import make_tree, user_with_role
from ptdv.targets.policies import TargetAction, targets_policy

pytestmark = pytest.mark.django_db


def test_a_target_is_set_by_the_administrators_of_the_level_above() -> None:
    tree = make_tree()
    commune_admin = user_with_role(tree["commune_a"], Role.ADMINISTRATOR)
    assert targets_policy.can(commune_admin, TargetAction.SET_TARGET, tree["grassroots_a"])
    assert targets_policy.can(commune_admin, TargetAction.SET_TARGET, tree["cell_a1"])
    # Not its own target (its parent sets it), nor outside its subtree.
    assert not targets_policy.can(commune_admin, TargetAction.SET_TARGET, tree["commune_a"])
    assert not targets_policy.can(commune_admin, TargetAction.SET_TARGET, tree["grassroots_b"])
    # The root of a deployment has no parent in the system: its own administrators set it.
    root_admin = user_with_role(tree["province"], Role.ADMINISTRATOR)
    assert targets_policy.can(root_admin, TargetAction.SET_TARGET, tree["province"])
    approver = user_with_role(tree["commune_a"], Role.APPROVER)
    assert not targets_policy.can(approver, TargetAction.SET_TARGET, tree["cell_a1"])


def test_terms_are_managed_by_the_organisations_own_administrators() -> None:
    tree = make_tree()
    admin = user_with_role(tree["grassroots_a"], Role.ADMINISTRATOR)
    assert targets_policy.can(admin, TargetAction.MANAGE_TERMS, tree["grassroots_a"])
    assert targets_policy.can(admin, TargetAction.MANAGE_TERMS, tree["cell_a2"])
    assert not targets_policy.can(admin, TargetAction.MANAGE_TERMS, tree["commune_a"])
    approver = user_with_role(tree["grassroots_a"], Role.APPROVER)
    assert not targets_policy.can(approver, TargetAction.MANAGE_TERMS, tree["grassroots_a"])


def test_plans_need_the_role_that_may_change_data_there() -> None:
    tree = make_tree()
    clerk = user_with_role(tree["grassroots_a"], Role.CLERK)
    viewer = user_with_role(tree["grassroots_a"], Role.VIEWER)
    assert targets_policy.can(clerk, TargetAction.PLAN, tree["cell_a1"])
    assert not targets_policy.can(clerk, TargetAction.PLAN, tree["cell_b1"])
    assert not targets_policy.can(viewer, TargetAction.PLAN, tree["cell_a1"])
    # The base actions still answer as every other policy does.
    assert targets_policy.can(viewer, Action.VIEW, tree["cell_a1"])
    assert not targets_policy.can(viewer, Action.CHANGE, tree["cell_a1"])


def test_authorize_answers_404_outside_and_403_inside_without_the_right() -> None:
    tree = make_tree()
    approver = user_with_role(tree["commune_a"], Role.APPROVER)
    with pytest.raises(Http404):
        targets_policy.authorize(approver, TargetAction.SET_TARGET, tree["cell_b1"])
    with pytest.raises(PermissionDenied):
        targets_policy.authorize(approver, TargetAction.SET_TARGET, tree["cell_a1"])
    with pytest.raises(PermissionDenied):
        targets_policy.authorize(approver, TargetAction.MANAGE_TERMS, tree["commune_a"])
    targets_policy.authorize(approver, TargetAction.PLAN, tree["cell_a1"])
    with pytest.raises(Http404):
        targets_policy.authorize(None, TargetAction.PLAN, tree["cell_a1"])
