"""API v1 of the pool survey: `/api/v1/surveys/` (rounds: list, open, detail with the status
board and the roll-up) and `/api/v1/surveys/{id}/responses/` (list; one response read with
its pre-filled figures and the unit's part updated; actions submit, accept, return, refresh).

A round or a response outside the user's subtree answers 404, as an absent one; inside it, a
role that may not act answers 403; a state that forbids the action answers 422; a stale
`version` answers 409.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from ptdv.core.api import error_body
from ptdv.core.schema import error_ref
from ptdv.organisations.policies import organisation_policy
from ptdv.surveys import selectors, services
from ptdv.surveys.models import SurveyResponse, SurveyRound
from ptdv.surveys.serializers import (
    ResponseQuerySerializer,
    ResponseSerializer,
    ResponseUpdateSerializer,
    ReturnSerializer,
    RoundDetailQuerySerializer,
    RoundDetailSerializer,
    RoundQuerySerializer,
    RoundSerializer,
    RoundWriteSerializer,
    VersionSerializer,
)

_NOT_FOUND = OpenApiResponse(description="Không tìm thấy (hoặc ngoài phạm vi được phân quyền).")
_ERRORS = {
    400: OpenApiResponse(description="Dữ liệu không hợp lệ."),
    403: OpenApiResponse(description="Vai trò không được phép."),
    404: _NOT_FOUND,
    409: OpenApiResponse(
        error_ref("StaleVersionError"), description="Phiếu đã bị người khác thay đổi."
    ),
    422: OpenApiResponse(description="Đúng định dạng nhưng trạng thái không cho phép."),
}
_ROUND_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Mã đợt khảo sát.")
_RESPONSE_ID = OpenApiParameter("rid", int, OpenApiParameter.PATH, description="Mã phiếu.")
_TAGS = ["surveys"]


def _stale(exc: services.StaleResponse) -> Response:
    body = error_body("conflict", str(exc))
    body["version"] = exc.current
    return Response(body, status=status.HTTP_409_CONFLICT)


def _response_data(request: Request, pk: int, rid: int) -> dict[str, Any]:
    response = selectors.response_get(actor=request.user, round_id=pk, response_id=rid)
    response.overdue = selectors.is_overdue(response, timezone.localdate())  # type: ignore[attr-defined]
    return dict(ResponseSerializer(response).data)


class RoundListView(GenericAPIView[SurveyRound]):
    serializer_class = RoundSerializer
    queryset = SurveyRound.objects.none()  # the schema's model; rows come from the selectors

    @extend_schema(
        summary="Danh sách đợt khảo sát nguồn",
        description="Các đợt có phạm vi trong hoặc chứa phạm vi được phân quyền, mới nhất trước.",
        parameters=[RoundQuerySerializer],
        responses={200: RoundSerializer(many=True), 400: _ERRORS[400]},
        tags=_TAGS,
    )
    def get(self, request: Request) -> Response:
        query = RoundQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        qs = selectors.round_list(actor=request.user, year=query.validated_data.get("year"))
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(RoundSerializer(page, many=True).data)

    @extend_schema(
        summary="Mở đợt khảo sát nguồn",
        description=(
            "Quản trị viên của tổ chức gốc mở đợt: mỗi tổ chức cơ sở đảng trong phạm vi nhận "
            "một phiếu điền sẵn số liệu. Một đơn vị chỉ có một phiếu mỗi năm (422 nếu trùng)."
        ),
        request=RoundWriteSerializer,
        responses={201: RoundSerializer, **{k: v for k, v in _ERRORS.items() if k != 409}},
        tags=_TAGS,
    )
    def post(self, request: Request) -> Response:
        body = RoundWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = body.validated_data
        survey_round = services.round_open(
            actor=request.user,
            organisation=values["organisation"],
            year=values["year"],
            due_date=values["due_date"],
            title=values.get("title", ""),
        )
        return Response(RoundSerializer(survey_round).data, status=status.HTTP_201_CREATED)


class RoundDetailView(GenericAPIView[SurveyRound]):
    serializer_class = RoundDetailSerializer
    queryset = SurveyRound.objects.none()

    @extend_schema(
        summary="Một đợt khảo sát: tình hình gửi phiếu và tổng hợp theo cấp",
        description=(
            "`status_board`: số phiếu theo tình trạng, chưa gửi, quá hạn; `rollup`: tổng các "
            "phiếu đã được chấp nhận — dòng đầu là tổ chức `under` (mặc định gốc của đợt), "
            "sau đó từng tổ chức trực thuộc có đơn vị được khảo sát."
        ),
        parameters=[_ROUND_ID, RoundDetailQuerySerializer],
        responses={200: RoundDetailSerializer, 400: _ERRORS[400], 404: _NOT_FOUND},
        tags=_TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        survey_round = selectors.round_get(actor=request.user, round_id=pk)
        query = RoundDetailQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        under = None
        if "under" in query.validated_data:
            under = organisation_policy.get_visible(request.user, query.validated_data["under"])
            if not under.path.startswith(survey_round.organisation.path):
                return Response(
                    error_body("not_found", "Tổ chức không thuộc phạm vi đợt khảo sát."),
                    status=404,
                )
        context = {
            "board": selectors.status_board(
                actor=request.user, survey_round=survey_round, today=timezone.localdate()
            ),
            "rollup": selectors.rollup(actor=request.user, survey_round=survey_round, under=under),
        }
        return Response(RoundDetailSerializer(survey_round, context=context).data)


class ResponseListView(GenericAPIView[SurveyResponse]):
    serializer_class = ResponseSerializer
    queryset = SurveyResponse.objects.none()

    @extend_schema(
        summary="Các phiếu của đợt khảo sát",
        description="Phiếu của các đơn vị trong phạm vi được phân quyền.",
        parameters=[_ROUND_ID, ResponseQuerySerializer],
        responses={200: ResponseSerializer(many=True), 400: _ERRORS[400], 404: _NOT_FOUND},
        tags=_TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        survey_round = selectors.round_get(actor=request.user, round_id=pk)
        query = ResponseQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        today = timezone.localdate()
        qs = selectors.response_list(
            actor=request.user,
            survey_round=survey_round,
            status=query.validated_data.get("status"),
            overdue_only=query.validated_data.get("overdue", False),
            today=today,
        )
        page = list(self.paginate_queryset(qs) or [])
        for response in page:
            response.survey_round = survey_round
            response.overdue = selectors.is_overdue(response, today)  # type: ignore[attr-defined]
        return self.get_paginated_response(ResponseSerializer(page, many=True).data)


class ResponseDetailView(GenericAPIView[SurveyResponse]):
    serializer_class = ResponseSerializer
    queryset = SurveyResponse.objects.none()

    @extend_schema(
        summary="Một phiếu khảo sát (số liệu điền sẵn, đánh giá, kế hoạch)",
        parameters=[_ROUND_ID, _RESPONSE_ID],
        responses={200: ResponseSerializer, 404: _NOT_FOUND},
        tags=_TAGS,
    )
    def get(self, request: Request, pk: int, rid: int) -> Response:
        return Response(_response_data(request, pk, rid))

    @extend_schema(
        summary="Đơn vị cập nhật đánh giá và kế hoạch",
        description="Chỉ khi phiếu đang soạn hoặc bị trả lại và đợt còn mở.",
        parameters=[_ROUND_ID, _RESPONSE_ID],
        request=ResponseUpdateSerializer,
        responses={200: ResponseSerializer, **_ERRORS},
        tags=_TAGS,
    )
    def patch(self, request: Request, pk: int, rid: int) -> Response:
        body = ResponseUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        current = selectors.response_get(actor=request.user, round_id=pk, response_id=rid)
        plan = values.get("plan")
        if plan is not None:
            plan = {**(current.plan or {}), **plan}
        part = services.UnitPart(
            pool_quality=values.get("pool_quality", current.pool_quality),
            quality_note=values.get("quality_note", current.quality_note),
            reasons=values.get("reasons", current.reasons),
            difficulties=values.get("difficulties", current.difficulties),
            plan=plan,
        )
        try:
            services.response_update(
                actor=request.user,
                round_id=pk,
                response_id=rid,
                part=part,
                version=values.get("version"),
            )
        except services.StaleResponse as exc:
            return _stale(exc)
        return Response(_response_data(request, pk, rid))


def _action_view(
    name: str, summary: str, description: str, service: Any
) -> type[GenericAPIView[SurveyResponse]]:
    class ActionView(GenericAPIView[SurveyResponse]):
        serializer_class = ResponseSerializer
        queryset = SurveyResponse.objects.none()

        @extend_schema(
            summary=summary,
            description=description,
            parameters=[_ROUND_ID, _RESPONSE_ID],
            request=VersionSerializer,
            responses={200: ResponseSerializer, **_ERRORS},
            tags=_TAGS,
            operation_id=f"surveys_responses_{name}",
        )
        def post(self, request: Request, pk: int, rid: int) -> Response:
            body = VersionSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            try:
                service(
                    actor=request.user,
                    round_id=pk,
                    response_id=rid,
                    version=body.validated_data.get("version"),
                )
            except services.StaleResponse as exc:
                return _stale(exc)
            return Response(_response_data(request, pk, rid))

    ActionView.__name__ = ActionView.__qualname__ = f"Response{name.title()}View"
    return ActionView


ResponseSubmitView = _action_view(
    "submit",
    "Đơn vị gửi phiếu lên cấp trên",
    "Cần đánh giá chất lượng nguồn và nhận xét (422 nếu thiếu).",
    services.response_submit,
)
ResponseAcceptView = _action_view(
    "accept",
    "Cấp trên chấp nhận phiếu",
    "Người phê duyệt của tổ chức cấp trên đơn vị; phiếu phải đang chờ xem xét.",
    services.response_accept,
)
ResponseRefreshView = _action_view(
    "refresh",
    "Lấy lại số liệu điền sẵn",
    "Đọc lại số liệu từ dữ liệu hôm nay (phiếu đang soạn hoặc bị trả lại).",
    services.response_refresh,
)


class ResponseReturnView(GenericAPIView[SurveyResponse]):
    serializer_class = ResponseSerializer
    queryset = SurveyResponse.objects.none()

    @extend_schema(
        summary="Cấp trên trả lại phiếu (nêu lý do)",
        parameters=[_ROUND_ID, _RESPONSE_ID],
        request=ReturnSerializer,
        responses={200: ResponseSerializer, **_ERRORS},
        tags=_TAGS,
        operation_id="surveys_responses_return",
    )
    def post(self, request: Request, pk: int, rid: int) -> Response:
        body = ReturnSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            services.response_return(
                actor=request.user,
                round_id=pk,
                response_id=rid,
                reason=body.validated_data["reason"],
                version=body.validated_data.get("version"),
            )
        except services.StaleResponse as exc:
            return _stale(exc)
        return Response(_response_data(request, pk, rid))
