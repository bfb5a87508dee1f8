"""One structured log line per request (issue 15 §6).

`RequestLogMiddleware` sits first in MIDDLEWARE. It gives every request an id — the caller's
`X-Request-ID` when it is a plain token (a proxy's, so that its log and ours meet), otherwise
a new one — returns it in the `X-Request-ID` header of every answer and in the JSON envelope
of every server error (`error.request_id`; a 500's `reference` is the same id), and writes
one JSON line to the `ptdv.requests` logger:

    {"event": "request", "request_id": "…", "user_id": 12, "method": "GET",
     "route": "candidacies/<int:pk>/", "status": 200, "duration_ms": 41.7, "queries": 9,
     "slow": false}

The route is the URL pattern, not the path, and nothing of the query string, the body or the
user's name is logged (Decree 13/2023: they may carry personal data). A request slower than
PTDV_SLOW_REQUEST_MS is logged at WARNING with "slow": true; the others at INFO.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse
from django.utils.functional import empty

logger = logging.getLogger("ptdv.requests")

HEADER = "X-Request-ID"
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def request_id_of(request: HttpRequest | None) -> str | None:
    return getattr(request, "request_id", None) if request is not None else None


class _QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(HEADER, "")
        request_id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        counter = _QueryCounter()
        started = time.perf_counter()
        wrappers = [connections[alias].execute_wrapper(counter) for alias in connections]
        for wrapper in wrappers:
            wrapper.__enter__()
        try:
            response = self.get_response(request)
        finally:
            for wrapper in reversed(wrappers):
                wrapper.__exit__(None, None, None)
        duration_ms = (time.perf_counter() - started) * 1000
        response[HEADER] = request_id
        _stamp_envelope(response, request_id)
        slow = duration_ms >= settings.PTDV_SLOW_REQUEST_MS
        match = getattr(request, "resolver_match", None)
        line = {
            "event": "request",
            "request_id": request_id,
            "user_id": _user_id(request),
            "method": request.method,
            "route": match.route if match is not None else None,
            "status": response.status_code,
            "duration_ms": round(duration_ms, 1),
            "queries": counter.count,
            "slow": slow,
        }
        logger.log(logging.WARNING if slow else logging.INFO, json.dumps(line))
        return response


def _user_id(request: HttpRequest) -> int | None:
    """The signed-in user's id if the request already knows it. Never loads the user: with
    the database out of reach that would fail again here, after the answer is made."""
    user = request.__dict__.get("user")
    wrapped = getattr(user, "_wrapped", user)  # the lazy user of AuthenticationMiddleware
    if wrapped is None or wrapped is empty or not getattr(wrapped, "is_authenticated", False):
        return None
    pk = getattr(wrapped, "pk", None)
    return pk if isinstance(pk, int) else None


def _stamp_envelope(response: HttpResponse, request_id: str) -> None:
    """Put the request id into the JSON envelope of a server-side error (5xx: the answer a
    user reports to support). A client error (4xx) carries it in the header only, so that
    its body stays the same for the same request — "outside the scope" answers exactly as
    "absent", body for body."""
    if response.status_code < 500 or getattr(response, "streaming", False):
        return
    if not response.get("Content-Type", "").startswith("application/json"):
        return
    try:
        body = json.loads(response.content)
    except ValueError:
        return
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        body["error"]["request_id"] = request_id
        response.content = json.dumps(body, ensure_ascii=False).encode()
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
