"""Who sees and acts on an inspection or a supervision.

It has two sides: the inspecting body and the inspected organisation. A user sees it when
either side lies in their subtree (outside both it does not exist for them: 404). The body's
clerks record it, change it and add recommendations; the clerks of either side record that a
recommendation was carried out (the inspected organisation reports, the body confirms).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from ptdv.core.policies import REQUIRED_ROLE, Action, Actor, Policy, role_rank_at, subtree_q
from ptdv.core.roles import ROLE_RANK
from ptdv.inspections.models import Inspection

BODY = "body"
INSPECTED = "inspected"


class InspectionPolicy(Policy[Inspection]):
    def queryset(self) -> QuerySet[Inspection]:
        return Inspection.objects.select_related("body", "organisation")

    def visible_to(
        self, user: Actor | None, queryset: QuerySet[Inspection] | None = None
    ) -> QuerySet[Inspection]:
        qs = self.queryset() if queryset is None else queryset
        return qs.filter(subtree_q(user, "body__path") | subtree_q(user, "organisation__path"))

    def side_rank(self, user: Actor | None, inspection: Inspection, side: str) -> int:
        organisation = inspection.body if side == BODY else inspection.organisation
        return role_rank_at(user, organisation.path)

    def can(self, user: Actor | None, action: Action | str, obj: Inspection) -> bool:
        required = ROLE_RANK[REQUIRED_ROLE[Action(action)]]
        return any(self.side_rank(user, obj, side) >= required for side in (BODY, INSPECTED))

    def can_on(
        self, user: Actor | None, action: Action | str, inspection: Inspection, side: str
    ) -> bool:
        return self.side_rank(user, inspection, side) >= ROLE_RANK[REQUIRED_ROLE[Action(action)]]

    def authorize_on(
        self, user: Actor | None, action: Action | str, inspection: Inspection, side: str
    ) -> None:
        """404 when the user stands on neither side, 403 when not on `side` with the role."""
        if not any(self.side_rank(user, inspection, s) for s in (BODY, INSPECTED)):
            raise Http404
        if not self.can_on(user, action, inspection, side):
            raise PermissionDenied

    def authorize(self, user: Actor | None, action: Action | str, obj: Inspection) -> None:
        """404 on neither side, 403 when no side gives the role `action` needs."""
        if not any(self.side_rank(user, obj, s) for s in (BODY, INSPECTED)):
            raise Http404
        if not self.can(user, action, obj):
            raise PermissionDenied

    def object_path(self, obj: Inspection) -> str:
        return str(obj.body.path)

    def get_visible(
        self, user: Actor | None, pk: Any, queryset: QuerySet[Inspection] | None = None
    ) -> Inspection:
        return super().get_visible(user, pk, queryset)


inspection_policy = InspectionPolicy(Inspection, "body__path")
