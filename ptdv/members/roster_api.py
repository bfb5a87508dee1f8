"""/api/v1/members/: the member roster of the user's subtrees (list with filters, a member
with the history of the membership, the list's breakdown). Reads are audited like the
people and candidacies API: one entry per list page (ids, filters, count), one per member
read. The membership actions (`POST /api/v1/members/{id}/actions/{action}/`) are the
members app's own view."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action as action_route
from rest_framework.request import Request
from rest_framework.response import Response

from ptdv.audit.services import audit_list_read, audit_record
from ptdv.core.api_views import ApiModelSerializer, ApiSerializer, VisibleRelatedField
from ptdv.members.models import MembershipAction, MembershipStatus, PartyMembership
from ptdv.members.policies import membership_policy
from ptdv.members.selectors import (
    AGE_BAND_CHOICES,
    ALL_STATUSES,
    MemberFilters,
    member_breakdown,
    member_detail_queryset,
    member_history,
    member_list,
)
from ptdv.organisations.models import AreaFlag, Locality, Organisation, Sector
from ptdv.organisations.policies import organisation_policy
from ptdv.organisations.selectors import locality_get_visible
from ptdv.people.choices import ETHNICITIES, Gender, TargetGroup
from ptdv.people.models import Person


class MemberOrganisationSerializer(ApiModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "code", "name", "sector"]
        read_only_fields = fields


class MemberLocalitySerializer(ApiModelSerializer):
    full_name = serializers.CharField(read_only=True, help_text=_("Tên in trên văn bản."))

    class Meta:
        model = Locality
        fields = ["id", "code", "name", "kind", "full_name"]
        read_only_fields = fields


class MemberPersonSerializer(ApiModelSerializer):
    full_name = serializers.CharField(read_only=True)
    residence_locality = MemberLocalitySerializer(read_only=True, allow_null=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "full_name",
            "family_name",
            "middle_name",
            "given_name",
            "birth_date",
            "gender",
            "ethnicity",
            "target_groups",
            "residence_locality",
        ]
        read_only_fields = fields


class MemberSerializer(ApiModelSerializer):
    """A membership as the roster lists it. Its status changes only through the membership
    actions."""

    person = MemberPersonSerializer(read_only=True)
    organisation = MemberOrganisationSerializer(read_only=True)
    is_exempt = serializers.SerializerMethodField()
    exit_reason = serializers.CharField(
        read_only=True, help_text=_("Lý do ra khỏi tổ chức (mã; trống khi còn sinh hoạt).")
    )

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
            "exit_date",
            "exit_reason",
            "readmitted",
            "attached_to",
            "attached_from",
            "attached_note",
            "exempt_from",
            "is_exempt",
            "version",
        ]
        read_only_fields = fields

    def get_is_exempt(self, membership: PartyMembership) -> bool:
        return membership.exempt_from is not None


class MemberHistoryEventSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    action = serializers.ChoiceField(choices=MembershipAction.choices)
    # The API field shares its name with `Field.label` (the stubs type it as text).
    label = serializers.CharField(  # type: ignore[assignment]
        source="get_action_display"
    )
    date = serializers.DateField()
    document = serializers.SerializerMethodField()
    reason = serializers.CharField()
    facts = serializers.JSONField()
    from_organisation = serializers.IntegerField(source="from_organisation_id", allow_null=True)
    to_organisation = serializers.IntegerField(source="to_organisation_id", allow_null=True)
    actor = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_document(self, event: Any) -> dict[str, Any]:
        return {
            "number": event.document_number,
            "date": event.document_date,
            "issuing_body": event.issuing_body,
            "signer": event.signer,
        }

    def get_actor(self, event: Any) -> str | None:
        return event.actor.username if event.actor_id else None


class MemberDetailSerializer(MemberSerializer):
    history = serializers.SerializerMethodField()
    candidacy = serializers.IntegerField(source="candidacy_id", read_only=True, allow_null=True)

    class Meta(MemberSerializer.Meta):
        fields = [*MemberSerializer.Meta.fields, "candidacy", "history"]
        read_only_fields = fields

    @extend_schema_field(MemberHistoryEventSerializer(many=True))
    def get_history(self, membership: PartyMembership) -> list[dict[str, Any]]:
        """The membership's events, oldest first (admission, recognition, transfers,
        attachments, exemptions, exit)."""
        events = member_history(membership=membership)
        return list(MemberHistoryEventSerializer(events, many=True).data)


class MemberFilterSerializer(ApiSerializer):
    organisation = VisibleRelatedField(
        policy=organisation_policy,
        not_found=_("Không tìm thấy tổ chức."),
        required=False,
        help_text=_("Mã (id) tổ chức: lấy cả các tổ chức trực thuộc."),
    )
    status = serializers.ChoiceField(
        choices=[*MembershipStatus.choices, (ALL_STATUSES, _("Tất cả"))],
        required=False,
        help_text=_("Mặc định: đang sinh hoạt (dự bị, chính thức); `all`: mọi tình trạng."),
    )
    search = serializers.CharField(
        required=False,
        allow_blank=True,  # an empty search is no filter
        max_length=100,
        help_text=_("Tìm theo họ tên, không phân biệt dấu."),
    )
    locality = serializers.IntegerField(
        required=False, min_value=1, help_text=_("Mã (id) thôn, tổ dân phố cư trú.")
    )
    gender = serializers.ChoiceField(choices=Gender.choices, required=False)
    ethnicity = serializers.ChoiceField(choices=ETHNICITIES, required=False)
    age_band = serializers.ChoiceField(choices=AGE_BAND_CHOICES, required=False)
    year_admitted = serializers.IntegerField(
        required=False, min_value=1930, max_value=2100, help_text=_("Năm quyết định kết nạp.")
    )
    exempt = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("true: đang được miễn công tác và sinh hoạt; false: không; bỏ trống: tất cả."),
    )
    sector = serializers.ChoiceField(
        choices=Sector.choices, required=False, help_text=_("Lĩnh vực của chi bộ sinh hoạt.")
    )
    area_flag = serializers.ChoiceField(
        choices=AreaFlag.choices,
        required=False,
        help_text=_("Đặc điểm địa bàn của chi bộ sinh hoạt."),
    )
    target_group = serializers.ChoiceField(choices=TargetGroup.choices, required=False)

    def validate_locality(self, value: int | None) -> Locality | None:
        if value is None:
            return None
        request = self.context.get("request")
        try:
            return locality_get_visible(actor=getattr(request, "user", None), pk=value)
        except Http404:
            raise serializers.ValidationError(_("Không tìm thấy thôn, tổ dân phố.")) from None

    def filters(self) -> MemberFilters:
        return MemberFilters.of(dict(self.validated_data))


class BreakdownRowSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    # The API field shares its name with `Field.label` (the stubs type it as text).
    label = serializers.CharField()  # type: ignore[assignment]
    count = serializers.IntegerField()


class BreakdownSerializer(serializers.Serializer[Any]):
    total = serializers.IntegerField()
    sector = BreakdownRowSerializer(many=True)
    area_flag = BreakdownRowSerializer(many=True)
    target_group = BreakdownRowSerializer(many=True)


@extend_schema_view(
    list=extend_schema(
        summary="Danh sách đảng viên",
        description=(
            "Đảng viên trong phạm vi được phân quyền, theo thứ tự tên tiếng Việt (tên, tên "
            "đệm, họ). Mỗi lần xem được ghi nhật ký."
        ),
        parameters=[MemberFilterSerializer],
    ),
    retrieve=extend_schema(
        summary="Một đảng viên và toàn bộ quá trình sinh hoạt đảng",
        responses={200: MemberDetailSerializer, 404: OpenApiResponse(description="Không có.")},
    ),
)
class MemberViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[PartyMembership],
):
    serializer_class = MemberSerializer
    queryset = PartyMembership.objects.none()  # the real one comes from the policy, per user
    filter_backends: list[Any] = []
    _filters: MemberFilters | None = None

    def _member_filters(self) -> MemberFilters:
        body = MemberFilterSerializer(
            data=self.request.query_params, context=self.get_serializer_context()
        )
        body.is_valid(raise_exception=True)
        self._filters = body.filters()
        return self._filters

    def get_queryset(self) -> QuerySet[PartyMembership]:
        user = self.request.user
        if self.action in ("list", "breakdown"):
            return member_list(
                actor=user, filters=self._member_filters(), today=timezone.localdate()
            )
        return membership_policy.visible_to(user, member_detail_queryset())

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        if self.action == "retrieve":
            return MemberDetailSerializer
        return MemberSerializer

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        page = getattr(getattr(self, "paginator", None), "page", None)
        filters = self._filters or MemberFilters()
        audit_list_read(
            actor=request.user,
            object_type="members.partymembership",
            ids=[row["id"] for row in response.data["results"]],
            person_ids=[row["person"]["id"] for row in response.data["results"]],
            count=response.data["count"],
            summary="Xem danh sách đảng viên (API)",
            filters={**filters.as_audit(), "page": page.number if page is not None else None},
            organisation=filters.organisation,
        )
        return response

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        membership = self.get_object()
        audit_record(
            actor=request.user,
            action="view",
            obj=membership,
            person=membership.person,
            summary="Xem hồ sơ đảng viên (API)",
        )
        return Response(self.get_serializer(membership).data)

    @extend_schema(
        summary="Cơ cấu danh sách đảng viên",
        description=(
            "Số đảng viên của danh sách (cùng bộ lọc) theo lĩnh vực và đặc điểm địa bàn của "
            "chi bộ sinh hoạt, và theo đối tượng. Một đảng viên thuộc nhiều đối tượng, một chi "
            "bộ có nhiều đặc điểm được đếm ở mỗi mục."
        ),
        parameters=[MemberFilterSerializer],
        responses={200: BreakdownSerializer},
    )
    @action_route(detail=False, methods=["get"], pagination_class=None)
    def breakdown(self, request: Request, format: str | None = None) -> Response:
        return Response(member_breakdown(self.get_queryset()).to_dict())
