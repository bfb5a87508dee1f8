"""GET /api/v1/reports/progress/{id}.xlsx|pdf and /api/v1/reports/indicators/{id}…: the same
files as the dashboard's downloads, for a token-authenticated client; each for a year
(`?year=`), a quarter (`?quarter=&year=`), a half-year (`?half=&year=`) or a range of days
(`?from=dd/mm/yyyy&to=dd/mm/yyyy`). GET /api/v1/reports/review/{id}.docx: the sơ kết /
tổng kết report of the directive for such a period (`?kind=interim|final`)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.views import APIView

from ptdv.organisations.policies import organisation_policy
from ptdv.reports.periods import DATE_PATTERN, FIRST_YEAR, LAST_YEAR, Period, period_parse
from ptdv.reports.selectors import report_term
from ptdv.reports.services import (
    DOCX,
    FORMATS,
    report_indicators_export,
    report_progress_export,
    report_review_export,
)
from ptdv.reports.views import as_download

_ERRORS: dict[Any, OpenApiResponse] = {
    400: OpenApiResponse(
        description="Tham số không đúng dạng (năm, quý, 6 tháng, từ ngày, đến ngày, loại)."
    ),
    422: OpenApiResponse(
        description="Kỳ báo cáo không hợp lệ (từ ngày sau đến ngày, khoảng ngày quá dài, "
        "chọn cả quý và 6 tháng, ngày không có thật)."
    ),
    404: OpenApiResponse(description="Không tìm thấy (hoặc ngoài phạm vi được phân quyền)."),
}
_FILE: dict[Any, OpenApiResponse] = {
    **{
        (200, media_type): OpenApiResponse(OpenApiTypes.BINARY, description="Tệp Excel hoặc PDF.")
        for media_type in FORMATS.values()
    },
    **_ERRORS,
}
_FORMAT = OpenApiParameter(
    "fmt", str, OpenApiParameter.PATH, enum=sorted(FORMATS), description="Định dạng tệp."
)
_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Mã tổ chức.")
_DATE: dict[str, Any] = {"type": "string", "pattern": DATE_PATTERN}
_PERIOD = [
    OpenApiParameter(
        "year",
        {"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR},
        description="Năm (mặc định: năm nay); một mình là cả năm.",
    ),
    OpenApiParameter("quarter", int, enum=[1, 2, 3, 4], description="Quý của năm `year`."),
    OpenApiParameter("half", int, enum=[1, 2], description="6 tháng đầu (1) hoặc cuối (2) năm."),
    OpenApiParameter("from", _DATE, description="Từ ngày (dd/mm/yyyy), cùng với `to`."),
    OpenApiParameter("to", _DATE, description="Đến ngày (dd/mm/yyyy), cùng với `from`."),
]


def _period(request: Request) -> Period:
    return period_parse(request.query_params, today=timezone.localdate())


class ProgressReportView(APIView):
    @extend_schema(
        summary="Báo cáo tiến độ kết nạp theo kỳ (xlsx hoặc pdf)",
        operation_id="reports_progress_download",
        parameters=[_ID, _FORMAT, *_PERIOD],
        responses=_FILE,
        tags=["reports"],
    )
    def get(self, request: Request, pk: int, fmt: str) -> HttpResponse:
        if fmt not in FORMATS:
            raise Http404
        organisation = organisation_policy.get_visible(request.user, pk)
        period = _period(request)
        return as_download(
            report_progress_export(
                actor=request.user,
                organisation=organisation,
                year=period.year,
                fmt=fmt,
                today=timezone.localdate(),
                period=period,
            )
        )


class IndicatorsReportView(APIView):
    @extend_schema(
        summary="Báo cáo chỉ số phát triển đảng viên theo nhiệm kỳ hoặc theo kỳ (xlsx hoặc pdf)",
        operation_id="reports_indicators_download",
        parameters=[
            _ID,
            _FORMAT,
            *_PERIOD,
            OpenApiParameter("term", str, description="Mã hoặc tên nhiệm kỳ."),
        ],
        responses=_FILE,
        tags=["reports"],
    )
    def get(self, request: Request, pk: int, fmt: str) -> HttpResponse:
        if fmt not in FORMATS:
            raise Http404
        organisation = organisation_policy.get_visible(request.user, pk)
        period = _period(request)
        term = report_term(
            actor=request.user,
            organisation=organisation,
            term=request.query_params.get("term"),
            year=period.year,
        )
        return as_download(
            report_indicators_export(
                actor=request.user,
                organisation=organisation,
                term=term,
                year=period.year,
                fmt=fmt,
                today=timezone.localdate(),
                period=period,
            )
        )


class ReviewReportView(APIView):
    @extend_schema(
        summary="Báo cáo sơ kết, tổng kết thực hiện Chỉ thị (docx)",
        operation_id="reports_review_download",
        parameters=[
            _ID,
            *_PERIOD,
            OpenApiParameter(
                "kind",
                str,
                enum=["interim", "final"],
                description="Sơ kết (interim, mặc định) hoặc tổng kết (final).",
            ),
        ],
        responses={
            (200, DOCX): OpenApiResponse(OpenApiTypes.BINARY, description="Tệp Word."),
            **_ERRORS,
        },
        tags=["reports"],
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        organisation = organisation_policy.get_visible(request.user, pk)
        return as_download(
            report_review_export(
                actor=request.user,
                organisation=organisation,
                period=_period(request),
                kind=request.query_params.get("kind") or "interim",
                today=timezone.localdate(),
            )
        )
