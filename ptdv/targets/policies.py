"""Who may see and set targets, terms and plans.

Reading follows the tree like everything else (`visible_to`). Setting an organisation's
yearly target is the business of the level above: the administrators of its parent (for the
root of a deployment, which has no parent in the system, its own administrators). A term and
its congress and programme targets belong to the organisation itself (its congress set them):
its administrators record them. Plans are entered by whoever may change data there.
"""

from __future__ import annotations

from enum import StrEnum

from ptdv.accounts.models import ROLE_RANK, Role
from ptdv.core.policies import Action, Actor, Policy, role_rank_at, user_scopes
from ptdv.organisations.models import PATH_STEP, Organisation
from ptdv.targets.models import (
    MemberSnapshot,
    PlanAssignment,
    ResponsibilityQuota,
    Target,
    Term,
)

ADMINISTRATOR_RANK = ROLE_RANK[Role.ADMINISTRATOR]

target_policy = Policy(Target, "organisation__path")
term_policy = Policy(Term, "organisation__path")
plan_policy = Policy(PlanAssignment, "organisation__path")
snapshot_policy = Policy(MemberSnapshot, "organisation__path")
quota_policy = Policy(ResponsibilityQuota, "organisation__path")


def setter_path(organisation: Organisation) -> str:
    """The path of the organisation whose administrators set `organisation`'s target."""
    path = organisation.path
    return path[:-PATH_STEP] if len(path) > PATH_STEP else path


class TargetAction(StrEnum):
    """What a user may do about an organisation's targets, terms and plans (besides the
    base actions of `ptdv.core.policies.Action`)."""

    SET_TARGET = "set_target"  # set, approve, lock or amend its yearly target
    MANAGE_TERMS = "manage_terms"  # record its terms, congress and programme targets
    PLAN = "plan"  # assign its planned candidates


class TargetsPolicy(Policy[Organisation]):
    """The targets' permissions, asked of the organisation they concern: a target, a term or
    a plan may not exist yet when the question is asked (an empty form, a first target)."""

    def can(self, user: Actor | None, action: Action | str, obj: Organisation) -> bool:
        if action == TargetAction.SET_TARGET:
            return role_rank_at(user, setter_path(obj)) >= ADMINISTRATOR_RANK
        if action == TargetAction.MANAGE_TERMS:
            return role_rank_at(user, obj.path) >= ADMINISTRATOR_RANK
        if action == TargetAction.PLAN:
            return super().can(user, Action.CHANGE, obj)
        return super().can(user, action, obj)


# `authorize` answers 404 outside the user's subtrees, 403 inside them without the right.
targets_policy = TargetsPolicy(Organisation, "path")


def administers_root(user: Actor | None) -> bool:
    """Whether `user` administers a root of the deployment (what spans every organisation,
    such as the yearly member snapshot, is theirs)."""
    return any(
        len(path) == PATH_STEP and rank >= ADMINISTRATOR_RANK for path, rank in user_scopes(user)
    )
