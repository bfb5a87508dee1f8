"""GET /api/v1/audit/: the audit trail for administrators, scoped to the subtrees they
administer, like the audit page (ptdv.audit.views). Filters: `person`, `user`,
`organisation` (ids, each looked up in the reader's scope: outside it is the same 400 as an
absent id), `action`, `since`, `until` (dates, both included). Reading it is audited."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ptdv.audit.models import AuditAction, AuditChannel, AuditEntry
from ptdv.audit.selectors import (
    AuditFilters,
    audit_filter_user,
    audit_list,
    audit_organisations,
    audit_reader,
)
from ptdv.audit.services import audit_list_read
from ptdv.core.api_views import ApiModelSerializer, ApiSerializer, VisibleRelatedField
from ptdv.organisations.policies import organisation_policy
from ptdv.people.policies import person_policy

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class IsAuditReader(BasePermission):
    """Administrators (of any subtree) only; the rows are then scoped to their subtrees."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return audit_reader(request.user)


@extend_schema_field(OpenApiTypes.INT)
class AuditUserField(serializers.Field):  # type: ignore[type-arg]
    """A user id: one the reader administers, or one seen in the entries the reader reads."""

    def to_internal_value(self, data: Any) -> Any:
        try:
            pk = int(data)
        except (TypeError, ValueError):
            raise serializers.ValidationError(_("Mã người dùng phải là một số.")) from None
        user = audit_filter_user(self.context["request"].user, pk=pk)
        if user is None:
            raise serializers.ValidationError(_("Không tìm thấy người dùng."))
        return user

    def to_representation(self, value: Any) -> Any:
        return value.pk


class AuditFilterSerializer(ApiSerializer):
    person = VisibleRelatedField(
        policy=person_policy,
        not_found=_("Không tìm thấy công dân."),
        required=False,
        help_text=_("Mã (id) công dân: các mục về người này."),
    )
    user = AuditUserField(required=False, help_text=_("Mã (id) người thực hiện."))
    organisation = VisibleRelatedField(
        policy=organisation_policy,
        not_found=_("Không tìm thấy tổ chức."),
        required=False,
        help_text=_("Mã (id) tổ chức: các mục về tổ chức này và các tổ chức trực thuộc."),
    )
    action = serializers.ChoiceField(choices=AuditAction.choices, required=False)
    since = serializers.DateField(
        required=False,
        input_formats=DATE_FORMATS,
        help_text=_("Từ ngày (YYYY-MM-DD hoặc dd/mm/yyyy), tính cả ngày này."),
    )
    until = serializers.DateField(
        required=False,
        input_formats=DATE_FORMATS,
        help_text=_("Đến ngày (YYYY-MM-DD hoặc dd/mm/yyyy), tính cả ngày này."),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        since, until = attrs.get("since"), attrs.get("until")
        if since and until and since > until:
            raise serializers.ValidationError({"until": [_("“until” phải sau hoặc bằng “since”.")]})
        return attrs

    def filters(self) -> AuditFilters:
        data = self.validated_data
        return AuditFilters(
            person=data.get("person"),
            user=data.get("user"),
            organisation=data.get("organisation"),
            action=data.get("action") or "",
            since=data.get("since"),
            until=data.get("until"),
        )


class AuditEntrySerializer(ApiModelSerializer):
    actor_username = serializers.SerializerMethodField()
    action = serializers.ChoiceField(choices=AuditAction.choices, read_only=True)
    channel = serializers.ChoiceField(
        choices=[("", _("Không rõ (trước khi ghi kênh)")), *AuditChannel.choices], read_only=True
    )
    organisation = serializers.SerializerMethodField()

    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "at",
            "actor",
            "actor_username",
            "action",
            "channel",
            "object_type",
            "object_id",
            "person",
            "organisation",
            "summary",
            "data",
        ]
        read_only_fields = fields

    def get_actor_username(self, entry: AuditEntry) -> str | None:
        return entry.actor.username if entry.actor else None

    @extend_schema_field(
        {"type": "integer", "nullable": True, "description": "Mã (id) tổ chức liên quan."}
    )
    def get_organisation(self, entry: AuditEntry) -> int | None:
        organisation = self.context.get("organisations", {}).get(entry.org_path)
        return organisation.pk if organisation else None


_ERROR = inline_serializer(
    name="AuditErrorEnvelope",
    fields={
        "error": inline_serializer(
            name="AuditErrorBody",
            fields={
                "code": serializers.CharField(),
                "message": serializers.CharField(),
                "fields": serializers.DictField(
                    child=serializers.ListField(child=serializers.CharField())
                ),
            },
        )
    },
)


@extend_schema_view(
    list=extend_schema(
        summary="Nhật ký truy cập (cho quản trị viên)",
        description=(
            "Ai đã xem, sửa hồ sơ của ai, khi nào, qua kênh nào (`channel`: web, api, admin, "
            "console), trong phạm vi các tổ chức người dùng được phân quyền quản trị, mới nhất "
            "trước. Mục về một danh sách ghi mã các dòng đã hiện trong `data.ids`. Mỗi lần đọc "
            "được ghi vào nhật ký. 400: bộ lọc không hợp lệ hoặc đối tượng ngoài phạm vi; 403: "
            "không phải quản trị viên; 404: trang không tồn tại."
        ),
        parameters=[AuditFilterSerializer],
        responses={
            200: AuditEntrySerializer(many=True),
            400: OpenApiResponse(_ERROR, description="Bộ lọc không hợp lệ."),
            401: OpenApiResponse(_ERROR, description="Chưa đăng nhập."),
            403: OpenApiResponse(_ERROR, description="Chỉ quản trị viên được xem nhật ký."),
            404: OpenApiResponse(_ERROR, description="Trang (`page`) không tồn tại."),
        },
        tags=["audit"],
    ),
)
class AuditEntryViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[AuditEntry]):
    serializer_class = AuditEntrySerializer
    queryset = AuditEntry.objects.none()  # the real one comes from the reader's scope
    filter_backends: list[Any] = []
    _filters: AuditFilters | None = None

    def get_permissions(self) -> list[Any]:
        return [*super().get_permissions(), IsAuditReader()]

    def get_queryset(self) -> QuerySet[AuditEntry]:
        query = AuditFilterSerializer(
            data=self.request.query_params, context=self.get_serializer_context()
        )
        query.is_valid(raise_exception=True)
        self._filters = query.filters()
        return audit_list(actor=self.request.user, filters=self._filters)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.get_queryset()
        page = self.paginate_queryset(queryset)
        rows = list(page if page is not None else queryset)
        context = {**self.get_serializer_context(), "organisations": audit_organisations(rows)}
        data = AuditEntrySerializer(rows, many=True, context=context).data
        response = self.get_paginated_response(data)
        filters = self._filters or AuditFilters()
        audit_list_read(
            actor=request.user,
            object_type="people.person",
            ids=sorted({row.person_id for row in rows if row.person_id}),
            count=response.data["count"],
            summary="Xem nhật ký truy cập (API)",
            filters={**filters.as_audit_data(), "page": self.paginator.page.number},  # type: ignore[union-attr]
            organisation=filters.organisation,
        )
        return response
