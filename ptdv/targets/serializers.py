"""The shapes of the monitoring API (for the schema and the year parameter)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ptdv.core.api_views import ApiSerializer
from ptdv.targets.selectors import FIRST_YEAR, LAST_YEAR


class YearQuerySerializer(ApiSerializer):
    year = serializers.IntegerField(
        required=False,
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        help_text=_("Năm theo dõi (mặc định: năm nay)."),
    )


class ProgressQuerySerializer(YearQuerySerializer):
    breakdown = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_(
            "true: thêm `breakdowns` — theo lĩnh vực và đặc điểm địa bàn của các tổ chức trực "
            "thuộc, và theo đối tượng (quần chúng trong nguồn, kết nạp trong năm)."
        ),
    )


class ForecastSerializer(ApiSerializer):
    expected = serializers.IntegerField(help_text=_("Số kết nạp dự kiến đến 31/12."))
    upper_bound = serializers.IntegerField(
        help_text=_(
            "Số kết nạp tối đa còn có thể đạt đến 31/12 theo thời gian tối thiểu luật định."
        )
    )
    can_reach_target = serializers.BooleanField(
        allow_null=True, help_text=_("upper_bound ≥ target; null khi chưa giao chỉ tiêu.")
    )


class ProgressSerializer(ApiSerializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    year = serializers.IntegerField()
    members_at_start = serializers.IntegerField(
        help_text=_("Đảng viên (chính thức + dự bị) của cả cây tổ chức tại ngày chốt đầu năm.")
    )
    members_at_start_estimated = serializers.BooleanField(
        help_text=_("true khi năm chưa được chốt số liệu: dùng số đảng viên hiện tại.")
    )
    target = serializers.IntegerField(allow_null=True)
    admitted = serializers.IntegerField(help_text=_("Số quyết định kết nạp ký trong năm."))
    admission_rate = serializers.FloatField(
        allow_null=True, help_text=_("admitted / members_at_start (0–1).")
    )
    floor_rate = serializers.FloatField(help_text=_("Tỷ lệ tối thiểu (0,03)."))
    suggested = serializers.IntegerField(
        help_text=_(
            "Chỉ tiêu gợi ý theo tỷ lệ tối thiểu: làm tròn lên floor_rate × members_at_start."
        )
    )
    planned_admissions = serializers.IntegerField(
        allow_null=True,
        help_text=_(
            "Kế hoạch theo khảo sát: số kết nạp mà các phiếu khảo sát nguồn năm trước đã được "
            "cấp trên chấp nhận dự kiến cho năm này (null khi chưa có)."
        ),
    )
    achievement = serializers.FloatField(allow_null=True, help_text=_("admitted / target (0–1)."))
    pipeline = serializers.DictField(
        child=serializers.IntegerField(), help_text=_("Số hồ sơ đang mở theo giai đoạn.")
    )
    breakdown = serializers.DictField(help_text=_("Cơ cấu số kết nạp trong năm."))
    white_localities = serializers.IntegerField(
        help_text=_("Số thôn, tổ dân phố không có đảng viên cư trú.")
    )
    localities_without_cell = serializers.IntegerField(
        help_text=_("Số thôn, tổ dân phố chưa có chi bộ riêng (kể cả chi bộ ghép).")
    )
    overdue = serializers.IntegerField(help_text=_("Số hồ sơ đang mở đã quá hạn."))
    forecast = ForecastSerializer()


class GroupProgressSerializer(ApiSerializer):
    code = serializers.CharField()
    # The API field shares its name with `Field.label` (the stubs type it as text).
    label = serializers.CharField()  # type: ignore[assignment]
    organisations = serializers.IntegerField(help_text=_("Số tổ chức trực thuộc trong nhóm."))
    members_at_start = serializers.IntegerField()
    target = serializers.IntegerField()
    admitted = serializers.IntegerField()
    admission_rate = serializers.FloatField(allow_null=True)
    candidates = serializers.IntegerField(help_text=_("Số hồ sơ đang mở."))
    white_localities = serializers.IntegerField()
    localities_without_cell = serializers.IntegerField()


class TargetGroupProgressSerializer(ApiSerializer):
    code = serializers.CharField()
    # The API field shares its name with `Field.label` (the stubs type it as text).
    label = serializers.CharField()  # type: ignore[assignment]
    candidates = serializers.IntegerField(help_text=_("Số hồ sơ đang mở của người thuộc nhóm."))
    admitted = serializers.IntegerField(help_text=_("Số kết nạp trong năm thuộc nhóm."))


class ProgressBreakdownsSerializer(ApiSerializer):
    by_sector = GroupProgressSerializer(many=True)
    by_area_flag = GroupProgressSerializer(many=True)
    by_target_group = TargetGroupProgressSerializer(many=True)


class ProgressWithBreakdownsSerializer(ProgressSerializer):
    breakdowns = ProgressBreakdownsSerializer(
        required=False, help_text=_("Chỉ có khi hỏi `breakdown=true`.")
    )


class ProgressListSerializer(ApiSerializer):
    results = ProgressSerializer(many=True)
