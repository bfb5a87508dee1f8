"""GET /api/v1/reports/progress/{id}.xlsx|pdf?year= and /api/v1/reports/indicators/{id}…:
the same files as the dashboard's downloads, for a token-authenticated client."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.views import APIView

from ptdv.organisations.policies import organisation_policy
from ptdv.reports.selectors import report_term
from ptdv.reports.services import FORMATS, report_indicators_export, report_progress_export
from ptdv.reports.views import as_download
from ptdv.targets.serializers import YearQuerySerializer

_FILE: dict[Any, OpenApiResponse] = {
    **{
        (200, media_type): OpenApiResponse(OpenApiTypes.BINARY, description="Tệp Excel hoặc PDF.")
        for media_type in FORMATS.values()
    },
    400: OpenApiResponse(description="Năm không hợp lệ."),
    404: OpenApiResponse(description="Không tìm thấy (hoặc ngoài phạm vi được phân quyền)."),
}
_FORMAT = OpenApiParameter(
    "fmt", str, OpenApiParameter.PATH, enum=sorted(FORMATS), description="Định dạng tệp."
)
_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Mã tổ chức.")


def _year(request: Request) -> int:
    query = YearQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    year: int = query.validated_data.get("year") or timezone.localdate().year
    return year


class ProgressReportView(APIView):
    @extend_schema(
        summary="Báo cáo tiến độ kết nạp (xlsx hoặc pdf)",
        operation_id="reports_progress_download",
        parameters=[_ID, _FORMAT, YearQuerySerializer],
        responses=_FILE,
        tags=["reports"],
    )
    def get(self, request: Request, pk: int, fmt: str) -> HttpResponse:
        if fmt not in FORMATS:
            raise Http404
        organisation = organisation_policy.get_visible(request.user, pk)
        return as_download(
            report_progress_export(
                actor=request.user,
                organisation=organisation,
                year=_year(request),
                fmt=fmt,
                today=timezone.localdate(),
            )
        )


class IndicatorsReportView(APIView):
    @extend_schema(
        summary="Báo cáo chỉ số phát triển đảng viên theo nhiệm kỳ (xlsx hoặc pdf)",
        operation_id="reports_indicators_download",
        parameters=[
            _ID,
            _FORMAT,
            YearQuerySerializer,
            OpenApiParameter("term", str, description="Mã hoặc tên nhiệm kỳ."),
        ],
        responses=_FILE,
        tags=["reports"],
    )
    def get(self, request: Request, pk: int, fmt: str) -> HttpResponse:
        if fmt not in FORMATS:
            raise Http404
        organisation = organisation_policy.get_visible(request.user, pk)
        year = _year(request)
        term = report_term(
            actor=request.user,
            organisation=organisation,
            term=request.query_params.get("term"),
            year=year,
        )
        return as_download(
            report_indicators_export(
                actor=request.user,
                organisation=organisation,
                term=term,
                year=year,
                fmt=fmt,
                today=timezone.localdate(),
            )
        )
