"""The individual criterion (candidates nurtured and admitted, issue 14 §3) on a member's
page: the members app sits below targets, so its page asks for the panel by this tag."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from ptdv.targets.responsibility import person_criterion

register = template.Library()

CRITERION_YEARS = 5


@register.inclusion_tag("targets/_member_criterion.html", takes_context=True)
def responsibility_criterion(context: template.Context, membership: Any) -> dict[str, Any]:
    request = context["request"]
    today = timezone.localdate()
    return {
        "person_id": membership.person_id,
        "year": today.year,
        "criterion": person_criterion(
            actor=request.user,
            person=membership.person,
            years=range(today.year - CRITERION_YEARS + 1, today.year + 1),
        ),
    }
