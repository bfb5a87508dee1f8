"""API v1 of mass organisations and movements: `/api/v1/mass-organisations/` (with
`/{id}/targets/` and `/{id}/candidates/`), `/api/v1/movements/` (with `/{id}/candidates/`)
and the yield `GET /api/v1/movements/yield/?year=&organisation=`.

An object outside the user's subtree answers 404, as an absent one; inside it, a role below
clerk may read but not change (403). An object named in a body (the organisation, the mass
organisation, the locality) outside the scope answers 400 "not found", and nothing is written.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from ptdv.audit.services import audit_list_read
from ptdv.core.api_views import ScopedObjectView
from ptdv.core.policies import Action, Policy
from ptdv.movements import selectors, services
from ptdv.movements.models import MassOrganisation, Movement
from ptdv.movements.policies import mass_organisation_policy, movement_policy
from ptdv.movements.serializers import (
    CandidateSerializer,
    MassOrganisationDetailSerializer,
    MassOrganisationSerializer,
    MassOrganisationUpdateSerializer,
    MassOrganisationWriteSerializer,
    MassQuerySerializer,
    MovementQuerySerializer,
    MovementSerializer,
    MovementUpdateSerializer,
    MovementWriteSerializer,
    TargetWriteSerializer,
    YieldQuerySerializer,
    YieldSerializer,
)
from ptdv.organisations.models import Organisation
from ptdv.organisations.policies import organisation_policy
from ptdv.organisations.selectors import organisation_roots

_NOT_FOUND = OpenApiResponse(description="Không tìm thấy (hoặc ngoài phạm vi được phân quyền).")
_ERRORS = {
    400: OpenApiResponse(description="Dữ liệu không hợp lệ."),
    403: OpenApiResponse(description="Vai trò không được phép (cần nhập liệu trở lên)."),
    404: _NOT_FOUND,
    422: OpenApiResponse(description="Dữ liệu đúng định dạng nhưng không được chấp nhận."),
}
_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Mã.")


def _mass_data(values: dict[str, Any]) -> services.MassOrganisationData:
    return services.MassOrganisationData(
        organisation=values.get("organisation"), kind=values["kind"], name=values["name"]
    )


def _movement_data(values: dict[str, Any]) -> services.MovementData:
    return services.MovementData(
        organiser=values.get("organisation"),
        kind=values["kind"],
        name=values["name"],
        starts_on=values["starts_on"],
        ends_on=values.get("ends_on"),
        mass_organisation=values.get("mass_organisation"),
        locality=values.get("locality"),
        description=values.get("description", ""),
    )


def _candidates_page(
    view: GenericAPIView[Any], request: Request, policy: Policy[Any], obj: Any, **of: Any
) -> Response:
    """The candidates `obj` (a movement or a mass organisation, passed to `candidates_of` as
    `of`) brought, one page, their reading audited: the people listed are personal data."""
    policy.authorize(request.user, Action.VIEW, obj)
    rows = selectors.candidates_of(actor=request.user, **of)
    page = view.paginate_queryset(rows)
    shown = list(page or [])
    paginator_page = getattr(view.paginator, "page", None)
    organisation = getattr(obj, "organiser", None) or obj.organisation
    audit_list_read(
        actor=request.user,
        object_type="candidacies.candidacy",
        ids=[c.pk for c in shown],
        person_ids=[c.person_id for c in shown],
        count=paginator_page.paginator.count if paginator_page is not None else len(shown),
        summary=f"Xem danh sách quần chúng của {obj._meta.verbose_name} (API)",
        filters={obj._meta.model_name: obj.pk},
        organisation=organisation,
    )
    return view.get_paginated_response(CandidateSerializer(shown, many=True).data)


# --- mass organisations ---------------------------------------------------------------------


class _MassView(ScopedObjectView):
    # Answers a mass organisation with its yearly targets.
    queryset = MassOrganisation.objects.none()
    answer_serializer_class = MassOrganisationDetailSerializer

    def scoped_object(self, request: Request, pk: int) -> MassOrganisation:
        return selectors.mass_organisation_get(actor=request.user, pk=pk)


class MassOrganisationListView(_MassView):
    serializer_class = MassOrganisationSerializer
    write_serializer_class = MassOrganisationWriteSerializer

    @extend_schema(
        summary="Danh sách đoàn thể",
        description="Đoàn thể của các tổ chức trong phạm vi được phân quyền, với số quần chúng "
        "đã giới thiệu.",
        parameters=[MassQuerySerializer],
        responses={200: MassOrganisationSerializer(many=True), 400: _ERRORS[400], 404: _NOT_FOUND},
        tags=["movements"],
    )
    def get(self, request: Request) -> Response:
        query = MassQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        values = query.validated_data
        organisation = (
            organisation_policy.get_visible(request.user, values["organisation"])
            if "organisation" in values
            else None
        )
        qs = selectors.mass_organisation_list(
            actor=request.user,
            organisation=organisation,
            kind=values.get("kind", ""),
            q=values.get("q", ""),
        )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(MassOrganisationSerializer(page, many=True).data)

    @extend_schema(
        summary="Thêm đoàn thể",
        request=MassOrganisationWriteSerializer,
        responses={201: MassOrganisationDetailSerializer, **_ERRORS},
        tags=["movements"],
    )
    def post(self, request: Request) -> Response:
        return self.create_answer(request)

    def perform_create(self, request: Request, values: dict[str, Any]) -> MassOrganisation:
        return services.mass_organisation_create(actor=request.user, data=_mass_data(values))


class MassOrganisationDetailView(_MassView):
    serializer_class = MassOrganisationDetailSerializer
    update_serializer_class = MassOrganisationUpdateSerializer

    @extend_schema(
        summary="Một đoàn thể, với chỉ tiêu giới thiệu theo năm",
        parameters=[_ID],
        responses={200: MassOrganisationDetailSerializer, 404: _NOT_FOUND},
        tags=["movements"],
    )
    def get(self, request: Request, pk: int) -> Response:
        return self.answer(request, pk)

    @extend_schema(
        summary="Sửa thông tin đoàn thể",
        parameters=[_ID],
        request=MassOrganisationUpdateSerializer,
        responses={200: MassOrganisationDetailSerializer, **_ERRORS},
        tags=["movements"],
    )
    def put(self, request: Request, pk: int) -> Response:
        return self.update_answer(request, pk)

    def perform_update(self, request: Request, pk: int, values: dict[str, Any]) -> None:
        services.mass_organisation_update(actor=request.user, pk=pk, data=_mass_data(values))


class MassTargetView(_MassView):
    serializer_class = TargetWriteSerializer

    @extend_schema(
        summary="Giao chỉ tiêu giới thiệu quần chúng của đoàn thể cho một năm",
        parameters=[_ID],
        request=TargetWriteSerializer,
        responses={200: MassOrganisationDetailSerializer, **_ERRORS},
        tags=["movements"],
    )
    def post(self, request: Request, pk: int) -> Response:
        body = TargetWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.mass_target_set(
            actor=request.user,
            pk=pk,
            year=body.validated_data["year"],
            referrals=body.validated_data["referrals"],
        )
        return self.answer(request, pk)


class MassCandidatesView(_MassView):
    serializer_class = CandidateSerializer

    @extend_schema(
        summary="Quần chúng do đoàn thể giới thiệu",
        description="Mỗi lần xem được ghi nhật ký (danh sách người).",
        parameters=[_ID],
        responses={200: CandidateSerializer(many=True), 404: _NOT_FOUND},
        tags=["movements"],
    )
    def get(self, request: Request, pk: int) -> Response:
        body = self.scoped_object(request, pk)
        return _candidates_page(self, request, mass_organisation_policy, body, body=body)


# --- movements ------------------------------------------------------------------------------


class _MovementView(ScopedObjectView):
    # Answers a movement with the number of candidates it brought.
    serializer_class = MovementSerializer
    queryset = Movement.objects.none()

    def scoped_object(self, request: Request, pk: int) -> Movement:
        movement = selectors.movement_list(actor=request.user).filter(pk=pk).first()
        if movement is None:
            movement = selectors.movement_get(actor=request.user, pk=pk)  # 404
        return movement


class MovementListView(_MovementView):
    write_serializer_class = MovementWriteSerializer

    @extend_schema(
        summary="Danh sách phong trào, diễn đàn, câu lạc bộ",
        description="Do các tổ chức trong phạm vi được phân quyền tổ chức, mới nhất trước, với "
        "số quần chúng phát hiện từ mỗi phong trào.",
        parameters=[MovementQuerySerializer],
        responses={200: MovementSerializer(many=True), 400: _ERRORS[400], 404: _NOT_FOUND},
        tags=["movements"],
    )
    def get(self, request: Request) -> Response:
        query = MovementQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        values = query.validated_data
        organisation = (
            organisation_policy.get_visible(request.user, values["organisation"])
            if "organisation" in values
            else None
        )
        qs = selectors.movement_list(
            actor=request.user,
            organisation=organisation,
            kind=values.get("kind", ""),
            year=values.get("year"),
            q=values.get("q", ""),
        )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(MovementSerializer(page, many=True).data)

    @extend_schema(
        summary="Thêm phong trào, diễn đàn, câu lạc bộ",
        request=MovementWriteSerializer,
        responses={201: MovementSerializer, **_ERRORS},
        tags=["movements"],
    )
    def post(self, request: Request) -> Response:
        return self.create_answer(request)

    def perform_create(self, request: Request, values: dict[str, Any]) -> Movement:
        return services.movement_create(actor=request.user, data=_movement_data(values))


class MovementDetailView(_MovementView):
    update_serializer_class = MovementUpdateSerializer

    @extend_schema(
        summary="Một phong trào, câu lạc bộ",
        parameters=[_ID],
        responses={200: MovementSerializer, 404: _NOT_FOUND},
        tags=["movements"],
    )
    def get(self, request: Request, pk: int) -> Response:
        return self.answer(request, pk)

    @extend_schema(
        summary="Sửa thông tin phong trào, câu lạc bộ",
        parameters=[_ID],
        request=MovementUpdateSerializer,
        responses={200: MovementSerializer, **_ERRORS},
        tags=["movements"],
    )
    def put(self, request: Request, pk: int) -> Response:
        return self.update_answer(request, pk)

    def perform_update(self, request: Request, pk: int, values: dict[str, Any]) -> None:
        services.movement_update(actor=request.user, pk=pk, data=_movement_data(values))


class MovementCandidatesView(GenericAPIView[Movement]):
    serializer_class = CandidateSerializer
    queryset = Movement.objects.none()

    @extend_schema(
        summary="Quần chúng phát hiện từ phong trào, câu lạc bộ",
        description="Mỗi lần xem được ghi nhật ký (danh sách người).",
        parameters=[_ID],
        responses={200: CandidateSerializer(many=True), 404: _NOT_FOUND},
        tags=["movements"],
    )
    def get(self, request: Request, pk: int) -> Response:
        movement = selectors.movement_get(actor=request.user, pk=pk)
        return _candidates_page(self, request, movement_policy, movement, movement=movement)


class YieldView(GenericAPIView[Movement]):
    serializer_class = YieldSerializer
    queryset = Movement.objects.none()
    pagination_class = None

    @extend_schema(
        summary="Hiệu quả phát hiện nguồn theo phong trào, nguồn giới thiệu và đoàn thể",
        description="Số quần chúng phát hiện (đưa vào nguồn), đã học lớp (giấy chứng nhận) và "
        "được kết nạp (quyết định) trong năm, của cây tổ chức; mỗi đoàn thể kèm chỉ tiêu "
        "giới thiệu của năm.",
        parameters=[YieldQuerySerializer],
        responses={200: YieldSerializer, 400: _ERRORS[400], 404: _NOT_FOUND},
        tags=["movements"],
    )
    def get(self, request: Request) -> Response:
        query = YieldQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        values = query.validated_data
        organisation: Organisation | None = (
            organisation_policy.get_visible(request.user, values["organisation"])
            if "organisation" in values
            else organisation_roots(actor=request.user).first()
        )
        if organisation is None:
            raise PermissionDenied
        year = values.get("year") or timezone.localdate().year
        result = selectors.movement_yield(actor=request.user, organisation=organisation, year=year)
        return Response(YieldSerializer(result).data)
