"""The home page and what every server-rendered page shares (the navigation)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ptdv.accounts.models import ROLE_RANK, Role
from ptdv.core.policies import user_scopes
from ptdv.organisations.selectors import organisation_roots


def nav_context(request: HttpRequest) -> dict[str, Any]:
    """Which sections the navigation offers: only what the user's roles may open."""
    user = request.user
    best = max((rank for _path, rank in user_scopes(user)), default=0)
    return {
        "nav": {
            "can_register": best >= ROLE_RANK[Role.CLERK],
            "can_administer": best >= ROLE_RANK[Role.ADMINISTRATOR],
            "is_staff": bool(getattr(user, "is_staff", False)),
        }
    }


def render_page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(request, template, {**nav_context(request), **(context or {})}, status=status)


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    roots = list(organisation_roots(actor=request.user))
    return render_page(request, "core/home.html", {"roots": roots, "section": "home"})
