"""`{% member_actions membership %}`: the actions the user may take on it now, as links."""

from __future__ import annotations

from typing import Any

from django import template

from ptdv.members.actions import membership_available_actions
from ptdv.members.models import PartyMembership

register = template.Library()


@register.inclusion_tag("members/action_menu.html", takes_context=True)
def member_actions(context: dict[str, Any], membership: PartyMembership) -> dict[str, Any]:
    request = context.get("request")
    actor = getattr(request, "user", None)
    return {
        "membership": membership,
        "member_action_specs": membership_available_actions(actor=actor, membership=membership),
    }
