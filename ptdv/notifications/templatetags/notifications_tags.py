"""`|notification_kind`: the Vietnamese label of a notification kind."""

from __future__ import annotations

from django import template

from ptdv.notifications.services import KINDS

register = template.Library()


@register.filter
def notification_kind(kind: str) -> str:
    return KINDS.get(kind, kind)
