"""The rule sets in force, with every parameter and rule and its source (read-only)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from ptdv.core.views import render_page
from ptdv.rules import engine
from ptdv.rules.models import CalendarAdjustment


@require_safe
def rule_sets(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    current = engine.ruleset_for(today)
    sets = [
        {
            "rule_set": rs,
            "current": rs is current,
            "parameters": engine.parameter_details(rs),
            "rules": engine.list_rules(rs),
        }
        for rs in reversed(engine.RULE_SETS)
    ]
    adjustments = CalendarAdjustment.objects.order_by("-date")[:50]
    return render_page(
        request,
        "rules/rule_sets.html",
        {"sets": sets, "adjustments": adjustments, "section": "rules"},
    )
