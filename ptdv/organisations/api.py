"""GET /api/v1/organisations/: the part of the tree the user is assigned to."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from ptdv.organisations.models import Organisation
from ptdv.organisations.policies import organisation_policy
from ptdv.organisations.selectors import organisation_list
from ptdv.organisations.serializers import OrganisationFilterSerializer, OrganisationSerializer


@extend_schema_view(
    list=extend_schema(
        summary="Danh sách tổ chức đảng",
        description="Các tổ chức trong phạm vi được phân quyền, theo thứ tự cây.",
        parameters=[OrganisationFilterSerializer],
    ),
    retrieve=extend_schema(summary="Chi tiết một tổ chức đảng"),
)
class OrganisationViewSet(viewsets.ReadOnlyModelViewSet[Organisation]):
    serializer_class = OrganisationSerializer
    queryset = Organisation.objects.none()  # the real one comes from the policy, per user
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Organisation]:
        user = self.request.user
        if self.action != "list":
            return organisation_policy.visible_to(user).select_related("parent")
        filters = OrganisationFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return organisation_list(actor=user, filters=dict(filters.validated_data))
