"""The API's shapes of responsibility per person: the report and the personal quotas."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ptdv.core.api_views import ApiModelSerializer, ApiSerializer
from ptdv.targets.models import ResponsibilityQuota
from ptdv.targets.selectors import FIRST_YEAR, LAST_YEAR
from ptdv.targets.services import QUOTA_MAX

MAX_ID = 2**31 - 1


def _id_field(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


class ResponsibilityQuerySerializer(ApiSerializer):
    organisation = _id_field(
        required=False,
        help_text=_(
            "Mã tổ chức đảng (cả cây tổ chức); mặc định: tổ chức cao nhất được phân quyền."
        ),
    )
    year = serializers.IntegerField(
        min_value=FIRST_YEAR, max_value=LAST_YEAR, required=False, help_text=_("Mặc định: năm nay.")
    )


class ResponsibilityRowSerializer(ApiSerializer):
    person = serializers.IntegerField(help_text=_("Mã công dân của người phụ trách."))
    name = serializers.CharField()
    organisation = serializers.CharField(help_text=_("Tổ chức của người phụ trách."))
    role = serializers.CharField()
    as_leader = serializers.IntegerField(help_text=_("Số quần chúng phụ trách với vai trò cán bộ."))
    as_member = serializers.IntegerField(
        help_text=_("Số quần chúng giúp đỡ với vai trò đảng viên được giao.")
    )
    nurtured = serializers.IntegerField(help_text=_("Số quần chúng được phân công trong năm."))
    admitted = serializers.IntegerField(help_text=_("Số đã có quyết định kết nạp trong năm."))
    in_progress = serializers.IntegerField(help_text=_("Số đang bồi dưỡng (chưa có quyết định)."))
    closed = serializers.IntegerField(help_text=_("Số đã đóng hồ sơ không kết nạp."))
    quota = serializers.IntegerField(
        allow_null=True, help_text=_("Chỉ tiêu cá nhân (null: không giao).")
    )
    achievement = serializers.FloatField(
        allow_null=True, help_text=_("Tỷ lệ đạt chỉ tiêu (0–1; null khi không giao hoặc bằng 0).")
    )


class ResponsibilityReportSerializer(ApiSerializer):
    organisation = serializers.IntegerField()
    organisation_name = serializers.CharField()
    year = serializers.IntegerField()
    totals = serializers.DictField(child=serializers.IntegerField())
    results = ResponsibilityRowSerializer(many=True)


class QuotaQuerySerializer(ApiSerializer):
    organisation = _id_field(
        required=False,
        help_text=_(
            "Mã tổ chức đảng (cả cây tổ chức); mặc định: tổ chức cao nhất được phân quyền."
        ),
    )
    year = serializers.IntegerField(min_value=FIRST_YEAR, max_value=LAST_YEAR, required=False)


class QuotaSerializer(ApiModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    holder = serializers.SerializerMethodField(help_text=_("Mã công dân của người được giao."))
    holder_name = serializers.SerializerMethodField()

    class Meta:
        model = ResponsibilityQuota
        fields = [
            "id",
            "organisation",
            "organisation_name",
            "year",
            "person",
            "member",
            "holder",
            "holder_name",
            "number",
            "note",
        ]
        read_only_fields = fields

    def get_holder(self, obj: ResponsibilityQuota) -> int:
        return obj.person_id or obj.member.person_id  # type: ignore[union-attr]

    def get_holder_name(self, obj: ResponsibilityQuota) -> str:
        person = obj.person if obj.person_id else obj.member.person  # type: ignore[union-attr]
        return str(person.full_name)  # type: ignore[union-attr]


class QuotaWriteSerializer(ApiSerializer):
    organisation = _id_field(help_text=_("Mã tổ chức đảng giao chỉ tiêu."))
    year = serializers.IntegerField(min_value=FIRST_YEAR, max_value=LAST_YEAR)
    person = _id_field(
        required=False,
        allow_null=True,
        help_text=_("Mã công dân của cấp ủy viên, cán bộ lãnh đạo."),
    )
    member = _id_field(
        required=False, allow_null=True, help_text=_("Hoặc mã đảng viên (hồ sơ sinh hoạt đảng).")
    )
    number = serializers.IntegerField(min_value=0, max_value=QUOTA_MAX)
    note = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
