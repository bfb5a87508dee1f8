"""API v1 of exemplars: `/api/v1/exemplars/` (list, record), `/{id}/` (read, change) and
`/{id}/candidacy/` (link to the dossier of the candidate the exemplar became).

An exemplar outside the user's subtree answers 404, as an absent one; inside it, a role below
clerk may read but not change (403). A stale `version` answers 409.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from ptdv.audit.services import audit_list_read, audit_record
from ptdv.core.api_views import ScopedObjectView
from ptdv.core.schema import error_ref
from ptdv.exemplars import selectors, services
from ptdv.exemplars.models import Exemplar
from ptdv.exemplars.serializers import (
    ExemplarLinkSerializer,
    ExemplarQuerySerializer,
    ExemplarSerializer,
    ExemplarUpdateSerializer,
    ExemplarWriteSerializer,
)
from ptdv.organisations.policies import organisation_policy

_NOT_FOUND = OpenApiResponse(description="Không tìm thấy (hoặc ngoài phạm vi được phân quyền).")
_ERRORS = {
    400: OpenApiResponse(description="Dữ liệu không hợp lệ."),
    403: OpenApiResponse(description="Vai trò không được phép (cần nhập liệu trở lên)."),
    404: _NOT_FOUND,
    409: OpenApiResponse(
        error_ref("StaleVersionError"), description="Gương điển hình đã bị người khác thay đổi."
    ),
    422: OpenApiResponse(description="Dữ liệu đúng định dạng nhưng không được chấp nhận."),
}
_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Mã gương điển hình.")


def _data(values: dict[str, Any]) -> services.ExemplarData:
    return services.ExemplarData(
        organisation=values["organisation"],
        person=values.get("person"),
        name=values.get("name", ""),
        description=values.get("description", ""),
        field=values["field"],
        deed=values["deed"],
        recognised_on=values["recognised_on"],
        evidence=values.get("evidence", ""),
    )


class _ExemplarView(ScopedObjectView):
    serializer_class = ExemplarSerializer
    queryset = Exemplar.objects.none()  # the schema's model; rows come from the selectors

    def scoped_object(self, request: Request, pk: int) -> Exemplar:
        return selectors.exemplar_get(actor=request.user, pk=pk)


class ExemplarListView(_ExemplarView):
    write_serializer_class = ExemplarWriteSerializer

    @extend_schema(
        summary="Danh sách gương điển hình",
        description="Các gương điển hình trong phạm vi được phân quyền, mới nhất trước; "
        "tìm theo tên, thành tích không cần dấu.",
        parameters=[ExemplarQuerySerializer],
        responses={200: ExemplarSerializer(many=True), 400: _ERRORS[400], 404: _NOT_FOUND},
        tags=["exemplars"],
    )
    def get(self, request: Request) -> Response:
        query = ExemplarQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        values = dict(query.validated_data)
        organisation = None
        if "organisation" in values:
            organisation = organisation_policy.get_visible(request.user, values["organisation"])
        filters = selectors.ExemplarFilters(
            organisation=organisation,
            field=values.get("field", ""),
            year=values.get("year"),
            q=values.get("q", ""),
            candidate=values.get("candidate", ""),
        )
        qs = selectors.exemplar_list(actor=request.user, filters=filters)
        page = self.paginate_queryset(qs)
        rows = list(page) if page is not None else list(qs)
        audit_list_read(
            actor=request.user,
            object_type="exemplars.exemplar",
            ids=[e.pk for e in rows],
            person_ids=[e.person_id for e in rows if e.person_id],
            count=len(rows),
            summary="Xem danh sách gương điển hình (API)",
            filters=filters.as_audit(),
        )
        return self.get_paginated_response(ExemplarSerializer(rows, many=True).data)

    @extend_schema(
        summary="Ghi nhận gương điển hình",
        request=ExemplarWriteSerializer,
        responses={201: ExemplarSerializer, **{k: v for k, v in _ERRORS.items() if k != 409}},
        tags=["exemplars"],
    )
    def post(self, request: Request) -> Response:
        return self.create_answer(request)

    def perform_create(self, request: Request, values: dict[str, Any]) -> Exemplar:
        return services.exemplar_create(actor=request.user, data=_data(values))


class ExemplarDetailView(_ExemplarView):
    update_serializer_class = ExemplarUpdateSerializer
    stale = services.StaleExemplar

    @extend_schema(
        summary="Một gương điển hình",
        parameters=[_ID],
        responses={200: ExemplarSerializer, 404: _NOT_FOUND},
        tags=["exemplars"],
    )
    def get(self, request: Request, pk: int) -> Response:
        exemplar = self.scoped_object(request, pk)
        audit_record(
            actor=request.user,
            action="view",
            obj=exemplar,
            person=exemplar.person,
            organisation=exemplar.organisation,
            summary="Xem gương điển hình (API)",
        )
        return Response(ExemplarSerializer(exemplar).data)

    @extend_schema(
        summary="Sửa gương điển hình",
        parameters=[_ID],
        request=ExemplarUpdateSerializer,
        responses={200: ExemplarSerializer, **_ERRORS},
        tags=["exemplars"],
    )
    def put(self, request: Request, pk: int) -> Response:
        return self.update_answer(request, pk)

    def perform_update(self, request: Request, pk: int, values: dict[str, Any]) -> None:
        services.exemplar_update(
            actor=request.user, exemplar_id=pk, data=_data(values), version=values.get("version")
        )


class ExemplarLinkView(_ExemplarView):
    @extend_schema(
        summary="Gắn gương điển hình với hồ sơ quần chúng",
        description="Khi gương điển hình trở thành quần chúng ưu tú: gắn với hồ sơ của người đó "
        "(null để bỏ gắn).",
        parameters=[_ID],
        request=ExemplarLinkSerializer,
        responses={200: ExemplarSerializer, **{k: v for k, v in _ERRORS.items() if k != 409}},
        tags=["exemplars"],
    )
    def post(self, request: Request, pk: int) -> Response:
        body = ExemplarLinkSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.exemplar_link_candidacy(
            actor=request.user, exemplar_id=pk, candidacy=body.validated_data["candidacy"]
        )
        return self.answer(request, pk)
