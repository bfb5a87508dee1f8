"""GET /api/v1/organisations/{id}/localities/: the localities of a subtree with their
resident members and cell, `white=1` (no resident member) and `without_cell=1` (no cell of
their own) filters; paginated like every list. A locality holds no personal data."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers

from ptdv.core.api_views import ApiModelSerializer, ApiSerializer
from ptdv.organisations.models import AreaFlag, Locality, Organisation
from ptdv.organisations.policies import organisation_policy
from ptdv.organisations.selectors import locality_list


class LocalityOrganisationSerializer(ApiModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "code", "name"]
        read_only_fields = fields


class LocalitySerializer(ApiModelSerializer):
    full_name = serializers.CharField(
        read_only=True, help_text=_("Tên in trên văn bản, ví dụ “Thôn 9”.")
    )
    organisation = LocalityOrganisationSerializer(
        read_only=True, help_text=_("Xã, phường của thôn.")
    )
    cell = LocalityOrganisationSerializer(
        read_only=True, allow_null=True, help_text=_("Chi bộ phụ trách.")
    )
    area_flags = serializers.ListField(
        child=serializers.ChoiceField(choices=AreaFlag.choices), read_only=True
    )
    active_members = serializers.IntegerField(
        read_only=True, help_text=_("Số đảng viên (dự bị, chính thức) cư trú tại đây.")
    )
    white = serializers.SerializerMethodField(help_text=_("Chưa có đảng viên cư trú."))
    without_cell = serializers.SerializerMethodField(
        help_text=_("Chưa có chi bộ riêng (chưa có chi bộ, hoặc chi bộ ghép).")
    )

    class Meta:
        model = Locality
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "full_name",
            "organisation",
            "cell",
            "cell_is_shared",
            "area_flags",
            "active_members",
            "white",
            "without_cell",
        ]
        read_only_fields = fields

    def get_white(self, locality: Locality) -> bool:
        return locality.active_members == 0

    def get_without_cell(self, locality: Locality) -> bool:
        return locality.cell_id is None or locality.cell_is_shared


class LocalityFilterSerializer(ApiSerializer):
    white = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("1: chỉ thôn, tổ dân phố chưa có đảng viên; 0: chỉ nơi đã có."),
    )
    without_cell = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("1: chỉ nơi chưa có chi bộ riêng; 0: chỉ nơi đã có chi bộ riêng."),
    )


@extend_schema(
    summary="Thôn, tổ dân phố của một tổ chức",
    description=(
        "Các thôn, tổ dân phố của các xã, phường trong cây tổ chức (hoặc do chi bộ trong cây "
        "phụ trách): số đảng viên cư trú, chi bộ phụ trách; lọc `white=1` (chưa có đảng "
        "viên), `without_cell=1` (chưa có chi bộ riêng)."
    ),
    parameters=[LocalityFilterSerializer],
)
class OrganisationLocalitiesView(generics.ListAPIView[Locality]):
    serializer_class = LocalitySerializer
    queryset = Locality.objects.none()  # the real one comes from the policy, per user
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Locality]:
        organisation = organisation_policy.get_visible(self.request.user, self.kwargs["pk"])
        filters = LocalityFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return locality_list(
            actor=self.request.user, organisation=organisation, **filters.validated_data
        )
