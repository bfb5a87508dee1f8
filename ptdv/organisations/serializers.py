from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ptdv.core.api_views import ApiModelSerializer, ApiSerializer
from ptdv.organisations.models import AreaFlag, Kind, Organisation


class OrganisationSerializer(ApiModelSerializer):
    """An organisation of the tree. The counters are subtree totals kept by the services."""

    area_flags = serializers.ListField(
        child=serializers.ChoiceField(choices=AreaFlag.choices), read_only=True
    )
    member_count = serializers.IntegerField(
        read_only=True,
        help_text=_("Số đảng viên chính thức và dự bị trong cả cây tổ chức trực thuộc."),
    )
    candidate_count = serializers.IntegerField(
        read_only=True,
        help_text=_("Số hồ sơ quần chúng đang mở, chưa tới giai đoạn dự bị, trong cả cây."),
    )

    class Meta:
        model = Organisation
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "sector",
            "area_flags",
            "parent",
            "depth",
            "member_count",
            "candidate_count",
        ]
        read_only_fields = fields


class OrganisationFilterSerializer(ApiSerializer):
    # The query parameter shares its name with `Field.parent`, which DRF sets when binding.
    parent = serializers.IntegerField(  # type: ignore[assignment]
        required=False, min_value=1, help_text=_("Chỉ các tổ chức trực thuộc tổ chức này.")
    )
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)
    search = serializers.CharField(
        required=False,
        allow_blank=True,  # an empty search is no filter
        max_length=100,
        help_text=_("Tìm theo tên hoặc đúng mã tổ chức."),
    )
