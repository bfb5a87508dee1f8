"""/api/v1/candidacies/: list, read and register candidacies.

Stage actions (issue 3) are added to `CandidacyViewSet` as `@action(detail=True)` methods that
fetch with `self.get_object()` (scoped, 404 outside the subtree) and call the action service.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action as action_route
from rest_framework.exceptions import ParseError, UnsupportedMediaType
from rest_framework.fields import get_error_detail
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ptdv.accounts.models import ROLE_RANK
from ptdv.audit.services import audit_list_read, audit_record
from ptdv.candidacies.actions import SPECS
from ptdv.candidacies.breakdown import candidacy_breakdown
from ptdv.candidacies.facts import ActionFacts, DocumentSerializer
from ptdv.candidacies.models import Candidacy
from ptdv.candidacies.policies import candidacy_policy
from ptdv.candidacies.selectors import candidacy_attach_escalations, candidacy_list
from ptdv.candidacies.serializers import (
    CandidacyDetailSerializer,
    CandidacyFilterSerializer,
    CandidacyRegisterSerializer,
    CandidacySerializer,
    PersonInputSerializer,
)
from ptdv.candidacies.services import OpenCandidacyExists, candidacy_register
from ptdv.candidacies.void import candidacy_void_last
from ptdv.candidacies.workflow import RuleViolation, StaleVersion, WrongStage, candidacy_act
from ptdv.core.api import error_body
from ptdv.core.policies import REQUIRED_ROLE, Action, user_scopes
from ptdv.core.schema import error_ref
from ptdv.members.roster_api import BreakdownSerializer
from ptdv.people.services import PersonData

# Keys a service error may carry that describe the typed-in person, not the candidacy.
_PERSON_KEYS = frozenset(PersonInputSerializer._declared_fields) | {"enterprise_type", "roles"}


def _action_body(action: str, facts: type[ActionFacts]) -> type[serializers.Serializer[Any]]:
    """The body of one action, for the schema: its facts, the document and the version."""
    name = "".join(part.title() for part in action.split("_")) + "Action"
    fields = {
        "document": DocumentSerializer(
            required=False, help_text=_("Văn bản ghi nhận thao tác (số, ngày, nơi ban hành, ký).")
        ),
        "version": serializers.IntegerField(
            required=False, help_text=_("Phiên bản hồ sơ người dùng đã thấy (chống ghi đè).")
        ),
        "__module__": __name__,
        "__doc__": f"Thao tác `{action}`.",
    }
    return type(name, (facts,), fields)


# One body per action; the schema gives each action its own path (ptdv.core.schema).
ACTION_BODIES = {str(a): _action_body(str(a), spec.facts) for a, spec in SPECS.items()}


class CandidacyVoidRequest(serializers.Serializer[Any]):
    """Voiding the dossier's last step."""

    # Whitespace alone passes here and is refused by the service (a 422).
    reason = serializers.CharField(
        max_length=2000,
        trim_whitespace=False,
        error_messages={
            "blank": _("Cần nêu lý do hủy bước này."),
            "required": _("Cần nêu lý do hủy bước này."),
        },
        help_text=_("Lý do hủy (bắt buộc)."),
    )
    event = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text=_("Mã bước người dùng muốn hủy; phải là bước ghi sau cùng chưa bị hủy."),
    )
    version = serializers.IntegerField(
        required=False, help_text=_("Phiên bản hồ sơ người dùng đã thấy (chống ghi đè).")
    )


class MayCreateSomewhere(BasePermission):
    """A role that may register candidacies somewhere; the target cell is checked by the
    service (403 when the user's role there is too low)."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        required = ROLE_RANK[REQUIRED_ROLE[Action.CREATE]]
        return any(rank >= required for _path, rank in user_scopes(request.user))


def _service_errors(exc: DjangoValidationError, *, inline_person: bool) -> dict[str, Any]:
    """A service's errors keyed like the request body: the typed-in person's fields nest under
    `person`, and a refusal about the person points at `person_id` when that was sent. The
    messages keep their codes (a refusal by a rule is a 422, ptdv.core.refusals)."""
    detail = get_error_detail(exc)
    if not isinstance(detail, dict):
        return {"non_field_errors": detail}
    errors: dict[str, Any] = {}
    nested: dict[str, list[Any]] = {}
    for key, messages in detail.items():
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
            409: OpenApiResponse(description="Công dân đang có một hồ sơ chưa kết thúc."),
            422: OpenApiResponse(
                error_ref("RuleViolationError"),
                description=(
                    "Dữ liệu đúng định dạng nhưng quy định không cho phép (ngày sinh hoặc ngày "
                    "đưa vào nguồn sau hôm nay, người đã là đảng viên, đảng viên giúp đỡ không "
                    "phải đảng viên chính thức của chi bộ…)."
                ),
            ),
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
    _list_organisation: Any = None  # the list's organisation filter, for its audit entry

    def get_permissions(self) -> list[Any]:
        permissions = [*super().get_permissions()]
        if self.action == "create":
            permissions.append(MayCreateSomewhere())
        return permissions

    def get_queryset(self) -> QuerySet[Candidacy]:
        user = self.request.user
        if self.action in ("list", "breakdown"):
            filters = CandidacyFilterSerializer(
                data=self.request.query_params, context=self.get_serializer_context()
            )
            filters.is_valid(raise_exception=True)
            self._list_organisation = filters.validated_data.get("organisation")
            # The list answers the helper's id only (CandidacySerializer).
            return candidacy_list(actor=user, filters=dict(filters.validated_data), helper=False)
        return candidacy_policy.visible_to(user).select_related(
            "person__residence_locality", "organisation"
        )

    def paginate_queryset(self, queryset: Any) -> list[Any] | None:
        page = super().paginate_queryset(queryset)
        return candidacy_attach_escalations(page) if page is not None else None

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        filters = dict(request.query_params.items())
        page = getattr(getattr(self, "paginator", None), "page", None)
        organisation = getattr(self, "_list_organisation", None)
        audit_list_read(
            actor=request.user,
            object_type="candidacies.candidacy",
            ids=[row["id"] for row in response.data["results"]],
            person_ids=[row["person"]["id"] for row in response.data["results"]],
            count=response.data["count"],
            summary="Xem danh sách hồ sơ phát triển đảng viên (API)",
            filters={
                **{k: v for k, v in filters.items() if k not in ("page", "page_size")},
                "page": page.number if page is not None else None,
            },
            organisation=organisation,
        )
        return response

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        candidacy = self.get_object()
        audit_record(
            actor=request.user,
            action="view",
            obj=candidacy,
            person=candidacy.person,
            summary="Xem hồ sơ phát triển đảng viên (API)",
        )
        return Response(self.get_serializer(candidacy).data)

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        if self.action == "retrieve":
            return CandidacyDetailSerializer
        return CandidacySerializer

    @extend_schema(
        summary="Cơ cấu danh sách hồ sơ",
        description=(
            "Số hồ sơ của danh sách (cùng bộ lọc) theo lĩnh vực và đặc điểm địa bàn của chi "
            "bộ, và theo đối tượng của người được bồi dưỡng. Một người thuộc nhiều đối tượng, "
            "một chi bộ có nhiều đặc điểm được đếm ở mỗi mục."
        ),
        parameters=[CandidacyFilterSerializer],
        responses={200: BreakdownSerializer},
    )
    @action_route(detail=False, methods=["get"], pagination_class=None)
    def breakdown(self, request: Request, format: str | None = None) -> Response:
        return Response(candidacy_breakdown(self.get_queryset()).to_dict())

    @extend_schema(
        summary="Thực hiện một thao tác trên hồ sơ",
        description=(
            "Thao tác (`action`): "
            + ", ".join(f"`{name}`" for name in SPECS)
            + ". Thân yêu cầu gồm các dữ kiện của thao tác, `document` (`number`, `date`, "
            "`issuing_body`, `signer`) và `version` mà người dùng đã thấy. 200: trạng thái mới "
            "(biểu quyết có `outcome` passed/failed); 422: quy định chặn (`violations`, "
            "`warnings`); 409: `version` đã cũ; 404: ngoài phạm vi; 403: vai trò không được phép."
        ),
        parameters=[
            OpenApiParameter("action_name", str, OpenApiParameter.PATH, enum=[*ACTION_BODIES])
        ],
        request=PolymorphicProxySerializer(
            component_name="CandidacyActionRequest",
            serializers=[*ACTION_BODIES.values()],
            resource_type_field_name=None,
        ),
        responses={
            200: CandidacyDetailSerializer,
            400: OpenApiResponse(description="Dữ kiện không hợp lệ."),
            409: OpenApiResponse(
                error_ref("StaleVersionError"),
                description=(
                    "Hồ sơ đã bị người khác thay đổi (`version` hiện tại), hoặc giai đoạn "
                    "hiện tại của hồ sơ không cho phép thao tác này."
                ),
            ),
            422: OpenApiResponse(
                error_ref("RuleViolationError"),
                description=(
                    "Dữ kiện đúng định dạng nhưng quy định không cho phép: ngày sau hôm nay, "
                    "dữ kiện mâu thuẫn nhau (số tán thành lớn hơn số có mặt…), hoặc bộ quy "
                    "định chặn (`violations`, `warnings`)."
                ),
            ),
        },
        # One operation per action in the schema, each with its own body (ptdv.core.schema).
        extensions={
            "x-split-path-parameter": {
                "name": "action_name",
                "bodies": {
                    action: f"{body.__name__}Request" for action, body in ACTION_BODIES.items()
                },
            }
        },
    )
    @action_route(detail=True, methods=["post"], url_path=r"actions/(?P<action_name>[a-z_]+)")
    def act(
        self,
        request: Request,
        pk: str | None = None,
        action_name: str = "",
        format: str | None = None,  # the router's `.json` suffix passes it
    ) -> Response:
        if action_name not in ACTION_BODIES:
            return Response(
                error_body(
                    "unknown_action", _("Thao tác không tồn tại: %(a)s.") % {"a": action_name}
                ),
                status=status.HTTP_404_NOT_FOUND,
            )
        # The dossier is not read here: the service reads it under its lock through the same
        # scope (outside it, or absent: the same 404), and a read before it would be a repeat.
        try:
            data = request.data if isinstance(request.data, dict) else {}
        except (ParseError, UnsupportedMediaType):
            self.get_object()  # outside the scope answers 404 before the body is judged
            raise
        version = data.get("version")
        if version is not None and (not isinstance(version, int) or isinstance(version, bool)):
            self.get_object()  # (the same)
            raise serializers.ValidationError({"version": [_("version phải là số nguyên.")]})
        try:
            candidacy_id = int(pk or "")
        except ValueError:
            raise Http404 from None  # like a dossier that does not exist
        try:
            result = candidacy_act(
                actor=request.user,
                candidacy_id=candidacy_id,
                action=action_name,
                data={k: v for k, v in data.items() if k != "version"},
                version=version,
            )
        except StaleVersion as exc:
            body = error_body("conflict", str(exc))
            body["version"] = exc.current
            return Response(body, status=status.HTTP_409_CONFLICT)
        except WrongStage as exc:
            # The request is well formed; the dossier's present stage does not allow it.
            fields = {key: [str(m) for m in value] for key, value in exc.message_dict.items()}
            message = next(iter(fields.values()))[0]
            body = error_body("invalid_stage", message, fields)
            body["version"] = exc.current  # as read under the lock
            return Response(body, status=status.HTTP_409_CONFLICT)
        except RuleViolation as exc:
            body = error_body("rule_violation", exc.message)
            body["violations"] = exc.violations
            body["warnings"] = exc.warnings
            return Response(body, status=status.HTTP_422_UNPROCESSABLE_ENTITY)
        # The service only moves a dossier to a cell the user may change, so it stays
        # visible; read it back defensively all the same (a missing row was once a 500
        # answered after the change had committed), and as committed (the effect's changes
        # to the person, the version, are written by UPDATEs, not all kept in memory).
        fresh = self.get_queryset().filter(pk=result.candidacy.pk).first() or result.candidacy
        payload = dict(CandidacyDetailSerializer(fresh, context=self.get_serializer_context()).data)
        payload["outcome"] = result.outcome or None
        payload["warnings"] = result.warnings
        payload["event"] = result.event.pk
        return Response(payload)

    @extend_schema(
        summary="Hủy bước ghi sau cùng của hồ sơ",
        description=(
            "Người phê duyệt hủy bước sau cùng (chưa bị hủy) của hồ sơ, có lý do: bước được giữ "
            "và đánh dấu đã hủy, hồ sơ trở lại trạng thái trước bước đó (giai đoạn, dữ kiện, "
            "quá trình sinh hoạt đảng do bước tạo ra). 200: hồ sơ sau khi hủy (`voided_event`); "
            "422: không hủy được (`fields`); 409: `version` đã cũ; 404: ngoài phạm vi; 403: "
            "vai trò không được phép."
        ),
        request=CandidacyVoidRequest,
        responses={
            200: CandidacyDetailSerializer,
            400: OpenApiResponse(description="Dữ liệu không hợp lệ."),
            409: OpenApiResponse(
                error_ref("StaleVersionError"),
                description="Hồ sơ đã bị người khác thay đổi (`version` hiện tại).",
            ),
            422: OpenApiResponse(
                error_ref("RuleViolationError"),
                description="Không có bước để hủy, bước nêu không phải bước sau cùng, hoặc "
                "bước không thể hủy.",
            ),
        },
    )
    @action_route(detail=True, methods=["post"], url_path="void")
    def void(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:
        candidacy = self.get_object()
        body = CandidacyVoidRequest(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            result = candidacy_void_last(
                actor=request.user,
                candidacy_id=candidacy.pk,
                reason=data["reason"],
                version=data.get("version"),
                event_id=data.get("event"),
            )
        except StaleVersion as exc:
            conflict = error_body("conflict", str(exc))
            conflict["version"] = exc.current
            return Response(conflict, status=status.HTTP_409_CONFLICT)
        fresh = self.get_queryset().filter(pk=candidacy.pk).first() or result.candidacy
        payload = dict(CandidacyDetailSerializer(fresh, context=self.get_serializer_context()).data)
        payload["voided_event"] = result.event.pk
        return Response(payload)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = CandidacyRegisterSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = body.validated_data
        person_data = PersonData(**data["person"]) if data.get("person") is not None else None
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
                movement=data.get("movement"),
                referring_body=data.get("referring_body"),
            )
        except DjangoValidationError as exc:
            errors = _service_errors(exc, inline_person=person_data is not None)
            if isinstance(exc, OpenCandidacyExists):
                fields = {key: [str(m) for m in value] for key, value in errors.items()}
                message = next(iter(fields.values()))[0]
                return Response(
                    error_body("conflict", message, fields), status=status.HTTP_409_CONFLICT
                )
            raise serializers.ValidationError(errors) from None
        return Response(CandidacySerializer(candidacy).data, status=status.HTTP_201_CREATED)
