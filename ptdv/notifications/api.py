"""GET /api/v1/notifications/ (the user's own, newest first; filters `kind`, `unread`) and
POST /api/v1/notifications/read/ (`{"ids": […]}` or `{"all": true}`). A user reads and
marks only their own notifications: another user's id is ignored, like an absent one."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ptdv.core.api_views import ApiModelSerializer, ApiSerializer
from ptdv.core.refusals import Unprocessable
from ptdv.core.schema import error_ref
from ptdv.notifications.models import Notification
from ptdv.notifications.selectors import notification_list, unread_count
from ptdv.notifications.services import KINDS, notifications_mark_read


class NotificationFilterSerializer(ApiSerializer):
    kind = serializers.ChoiceField(choices=list(KINDS.items()), required=False)
    unread = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="true: chỉ thông báo chưa đọc."
    )


class NotificationSerializer(ApiModelSerializer):
    kind = serializers.CharField(read_only=True, help_text="Loại thông báo (xem kind_label).")
    kind_label = serializers.SerializerMethodField()
    organisation: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        read_only=True
    )

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "kind_label",
            "title",
            "url",
            "organisation",
            "object_key",
            "due",
            "created_at",
            "read_at",
        ]
        read_only_fields = fields

    def get_kind_label(self, notification: Notification) -> str:
        return KINDS.get(notification.kind, notification.kind)


class MarkReadSerializer(ApiSerializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        max_length=1000,
        help_text="Mã (id) các thông báo cần đánh dấu đã đọc.",
    )
    all = serializers.BooleanField(
        required=False, default=False, help_text="true: mọi thông báo chưa đọc."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("all") and not attrs.get("ids"):
            raise Unprocessable({"ids": ["Cần danh sách mã thông báo (ids) hoặc all = true."]})
        return attrs


@extend_schema_view(
    list=extend_schema(
        summary="Thông báo của tôi",
        description=(
            "Thông báo của người dùng đang đăng nhập, mới nhất trước, chỉ về các tổ chức trong "
            "phạm vi được phân quyền. Lọc theo `kind` và `unread`."
        ),
        parameters=[NotificationFilterSerializer],
        tags=["notifications"],
    )
)
class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[Notification]):
    serializer_class = NotificationSerializer
    queryset = Notification.objects.none()
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Notification]:
        query = NotificationFilterSerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return notification_list(
            actor=self.request.user,
            kind=query.validated_data.get("kind") or "",
            unread=query.validated_data.get("unread"),
        )


class NotificationReadView(APIView):
    @extend_schema(
        summary="Đánh dấu thông báo đã đọc",
        description=(
            "`ids`: các thông báo của chính mình (mã của người khác hoặc không tồn tại bị bỏ "
            "qua); hoặc `all: true`: mọi thông báo chưa đọc. Trả về số đã đánh dấu và số còn "
            "chưa đọc."
        ),
        request=MarkReadSerializer,
        responses={
            200: inline_serializer(
                name="NotificationReadResult",
                fields={"marked": serializers.IntegerField(), "unread": serializers.IntegerField()},
            ),
            422: OpenApiResponse(
                error_ref("RuleViolationError"),
                description="Không nêu thông báo nào (`ids` rỗng và `all` không phải true).",
            ),
        },
        tags=["notifications"],
    )
    def post(self, request: Request) -> Response:
        body = MarkReadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        marked = notifications_mark_read(
            actor=request.user,
            ids=body.validated_data.get("ids") or [],
            everything=bool(body.validated_data.get("all")),
        )
        return Response({"marked": marked, "unread": unread_count(request.user)})
