"""GET /api/v1/organisations/{id}/progress/ and …/progress/children/ (README §4 I, P).

Both answer 404 for an organisation outside the user's subtrees, 400 with the usual error
shape for a bad year, and cost a fixed number of queries whatever the size of the subtree or
the number of children (the numbers come from the stored tallies).
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ptdv.organisations.models import Organisation
from ptdv.organisations.policies import organisation_policy
from ptdv.targets.breakdowns import progress_breakdowns
from ptdv.targets.selectors import progress_children, progress_for
from ptdv.targets.serializers import (
    ProgressListSerializer,
    ProgressQuerySerializer,
    ProgressWithBreakdownsSerializer,
    YearQuerySerializer,
)


def _organisation_and_year(request: Request, pk: int) -> tuple[Organisation, int]:
    organisation = organisation_policy.get_visible(request.user, pk)
    query = YearQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    year = query.validated_data.get("year") or timezone.localdate().year
    return organisation, year


_ERRORS = {
    400: OpenApiResponse(description="Năm không hợp lệ."),
    404: OpenApiResponse(description="Không tìm thấy (hoặc ngoài phạm vi được phân quyền)."),
}


class ProgressView(APIView):
    @extend_schema(
        summary="Tiến độ kết nạp của một tổ chức (cả cây) trong năm",
        description=(
            "Số đảng viên đầu năm, chỉ tiêu, số kết nạp, tỷ lệ (phân số 0–1, null khi mẫu số "
            "bằng 0), nguồn theo giai đoạn, cơ cấu, thôn trắng đảng viên, thôn chưa có chi bộ, "
            "hồ sơ quá hạn và dự báo cuối năm; với `breakdown=true`, thêm số liệu theo lĩnh "
            "vực, đặc điểm địa bàn và đối tượng."
        ),
        parameters=[ProgressQuerySerializer],
        responses={200: ProgressWithBreakdownsSerializer, **_ERRORS},
        tags=["progress"],
    )
    def get(self, request: Request, pk: int) -> Response:
        organisation, year = _organisation_and_year(request, pk)
        today = timezone.localdate()
        progress = progress_for(organisation, year, today)
        body = progress.to_dict()
        query = ProgressQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        if query.validated_data.get("breakdown"):
            children = progress_children(
                actor=request.user, organisation=organisation, year=year, today=today
            )
            body["breakdowns"] = progress_breakdowns(
                organisation=organisation, children=children, year=year
            ).to_dict()
        return Response(body)


class ProgressChildrenView(APIView):
    @extend_schema(
        summary="Tiến độ kết nạp của từng tổ chức trực thuộc",
        description="Một dòng cho mỗi tổ chức trực thuộc, cùng các trường như tiến độ của một "
        "tổ chức, theo tên.",
        parameters=[YearQuerySerializer],
        responses={200: ProgressListSerializer, **_ERRORS},
        tags=["progress"],
    )
    def get(self, request: Request, pk: int) -> Response:
        organisation, year = _organisation_and_year(request, pk)
        rows = progress_children(
            actor=request.user, organisation=organisation, year=year, today=timezone.localdate()
        )
        return Response({"results": [row.to_dict() for row in rows]})
