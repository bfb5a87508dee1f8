"""Who sees and acts on an obstacle.

A user sees an obstacle when the organisation that recorded it lies in their subtree: the
recording unit and every level above it (the levels it can be escalated to are its ancestors, so
whoever covers the level where it sits also covers the recording unit). Outside, it does not
exist for the user (404). Acting on it (escalate, resolve, decline) belongs to the clerks and
above whose scope covers the level where it sits now; the recording unit, once the obstacle has
gone up, only reads (403).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from ptdv.core.policies import REQUIRED_ROLE, Action, Actor, Policy, role_rank_at
from ptdv.core.roles import ROLE_RANK
from ptdv.obstacles.models import Obstacle


class ObstaclePolicy(Policy[Obstacle]):
    def queryset(self) -> QuerySet[Obstacle]:
        return Obstacle.objects.select_related("organisation", "level", "closed_by_level")

    def can_act(self, user: Actor | None, obstacle: Obstacle) -> bool:
        """Whether the user may take a step at the level where the obstacle sits."""
        required = ROLE_RANK[REQUIRED_ROLE[Action.CHANGE]]
        return role_rank_at(user, obstacle.level.path) >= required

    def authorize_act(self, user: Actor | None, obstacle: Obstacle) -> None:
        """404 outside the recording unit's subtree, 403 when not a clerk at the level."""
        if role_rank_at(user, obstacle.organisation.path) == 0:
            raise Http404
        if not self.can_act(user, obstacle):
            raise PermissionDenied


obstacle_policy = ObstaclePolicy(Obstacle, "organisation__path")
