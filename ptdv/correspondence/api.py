"""/api/v1/requests/: the requests between organisations the user sees (list with
`direction`, `status`, `kind`; create; one request) and their actions
(`POST /api/v1/requests/{id}/actions/{action}/`: receive, answer, accept, refuse, cancel).

What the API shows of a request is what its pages show: the request and the facts copied into
it, never the dossier (the sender's side also gets the dossier's id). Every read is audited."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ptdv.audit.services import audit_list_read, audit_record
from ptdv.candidacies.workflow import RuleViolation, WrongStage
from ptdv.core.api import error_body
from ptdv.core.api_views import ApiModelSerializer, ApiSerializer
from ptdv.core.schema import error_ref
from ptdv.correspondence.models import (
    Conclusion,
    OrganisationRequest,
    RequestKind,
    RequestStatus,
    VerificationPlace,
)
from ptdv.correspondence.policies import request_policy, sees_dossier
from ptdv.correspondence.selectors import DIRECTIONS, RequestFilters, request_list
from ptdv.correspondence.services import (
    NewRequest,
    Reply,
    StaleRequest,
    WrongStatus,
    request_accept,
    request_answer,
    request_cancel,
    request_receive,
    request_refuse,
    request_send,
)
from ptdv.organisations.models import Organisation


class RequestOrganisationSerializer(ApiModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "code", "name"]
        read_only_fields = fields


class SubjectSerializer(serializers.Serializer[Any]):
    """The person, as much as the addressee needs (data minimisation)."""

    full_name = serializers.CharField(source="subject_name")
    birth_date = serializers.DateField(source="subject_birth_date")
    home_town = serializers.CharField(source="subject_home_town")
    residence = serializers.CharField(source="subject_residence")
    father = serializers.CharField(source="subject_father")
    mother = serializers.CharField(source="subject_mother")


class RequestSerializer(ApiModelSerializer):
    sender = RequestOrganisationSerializer(read_only=True)
    addressee = RequestOrganisationSerializer(read_only=True, allow_null=True)
    escalated_to = RequestOrganisationSerializer(read_only=True, allow_null=True)
    transfer_target = RequestOrganisationSerializer(read_only=True, allow_null=True)
    # Empty until answered / for other kinds: "" is one of the values.
    place = serializers.ChoiceField(choices=[("", "—"), *VerificationPlace.choices], read_only=True)
    conclusion = serializers.ChoiceField(choices=[("", "—"), *Conclusion.choices], read_only=True)
    subject = serializers.SerializerMethodField()
    number = serializers.SerializerMethodField()
    candidacy = serializers.SerializerMethodField()
    has_scan = serializers.SerializerMethodField()

    class Meta:
        model = OrganisationRequest
        fields = [
            "id",
            "kind",
            "place",
            "status",
            "sender",
            "addressee",
            "addressee_name",
            "addressee_address",
            "subject",
            "questions",
            "sent_on",
            "due_on",
            "number",
            "received_on",
            "answered_on",
            "reply_text",
            "conclusion",
            "reply_number",
            "reply_signer",
            "has_scan",
            "overdue_on",
            "escalated_to",
            "transfer_target",
            "decided_on",
            "refusal_reason",
            "cancelled_on",
            "cancel_reason",
            "candidacy",
            "version",
        ]
        read_only_fields = fields

    @extend_schema_field(SubjectSerializer)
    def get_subject(self, request: OrganisationRequest) -> dict[str, Any]:
        return dict(SubjectSerializer(request).data)

    def get_number(self, request: OrganisationRequest) -> str:
        """The letter's number and symbol from the register ("" when not numbered)."""
        return request.number.symbol if request.number is not None else ""

    def get_candidacy(self, request: OrganisationRequest) -> int | None:
        """The dossier's id, for the sender's side only (null for the addressee)."""
        user = getattr(self.context.get("request"), "user", None)
        return request.candidacy_id if sees_dossier(user, request) else None

    def get_has_scan(self, request: OrganisationRequest) -> bool:
        return request.reply_attachment_id is not None


class RequestFilterSerializer(ApiSerializer):
    direction = serializers.ChoiceField(
        choices=list(DIRECTIONS.items()),
        required=False,
        help_text=_(
            "incoming: gửi đến tổ chức trong phạm vi; outgoing: do tổ chức trong phạm vi gửi."
        ),
    )
    status = serializers.ChoiceField(choices=RequestStatus.choices, required=False)
    kind = serializers.ChoiceField(choices=RequestKind.choices, required=False)

    def filters(self) -> RequestFilters:
        data = self.validated_data
        return RequestFilters(
            direction=data.get("direction", ""),
            status=data.get("status", ""),
            kind=data.get("kind", ""),
        )


class RequestCreateSerializer(ApiSerializer):
    candidacy = serializers.IntegerField(min_value=1, help_text=_("Mã (id) hồ sơ."))
    kind = serializers.ChoiceField(choices=RequestKind.choices)
    place = serializers.ChoiceField(
        choices=VerificationPlace.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Nơi thẩm tra (bắt buộc với thẩm tra lý lịch)."),
    )
    addressee = serializers.IntegerField(
        min_value=1,
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Mã (id) tổ chức nhận trong hệ thống; bỏ trống khi gửi ra ngoài hệ thống."),
    )
    addressee_name = serializers.CharField(
        max_length=255, required=False, allow_blank=True, default=""
    )
    addressee_address = serializers.CharField(
        max_length=255, required=False, allow_blank=True, default=""
    )
    home_town = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    questions = serializers.CharField(max_length=4000)


# --- Actions ---------------------------------------------------------------------------------


class _Versioned(ApiSerializer):
    version = serializers.IntegerField(
        required=False, help_text=_("Phiên bản yêu cầu người dùng đã thấy.")
    )


class RequestReceiveBody(_Versioned):
    """Tiếp nhận yêu cầu (bên nhận)."""


class RequestAnswerBody(_Versioned):
    """Trả lời yêu cầu thẩm tra, xin ý kiến (bên nhận; bên gửi khi nơi nhận ngoài hệ thống)."""

    reply_text = serializers.CharField(max_length=8000)
    conclusion = serializers.ChoiceField(choices=Conclusion.choices)
    answered_on = serializers.DateField()
    reply_number = serializers.CharField(
        max_length=60, required=False, allow_blank=True, default=""
    )
    reply_signer = serializers.CharField(
        max_length=150, required=False, allow_blank=True, default=""
    )


class RequestAcceptBody(_Versioned):
    """Tiếp nhận hồ sơ chuyển đến vào một chi bộ của bên nhận."""

    organisation = serializers.IntegerField(min_value=1, help_text=_("Chi bộ tiếp nhận."))
    helper = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)


class RequestReasonBody(_Versioned):
    reason = serializers.CharField(max_length=255)


class RequestRefuseBody(RequestReasonBody):
    """Từ chối tiếp nhận hồ sơ chuyển đến."""


class RequestCancelBody(RequestReasonBody):
    """Hủy yêu cầu (bên gửi)."""


ACTION_BODIES: dict[str, type[_Versioned]] = {
    "receive": RequestReceiveBody,
    "answer": RequestAnswerBody,
    "accept": RequestAcceptBody,
    "refuse": RequestRefuseBody,
    "cancel": RequestCancelBody,
}


def _act(user: Any, pk: int, action: str, data: dict[str, Any]) -> OrganisationRequest:
    today = timezone.localdate()
    version = data.get("version")
    if action == "receive":
        return request_receive(actor=user, request_id=pk, today=today, version=version)
    if action == "answer":
        reply = Reply(
            text=data["reply_text"],
            conclusion=data["conclusion"],
            answered_on=data["answered_on"],
            number=data.get("reply_number", ""),
            signer=data.get("reply_signer", ""),
        )
        return request_answer(actor=user, request_id=pk, reply=reply, today=today, version=version)
    if action == "accept":
        return request_accept(
            actor=user,
            request_id=pk,
            organisation=data["organisation"],
            helper=data.get("helper"),
            today=today,
            version=version,
        )
    if action == "refuse":
        return request_refuse(
            actor=user, request_id=pk, reason=data["reason"], today=today, version=version
        )
    return request_cancel(
        actor=user, request_id=pk, reason=data["reason"], today=today, version=version
    )


class RequestActionView(APIView):
    @extend_schema(
        summary="Thực hiện một thao tác trên yêu cầu",
        description=(
            "Thao tác (`action`): `receive` (bên nhận tiếp nhận), `answer` (trả lời thẩm tra, "
            "xin ý kiến: kết quả được ghi ngay vào hồ sơ), `accept` (tiếp nhận hồ sơ chuyển "
            "đến vào chi bộ `organisation`), `refuse` (từ chối, `reason`), `cancel` (bên gửi "
            "hủy, `reason`). 200: yêu cầu sau thao tác; 422: dữ kiện không được chấp nhận; "
            "409: `version` đã cũ hoặc tình trạng không cho phép; 404: ngoài phạm vi; 403: "
            "không đứng ở phía được làm thao tác này hoặc vai trò không được phép."
        ),
        parameters=[
            OpenApiParameter("action_name", str, OpenApiParameter.PATH, enum=[*ACTION_BODIES])
        ],
        request=PolymorphicProxySerializer(
            component_name="RequestActionRequest",
            serializers=[*ACTION_BODIES.values()],
            resource_type_field_name=None,
        ),
        responses={
            200: RequestSerializer,
            400: OpenApiResponse(description="Dữ liệu không hợp lệ."),
            409: OpenApiResponse(
                error_ref("StaleVersionError"),
                description=(
                    "Yêu cầu đã bị người khác thay đổi (`version` hiện tại), hoặc tình trạng "
                    "của yêu cầu (hay giai đoạn của hồ sơ) không cho phép thao tác này."
                ),
            ),
            422: OpenApiResponse(
                error_ref("RuleViolationError"),
                description="Dữ liệu đúng định dạng nhưng không được chấp nhận.",
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
        body_class = ACTION_BODIES.get(action_name)
        if body_class is None:
            return Response(
                error_body(
                    "unknown_action", _("Thao tác không tồn tại: %(a)s.") % {"a": action_name}
                ),
                status=status.HTTP_404_NOT_FOUND,
            )
        # Outside the user's scope the answer is 404 before the body is read.
        request_policy.get_visible(request.user, pk)
        body = body_class(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            result = _act(request.user, pk, action_name, dict(body.validated_data))
        except StaleRequest as exc:
            conflict = error_body("conflict", str(exc))
            conflict["version"] = exc.current
            return Response(conflict, status=status.HTTP_409_CONFLICT)
        except (WrongStatus, WrongStage) as exc:
            fields = {key: [str(m) for m in value] for key, value in exc.message_dict.items()}
            message = next(iter(fields.values()))[0]
            conflict = error_body("invalid_status", message, fields)
            conflict["version"] = OrganisationRequest.objects.values_list("version", flat=True).get(
                pk=pk
            )
            return Response(conflict, status=status.HTTP_409_CONFLICT)
        except RuleViolation as exc:
            refusal = error_body("rule_violation", exc.message)
            refusal["violations"] = exc.violations
            refusal["warnings"] = exc.warnings
            return Response(refusal, status=status.HTTP_422_UNPROCESSABLE_ENTITY)
        fresh = request_policy.visible_to(request.user).filter(pk=result.pk).first() or result
        return Response(RequestSerializer(fresh, context={"request": request}).data)


# --- List, create, read ----------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Danh sách yêu cầu giữa các tổ chức",
        description=(
            "Yêu cầu đến (`direction=incoming`) hoặc đã gửi (`outgoing`) của các tổ chức trong "
            "phạm vi; lọc theo `status`, `kind`. Mỗi lần xem được ghi nhật ký."
        ),
        parameters=[RequestFilterSerializer],
    ),
    retrieve=extend_schema(
        summary="Một yêu cầu",
        responses={200: RequestSerializer, 404: OpenApiResponse(description="Không có.")},
    ),
    create=extend_schema(
        summary="Gửi yêu cầu về một hồ sơ",
        description=(
            "Thẩm tra lý lịch (`place`: quê quán, nơi cư trú, nơi làm việc), xin ý kiến chi ủy "
            "nơi cư trú hoặc đoàn thể, chuyển hồ sơ sang tổ chức ngoài đơn vị. Nơi nhận là "
            "một tổ chức trong hệ thống (`addressee`) hoặc ngoài hệ thống (`addressee_name`, "
            "`addressee_address`: công văn được lấy số và in để gửi). Hạn trả lời tính theo "
            "ngày làm việc. 201: yêu cầu đã gửi; 400: hồ sơ hoặc tổ chức nhận không tìm thấy; "
            "422: không được gửi (hồ sơ đã đóng, đã có yêu cầu như vậy…)."
        ),
        request=RequestCreateSerializer,
        responses={
            201: RequestSerializer,
            422: OpenApiResponse(
                error_ref("RuleViolationError"), description="Không được gửi yêu cầu này."
            ),
        },
    ),
)
class RequestViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[OrganisationRequest],
):
    serializer_class = RequestSerializer
    queryset = OrganisationRequest.objects.none()
    filter_backends: list[Any] = []
    _filters: RequestFilters | None = None

    def get_queryset(self) -> QuerySet[OrganisationRequest]:
        if self.action == "list":
            body = RequestFilterSerializer(data=self.request.query_params)
            body.is_valid(raise_exception=True)
            self._filters = body.filters()
            return request_list(actor=self.request.user, filters=self._filters)
        return request_policy.visible_to(self.request.user)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        filters = self._filters or RequestFilters()
        ids = [row["id"] for row in response.data["results"]]
        audit_list_read(
            actor=request.user,
            object_type="correspondence.organisationrequest",
            ids=ids,
            person_ids=list(
                OrganisationRequest.objects.filter(pk__in=ids).values_list(
                    "candidacy__person_id", flat=True
                )
            ),
            count=response.data["count"],
            summary="Xem danh sách yêu cầu giữa các tổ chức (API)",
            filters=filters.as_audit(),
        )
        return response

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        audit_record(
            actor=request.user,
            action="view",
            obj=instance,
            person=instance.candidacy.person,
            organisation=instance.sender,
            summary="Xem yêu cầu giữa các tổ chức (API)",
        )
        return Response(self.get_serializer(instance).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = RequestCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        created = request_send(
            actor=request.user,
            candidacy_id=data["candidacy"],
            data=NewRequest(
                kind=data["kind"],
                questions=data["questions"],
                addressee=data.get("addressee"),
                addressee_name=data.get("addressee_name", ""),
                addressee_address=data.get("addressee_address", ""),
                place=data.get("place", ""),
                home_town=data.get("home_town", ""),
            ),
            today=timezone.localdate(),
        )
        fresh = request_policy.visible_to(request.user).get(pk=created.pk)
        return Response(
            RequestSerializer(fresh, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


urlpatterns: list[URLPattern] = [
    path(
        "requests/<int:pk>/actions/<str:action_name>/",
        RequestActionView.as_view(),
        name="request-action",
    ),
]
