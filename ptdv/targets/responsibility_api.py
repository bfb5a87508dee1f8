"""API v1 of responsibility per person (directive tasks 3, 4):

* `GET /api/v1/responsibility/?organisation=&year=` — per responsible person of the subtree:
  nurtured, admitted, in progress, quota and its achievement (paginated, with the totals);
* `GET|POST /api/v1/responsibility/quotas/` — the personal quotas of a subtree and year; set
  (create or change) one;
* `GET|DELETE /api/v1/responsibility/quotas/{id}/` — one quota; remove it;
* `GET /api/v1/responsibility/mine/?year=` — "Quần chúng tôi phụ trách": the candidates the
  caller's own person (the account's link to a person) is responsible for, inside the
  caller's scope (paginated; empty, with `person: null`, without a link).

An organisation, person or member outside the user's scope answers 404 (in the query) or the
same field error as an absent one (in the body), and nothing is written; a role below clerk
may read but not change (403).
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

from ptdv.audit.services import audit_list_read, audit_record
from ptdv.organisations.policies import organisation_policy
from ptdv.organisations.selectors import organisation_roots
from ptdv.targets.models import PlanAssignment, ResponsibilityQuota
from ptdv.targets.policies import quota_policy
from ptdv.targets.responsibility import (
    next_action_label,
    quotas_in,
    responsibility_report,
    responsible_candidates,
)
from ptdv.targets.responsibility_serializers import (
    MineCandidateSerializer,
    MinePageSerializer,
    MineQuerySerializer,
    QuotaQuerySerializer,
    QuotaSerializer,
    QuotaWriteSerializer,
    ResponsibilityQuerySerializer,
    ResponsibilityReportSerializer,
    ResponsibilityRowSerializer,
)
from ptdv.targets.services import quota_delete, quota_set

_NOT_FOUND = OpenApiResponse(description="Không tìm thấy (hoặc ngoài phạm vi được phân quyền).")
_ERRORS = {
    400: OpenApiResponse(description="Dữ liệu không hợp lệ."),
    403: OpenApiResponse(description="Vai trò không được phép (cần nhập liệu trở lên)."),
    404: _NOT_FOUND,
    422: OpenApiResponse(
        description="Đúng định dạng nhưng không được chấp nhận (chọn cả hai hoặc không ai; "
        "đảng viên không sinh hoạt trong tổ chức giao)."
    ),
}
_QUOTA_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Mã chỉ tiêu cá nhân.")


def _query(serializer: Any, request: Request) -> tuple[Any, int]:
    query = serializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    named = query.validated_data.get("organisation")
    if named is None:
        # Without one: the top of the user's first subtree.
        roots = list(organisation_roots(actor=request.user)[:1])
        if not roots:
            raise Http404
        organisation = roots[0]
    else:
        organisation = organisation_policy.get_visible(request.user, named)
    year = query.validated_data.get("year") or timezone.localdate().year
    return organisation, year


class ResponsibilityView(GenericAPIView[Any]):
    serializer_class = ResponsibilityRowSerializer

    @extend_schema(
        summary="Kết quả phụ trách quần chúng của từng người",
        description=(
            "Mỗi cấp ủy viên, cán bộ lãnh đạo, đảng viên được phân công phụ trách quần chúng "
            "hoặc được giao chỉ tiêu cá nhân trong cây tổ chức: số quần chúng phụ trách, số đã "
            "kết nạp trong năm, số đang bồi dưỡng, chỉ tiêu và tỷ lệ đạt (theo tên; phân trang, "
            "kèm tổng cộng)."
        ),
        parameters=[ResponsibilityQuerySerializer],
        responses={200: ResponsibilityReportSerializer, 400: _ERRORS[400], 404: _NOT_FOUND},
        tags=["responsibility"],
    )
    def get(self, request: Request) -> Response:
        organisation, year = _query(ResponsibilityQuerySerializer, request)
        report = responsibility_report(actor=request.user, organisation=organisation, year=year)
        page = self.paginate_queryset(report.rows)
        rows = page if page is not None else report.rows
        audit_list_read(
            actor=request.user,
            object_type="people.person",
            ids=[row.person_id for row in rows],
            person_ids=[row.person_id for row in rows],
            count=len(report.rows),
            summary="Xem kết quả phụ trách quần chúng của từng người (API)",
            filters={"year": year},
            organisation=organisation,
        )
        response = self.get_paginated_response([row.to_dict() for row in rows])
        response.data = {
            "organisation": organisation.pk,
            "organisation_name": organisation.name,
            "year": year,
            "totals": report.totals,
            **response.data,
        }
        return response


class QuotaListView(GenericAPIView[ResponsibilityQuota]):
    serializer_class = QuotaSerializer
    queryset = ResponsibilityQuota.objects.none()

    @extend_schema(
        summary="Chỉ tiêu cá nhân phụ trách quần chúng",
        description="Các chỉ tiêu cá nhân do tổ chức trong cây giao trong năm, theo tên.",
        parameters=[QuotaQuerySerializer],
        responses={200: QuotaSerializer(many=True), 400: _ERRORS[400], 404: _NOT_FOUND},
        tags=["responsibility"],
    )
    def get(self, request: Request) -> Response:
        organisation, year = _query(QuotaQuerySerializer, request)
        page = self.paginate_queryset(
            quotas_in(actor=request.user, organisation=organisation, year=year)
        )
        quotas = list(page or [])
        audit_list_read(
            actor=request.user,
            object_type="targets.responsibilityquota",
            ids=[q.pk for q in quotas],
            person_ids=[q.person_id or q.member.person_id for q in quotas],  # type: ignore[union-attr]
            count=len(quotas),
            summary="Xem chỉ tiêu cá nhân phụ trách quần chúng (API)",
            filters={"year": year},
            organisation=organisation,
        )
        return self.get_paginated_response(QuotaSerializer(quotas, many=True).data)

    @extend_schema(
        summary="Giao (hoặc sửa) chỉ tiêu cá nhân phụ trách quần chúng",
        description=(
            "Một người: `person` (cấp ủy viên, cán bộ lãnh đạo) hoặc `member` (đảng viên đang "
            "sinh hoạt trong tổ chức giao). Giao lại cho cùng người, cùng năm thì sửa số."
        ),
        request=QuotaWriteSerializer,
        responses={201: QuotaSerializer, **_ERRORS},
        tags=["responsibility"],
    )
    def post(self, request: Request) -> Response:
        body = QuotaWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        quota = quota_set(
            actor=request.user,
            organisation=data["organisation"],
            year=data["year"],
            person=data.get("person"),
            member=data.get("member"),
            number=data["number"],
            note=data.get("note", ""),
        )
        quota = quotas_in(actor=request.user, organisation=quota.organisation, year=quota.year).get(
            pk=quota.pk
        )
        return Response(QuotaSerializer(quota).data, status=status.HTTP_201_CREATED)


class QuotaDetailView(GenericAPIView[ResponsibilityQuota]):
    serializer_class = QuotaSerializer
    queryset = ResponsibilityQuota.objects.none()

    def _quota(self, request: Request, pk: int) -> ResponsibilityQuota:
        return quota_policy.get_visible(
            request.user,
            pk,
            ResponsibilityQuota.objects.select_related("organisation", "person", "member__person"),
        )

    @extend_schema(
        summary="Một chỉ tiêu cá nhân",
        parameters=[_QUOTA_ID],
        responses={200: QuotaSerializer, 404: _NOT_FOUND},
        tags=["responsibility"],
    )
    def get(self, request: Request, pk: int) -> Response:
        quota = self._quota(request, pk)
        person = quota.person if quota.person_id else quota.member.person  # type: ignore[union-attr]
        audit_record(
            actor=request.user,
            action="view",
            obj=quota,
            person=person,
            summary="Xem chỉ tiêu cá nhân phụ trách quần chúng (API)",
        )
        return Response(QuotaSerializer(quota).data)

    @extend_schema(
        summary="Bỏ chỉ tiêu cá nhân",
        parameters=[_QUOTA_ID],
        responses={204: None, 403: _ERRORS[403], 404: _NOT_FOUND},
        tags=["responsibility"],
    )
    def delete(self, request: Request, pk: int) -> Response:
        quota_delete(actor=request.user, quota=self._quota(request, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


def _mine_row(assignment: PlanAssignment, person_id: int, today: Any) -> dict[str, Any]:
    candidacy = assignment.candidacy
    return {
        "candidacy": candidacy.pk,
        "name": candidacy.person.full_name,
        "organisation": candidacy.organisation_id,
        "organisation_name": candidacy.organisation.name,
        "stage": candidacy.stage,
        "stage_label": candidacy.get_stage_display(),
        "next_action": candidacy.next_action,
        "next_action_label": next_action_label(candidacy.next_action),
        "next_due": candidacy.next_due,
        "overdue": bool(candidacy.next_due and candidacy.next_due < today),
        "role": "leader" if assignment.responsible_person_id == person_id else "member",
        "note": assignment.note,
    }


class MineView(GenericAPIView[PlanAssignment]):
    serializer_class = MineCandidateSerializer
    queryset = PlanAssignment.objects.none()

    @extend_schema(
        summary="Quần chúng tôi phụ trách",
        description=(
            "Các quần chúng mà người gắn với tài khoản đang gọi (cấp ủy viên, cán bộ lãnh đạo "
            "hoặc đảng viên được giao) phụ trách trong năm, hạn gần nhất lên đầu: tên, tổ chức, "
            "giai đoạn, việc tiếp theo, hạn, quá hạn. Chỉ gồm hồ sơ trong phạm vi được phân "
            "quyền của người gọi. Tài khoản chưa được gắn với người nào: `person` là null và "
            "danh sách rỗng (quản trị viên gắn tài khoản tại trang người dùng)."
        ),
        parameters=[MineQuerySerializer],
        responses={200: MinePageSerializer, 400: _ERRORS[400]},
        tags=["responsibility"],
    )
    def get(self, request: Request) -> Response:
        query = MineQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        today = timezone.localdate()
        year = query.validated_data.get("year") or today.year
        # The account's person (None: not linked).
        person = getattr(request.user, "person", None)
        person_id = person.pk if person is not None else None
        assignments = (
            responsible_candidates(actor=request.user, person=person, year=year)
            if person is not None
            else PlanAssignment.objects.none()
        )
        page = list(self.paginate_queryset(assignments) or [])
        if person_id is not None:
            audit_list_read(
                actor=request.user,
                object_type="candidacies.candidacy",
                ids=[a.candidacy_id for a in page],
                person_ids=[a.candidacy.person_id for a in page],
                count=self.paginator.page.paginator.count if page else 0,  # type: ignore[union-attr]
                summary="Xem danh sách quần chúng tôi phụ trách (API)",
                filters={"year": year},
            )
        response = self.get_paginated_response([_mine_row(a, person_id or 0, today) for a in page])
        response.data = {"person": person_id, "year": year, **response.data}
        return response
