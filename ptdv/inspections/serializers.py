"""The API's shapes of inspections, supervisions and their recommendations."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ptdv.core.api_views import ApiModelSerializer, ApiSerializer
from ptdv.inspections.models import Inspection, InspectionKind, Recommendation

MAX_ID = 2**31 - 1
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


def _id_field(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


class RecommendationSerializer(ApiModelSerializer):
    class Meta:
        model = Recommendation
        fields = ["id", "text", "due_on", "status", "result", "done_on"]
        read_only_fields = fields


class InspectionSerializer(ApiModelSerializer):
    body_name = serializers.CharField(source="body.name", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    inspector_list = serializers.ListField(child=serializers.CharField(), read_only=True)
    recommended = serializers.IntegerField(read_only=True, required=False)
    done = serializers.IntegerField(read_only=True, required=False)
    overdue = serializers.IntegerField(read_only=True, required=False)

    class Meta:
        model = Inspection
        fields = [
            "id",
            "kind",
            "body",
            "body_name",
            "organisation",
            "organisation_name",
            "subject",
            "starts_on",
            "ends_on",
            "inspectors",
            "inspector_list",
            "findings",
            "recommended",
            "done",
            "overdue",
            "version",
        ]
        read_only_fields = fields


class InspectionDetailSerializer(InspectionSerializer):
    recommendations = RecommendationSerializer(many=True, read_only=True)

    class Meta(InspectionSerializer.Meta):
        fields = [*InspectionSerializer.Meta.fields, "recommendations"]
        read_only_fields = fields


class InspectionWriteSerializer(ApiSerializer):
    kind = serializers.ChoiceField(choices=InspectionKind.choices)
    body = _id_field(help_text=_("Mã tổ chức chủ thể kiểm tra, giám sát (nhập liệu trở lên)."))
    organisation = _id_field(help_text=_("Mã tổ chức được kiểm tra, giám sát."))
    subject = serializers.CharField(max_length=500)
    starts_on = serializers.DateField(input_formats=DATE_FORMATS)
    ends_on = serializers.DateField(input_formats=DATE_FORMATS)
    inspectors = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Thành viên đoàn, mỗi người một dòng."),
    )
    findings = serializers.CharField(max_length=10000, required=False, allow_blank=True, default="")


class InspectionUpdateSerializer(InspectionWriteSerializer):
    version = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)


class RecommendationWriteSerializer(ApiSerializer):
    text = serializers.CharField(max_length=5000)
    due_on = serializers.DateField(input_formats=DATE_FORMATS)


class RecommendationCloseSerializer(ApiSerializer):
    result = serializers.CharField(max_length=5000)
    done_on = serializers.DateField(input_formats=DATE_FORMATS)


class InspectionQuerySerializer(ApiSerializer):
    organisation = _id_field(
        required=False, help_text=_("Chỉ các cuộc do cây tổ chức này thực hiện hoặc được nhận.")
    )
    kind = serializers.ChoiceField(choices=InspectionKind.choices, required=False)
    year = serializers.IntegerField(min_value=1900, max_value=2999, required=False)
    followup = serializers.ChoiceField(
        choices=[
            ("open", _("Còn kiến nghị đang thực hiện")),
            ("overdue", _("Có kiến nghị quá hạn")),
        ],
        required=False,
    )
