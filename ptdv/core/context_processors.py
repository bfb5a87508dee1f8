from typing import Any

from django.conf import settings
from django.http import HttpRequest

from ptdv.core.views import nav_context


def ptdv(request: HttpRequest) -> dict[str, Any]:
    """Demo flag and the navigation the user's roles allow, on every page (error pages too)."""
    context: dict[str, Any] = {"PTDV_DEMO": settings.PTDV_DEMO}
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        context.update(nav_context(request))
    return context
