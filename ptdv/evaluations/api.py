"""API of evaluations: the evaluations of a year (score, each component with its figures,
rank, grade), filtered by peer group and subtree; the formula applying to a year with the
history of its versions."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from ptdv.evaluations import selectors, services
from ptdv.evaluations.models import Evaluation, Formula
from ptdv.evaluations.serializers import (
    EvaluationQuerySerializer,
    EvaluationSerializer,
    FormulaQuerySerializer,
    FormulaSerializer,
)
from ptdv.organisations.policies import organisation_policy
from ptdv.organisations.selectors import organisation_roots

_NOT_FOUND = OpenApiResponse(description="Không tìm thấy (hoặc ngoài phạm vi được phân quyền).")
_BAD = OpenApiResponse(description="Tham số không hợp lệ.")


def _require_viewer(request: Request) -> None:
    if not organisation_roots(actor=request.user).exists():
        raise Http404


class EvaluationListView(GenericAPIView[Evaluation]):
    serializer_class = EvaluationSerializer
    queryset = Evaluation.objects.none()

    @extend_schema(
        summary="Kết quả đánh giá, xếp hạng của một năm",
        description=(
            "Các tổ chức trong phạm vi được phân quyền: điểm, từng tiêu chí với số liệu nguồn, "
            "nhóm so sánh, thứ hạng trong nhóm, xếp loại."
        ),
        parameters=[EvaluationQuerySerializer],
        responses={200: EvaluationSerializer(many=True), 400: _BAD, 404: _NOT_FOUND},
        tags=["evaluations"],
    )
    def get(self, request: Request) -> Response:
        _require_viewer(request)
        query = EvaluationQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data: dict[str, Any] = dict(query.validated_data)
        organisation = None
        if "organisation" in data:
            organisation = organisation_policy.get_visible(request.user, data["organisation"])
        qs = selectors.evaluation_list(
            actor=request.user,
            year=data["year"],
            peer_group=data.get("peer_group", ""),
            organisation=organisation,
        ).select_related("formula")
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(EvaluationSerializer(page, many=True).data)


class FormulaView(GenericAPIView[Formula]):
    serializer_class = FormulaSerializer
    queryset = Formula.objects.none()

    @extend_schema(
        summary="Công thức đánh giá áp dụng cho một năm và lịch sử các phiên bản",
        parameters=[FormulaQuerySerializer],
        responses={200: FormulaSerializer, 400: _BAD, 404: _NOT_FOUND},
        tags=["evaluations"],
    )
    def get(self, request: Request) -> Response:
        _require_viewer(request)
        query = FormulaQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        formula = services.formula_for(query.validated_data["year"])
        if formula is None:
            raise Http404
        body = FormulaSerializer(formula).data
        body["history"] = FormulaSerializer(selectors.formula_history(), many=True).data
        return Response(body)
