"""API conventions: pagination and one error shape.

Lists are paginated by page number (`page`, `page_size` up to 500). `count` is exact up to
COUNT_CAP (10,000); beyond, it is the string "10000+" and pages go up to the one holding the
10,001st row: counting every match of a loose search (all the Nguyễn of the country) would
cost more than the page itself, and nobody pages that far — they narrow the search.

Errors are ``{"error": {"code", "message", "fields": {"dotted.path": ["…"]}}}`` with
Vietnamese messages, whatever raised them. A request that does not match the schema is a 400;
a well-formed one that a rule refuses is a 422 (the contract: ptdv.core.refusals).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Paginator as DjangoPaginator
from django.http import Http404
from django.utils.functional import cached_property
from rest_framework import exceptions, status
from rest_framework.fields import get_error_detail
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from ptdv.core.refusals import UNPROCESSABLE, is_unprocessable

COUNT_CAP = 10_000


class SourceCountPaginator(DjangoPaginator):  # type: ignore[type-arg]
    """Counts and pages with the help of a narrower table when the selector that built the
    list gave one (ptdv.candidacies.selectors.candidacy_list):

    - `count_source`: the same rows, counted there;
    - `id_source`: a callable giving the ids of the same rows in the list's order, sliced
      there (called only when a page is read, with the number of rows when the paginator
      has counted them exactly, else None: the selector need not count them again); the page
      then fetches just those rows of the list (one query by primary key), instead of letting
      the database join every match to the wide tables before it sorts them.
    """

    def count_source(self) -> Any:
        return getattr(self.object_list, "count_source", self.object_list)

    @cached_property
    def count(self) -> int:
        source = self.count_source()
        return len(source) if isinstance(source, list | tuple) else int(source.count())

    @property
    def exact_count(self) -> int | None:
        """The number of rows, when `count` is exactly that."""
        return self.count

    def page(self, number: Any) -> Any:
        id_source = getattr(self.object_list, "id_source", None)
        if id_source is None:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = list(id_source(self.exact_count)[bottom:top])
        rows = self.object_list.in_bulk(ids)  # type: ignore[attr-defined]  # a QuerySet here
        return self._get_page(  # type: ignore[attr-defined]  # Django's hook, untyped
            [rows[pk] for pk in ids if pk in rows], number, self
        )


class CappedCountPaginator(SourceCountPaginator):
    """Counts at most COUNT_CAP + 1 rows (`SELECT COUNT(*) FROM (… LIMIT 10001)`).

    Counting every match of a whole country's subtree costs a second on PostgreSQL (issue 15:
    the candidate list at the national root), the page itself a tenth of that. So a list
    with more rows than the cap is `capped`: its `count` is then COUNT_CAP + 1, not the
    number of matches, and a page says "more than" (`cap`, `pages_known`: the pages surely
    there) instead of a number; pages go up to the one holding the COUNT_CAP + 1st row, like
    the API's (includes/pager.html says to narrow the filters there).
    """

    @cached_property
    def cap(self) -> int:
        """The cap this paginator counts up to (read once: tests lower COUNT_CAP)."""
        return COUNT_CAP

    @cached_property
    def count(self) -> int:
        source = self.count_source()
        if isinstance(source, list | tuple):
            return min(len(source), self.cap + 1)
        # Any cap + 1 rows count the same: unordered, the database need not sort every match
        # before it stops (the candidate list's order by name sorted 3,000 rows, a quarter of
        # the count's 24 ms for a loose search of the province).
        return int(source.order_by()[: self.cap + 1].count())

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @property
    def exact_count(self) -> int | None:
        return None if self.capped else self.count

    @property
    def pages_known(self) -> int:
        """How many full pages the cap's rows fill: there are more pages than this."""
        return self.cap // int(self.per_page)

    @property
    def count_or_cap(self) -> int | str:
        """The count as the API answers it and the audit trail records it: the number, or
        "10000+" beyond the cap."""
        return f"{self.cap}+" if self.capped else self.count


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    django_paginator_class = CappedCountPaginator

    def get_paginated_response(self, data: Any) -> Response:
        assert self.page is not None
        paginator = self.page.paginator
        return Response(
            {
                "count": paginator.count_or_cap
                if isinstance(paginator, CappedCountPaginator)
                else paginator.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_page_number(self, request: Any, paginator: Any) -> Any:
        """`?page=` with no number is no page (404, like page 0), not silently the first."""
        number = request.query_params.get(self.page_query_param)
        if number == "":
            raise exceptions.NotFound()
        return super().get_page_number(request, paginator)

    def get_page_size(self, request: Any) -> int | None:
        """An integer is taken (clamped to 1…max_page_size); anything else is a 400."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None:
            try:
                int(raw)
            except ValueError:
                raise exceptions.ValidationError(
                    {self.page_size_query_param: ["Cần một số nguyên hợp lệ."]}
                ) from None
        return super().get_page_size(request)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1  # page 0 or past the last: 404
            elif parameter["name"] == self.page_size_query_param:
                # Any number is taken: above the maximum it is the maximum, below 1 the default.
                parameter["description"] = (
                    f"Số dòng mỗi trang: mặc định {self.page_size}, tối đa {self.max_page_size} "
                    f"(số lớn hơn được hiểu là {self.max_page_size})."
                )
        return parameters

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        shape = super().get_paginated_response_schema(schema)
        shape["properties"]["count"] = {
            "oneOf": [
                {"type": "integer", "maximum": COUNT_CAP, "example": 123},
                {"type": "string", "enum": [f"{COUNT_CAP}+"]},
            ],
            "description": "Số kết quả, chính xác đến 10.000; nhiều hơn thì là “10000+”.",
        }
        return shape


MESSAGES = {
    "not_authenticated": "Chưa đăng nhập hoặc mã truy cập không hợp lệ.",
    "authentication_failed": "Thông tin xác thực không hợp lệ.",
    "permission_denied": "Bạn không có quyền thực hiện thao tác này.",
    "not_found": "Không tìm thấy.",
    "method_not_allowed": "Phương thức không được hỗ trợ.",
    "parse_error": "Dữ liệu gửi lên không đúng định dạng JSON.",
    "invalid": "Dữ liệu không hợp lệ.",
    UNPROCESSABLE: "Yêu cầu không được chấp nhận.",
    "throttled": "Quá nhiều yêu cầu, vui lòng thử lại sau.",
    "unsupported_media_type": "Kiểu dữ liệu gửi lên không được hỗ trợ.",
    "conflict": "Hồ sơ đã bị người khác thay đổi; hãy tải lại và thử lại.",
}


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = str(key) if not prefix else f"{prefix}.{key}"
            if key in ("non_field_errors", "__all__"):
                name = prefix or "non_field_errors"
            for sub, messages in _flatten(value, name).items():
                fields.setdefault(sub, []).extend(messages)
    elif isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            fields[prefix or "non_field_errors"] = [str(item) for item in detail]
        else:
            for index, item in enumerate(detail):
                for sub, messages in _flatten(
                    item, f"{prefix}.{index}" if prefix else str(index)
                ).items():
                    fields.setdefault(sub, []).extend(messages)
    else:
        fields[prefix or "non_field_errors"] = [str(detail)]
    return fields


def error_body(
    code: str, message: str, fields: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Every error as the envelope. A validation error is a 400, or a 422 when each of its
    errors is a refusal by a rule of a well-formed request (ptdv.core.refusals)."""
    if isinstance(exc, DjangoValidationError):
        # The errors' codes are kept: they tell a 422 from a 400.
        detail = get_error_detail(exc)
        if not isinstance(detail, dict):
            detail = {"non_field_errors": detail}
        exc = exceptions.ValidationError(detail=detail)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        first = next(iter(fields.items()), None)
        code = UNPROCESSABLE if is_unprocessable(exc.detail) else "invalid"
        message = MESSAGES[code]
        if first:
            message = f"{message} {first[0]}: {first[1][0]}"
        response.data = error_body(code, message, fields)
        response.status_code = (
            status.HTTP_422_UNPROCESSABLE_ENTITY
            if code == UNPROCESSABLE
            else status.HTTP_400_BAD_REQUEST
        )
        return response
    if isinstance(exc, exceptions.APIException):
        code = exc.default_code if isinstance(exc.default_code, str) else "error"
        if isinstance(exc.detail, dict) and "error" in exc.detail:
            response.data = exc.detail
        else:
            response.data = error_body(code, MESSAGES.get(code, str(exc.detail)))
    return response


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = MESSAGES["conflict"]


def stale_response(exc: Exception) -> Response:
    """409 for a stale `version` (component StaleVersionError): the envelope with the
    exception's message and the object's current version (`exc.current`)."""
    body = error_body("conflict", str(exc))
    body["version"] = getattr(exc, "current", None)
    return Response(body, status=status.HTTP_409_CONFLICT)
