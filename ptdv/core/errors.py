"""Error answers: API clients never receive an HTML page.

Under /api/ every error — an unknown path, a method the route does not take, a CSRF failure,
an exception nobody caught (in a DRF view, a plain Django view or a middleware), even the
debug pages of `make run` — is answered with the JSON envelope of ptdv.core.api::

    {"error": {"code": "...", "message": "...", "fields": {}, "reference": "<32 hex>"}}

A server error carries a `reference` that is also written to the server log (with the
traceback, the method and the path, never the query string, the body or who asked: those may
carry personal data), so support can find the log entry a user quotes.

Pages outside /api/ keep the Vietnamese HTML error pages (ptdv/templates/4xx.html, 500.html).
"""

from __future__ import annotations

import logging
import sys
import uuid
from collections.abc import Callable

from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.views import defaults
from django.views.csrf import csrf_failure as django_csrf_failure

from ptdv.core.api import MESSAGES, error_body
from ptdv.core.observe import request_id_of

logger = logging.getLogger("ptdv.errors")

API_PREFIX = "/api/"

# The envelope's code and Vietnamese message for each status an error page may carry.
_BY_STATUS: dict[int, tuple[str, str]] = {
    400: ("bad_request", "Yêu cầu không hợp lệ."),
    401: ("not_authenticated", MESSAGES["not_authenticated"]),
    403: ("permission_denied", MESSAGES["permission_denied"]),
    404: ("not_found", "Không tìm thấy đường dẫn hoặc đối tượng được yêu cầu."),
    405: ("method_not_allowed", MESSAGES["method_not_allowed"]),
    406: ("not_acceptable", "Không thể trả lời theo kiểu dữ liệu được yêu cầu."),
    413: ("too_large", "Dữ liệu gửi lên quá lớn."),
    415: ("unsupported_media_type", MESSAGES["unsupported_media_type"]),
    429: ("throttled", MESSAGES["throttled"]),
    500: ("server_error", "Lỗi máy chủ. Hãy báo mã tham chiếu này cho quản trị hệ thống."),
    503: (
        "service_unavailable",
        "Hệ thống tạm thời không kết nối được cơ sở dữ liệu; yêu cầu chưa được thực hiện. "
        "Hãy thử lại sau ít phút.",
    ),
}
# The database out of reach (down, restarting, the network cut, SQLite locked too long): the
# request did nothing (every write is one transaction), so it is a 503 to retry, not a 500.
_DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
_CSRF_MESSAGE = "Yêu cầu bị từ chối: thiếu hoặc sai mã chống giả mạo (CSRF)."
# Exceptions Django answers itself (404, 403, 400): not server errors.
_CLIENT_ERRORS = (Http404, PermissionDenied, SuspiciousOperation, BadRequest)


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def new_reference() -> str:
    return uuid.uuid4().hex


def api_error(
    status: int, *, message: str | None = None, reference: str | None = None
) -> JsonResponse:
    """The JSON envelope for an error `status` (a server error gets a reference)."""
    code, default = _BY_STATUS.get(status, ("error", "Có lỗi xảy ra."))
    body = error_body(code, message or default)
    if reference is not None:
        body["error"]["reference"] = reference
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def server_error_response(request: HttpRequest, *, exc_info: bool) -> JsonResponse:
    """Log an unhandled error under the request's id and answer it in JSON."""
    reference = request_id_of(request) or new_reference()
    # Method and path only: ids in the path are not personal data; the query string (a name
    # searched for), the body and the user may be.
    logger.error(
        "Lỗi máy chủ, mã tham chiếu %s: %s %s",
        reference,
        request.method,
        request.path_info,
        exc_info=exc_info,
    )
    return api_error(500, reference=reference)


# --- Django's error views (config.urls handler400/403/404/500, CSRF_FAILURE_VIEW) ------------


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return api_error(400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return api_error(403)
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return api_error(404)
    return defaults.page_not_found(request, exception)


def database_down(request: HttpRequest) -> HttpResponse:
    """The answer while the database is out of reach: the JSON envelope under /api/, the
    Vietnamese page elsewhere (rendered without the database: no context processor runs)."""
    logger.warning(
        "Cơ sở dữ liệu không truy cập được, yêu cầu %s: %s %s",
        request_id_of(request),
        request.method,
        request.path_info,
    )
    if is_api(request):
        response: HttpResponse = api_error(503)
    else:
        html = loader.render_to_string("503.html", {"request_id": request_id_of(request)})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    # Called while Django handles the exception: it is still at hand.
    if isinstance(sys.exc_info()[1], _DATABASE_DOWN):
        return database_down(request)
    if is_api(request):
        # Called while Django handles the exception: the traceback is still at hand.
        return server_error_response(request, exc_info=True)
    return defaults.server_error(request)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    if is_api(request):
        return api_error(403, message=_CSRF_MESSAGE)
    return django_csrf_failure(request, reason=reason)


# --- The middleware ---------------------------------------------------------------------------


class ApiErrorMiddleware:
    """First in MIDDLEWARE, so that it sees every answer under /api/.

    - An exception a view lets through becomes a logged 500 with a reference (also with
      DEBUG on, where Django would show its HTML traceback page).
    - Any other error answer that is not JSON (Django's 404 for an unmatched path, its debug
      pages, an HTML page from a middleware) is replaced by the envelope with the same status.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not is_api(request) or response.status_code < 400:
            return response
        content_type = response.get("Content-Type", "")
        if content_type.startswith("application/json") or content_type.endswith("+json"):
            return response
        if response.status_code >= 500:
            # The exception (if any) was logged by Django already; this reference ties the
            # answer to a log line all the same.
            replacement = server_error_response(request, exc_info=False)
            replacement.status_code = response.status_code
        else:
            replacement = api_error(response.status_code)
        for header in ("Allow", "WWW-Authenticate", "Retry-After"):
            if header in response:
                replacement[header] = response[header]
        return replacement

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, _DATABASE_DOWN):
            return database_down(request)
        if not is_api(request) or isinstance(exception, _CLIENT_ERRORS):
            return None
        return server_error_response(request, exc_info=True)
