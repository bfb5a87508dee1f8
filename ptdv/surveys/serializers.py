"""The API's shapes of survey rounds and responses."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ptdv.core.api_views import ApiModelSerializer, ApiSerializer
from ptdv.surveys.models import PoolQuality, ResponseStatus, SurveyResponse, SurveyRound
from ptdv.surveys.services import MAX_PLAN, PLAN_KEYS, TEXT_LIMIT

MAX_ID = 2**31 - 1
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class PlanSerializer(ApiSerializer):
    """The plan for the next year: totals, then each priority group (a group's number is
    part of the total)."""

    def get_fields(self) -> dict[str, Any]:
        return {
            key: serializers.IntegerField(min_value=0, max_value=MAX_PLAN, required=False)
            for key in PLAN_KEYS
        }


class RoundSerializer(ApiModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    plan_year = serializers.IntegerField(read_only=True)

    class Meta:
        model = SurveyRound
        fields = [
            "id",
            "year",
            "plan_year",
            "organisation",
            "organisation_name",
            "title",
            "due_date",
            "reference_date",
            "status",
            "closed_at",
        ]
        read_only_fields = fields


class RoundWriteSerializer(ApiSerializer):
    organisation = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        help_text=_("Mã tổ chức đảng gốc của phạm vi khảo sát (do người dùng quản trị)."),
    )
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    due_date = serializers.DateField(input_formats=DATE_FORMATS)
    title = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class RoundQuerySerializer(ApiSerializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)


class RoundDetailQuerySerializer(ApiSerializer):
    under = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        help_text=_("Tổng hợp theo cấp dưới của tổ chức này (mặc định: gốc của đợt)."),
    )


class StatusBoardSerializer(ApiSerializer):
    total = serializers.IntegerField()
    by_status = serializers.DictField(child=serializers.IntegerField())
    not_submitted = serializers.IntegerField()
    overdue = serializers.IntegerField()


class RollupRowSerializer(ApiSerializer):
    organisation = serializers.IntegerField()
    organisation_name = serializers.CharField()
    units = serializers.IntegerField()
    submitted = serializers.IntegerField()
    accepted = serializers.IntegerField()
    figures = serializers.DictField(child=serializers.IntegerField())
    plan = serializers.DictField(child=serializers.IntegerField())


class RoundDetailSerializer(RoundSerializer):
    status_board = serializers.SerializerMethodField()
    rollup = serializers.SerializerMethodField()

    class Meta(RoundSerializer.Meta):
        fields = [*RoundSerializer.Meta.fields, "status_board", "rollup"]
        read_only_fields = fields

    @extend_schema_field(StatusBoardSerializer)
    def get_status_board(self, obj: Any) -> dict[str, Any]:
        return dict(StatusBoardSerializer(self.context["board"].as_dict()).data)

    @extend_schema_field(RollupRowSerializer(many=True))
    def get_rollup(self, obj: Any) -> list[dict[str, Any]]:
        return [dict(RollupRowSerializer(row.as_dict()).data) for row in self.context["rollup"]]


class ResponseSerializer(ApiModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    survey = serializers.IntegerField(source="survey_round_id", read_only=True)
    figures = serializers.DictField(child=serializers.IntegerField(), read_only=True)
    plan = PlanSerializer(read_only=True)
    overdue = serializers.BooleanField(read_only=True, required=False)

    class Meta:
        model = SurveyResponse
        fields = [
            "id",
            "survey",
            "organisation",
            "organisation_name",
            "status",
            "figures",
            "figures_on",
            "pool_quality",
            "quality_note",
            "reasons",
            "difficulties",
            "plan",
            "submitted_at",
            "reviewed_at",
            "return_reason",
            "returned_count",
            "overdue",
            "version",
        ]
        read_only_fields = fields


class ResponseQuerySerializer(ApiSerializer):
    status = serializers.ChoiceField(choices=ResponseStatus.choices, required=False)
    overdue = serializers.BooleanField(
        required=False, default=False, help_text=_("Chỉ phiếu quá hạn chưa gửi.")
    )


class ResponseUpdateSerializer(ApiSerializer):
    """The unit's part; `version` is the one the client saw (409 if stale)."""

    pool_quality = serializers.ChoiceField(
        choices=[("", "—"), *PoolQuality.choices], required=False, allow_blank=True
    )
    quality_note = serializers.CharField(max_length=TEXT_LIMIT, required=False, allow_blank=True)
    reasons = serializers.CharField(max_length=TEXT_LIMIT, required=False, allow_blank=True)
    difficulties = serializers.CharField(max_length=TEXT_LIMIT, required=False, allow_blank=True)
    plan = PlanSerializer(required=False)
    version = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)


class VersionSerializer(ApiSerializer):
    version = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)


class ReturnSerializer(VersionSerializer):
    reason = serializers.CharField(max_length=TEXT_LIMIT)
