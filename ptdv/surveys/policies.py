"""Who may see, fill and review the pool survey.

- A round is seen in its root's subtree and by whoever sees one of its responses (a
  ward's staff see the province's round, but only their own responses in it);
  it is opened and closed by the administrators of its root.
- A response is seen by the users whose subtrees hold the responding unit; it is filled and
  submitted by its clerks and above (the unit's own staff, or a level above acting for it).
- A response is reviewed (accepted or returned) by the level above: an approver (or above)
  assigned to an organisation that strictly contains the responding unit — a user whose
  scope is only the unit itself never reviews its own answer.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from ptdv.core.policies import Actor, Policy, role_rank_at, subtree_q, user_scopes
from ptdv.core.roles import ROLE_RANK, Role
from ptdv.surveys.models import SurveyResponse, SurveyRound

CLERK_RANK = ROLE_RANK[Role.CLERK]
APPROVER_RANK = ROLE_RANK[Role.APPROVER]
ADMINISTRATOR_RANK = ROLE_RANK[Role.ADMINISTRATOR]

response_policy = Policy(SurveyResponse, "organisation__path")

MAX_ID = 2**63 - 1


def checked_id(value: Any) -> int:
    """An id from a URL or a body: a whole number the database can hold, else absent (404)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 1 <= number <= MAX_ID:
        raise Http404
    return number


class RoundPolicy(Policy[SurveyRound]):
    """A round is visible in its root's subtree, and to whoever sees one of its responses
    (a ward's staff see the province's round, with their own responses only)."""

    def visible_to(
        self, user: Actor | None, queryset: QuerySet[SurveyRound] | None = None
    ) -> QuerySet[SurveyRound]:
        qs = self.queryset() if queryset is None else queryset
        answered = SurveyResponse.objects.filter(subtree_q(user, "organisation__path"))
        return qs.filter(
            Q(subtree_q(user, "organisation__path")) | Q(pk__in=answered.values("survey_round_id"))
        )


round_policy = RoundPolicy(SurveyRound, "organisation__path")


def can_manage_round(user: Actor | None, survey_round: SurveyRound) -> bool:
    return role_rank_at(user, survey_round.organisation.path) >= ADMINISTRATOR_RANK


def can_fill(user: Actor | None, response: SurveyResponse) -> bool:
    return role_rank_at(user, response.organisation.path) >= CLERK_RANK


def review_rank(user: Actor | None, path: str) -> int:
    """The highest role `user` holds on an organisation strictly above the node at `path`."""
    return max(
        (rank for scope, rank in user_scopes(user) if path.startswith(scope) and scope != path),
        default=0,
    )


def can_review(user: Actor | None, response: SurveyResponse) -> bool:
    return review_rank(user, response.organisation.path) >= APPROVER_RANK
