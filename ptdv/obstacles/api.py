"""API v1 of obstacles: `/api/v1/obstacles/` (list with `status`, `category`, `level`,
`organisation`, `month`; record one), `/api/v1/obstacles/{id}/` (with its history),
`POST /api/v1/obstacles/{id}/actions/{escalate|resolve}/` (resolve with `outcome`
`resolved` or `declined`), `/api/v1/obstacles/stats/` (by category).

An obstacle outside the user's subtree answers 404, as an absent one; a step at a level the
user does not cover as a clerk answers 403; a stale `version` or a closed obstacle 409.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from ptdv.audit.services import audit_list_read, audit_record
from ptdv.core.api import error_body
from ptdv.core.api_views import ApiModelSerializer, ApiSerializer
from ptdv.core.schema import error_ref
from ptdv.obstacles.models import (
    OUTCOME_CHOICES,
    Category,
    EventKind,
    Obstacle,
    ObstacleEvent,
    Status,
)
from ptdv.obstacles.policies import obstacle_policy
from ptdv.obstacles.selectors import (
    STATUS_FILTER_CHOICES,
    ObstacleFilters,
    obstacle_history,
    obstacle_list,
    obstacle_stats,
    visible_organisation,
)
from ptdv.obstacles.services import (
    NewObstacle,
    StaleObstacle,
    WrongStatus,
    obstacle_escalate,
    obstacle_record,
    obstacle_resolve,
)
from ptdv.organisations.models import Organisation

_NOT_FOUND = OpenApiResponse(description="Không tìm thấy (hoặc ngoài phạm vi được phân quyền).")
_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Mã khó khăn, vướng mắc.")


class ObstacleOrganisationSerializer(ApiModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "code", "name"]
        read_only_fields = fields


class ObstacleSerializer(ApiModelSerializer):
    organisation = ObstacleOrganisationSerializer(read_only=True)
    level = ObstacleOrganisationSerializer(read_only=True)
    closed_by_level = ObstacleOrganisationSerializer(read_only=True, allow_null=True)
    candidacies = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Obstacle
        fields = [
            "id",
            "organisation",
            "level",
            "category",
            "title",
            "description",
            "status",
            "recorded_on",
            "level_since",
            "due_on",
            "overdue",
            "escalations",
            "closed_on",
            "closed_by_level",
            "days_to_close",
            "answer",
            "candidacies",
            "version",
        ]
        read_only_fields = fields

    def get_candidacies(self, obstacle: Obstacle) -> list[int]:
        """The ids of the dossiers it blocks."""
        return sorted(c.pk for c in obstacle.candidacies.all())

    def get_overdue(self, obstacle: Obstacle) -> bool:
        """Open and past the due date of the level where it sits."""
        return obstacle.is_open and obstacle.due_on < timezone.localdate()


class ObstacleEventSerializer(ApiModelSerializer):
    level = ObstacleOrganisationSerializer(read_only=True)
    to_level = ObstacleOrganisationSerializer(read_only=True, allow_null=True)
    actor = serializers.SerializerMethodField()
    kind = serializers.ChoiceField(choices=EventKind.choices, read_only=True)

    class Meta:
        model = ObstacleEvent
        fields = ["kind", "on", "at", "level", "to_level", "actor", "note"]
        read_only_fields = fields

    def get_actor(self, event: ObstacleEvent) -> str:
        """The user's name ("" when the nightly job acted)."""
        if event.actor is None:
            return ""
        return event.actor.get_full_name() or event.actor.get_username()


class ObstacleDetailSerializer(ObstacleSerializer):
    history = serializers.SerializerMethodField()

    class Meta(ObstacleSerializer.Meta):
        fields = [*ObstacleSerializer.Meta.fields, "history"]
        read_only_fields = fields

    @extend_schema_field(ObstacleEventSerializer(many=True))
    def get_history(self, obstacle: Obstacle) -> list[dict[str, Any]]:
        return list(ObstacleEventSerializer(obstacle_history(obstacle), many=True).data)


class ObstacleQuerySerializer(ApiSerializer):
    status = serializers.ChoiceField(
        choices=STATUS_FILTER_CHOICES,
        required=False,
        help_text=_("open, resolved, declined, hoặc overdue (đang chờ và đã quá hạn)."),
    )
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    level = serializers.IntegerField(
        min_value=1, required=False, help_text=_("Mã tổ chức nơi khó khăn đang nằm chờ.")
    )
    organisation = serializers.IntegerField(
        min_value=1,
        required=False,
        help_text=_("Mã tổ chức: khó khăn do cây tổ chức này ghi nhận."),
    )
    candidacy = serializers.IntegerField(
        min_value=1, required=False, help_text=_("Mã hồ sơ: các khó khăn vướng hồ sơ này.")
    )
    month = serializers.RegexField(
        # Empty is "no filter" (as an absent query parameter is).
        r"^((0?[1-9]|1[0-2])/(19|20|21)\d{2})?$",
        required=False,
        help_text=_("Tháng ghi nhận, dạng mm/yyyy (để trống: mọi tháng)."),
    )

    def filters(self) -> ObstacleFilters:
        data = self.validated_data
        month = None
        if data.get("month"):
            m, y = data["month"].split("/")
            month = dt.date(int(y), int(m), 1)
        return ObstacleFilters(
            status=data.get("status", ""),
            category=data.get("category", ""),
            level=data.get("level"),
            organisation=data.get("organisation"),
            month=month,
            candidacy=data.get("candidacy"),
        )


class ObstacleCreateSerializer(ApiSerializer):
    organisation = serializers.IntegerField(min_value=1, help_text=_("Mã tổ chức ghi nhận."))
    category = serializers.ChoiceField(choices=Category.choices)
    title = serializers.CharField(max_length=255)
    description = serializers.CharField(max_length=8000)
    candidacies = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        default=list,
        max_length=50,
        help_text=_("Mã các hồ sơ bị vướng (trong tổ chức ghi nhận)."),
    )


class _Versioned(ApiSerializer):
    version = serializers.IntegerField(required=False, help_text=_("Phiên bản người dùng đã thấy."))


class ObstacleEscalateBody(_Versioned):
    """Chuyển lên cấp trên, với ghi chú lý do."""

    note = serializers.CharField(max_length=4000)


class ObstacleResolveBody(_Versioned):
    """Kết thúc ở cấp hiện tại: giải quyết (`resolved`) hoặc trả lời lý do (`declined`)."""

    outcome = serializers.ChoiceField(
        choices=OUTCOME_CHOICES,
        default=Status.RESOLVED,
    )
    answer = serializers.CharField(max_length=8000)


ACTION_BODIES: dict[str, type[_Versioned]] = {
    "escalate": ObstacleEscalateBody,
    "resolve": ObstacleResolveBody,
}


def _page_count(view: GenericAPIView[Any], default: int) -> Any:
    page = getattr(view.paginator, "page", None)
    return page.paginator.count if page is not None else default


def _fresh(request: Request, pk: int) -> Obstacle:
    return obstacle_policy.visible_to(request.user).prefetch_related("candidacies").get(pk=pk)


class ObstacleListView(GenericAPIView[Obstacle]):
    serializer_class = ObstacleSerializer
    queryset = Obstacle.objects.none()  # the schema's model; rows come from the selectors

    @extend_schema(
        summary="Danh sách khó khăn, vướng mắc",
        description=(
            "Khó khăn, vướng mắc do các tổ chức trong phạm vi ghi nhận, mới nhất trước; lọc theo "
            "tình trạng, nhóm, cấp đang giải quyết (`level`), tổ chức ghi nhận, tháng ghi nhận."
        ),
        parameters=[ObstacleQuerySerializer],
        responses={200: ObstacleSerializer(many=True), 404: _NOT_FOUND},
        tags=["obstacles"],
    )
    def get(self, request: Request) -> Response:
        query = ObstacleQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = query.filters()
        qs = obstacle_list(
            actor=request.user, filters=filters, today=timezone.localdate()
        ).prefetch_related("candidacies")
        page = self.paginate_queryset(qs)
        rows = list(page or [])
        audit_list_read(
            actor=request.user,
            object_type="obstacles.obstacle",
            ids=[o.pk for o in rows],
            count=_page_count(self, len(rows)),
            summary="Xem danh sách khó khăn, vướng mắc (API)",
            filters=filters.as_audit(),
        )
        return self.get_paginated_response(ObstacleSerializer(rows, many=True).data)

    @extend_schema(
        summary="Ghi nhận khó khăn, vướng mắc",
        description=(
            "Tổ chức ghi nhận (`organisation`, trong phạm vi, vai trò nhập liệu trở lên) và các "
            "hồ sơ bị vướng (`candidacies`, thuộc tổ chức ghi nhận). Khó khăn nằm ở cấp tổ chức "
            "ghi nhận, hạn giải quyết tính theo ngày làm việc. 400: không tìm thấy tổ chức, hồ "
            "sơ; 422: nội dung không được chấp nhận."
        ),
        request=ObstacleCreateSerializer,
        responses={
            201: ObstacleSerializer,
            400: OpenApiResponse(description="Dữ liệu không hợp lệ."),
            422: OpenApiResponse(
                error_ref("RuleViolationError"), description="Không ghi nhận được."
            ),
        },
        tags=["obstacles"],
    )
    def post(self, request: Request) -> Response:
        body = ObstacleCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        created = obstacle_record(
            actor=request.user,
            data=NewObstacle(
                organisation=data["organisation"],
                category=data["category"],
                title=data["title"],
                description=data["description"],
                candidacies=data.get("candidacies") or [],
            ),
            today=timezone.localdate(),
        )
        return Response(
            ObstacleSerializer(_fresh(request, created.pk)).data, status=status.HTTP_201_CREATED
        )


class ObstacleDetailView(GenericAPIView[Obstacle]):
    serializer_class = ObstacleDetailSerializer
    queryset = Obstacle.objects.none()

    @extend_schema(
        summary="Một khó khăn, vướng mắc (kèm quá trình xử lý)",
        parameters=[_ID],
        responses={200: ObstacleDetailSerializer, 404: _NOT_FOUND},
        tags=["obstacles"],
    )
    def get(self, request: Request, pk: int) -> Response:
        obstacle = obstacle_policy.get_visible(
            request.user, pk, obstacle_policy.queryset().prefetch_related("candidacies")
        )
        audit_record(
            actor=request.user,
            action="view",
            obj=obstacle,
            organisation=obstacle.organisation,
            summary="Xem khó khăn, vướng mắc (API)",
        )
        return Response(ObstacleDetailSerializer(obstacle).data)


class ObstacleActionView(GenericAPIView[Obstacle]):
    serializer_class = ObstacleSerializer
    queryset = Obstacle.objects.none()

    @extend_schema(
        summary="Chuyển cấp trên hoặc kết thúc một khó khăn, vướng mắc",
        description=(
            "`escalate`: chuyển lên cấp trên của cấp hiện tại (`note` bắt buộc); `resolve`: kết "
            "thúc ở cấp hiện tại với `outcome` = `resolved` (đã giải quyết, `answer` là cách giải "
            "quyết) hoặc `declined` (không giải quyết được, `answer` là lý do). Chỉ người có vai "
            "trò nhập liệu trở lên ở cấp đang giải quyết được thực hiện (403). 409: đã có người "
            "khác xử lý (`version`) hoặc đã kết thúc; 422: thiếu ghi chú, đã ở cấp cao nhất."
        ),
        parameters=[
            _ID,
            OpenApiParameter("action_name", str, OpenApiParameter.PATH, enum=[*ACTION_BODIES]),
        ],
        request=PolymorphicProxySerializer(
            component_name="ObstacleActionRequest",
            serializers=[*ACTION_BODIES.values()],
            resource_type_field_name=None,
        ),
        responses={
            200: ObstacleSerializer,
            400: OpenApiResponse(description="Dữ liệu không hợp lệ."),
            403: OpenApiResponse(description="Không phụ trách cấp đang giải quyết."),
            404: _NOT_FOUND,
            409: OpenApiResponse(
                error_ref("StaleVersionError"), description="Đã bị người khác xử lý."
            ),
            422: OpenApiResponse(
                error_ref("RuleViolationError"), description="Không thực hiện được."
            ),
        },
        extensions={
            "x-split-path-parameter": {
                "name": "action_name",
                "bodies": {
                    action: f"{body.__name__}Request" for action, body in ACTION_BODIES.items()
                },
            }
        },
        tags=["obstacles"],
    )
    def post(self, request: Request, pk: int, action_name: str) -> Response:
        body_class = ACTION_BODIES.get(action_name)
        if body_class is None:
            return Response(
                error_body(
                    "unknown_action", _("Thao tác không tồn tại: %(a)s.") % {"a": action_name}
                ),
                status=status.HTTP_404_NOT_FOUND,
            )
        # Outside the user's scope: 404 before the body is read; not at the level: 403.
        obstacle = obstacle_policy.get_visible(request.user, pk)
        obstacle_policy.authorize_act(request.user, obstacle)
        body = body_class(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        today = timezone.localdate()
        try:
            if action_name == "escalate":
                obstacle_escalate(
                    actor=request.user,
                    obstacle_id=pk,
                    note=data["note"],
                    today=today,
                    version=data.get("version"),
                )
            else:
                obstacle_resolve(
                    actor=request.user,
                    obstacle_id=pk,
                    outcome=data["outcome"],
                    answer=data["answer"],
                    today=today,
                    version=data.get("version"),
                )
        except StaleObstacle as exc:
            conflict = error_body("conflict", str(exc))
            conflict["version"] = exc.current
            return Response(conflict, status=status.HTTP_409_CONFLICT)
        except WrongStatus as exc:
            fields = {key: [str(m) for m in value] for key, value in exc.message_dict.items()}
            conflict = error_body("invalid_status", next(iter(fields.values()))[0], fields)
            conflict["version"] = Obstacle.objects.values_list("version", flat=True).get(pk=pk)
            return Response(conflict, status=status.HTTP_409_CONFLICT)
        return Response(ObstacleSerializer(_fresh(request, pk)).data)


class StatsQuerySerializer(ApiSerializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)
    organisation = serializers.IntegerField(min_value=1, required=False)


class CategoryStatsSerializer(serializers.Serializer[Any]):
    category = serializers.CharField(help_text=_("Mã nhóm; rỗng ở dòng tổng cộng."))
    name = serializers.CharField(source="label", help_text=_("Tên nhóm."))
    total = serializers.IntegerField()
    open = serializers.IntegerField()
    resolved = serializers.IntegerField()
    declined = serializers.IntegerField()
    average_days = serializers.FloatField(allow_null=True)


class ObstacleStatsView(GenericAPIView[Obstacle]):
    serializer_class = CategoryStatsSerializer
    queryset = Obstacle.objects.none()
    pagination_class = None

    @extend_schema(
        summary="Thống kê khó khăn, vướng mắc theo nhóm",
        description=(
            "Khó khăn ghi nhận trong năm (`year`, mặc định năm nay) của cây tổ chức "
            "`organisation` (hoặc cả phạm vi): tổng số, đang chờ, đã giải quyết, không giải quyết "
            "được, số ngày giải quyết bình quân; dòng cuối là tổng cộng."
        ),
        parameters=[StatsQuerySerializer],
        responses={200: CategoryStatsSerializer(many=True), 404: _NOT_FOUND},
        tags=["obstacles"],
    )
    def get(self, request: Request) -> Response:
        query = StatsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        year = query.validated_data.get("year") or timezone.localdate().year
        named = query.validated_data.get("organisation")
        organisation = visible_organisation(request.user, named) if named else None
        rows = obstacle_stats(
            actor=request.user,
            organisation=organisation,
            start=dt.date(year, 1, 1),
            end=dt.date(year, 12, 31),
        )
        return Response(CategoryStatsSerializer(rows, many=True).data)
