"""GET /api/v1/people/: people whose records the user's organisations manage."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from ptdv.audit.services import audit_list_read, audit_record
from ptdv.core.api import error_body
from ptdv.core.policies import Action
from ptdv.core.schema import error_ref
from ptdv.core.search import person_search_filter
from ptdv.people.models import Person
from ptdv.people.policies import person_policy
from ptdv.people.serializers import (
    PersonDetailSerializer,
    PersonFilterSerializer,
    PersonPatchSerializer,
    PersonSerializer,
)
from ptdv.people.services import StalePerson, person_update


@extend_schema_view(
    list=extend_schema(
        summary="Danh sách công dân",
        description=(
            "Công dân do các tổ chức trong phạm vi được phân quyền quản lý, theo thứ tự tên "
            "tiếng Việt (tên, tên đệm, họ). Số định danh chỉ hiện dạng che."
        ),
        parameters=[PersonFilterSerializer],
    ),
    retrieve=extend_schema(
        summary="Hồ sơ một công dân",
        description="Mỗi lần xem được ghi vào nhật ký.",
    ),
    partial_update=extend_schema(
        summary="Sửa thông tin công dân",
        description=(
            "Chỉ các trường gửi lên được sửa. Sửa họ, tên đệm, tên, ngày sinh hoặc số định "
            "danh phải kèm `reason`. Gửi `version` đã thấy để không ghi đè thay đổi của người "
            "khác. Mỗi lần sửa được ghi nhật ký với giá trị trước và sau (số định danh chỉ "
            "ghi dạng che). 200: công dân sau khi sửa; 422: quy định không cho phép (thiếu lý "
            "do, số định danh đã có ở người khác, ngày sinh sau hôm nay); 409: `version` đã "
            "cũ; 404: ngoài phạm vi; 403: vai trò không được sửa."
        ),
        request=PersonPatchSerializer,
        responses={
            200: PersonDetailSerializer,
            409: OpenApiResponse(
                error_ref("StaleVersionError"),
                description=(
                    "Thông tin công dân đã bị người khác sửa (`version` là phiên bản hiện tại)."
                ),
            ),
            422: OpenApiResponse(
                description=(
                    "Đúng định dạng nhưng quy định không cho phép: thiếu lý do sửa, số định "
                    "danh đã có ở công dân khác, ngày sinh sau hôm nay."
                ),
            ),
        },
    ),
)
class PersonViewSet(viewsets.ReadOnlyModelViewSet[Person]):
    queryset = Person.objects.none()  # the real one comes from the policy, per user
    filter_backends: list[Any] = []
    http_method_names = ["get", "patch", "head", "options"]

    def get_serializer_class(self) -> type[BaseSerializer[Person]]:
        return PersonDetailSerializer if self.action == "retrieve" else PersonSerializer

    def get_queryset(self) -> QuerySet[Person]:
        qs = person_policy.visible_to(self.request.user)
        if self.action == "list":
            filters = PersonFilterSerializer(data=self.request.query_params)
            filters.is_valid(raise_exception=True)
            if filters.validated_data.get("search"):
                qs = person_search_filter(qs, filters.validated_data["search"])
        return qs.order_by("sort_key", "id")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        page = getattr(self, "paginator", None)
        audit_list_read(
            actor=request.user,
            object_type="people.person",
            ids=[row["id"] for row in response.data["results"]],
            count=response.data["count"],
            summary="Xem danh sách công dân (API)",
            filters={"search": request.query_params.get("search"), "page": _page_number(page)},
        )
        return response

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        person = self.get_object()
        show_national_id = person_policy.can(request.user, Action.CHANGE, person)
        serializer = PersonDetailSerializer(
            person, context={**self.get_serializer_context(), "show_national_id": show_national_id}
        )
        audit_record(
            actor=request.user,
            action="view",
            obj=person,
            person=person,
            summary="Xem hồ sơ công dân (API)",
            data={"national_id_shown": show_national_id} if show_national_id else None,
        )
        return Response(serializer.data)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        person = self.get_object()  # 404 outside the subtree, before the body is judged
        if not person_policy.can(request.user, Action.CHANGE, person):
            raise PermissionDenied
        body = PersonPatchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        changes = dict(body.validated_data)
        reason = changes.pop("reason", "")
        version = changes.pop("version", None)
        try:
            fresh = person_update(
                actor=request.user,
                person=person.pk,
                changes=changes,
                reason=reason,
                version=version,
                summary="Sửa thông tin công dân (API)",
            )
        except StalePerson as exc:
            answer = error_body("conflict", str(exc))
            answer["version"] = exc.current
            return Response(answer, status=status.HTTP_409_CONFLICT)
        serializer = PersonDetailSerializer(
            fresh, context={**self.get_serializer_context(), "show_national_id": True}
        )
        return Response(serializer.data)


def _page_number(paginator: Any) -> int | None:
    page = getattr(paginator, "page", None)
    return page.number if page is not None else None
