"""/api/v1/candidacies/: list, read and register candidacies.

Stage actions (issue 3) are added to `CandidacyViewSet` as `@action(detail=True)` methods that
fetch with `self.get_object()` (scoped, 404 outside the subtree) and call the action service.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ptdv.accounts.models import ROLE_RANK
from ptdv.candidacies.models import Candidacy
from ptdv.candidacies.policies import candidacy_policy
from ptdv.candidacies.selectors import candidacy_list
from ptdv.candidacies.serializers import (
    CandidacyFilterSerializer,
    CandidacyRegisterSerializer,
    CandidacySerializer,
    PersonInputSerializer,
)
from ptdv.candidacies.services import candidacy_register
from ptdv.core.policies import REQUIRED_ROLE, Action, user_scopes
from ptdv.people.policies import person_policy
from ptdv.people.services import PersonData, person_find

# Keys a service error may carry that describe the typed-in person, not the candidacy.
_PERSON_KEYS = frozenset(PersonInputSerializer._declared_fields) | {"enterprise_type", "roles"}


class MayCreateSomewhere(BasePermission):
    """A role that may register candidacies somewhere; the target cell is checked by the
    service (403 when the user's role there is too low)."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        required = ROLE_RANK[REQUIRED_ROLE[Action.CREATE]]
        return any(rank >= required for _path, rank in user_scopes(request.user))


def _service_errors(exc: DjangoValidationError, *, inline_person: bool) -> dict[str, Any]:
    """A service's errors keyed like the request body: the typed-in person's fields nest under
    `person`, and a refusal about the person points at `person_id` when that was sent."""
    if not hasattr(exc, "error_dict"):
        return {"non_field_errors": exc.messages}
    errors: dict[str, Any] = {}
    nested: dict[str, list[str]] = {}
    for key, messages in exc.message_dict.items():
        if key == "__all__":
            errors["non_field_errors"] = messages
        elif inline_person and key in _PERSON_KEYS:
            nested[key] = messages
        elif key == "person" and not inline_person:
            errors["person_id"] = messages
        else:
            errors[key] = messages
    if nested:
        errors["person"] = nested
    return errors


@extend_schema_view(
    list=extend_schema(
        summary="Danh sách hồ sơ phát triển đảng viên",
        description="Hồ sơ trong phạm vi được phân quyền, theo thứ tự tên tiếng Việt.",
        parameters=[CandidacyFilterSerializer],
    ),
    retrieve=extend_schema(summary="Chi tiết một hồ sơ phát triển đảng viên"),
    create=extend_schema(
        summary="Đưa một quần chúng vào nguồn (lập hồ sơ)",
        description=(
            "Gửi `person_id` (công dân đã có) hoặc `person` (thông tin công dân). Công dân "
            "được tìm trước theo số định danh, nếu không có thì theo họ tên và ngày sinh, và "
            "được dùng lại nếu đã có. Người đang có hồ sơ mở bị từ chối; người từng là đảng "
            "viên bị xóa tên hoặc khai trừ được đánh dấu kết nạp lại."
        ),
        request=CandidacyRegisterSerializer,
        responses={
            201: CandidacySerializer,
            400: OpenApiResponse(description="Dữ liệu không hợp lệ."),
            403: OpenApiResponse(description="Vai trò không được lập hồ sơ ở chi bộ này."),
        },
    ),
)
class CandidacyViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Candidacy],
):
    serializer_class = CandidacySerializer
    queryset = Candidacy.objects.none()  # the real one comes from the policy, per user
    filter_backends: list[Any] = []

    def get_permissions(self) -> list[Any]:
        permissions = [*super().get_permissions()]
        if self.action == "create":
            permissions.append(MayCreateSomewhere())
        return permissions

    def get_queryset(self) -> QuerySet[Candidacy]:
        user = self.request.user
        if self.action == "list":
            filters = CandidacyFilterSerializer(
                data=self.request.query_params, context=self.get_serializer_context()
            )
            filters.is_valid(raise_exception=True)
            return candidacy_list(actor=user, filters=dict(filters.validated_data))
        return candidacy_policy.visible_to(user).select_related("person", "organisation")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = CandidacyRegisterSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = body.validated_data
        person_data = PersonData(**data["person"]) if data.get("person") is not None else None
        if person_data is not None:
            self._refuse_person_outside_scope(person_data)
        try:
            candidacy = candidacy_register(
                actor=request.user,
                organisation=data["organisation"],
                person=data.get("person_id"),
                person_data=person_data,
                helper=data.get("helper"),
                responsible_leader=data.get("responsible_leader"),
                source_channel=data["source_channel"],
                opened_on=data.get("opened_on"),
            )
        except DjangoValidationError as exc:
            raise serializers.ValidationError(
                _service_errors(exc, inline_person=person_data is not None)
            ) from None
        return Response(CandidacySerializer(candidacy).data, status=status.HTTP_201_CREATED)

    def _refuse_person_outside_scope(self, data: PersonData) -> None:
        """The service reuses whoever it finds, anywhere in the country, and moves them to the
        new cell. Through the API a user may only reuse a person they can already see, so a
        match in another subtree is refused without naming or moving that person."""
        found = person_find(
            national_id=data.national_id,
            family_name=data.family_name,
            middle_name=data.middle_name,
            given_name=data.given_name,
            birth_date=data.birth_date,
        )
        if (
            found is None
            or person_policy.visible_to(self.request.user).filter(pk=found.pk).exists()
        ):
            return
        if data.national_id:
            errors = {
                "national_id": [
                    _(
                        "Số định danh này thuộc hồ sơ do tổ chức khác quản lý; "
                        "cần chuyển hồ sơ trước khi lập hồ sơ mới."
                    )
                ]
            }
        else:
            errors = {
                "national_id": [
                    _(
                        "Đã có người cùng họ tên và ngày sinh do tổ chức khác quản lý; "
                        "hãy nhập số định danh cá nhân để phân biệt."
                    )
                ]
            }
        raise serializers.ValidationError({"person": errors})
