"""Who may see and set targets, terms and plans.

Reading follows the tree like everything else (`visible_to`). Setting an organisation's
yearly target is the business of the level above: the administrators of its parent (for the
root of a deployment, which has no parent in the system, its own administrators). A term and
its congress and programme targets belong to the organisation itself (its congress set them):
its administrators record them. Plans are entered by whoever may change data there.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from ptdv.accounts.models import ROLE_RANK, Role
from ptdv.core.policies import Action, Actor, Policy, role_rank_at, user_scopes
from ptdv.organisations.models import PATH_STEP, Organisation
from ptdv.targets.models import MemberSnapshot, PlanAssignment, Target, Term

ADMINISTRATOR_RANK = ROLE_RANK[Role.ADMINISTRATOR]

target_policy = Policy(Target, "organisation__path")
term_policy = Policy(Term, "organisation__path")
plan_policy = Policy(PlanAssignment, "organisation__path")
snapshot_policy = Policy(MemberSnapshot, "organisation__path")


def setter_path(organisation: Organisation) -> str:
    """The path of the organisation whose administrators set `organisation`'s target."""
    path = organisation.path
    return path[:-PATH_STEP] if len(path) > PATH_STEP else path


def can_set_target(user: Actor | None, organisation: Organisation) -> bool:
    return role_rank_at(user, setter_path(organisation)) >= ADMINISTRATOR_RANK


def authorize_target(user: Actor | None, organisation: Organisation) -> None:
    """404 outside the user's subtrees, 403 inside them without the administrator role on the
    parent."""
    if role_rank_at(user, organisation.path) == 0:
        raise Http404
    if not can_set_target(user, organisation):
        raise PermissionDenied


def administers_root(user: Actor | None) -> bool:
    """Whether `user` administers a root of the deployment (what spans every organisation,
    such as the yearly member snapshot, is theirs)."""
    return any(
        len(path) == PATH_STEP and rank >= ADMINISTRATOR_RANK for path, rank in user_scopes(user)
    )


def can_manage_terms(user: Actor | None, organisation: Organisation) -> bool:
    return role_rank_at(user, organisation.path) >= ADMINISTRATOR_RANK


def authorize_terms(user: Actor | None, organisation: Organisation) -> None:
    if role_rank_at(user, organisation.path) == 0:
        raise Http404
    if not can_manage_terms(user, organisation):
        raise PermissionDenied


def can_plan(user: Actor | None, organisation: Organisation) -> bool:
    from ptdv.core.policies import REQUIRED_ROLE

    return role_rank_at(user, organisation.path) >= ROLE_RANK[REQUIRED_ROLE[Action.CHANGE]]
