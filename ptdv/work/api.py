"""GET /api/v1/work/: the user's work list ("Việc của tôi"), the same items as the home
page, sorted by due date; filters `kind` (a registered work kind) and `due` (overdue, 7d,
30d); paginated like every list."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from ptdv.core.api_views import ApiSerializer
from ptdv.core.work import WORK_KINDS, WorkItem
from ptdv.work.selectors import DUE_FILTERS, work_filter, work_list
from ptdv.work.views import audit_work_page


class WorkFilterSerializer(ApiSerializer):
    kind = serializers.ChoiceField(
        # The kinds every app registered (their AppConfig.ready runs before the URLs load).
        choices=list(WORK_KINDS.items()),
        required=False,
        help_text=(
            "Loại việc: committee_decision, dossier_overdue, dossier_due và các loại do các "
            "phân hệ khác đăng ký (yêu cầu, lớp học…)."
        ),
    )
    due = serializers.ChoiceField(
        choices=list(DUE_FILTERS.items()),
        required=False,
        help_text="overdue: quá hạn; 7d, 30d: đến hạn từ hôm nay đến 7, 30 ngày tới.",
    )


class WorkItemSerializer(ApiSerializer):
    kind = serializers.CharField()
    kind_label = serializers.SerializerMethodField()
    title = serializers.CharField()
    url = serializers.CharField(help_text="Trang nơi làm việc này.")
    due = serializers.DateField(allow_null=True)
    overdue = serializers.SerializerMethodField()
    organisation = serializers.IntegerField(source="organisation_id", allow_null=True)
    object_key = serializers.CharField()
    detail = serializers.CharField()

    def get_kind_label(self, item: WorkItem) -> str:
        return WORK_KINDS.get(item.kind, item.kind)

    def get_overdue(self, item: WorkItem) -> bool:
        return item.overdue(self.context["today"])


class WorkListView(ListAPIView[Any]):
    serializer_class = WorkItemSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        summary="Việc của tôi",
        description=(
            "Việc cần làm của người dùng trong các tổ chức được phân quyền: hồ sơ quá hạn, hồ "
            "sơ đến hạn trong 30 ngày, hồ sơ chờ cấp ủy của mình biểu quyết hoặc quyết định, "
            "và việc các phân hệ khác đăng ký; xếp theo hạn (không có hạn ở cuối). Mỗi loại "
            "hồ sơ tối đa 500 việc gấp nhất."
        ),
        parameters=[WorkFilterSerializer],
        responses={200: WorkItemSerializer(many=True)},
        tags=["work"],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        query = WorkFilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        today = timezone.localdate()
        items = work_filter(
            work_list(actor=request.user, today=today),
            today=today,
            kind=query.validated_data.get("kind") or "",
            due=query.validated_data.get("due") or "",
        )
        page = self.paginate_queryset(items)
        assert page is not None
        audit_work_page(request.user, list(page), len(items))
        body = WorkItemSerializer(page, many=True, context={"today": today})
        return self.get_paginated_response(body.data)
