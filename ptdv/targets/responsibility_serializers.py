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


class MineQuerySerializer(ApiSerializer):
    year = serializers.IntegerField(
        min_value=FIRST_YEAR, max_value=LAST_YEAR, required=False, help_text=_("Mặc định: năm nay.")
    )


class MineCandidateSerializer(ApiSerializer):
    candidacy = serializers.IntegerField(help_text=_("Mã hồ sơ của quần chúng."))
    name = serializers.CharField(help_text=_("Họ và tên quần chúng."))
    organisation = serializers.IntegerField(help_text=_("Mã tổ chức đảng quản lý hồ sơ."))
    organisation_name = serializers.CharField()
    stage = serializers.CharField(help_text=_("Giai đoạn của hồ sơ (mã)."))
    stage_label = serializers.CharField()
    next_action = serializers.CharField(help_text=_("Việc tiếp theo (mã; rỗng: không có)."))
    next_action_label = serializers.CharField()
    next_due = serializers.DateField(allow_null=True, help_text=_("Hạn của việc tiếp theo."))
    overdue = serializers.BooleanField(help_text=_("Đã quá hạn (hạn trước hôm nay)."))
    role = serializers.ChoiceField(
        choices=[("leader", _("Cán bộ phụ trách")), ("member", _("Đảng viên được giao"))],
        help_text=_("Phụ trách với vai trò cán bộ lãnh đạo hay đảng viên được giao."),
    )
    note = serializers.CharField(help_text=_("Ghi chú của phân công."))


class MinePageSerializer(ApiSerializer):
    person = serializers.IntegerField(
        allow_null=True,
        help_text=_(
            "Mã công dân gắn với tài khoản; null: tài khoản chưa được gắn với người nào "
            "(quản trị viên gắn tại trang người dùng), danh sách rỗng."
        ),
    )
    year = serializers.IntegerField()
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = MineCandidateSerializer(many=True)
