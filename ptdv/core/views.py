"""What every server-rendered page shares (the navigation). The home page, the user's work
("Việc của tôi") and organisations, is the work app's (ptdv.work.views.home)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ptdv.core.policies import user_scopes
from ptdv.core.roles import ROLE_RANK, Role


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
