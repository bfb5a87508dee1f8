"""Who sees and acts on a request between organisations.

A request has two sides: the sender (the organisation that keeps the dossier) and the
addressee (an organisation of the tree; none when the request went outside it). A user sees a
request when either side lies in their subtree — the addressee's parent therefore sees the
requests of its subordinates, and an escalated one is in both inboxes. Outside both sides a
request does not exist for the user (404, as an absent one). What a side may do:

- the sender's clerks send, cancel and, for a body outside the tree, record the reply;
- the addressee's clerks receive, answer, accept and refuse a transfer;
- on either side a viewer reads. The addressee's side reads only the request itself and the
  few facts copied into it (data minimisation), never the dossier.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from ptdv.core.policies import REQUIRED_ROLE, Action, Actor, Policy, role_rank_at, subtree_q
from ptdv.core.roles import ROLE_RANK
from ptdv.correspondence.models import OrganisationRequest

SENDER = "sender"
ADDRESSEE = "addressee"


class RequestPolicy(Policy[OrganisationRequest]):
    """Scoping through two paths: the sender's and the addressee's."""

    def queryset(self) -> QuerySet[OrganisationRequest]:
        return OrganisationRequest.objects.select_related(
            "sender", "addressee", "escalated_to", "number", "transfer_target"
        )

    def visible_to(
        self, user: Actor | None, queryset: QuerySet[OrganisationRequest] | None = None
    ) -> QuerySet[OrganisationRequest]:
        qs = self.queryset() if queryset is None else queryset
        return qs.filter(subtree_q(user, "sender__path") | subtree_q(user, "addressee__path"))

    def side_rank(self, user: Actor | None, request: OrganisationRequest, side: str) -> int:
        organisation = request.sender if side == SENDER else request.addressee
        if organisation is None:
            return 0
        return role_rank_at(user, organisation.path)

    def sides(self, user: Actor | None, request: OrganisationRequest) -> set[str]:
        """The sides the user stands on (a provincial user may stand on both)."""
        return {side for side in (SENDER, ADDRESSEE) if self.side_rank(user, request, side) > 0}

    def can(self, user: Actor | None, action: Action | str, obj: OrganisationRequest) -> bool:
        required = ROLE_RANK[REQUIRED_ROLE[Action(action)]]
        return any(self.side_rank(user, obj, side) >= required for side in (SENDER, ADDRESSEE))

    def can_on(
        self, user: Actor | None, action: Action | str, request: OrganisationRequest, side: str
    ) -> bool:
        return self.side_rank(user, request, side) >= ROLE_RANK[REQUIRED_ROLE[Action(action)]]

    def authorize_on(
        self, user: Actor | None, action: Action | str, request: OrganisationRequest, side: str
    ) -> None:
        """404 when the user stands on neither side, 403 when not on `side` with the role."""
        if not self.sides(user, request):
            raise Http404
        if not self.can_on(user, action, request, side):
            raise PermissionDenied

    def object_path(self, obj: OrganisationRequest) -> str:
        return str(obj.sender.path)

    def get_visible(
        self,
        user: Actor | None,
        pk: Any,
        queryset: QuerySet[OrganisationRequest] | None = None,
    ) -> OrganisationRequest:
        return super().get_visible(user, pk, queryset)


request_policy = RequestPolicy(OrganisationRequest, "sender__path")


def sees_dossier(user: Actor | None, request: OrganisationRequest) -> bool:
    """Whether the user reads the request from the sender's side (and may follow it to the
    dossier); the addressee's side sees only the minimised facts."""
    return SENDER in request_policy.sides(user, request)
