"""`POST /api/v1/members/{id}/actions/{action}/`: the membership actions, with the body and
the answers of a dossier action (200, 400/422, 409, 404, 403). Mounted at /api/v1/ before
the routers (config/api_urls.py), so this path wins over a router's `members/` patterns."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
)
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ptdv.core.api import error_body
from ptdv.core.schema import error_ref
from ptdv.members.actions import (
    MEMBERSHIP_SPECS,
    MemberDocumentSerializer,
    MembershipFacts,
    StaleVersion,
    WrongState,
    membership_act,
)
from ptdv.members.models import MembershipEvent, PartyMembership
from ptdv.organisations.models import Organisation


def _action_body(action: str, facts: type[MembershipFacts]) -> type[serializers.Serializer[Any]]:
    """The body of one action, for the schema: its facts, the document and the version."""
    name = "Member" + "".join(part.title() for part in action.split("_")) + "Action"
    fields = {
        "document": MemberDocumentSerializer(
            required=False, help_text=_("Văn bản ghi nhận thao tác (số, ngày, nơi ban hành, ký).")
        ),
        "version": serializers.IntegerField(
            required=False, help_text=_("Phiên bản hồ sơ đảng viên người dùng đã thấy.")
        ),
        "__module__": __name__,
        "__doc__": f"Thao tác `{action}` trên đảng viên.",
    }
    return type(name, (facts,), fields)


ACTION_BODIES = {name: _action_body(name, spec.facts) for name, spec in MEMBERSHIP_SPECS.items()}


class MembershipEventSerializer(serializers.ModelSerializer[MembershipEvent]):
    from_organisation: serializers.SlugRelatedField[Organisation] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    to_organisation: serializers.SlugRelatedField[Organisation] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )

    class Meta:
        model = MembershipEvent
        fields = [
            "id",
            "action",
            "date",
            "document_number",
            "document_date",
            "issuing_body",
            "signer",
            "reason",
            "facts",
            "from_organisation",
            "to_organisation",
        ]


class MembershipStateSerializer(serializers.ModelSerializer[PartyMembership]):
    """The membership after an action."""

    organisation: serializers.SlugRelatedField[Organisation] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    attached_to: serializers.SlugRelatedField[Organisation] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    is_attached_elsewhere = serializers.BooleanField(read_only=True)
    is_exempt = serializers.BooleanField(read_only=True)

    class Meta:
        model = PartyMembership
        fields = [
            "id",
            "person",
            "organisation",
            "status",
            "admission_decision_date",
            "ceremony_date",
            "official_date",
            "attached_to",
            "attached_from",
            "attached_note",
            "is_attached_elsewhere",
            "exempt_from",
            "is_exempt",
            "exit_date",
            "exit_reason",
            "exit_grounds",
            "version",
        ]


class MembershipActionResultSerializer(MembershipStateSerializer):
    event = MembershipEventSerializer(read_only=True)

    class Meta(MembershipStateSerializer.Meta):
        fields = [*MembershipStateSerializer.Meta.fields, "event"]


class MembershipActionView(APIView):
    @extend_schema(
        summary="Thực hiện một thao tác trên đảng viên",
        description=(
            "Thao tác (`action`): "
            + ", ".join(f"`{name}`" for name in MEMBERSHIP_SPECS)
            + ". Thân yêu cầu gồm `date` (ngày có hiệu lực), `document` (`number`, `date`, "
            "`issuing_body`, `signer`), `version` mà người dùng đã thấy và các dữ kiện của "
            "thao tác (`remove`: `grounds`, ví dụ `not_attending`, và `reason`). 200: trạng "
            "thái mới và bước vừa ghi (`event`); 422: quy định về ngày hoặc dữ kiện không cho "
            "phép; 409: `version` đã cũ hoặc tình trạng hiện tại không cho phép; 404: ngoài "
            "phạm vi; 403: vai trò không được phép (xóa tên, khai trừ: người phê duyệt)."
        ),
        parameters=[
            OpenApiParameter("action_name", str, OpenApiParameter.PATH, enum=[*ACTION_BODIES])
        ],
        request=PolymorphicProxySerializer(
            component_name="MembershipActionRequest",
            serializers=[*ACTION_BODIES.values()],
            resource_type_field_name=None,
        ),
        responses={
            200: MembershipActionResultSerializer,
            400: OpenApiResponse(description="Dữ kiện không hợp lệ."),
            409: OpenApiResponse(
                error_ref("StaleVersionError"),
                description=(
                    "Hồ sơ đảng viên đã bị người khác thay đổi (`version` hiện tại), hoặc "
                    "tình trạng hiện tại không cho phép thao tác này."
                ),
            ),
            422: OpenApiResponse(
                description="Dữ kiện đúng định dạng nhưng quy định không cho phép.",
            ),
        },
        extensions={
            "x-split-path-parameter": {
                "name": "action_name",
                "bodies": {
                    action: f"{body.__name__}Request" for action, body in ACTION_BODIES.items()
                },
            }
        },
    )
    def post(self, request: Request, pk: int, action_name: str) -> Response:
        if action_name not in ACTION_BODIES:
            return Response(
                error_body(
                    "unknown_action", _("Thao tác không tồn tại: %(a)s.") % {"a": action_name}
                ),
                status=status.HTTP_404_NOT_FOUND,
            )
        data = request.data if isinstance(request.data, dict) else {}
        version = data.get("version")
        if version is not None and (not isinstance(version, int) or isinstance(version, bool)):
            raise serializers.ValidationError({"version": [_("version phải là số nguyên.")]})
        try:
            result = membership_act(
                actor=request.user,
                membership_id=pk,
                action=action_name,
                data={k: v for k, v in data.items() if k != "version"},
                version=version,
            )
        except StaleVersion as exc:
            body = error_body("conflict", str(exc))
            body["version"] = exc.current
            return Response(body, status=status.HTTP_409_CONFLICT)
        except WrongState as exc:
            fields = {key: [str(m) for m in value] for key, value in exc.message_dict.items()}
            message = next(iter(fields.values()))[0]
            body = error_body("invalid_state", message, fields)
            body["version"] = PartyMembership.objects.values_list("version", flat=True).get(pk=pk)
            return Response(body, status=status.HTTP_409_CONFLICT)
        payload = dict(MembershipStateSerializer(result.membership).data)
        payload["event"] = MembershipEventSerializer(result.event).data
        return Response(payload)


urlpatterns: list[URLPattern] = [
    path(
        "members/<int:pk>/actions/<str:action_name>/",
        MembershipActionView.as_view(),
        name="member-action",
    ),
]
