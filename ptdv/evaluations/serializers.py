"""Serializers of the evaluations API."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from ptdv.core.api_views import ApiSerializer
from ptdv.evaluations.formula import PEER_GROUPS, SPECS, peer_group_label
from ptdv.evaluations.models import Evaluation, Formula


class EvaluationQuerySerializer(ApiSerializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100, help_text="Năm đánh giá.")
    peer_group = serializers.ChoiceField(
        choices=PEER_GROUPS, required=False, help_text="Nhóm so sánh, ví dụ commune.wards."
    )
    organisation = serializers.IntegerField(
        required=False, help_text="Chỉ các tổ chức thuộc cây của tổ chức này."
    )


class FormulaQuerySerializer(ApiSerializer):
    year = serializers.IntegerField(
        min_value=2000, max_value=2100, help_text="Năm: trả về phiên bản áp dụng cho năm đó."
    )


class ComponentSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    label = serializers.SerializerMethodField()  # type: ignore[assignment]
    weight = serializers.FloatField()
    full = serializers.FloatField()
    zero = serializers.FloatField()
    applies = serializers.BooleanField()
    value = serializers.FloatField(allow_null=True)
    score = serializers.FloatField(allow_null=True)
    figures = serializers.DictField()

    def get_label(self, item: dict[str, Any]) -> str:
        spec = SPECS.get(item["code"])
        return str(spec.label) if spec else item["code"]


class EvaluationSerializer(serializers.ModelSerializer[Evaluation]):
    organisation = serializers.SerializerMethodField()
    formula_version = serializers.IntegerField(source="formula.version", read_only=True)
    peer_group_label = serializers.SerializerMethodField()
    grade_label = serializers.CharField(source="get_grade_display", read_only=True)
    components = ComponentSerializer(source="component_details", many=True, read_only=True)
    score = serializers.FloatField(allow_null=True, read_only=True)

    class Meta:
        model = Evaluation
        fields = [
            "id", "organisation", "year", "formula_version", "score", "grade", "grade_label",
            "peer_group", "peer_group_label", "rank", "peer_count", "components",
        ]  # fmt: skip

    def get_organisation(self, obj: Evaluation) -> dict[str, Any]:
        return {
            "id": obj.organisation_id,
            "code": obj.organisation.code,
            "name": obj.organisation.name,
        }

    def get_peer_group_label(self, obj: Evaluation) -> str:
        return peer_group_label(obj.peer_group)


class FormulaComponentSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    label = serializers.SerializerMethodField()  # type: ignore[assignment]
    explanation = serializers.SerializerMethodField()
    weight = serializers.FloatField()
    full = serializers.FloatField()
    zero = serializers.FloatField()
    days = serializers.IntegerField(required=False)

    def get_label(self, item: dict[str, Any]) -> str:
        spec = SPECS.get(item["code"])
        return str(spec.label) if spec else item["code"]

    def get_explanation(self, item: dict[str, Any]) -> str:
        spec = SPECS.get(item["code"])
        return str(spec.explanation) if spec else ""


class FormulaSerializer(serializers.ModelSerializer[Formula]):
    components = FormulaComponentSerializer(many=True, read_only=True)
    grades = serializers.DictField(child=serializers.FloatField(), read_only=True)
    created_by: serializers.StringRelatedField[Any] = serializers.StringRelatedField()

    class Meta:
        model = Formula
        fields = [
            "id",
            "version",
            "year_from",
            "components",
            "grades",
            "note",
            "created_by",
            "created_at",
        ]
