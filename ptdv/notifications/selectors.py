"""Reads of a user's own notifications. Only what concerns an organisation still in the
user's scope is shown (an assignment given up takes its notifications with it), so nothing
about an object outside the scope reaches them — in the inbox, the count or the digest."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from ptdv.core.policies import Actor, subtree_q
from ptdv.notifications.models import Notification


def notification_list(
    *, actor: Actor, kind: str = "", unread: bool | None = None
) -> QuerySet[Notification]:
    """The actor's notifications, newest first, within their scope."""
    if not getattr(actor, "is_authenticated", False):
        return Notification.objects.none()
    qs = Notification.objects.filter(user_id=actor.pk).filter(
        subtree_q(actor, "organisation__path") | Q(organisation__isnull=True)
    )
    if kind:
        qs = qs.filter(kind=kind)
    if unread is True:
        qs = qs.filter(read_at__isnull=True)
    elif unread is False:
        qs = qs.filter(read_at__isnull=False)
    return qs.select_related("organisation").order_by("-created_at", "-pk")


def unread_count(actor: Actor) -> int:
    """The header's number (one query)."""
    return notification_list(actor=actor, unread=True).count()
