from typing import Any

from django.conf import settings
from django.http import HttpRequest


def ptdv(request: HttpRequest) -> dict[str, Any]:
    return {"PTDV_DEMO": settings.PTDV_DEMO}
