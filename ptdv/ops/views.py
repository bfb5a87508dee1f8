"""GET /healthz: is the service well? (issue 15 §6)

    {"status": "ok" | "degraded" | "down",
     "database": {"ok": true},
     "worker": {"ok": true, "last": "2026-12-06T10:01:30+07:00"},
     "scheduler": {"ok": false, "last": null}}

503 when the database cannot be reached (nothing works); 200 otherwise, "degraded" when the
worker or the scheduler has not beaten for STALE_SECONDS (pages and the API still work, but
imports wait and the nightly jobs do not run). Public, and it names no person and no user.
"""

from __future__ import annotations

from typing import Any

from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ptdv.work.heartbeat import pulses


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    body: dict[str, Any] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        seen = pulses()
    except DatabaseError:
        body = {"status": "down", "database": {"ok": False}}
        return JsonResponse(body, status=503)
    now = timezone.now()
    body["database"] = {"ok": True}
    for pulse in seen:
        body[pulse.name] = {
            "ok": pulse.fresh(now),
            "last": timezone.localtime(pulse.at).isoformat() if pulse.at else None,
        }
    healthy = all(body[p.name]["ok"] for p in seen)
    body = {"status": "ok" if healthy else "degraded", **body}
    return JsonResponse(body)
