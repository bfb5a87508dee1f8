"""Each request names its door for the audit trail: the API, the Django admin or the web."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from ptdv.audit.models import AuditChannel
from ptdv.audit.services import audit_channel


def request_channel(path: str) -> AuditChannel:
    if path.startswith("/api/"):
        return AuditChannel.API
    if path.startswith("/admin/"):
        return AuditChannel.ADMIN
    return AuditChannel.WEB


class AuditChannelMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with audit_channel(request_channel(request.path_info)):
            return self.get_response(request)
