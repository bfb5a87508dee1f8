"""The API's shapes of mass organisations, their targets, movements and the yield."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ptdv.core.api_views import ApiModelSerializer, ApiSerializer
from ptdv.movements.models import (
    MassOrganisation,
    MassOrganisationKind,
    MassOrganisationTarget,
    Movement,
    MovementKind,
)
from ptdv.movements.services import MAX_REFERRALS

MAX_ID = 2**31 - 1
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


def _id_field(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


class TargetSerializer(ApiModelSerializer):
    class Meta:
        model = MassOrganisationTarget
        fields = ["year", "referrals"]
        read_only_fields = fields


class MassOrganisationSerializer(ApiModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    referred = serializers.IntegerField(read_only=True, required=False)

    class Meta:
        model = MassOrganisation
        fields = ["id", "organisation", "organisation_name", "kind", "name", "referred"]
        read_only_fields = fields


class MassOrganisationDetailSerializer(MassOrganisationSerializer):
    targets = TargetSerializer(many=True, read_only=True)

    class Meta(MassOrganisationSerializer.Meta):
        fields = [*MassOrganisationSerializer.Meta.fields, "targets"]
        read_only_fields = fields


class MassOrganisationUpdateSerializer(ApiSerializer):
    kind = serializers.ChoiceField(choices=MassOrganisationKind.choices)
    name = serializers.CharField(max_length=200)


class MassOrganisationWriteSerializer(MassOrganisationUpdateSerializer):
    organisation = _id_field(help_text=_("Mã tổ chức đảng (trong phạm vi được phân quyền)."))


class TargetWriteSerializer(ApiSerializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    referrals = serializers.IntegerField(
        min_value=0,
        max_value=MAX_REFERRALS,
        allow_null=True,
        help_text=_("Số quần chúng giới thiệu; null để bỏ chỉ tiêu của năm."),
    )


class MassQuerySerializer(ApiSerializer):
    organisation = _id_field(required=False, help_text=_("Chỉ các đoàn thể của cây tổ chức này."))
    kind = serializers.ChoiceField(choices=MassOrganisationKind.choices, required=False)
    q = serializers.CharField(required=False, max_length=100, help_text=_("Tìm theo tên."))


class MovementSerializer(ApiModelSerializer):
    organisation = serializers.IntegerField(source="organiser_id", read_only=True)
    organisation_name = serializers.CharField(source="organiser.name", read_only=True)
    candidates = serializers.IntegerField(read_only=True, required=False)

    class Meta:
        model = Movement
        fields = [
            "id",
            "organisation",
            "organisation_name",
            "kind",
            "name",
            "mass_organisation",
            "locality",
            "starts_on",
            "ends_on",
            "description",
            "candidates",
        ]
        read_only_fields = fields


class MovementUpdateSerializer(ApiSerializer):
    kind = serializers.ChoiceField(choices=MovementKind.choices)
    name = serializers.CharField(max_length=255)
    mass_organisation = _id_field(required=False, allow_null=True)
    locality = _id_field(required=False, allow_null=True)
    starts_on = serializers.DateField(input_formats=DATE_FORMATS)
    ends_on = serializers.DateField(input_formats=DATE_FORMATS, required=False, allow_null=True)
    description = serializers.CharField(
        required=False, allow_blank=True, max_length=4000, default=""
    )


class MovementWriteSerializer(MovementUpdateSerializer):
    organisation = _id_field(
        help_text=_("Mã tổ chức đảng tổ chức phong trào (trong phạm vi được phân quyền).")
    )


class MovementQuerySerializer(ApiSerializer):
    organisation = _id_field(required=False, help_text=_("Chỉ các phong trào của cây tổ chức này."))
    kind = serializers.ChoiceField(choices=MovementKind.choices, required=False)
    year = serializers.IntegerField(
        min_value=2000, max_value=2100, required=False, help_text=_("Hoạt động trong năm.")
    )
    q = serializers.CharField(required=False, max_length=100, help_text=_("Tìm theo tên."))


class CandidateSerializer(ApiSerializer):
    id = serializers.IntegerField()
    person = serializers.IntegerField(source="person_id")
    full_name = serializers.CharField(source="person.full_name")
    organisation = serializers.IntegerField(source="organisation_id")
    organisation_name = serializers.CharField(source="organisation.name")
    stage = serializers.CharField()
    opened_on = serializers.DateField()
    certificate_date = serializers.DateField(allow_null=True)
    decision_date = serializers.DateField(allow_null=True)


class YieldQuerySerializer(ApiSerializer):
    organisation = _id_field(
        required=False, help_text=_("Mặc định: tổ chức đầu tiên được phân quyền.")
    )
    year = serializers.IntegerField(
        min_value=2000, max_value=2100, required=False, help_text=_("Mặc định: năm nay.")
    )


class YieldRowSerializer(ApiSerializer):
    key = serializers.CharField(allow_null=True, help_text=_("Mã phong trào, đoàn thể hoặc nguồn."))
    name = serializers.CharField(source="label")
    found = serializers.IntegerField(help_text=_("Số quần chúng đưa vào nguồn trong năm."))
    trained = serializers.IntegerField(help_text=_("Số được cấp giấy chứng nhận lớp trong năm."))
    admitted = serializers.IntegerField(help_text=_("Số có quyết định kết nạp trong năm."))


class YieldMassRowSerializer(YieldRowSerializer):
    target = serializers.IntegerField(allow_null=True, help_text=_("Chỉ tiêu giới thiệu của năm."))


class YieldSerializer(ApiSerializer):
    year = serializers.IntegerField()
    organisation = serializers.IntegerField(source="organisation.pk")
    organisation_name = serializers.CharField(source="organisation.name")
    total = YieldRowSerializer()
    channels = YieldRowSerializer(many=True)
    movements = YieldRowSerializer(many=True)
    mass_organisations = YieldMassRowSerializer(many=True)
