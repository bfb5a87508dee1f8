"""API v1 of inspections and supervisions: `/api/v1/inspections/` (list, record), `/{id}/`
(read with the recommendations, change), `/{id}/recommendations/` (add one) and
`/{id}/recommendations/{rid}/done/` (record its result).

An inspection where neither side lies in the user's subtree answers 404, as an absent one;
recording, changing and recommending need a clerk of the inspecting body, the result a clerk
of either side (403 otherwise). A stale `version` answers 409.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from ptdv.core.api_views import ScopedObjectView
from ptdv.core.schema import error_ref
from ptdv.inspections import selectors, services
from ptdv.inspections.models import Inspection
from ptdv.inspections.serializers import (
    InspectionDetailSerializer,
    InspectionQuerySerializer,
    InspectionSerializer,
    InspectionUpdateSerializer,
    InspectionWriteSerializer,
    RecommendationCloseSerializer,
    RecommendationSerializer,
    RecommendationWriteSerializer,
)
from ptdv.organisations.policies import organisation_policy

_NOT_FOUND = OpenApiResponse(description="Không tìm thấy (hoặc ngoài phạm vi được phân quyền).")
_ERRORS = {
    400: OpenApiResponse(description="Dữ liệu không hợp lệ."),
    403: OpenApiResponse(description="Vai trò không được phép (cần nhập liệu trở lên)."),
    404: _NOT_FOUND,
    409: OpenApiResponse(
        error_ref("StaleVersionError"), description="Cuộc kiểm tra đã bị người khác thay đổi."
    ),
    422: OpenApiResponse(description="Dữ liệu đúng định dạng nhưng không được chấp nhận."),
}
_NO_409 = {k: v for k, v in _ERRORS.items() if k != 409}
_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Mã cuộc kiểm tra, giám sát.")
_RID = OpenApiParameter("rid", int, OpenApiParameter.PATH, description="Mã kiến nghị.")


def _data(values: dict[str, Any]) -> services.InspectionData:
    return services.InspectionData(
        kind=values["kind"],
        body=values["body"],
        organisation=values["organisation"],
        subject=values["subject"],
        starts_on=values["starts_on"],
        ends_on=values["ends_on"],
        inspectors=values.get("inspectors", ""),
        findings=values.get("findings", ""),
    )


class _InspectionView(ScopedObjectView):
    # Answers an inspection with its recommendations and counts.
    queryset = Inspection.objects.none()  # the schema's model; rows come from the selectors
    answer_serializer_class = InspectionDetailSerializer

    def scoped_object(self, request: Request, pk: int) -> Inspection:
        inspection = (
            selectors.inspection_list(actor=request.user, today=timezone.localdate())
            .filter(pk=pk)
            .prefetch_related("recommendations")
            .first()
        )
        if inspection is None:
            raise Http404
        return inspection


class InspectionListView(_InspectionView):
    serializer_class = InspectionSerializer
    write_serializer_class = InspectionWriteSerializer

    @extend_schema(
        summary="Danh sách cuộc kiểm tra, giám sát",
        description="Các cuộc kiểm tra, giám sát do tổ chức trong phạm vi thực hiện hoặc được "
        "nhận, mới nhất trước, với số kiến nghị, đã xong, quá hạn.",
        parameters=[InspectionQuerySerializer],
        responses={200: InspectionSerializer(many=True), 400: _ERRORS[400], 404: _NOT_FOUND},
        tags=["inspections"],
    )
    def get(self, request: Request) -> Response:
        query = InspectionQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        values = dict(query.validated_data)
        organisation = None
        if "organisation" in values:
            organisation = organisation_policy.get_visible(request.user, values["organisation"])
        filters = selectors.InspectionFilters(
            organisation=organisation,
            kind=values.get("kind", ""),
            year=values.get("year"),
            followup=values.get("followup", ""),
        )
        qs = selectors.inspection_list(
            actor=request.user, today=timezone.localdate(), filters=filters
        )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(InspectionSerializer(page, many=True).data)

    @extend_schema(
        summary="Ghi nhận cuộc kiểm tra, giám sát",
        request=InspectionWriteSerializer,
        responses={201: InspectionDetailSerializer, **_NO_409},
        tags=["inspections"],
    )
    def post(self, request: Request) -> Response:
        return self.create_answer(request)

    def perform_create(self, request: Request, values: dict[str, Any]) -> Inspection:
        return services.inspection_create(actor=request.user, data=_data(values))


class InspectionDetailView(_InspectionView):
    serializer_class = InspectionDetailSerializer
    update_serializer_class = InspectionUpdateSerializer
    stale = services.StaleInspection

    @extend_schema(
        summary="Một cuộc kiểm tra, giám sát",
        parameters=[_ID],
        responses={200: InspectionDetailSerializer, 404: _NOT_FOUND},
        tags=["inspections"],
    )
    def get(self, request: Request, pk: int) -> Response:
        return self.answer(request, pk)

    @extend_schema(
        summary="Sửa cuộc kiểm tra, giám sát",
        parameters=[_ID],
        request=InspectionUpdateSerializer,
        responses={200: InspectionDetailSerializer, **_ERRORS},
        tags=["inspections"],
    )
    def put(self, request: Request, pk: int) -> Response:
        return self.update_answer(request, pk)

    def perform_update(self, request: Request, pk: int, values: dict[str, Any]) -> None:
        services.inspection_update(
            actor=request.user, inspection_id=pk, data=_data(values), version=values.get("version")
        )


class RecommendationsView(GenericAPIView[Inspection]):
    serializer_class = RecommendationSerializer
    queryset = Inspection.objects.none()

    @extend_schema(
        summary="Thêm kiến nghị sau kiểm tra, giám sát",
        description="Kiến nghị của chủ thể kiểm tra, giám sát với hạn thực hiện; tổ chức được "
        "kiểm tra nhận thông báo.",
        parameters=[_ID],
        request=RecommendationWriteSerializer,
        responses={201: RecommendationSerializer, **_NO_409},
        tags=["inspections"],
    )
    def post(self, request: Request, pk: int) -> Response:
        body = RecommendationWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        recommendation = services.recommendation_add(
            actor=request.user,
            inspection_id=pk,
            text=body.validated_data["text"],
            due_on=body.validated_data["due_on"],
        )
        return Response(
            RecommendationSerializer(recommendation).data, status=status.HTTP_201_CREATED
        )


class RecommendationDoneView(GenericAPIView[Inspection]):
    serializer_class = RecommendationSerializer
    queryset = Inspection.objects.none()

    @extend_schema(
        summary="Ghi nhận kết quả thực hiện kiến nghị",
        parameters=[_ID, _RID],
        request=RecommendationCloseSerializer,
        responses={200: RecommendationSerializer, **_NO_409},
        tags=["inspections"],
    )
    def post(self, request: Request, pk: int, rid: int) -> Response:
        inspection = selectors.inspection_get(actor=request.user, pk=pk)
        if not inspection.recommendations.filter(pk=rid).exists():
            raise Http404
        body = RecommendationCloseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        recommendation = services.recommendation_close(
            actor=request.user,
            recommendation_id=rid,
            result=body.validated_data["result"],
            done_on=body.validated_data["done_on"],
        )
        return Response(RecommendationSerializer(recommendation).data)
