"""GET /healthz: is the service well? GET /metrics: for Prometheus. (issue 15 §6)

GET /healthz:

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

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_prometheus.exports import ExportToDjangoView

from ptdv.accounts.models import ROLE_RANK, Role
from ptdv.core.policies import user_scopes
from ptdv.organisations.models import PATH_STEP
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


def _may_read_metrics(request: HttpRequest) -> bool:
    """A scraper with the configured token, or an administrator of a root organisation."""
    token = settings.PTDV_METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer ") and constant_time_compare(header[7:], token):
        return True
    user = request.user
    if not user.is_authenticated:
        return False
    required = ROLE_RANK[Role.ADMINISTRATOR]
    return any(len(path) == PATH_STEP and rank >= required for path, rank in user_scopes(user))


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """GET /metrics: the Prometheus metrics of every gunicorn worker (django-prometheus:
    requests by view and status, latencies, database queries). Anyone else: 404, as absent."""
    if not _may_read_metrics(request):
        raise Http404
    response: HttpResponse = ExportToDjangoView(request)
    return response
