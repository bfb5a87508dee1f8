"""The API's shapes of exemplars."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ptdv.core.api_views import ApiModelSerializer, ApiSerializer
from ptdv.exemplars.models import Exemplar, ExemplarField

MAX_ID = 2**31 - 1
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


def _id_field(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


class ExemplarSerializer(ApiModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    candidacy_stage = serializers.CharField(
        source="candidacy.stage", read_only=True, default=None, allow_null=True
    )
    has_evidence_file = serializers.BooleanField(read_only=True)

    class Meta:
        model = Exemplar
        fields = [
            "id",
            "organisation",
            "organisation_name",
            "person",
            "name",
            "description",
            "field",
            "deed",
            "recognised_on",
            "evidence",
            "has_evidence_file",
            "candidacy",
            "candidacy_stage",
            "version",
        ]
        read_only_fields = fields


class ExemplarWriteSerializer(ApiSerializer):
    organisation = _id_field(help_text=_("Mã tổ chức ghi nhận (trong phạm vi được phân quyền)."))
    person = _id_field(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Mã người trong hệ thống; để trống với người ngoài hệ thống."),
    )
    name = serializers.CharField(
        max_length=150,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Họ và tên (bắt buộc khi không có mã người)."),
    )
    description = serializers.CharField(
        max_length=255, required=False, allow_blank=True, default=""
    )
    field = serializers.ChoiceField(choices=ExemplarField.choices)
    deed = serializers.CharField(max_length=5000)
    recognised_on = serializers.DateField(input_formats=DATE_FORMATS)
    evidence = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class ExemplarUpdateSerializer(ExemplarWriteSerializer):
    version = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)


class ExemplarLinkSerializer(ApiSerializer):
    candidacy = _id_field(allow_null=True, help_text=_("Mã hồ sơ quần chúng; null để bỏ gắn."))


class ExemplarQuerySerializer(ApiSerializer):
    organisation = _id_field(required=False, help_text=_("Chỉ trong cây tổ chức này."))
    field = serializers.ChoiceField(choices=ExemplarField.choices, required=False)
    year = serializers.IntegerField(min_value=1900, max_value=2999, required=False)
    q = serializers.CharField(
        max_length=200, required=False, help_text=_("Tìm theo tên, thành tích (không cần dấu).")
    )
    candidate = serializers.ChoiceField(
        choices=[("yes", _("Đã có hồ sơ quần chúng")), ("no", _("Chưa có hồ sơ"))],
        required=False,
    )
