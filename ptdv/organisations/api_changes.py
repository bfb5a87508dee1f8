"""POST /api/v1/organisations/{id}/actions/{action}/ — `rename`, `move`, `merge`, `split`,
`dissolve` (ptdv/organisations/changes.py), answered like a dossier action:

- 200 with the change recorded and the organisation's new `version`;
- 400 when the body does not match the schema, or names an organisation (or locality) that
  is absent or outside the user's scope ("Không tìm thấy …");
- 403 when the user is not an administrator of the parent concerned;
- 404 for an unknown action or an organisation outside the user's scope;
- 409 when `version` is stale, or the organisation has already ended;
- 422 when a rule refuses a well-formed request (a decision dated after today, a successor
  missing, a code already used…).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ptdv.core.api import error_body
from ptdv.core.api_views import ApiSerializer
from ptdv.organisations.changes import (
    DecisionRef,
    NewOrganisation,
    OrganisationEnded,
    StaleOrganisation,
    may_change,
    organisation_dissolve,
    organisation_merge,
    organisation_move,
    organisation_rename,
    organisation_split,
)
from ptdv.organisations.models import Kind, Organisation, OrganisationChange
from ptdv.organisations.policies import organisation_policy

ACTIONS = ("rename", "move", "merge", "split", "dissolve")
NOT_FOUND = gettext_lazy("Không tìm thấy tổ chức đảng.")
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class DecisionSerializer(ApiSerializer):
    number = serializers.CharField(max_length=60, help_text="Số và ký hiệu, ví dụ 125-QĐ/TU.")
    date = serializers.DateField(input_formats=DATE_FORMATS)
    issuing_body = serializers.CharField(max_length=255)
    signer = serializers.CharField(max_length=150, required=False, allow_blank=True)


class NewOrganisationSerializer(ApiSerializer):
    code = serializers.CharField(max_length=40)
    name = serializers.CharField(max_length=255)
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)


class PartSerializer(NewOrganisationSerializer):
    children = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, default=list, max_length=500
    )
    localities = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, default=list, max_length=500
    )


class OrganisationActionSerializer(ApiSerializer):
    """The body of every tree action; which fields an action needs is in its description."""

    version = serializers.IntegerField(required=False, min_value=0)
    date = serializers.DateField(
        input_formats=DATE_FORMATS, required=False, help_text="Ngày có hiệu lực."
    )
    document = DecisionSerializer(help_text="Quyết định: số, ngày, cơ quan ban hành.")
    note = serializers.CharField(max_length=255, required=False, allow_blank=True)
    name = serializers.CharField(max_length=255, required=False, help_text="rename")
    abbreviation = serializers.CharField(max_length=40, required=False, allow_blank=True)
    # The field shares its name with `Field.parent`, which DRF sets when binding.
    parent = serializers.IntegerField(  # type: ignore[assignment]
        min_value=1, required=False, help_text="move; merge (new)"
    )
    others = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        max_length=500,
        help_text="merge: the other organisations merged with this one",
    )
    into = serializers.IntegerField(
        min_value=1, required=False, help_text="merge: the organisation that absorbs the others"
    )
    new = NewOrganisationSerializer(required=False, help_text="merge: the new organisation")
    parts = PartSerializer(many=True, required=False, help_text="split")
    keep = serializers.BooleanField(required=False, default=False, help_text="split")
    successor = serializers.IntegerField(min_value=1, required=False, help_text="dissolve")


REQUIRED = {"rename": ("name",), "move": ("parent",), "merge": (), "split": ("parts",)}


class ChangeSerializer(serializers.ModelSerializer[OrganisationChange]):
    predecessors = serializers.SerializerMethodField()
    successors = serializers.SerializerMethodField()

    class Meta:
        model = OrganisationChange
        fields = [
            "id",
            "kind",
            "date",
            "decision_number",
            "decision_date",
            "issuing_body",
            "predecessors",
            "successors",
            "data",
        ]

    def _orgs(self, rows: Any) -> list[dict[str, Any]]:
        return [{"id": o.pk, "code": o.code, "name": o.name} for o in rows.order_by("pk")]

    def get_predecessors(self, obj: OrganisationChange) -> list[dict[str, Any]]:
        return self._orgs(obj.predecessors.all())

    def get_successors(self, obj: OrganisationChange) -> list[dict[str, Any]]:
        return self._orgs(obj.successors.all())


def _named(request: Request, pk: int | None, field: str) -> Organisation | None:
    if pk is None:
        return None
    return organisation_policy.resolve_named(request.user, pk, field=field, message=NOT_FOUND)


def run_action(
    request: Request, organisation: Organisation, action: str, data: dict[str, Any]
) -> OrganisationChange:
    """Resolve what the body names and call the service (shared with the web forms)."""
    document = data["document"]
    decision = DecisionRef(
        number=document["number"],
        decision_date=document["date"],
        issuing_body=document["issuing_body"],
        date=data.get("date"),
        note=data.get("note", ""),
    )
    version = data.get("version")
    user: Any = request.user
    if action == "rename":
        return organisation_rename(
            actor=user,
            organisation=organisation,
            name=data["name"],
            abbreviation=data.get("abbreviation"),
            decision=decision,
            version=version,
        )
    if action == "move":
        parent = _named(request, data["parent"], "parent")
        assert parent is not None
        return organisation_move(
            actor=user,
            organisation=organisation,
            parent=parent,
            decision=decision,
            version=version,
        )
    if action == "merge":
        others = [_named(request, pk, "others") for pk in data.get("others", [])]
        into = _named(request, data.get("into"), "into")
        sources = [o for o in [organisation, *others] if o is not None and o != into]
        new = data.get("new")
        return organisation_merge(
            actor=user,
            sources=sources,
            into=into,
            new=NewOrganisation(code=new["code"], name=new["name"], kind=new.get("kind", ""))
            if new
            else None,
            parent=_named(request, data.get("parent"), "parent"),
            decision=decision,
            versions={organisation.pk: version} if version is not None else None,
        )
    if action == "split":
        return organisation_split(
            actor=user,
            organisation=organisation,
            parts=[
                NewOrganisation(
                    code=p["code"],
                    name=p["name"],
                    kind=p.get("kind", ""),
                    children=list(p.get("children", [])),
                    localities=list(p.get("localities", [])),
                )
                for p in data["parts"]
            ],
            keep_source=bool(data.get("keep")),
            decision=decision,
            version=version,
        )
    return organisation_dissolve(
        actor=user,
        organisation=organisation,
        successor=_named(request, data.get("successor"), "successor"),
        decision=decision,
        version=version,
    )


class OrganisationActionView(APIView):
    @extend_schema(
        summary="Thay đổi tổ chức đảng theo quyết định",
        description=(
            "`rename` (name, abbreviation), `move` (parent), `merge` (others và into — tổ chức "
            "tiếp nhận — hoặc new {code, name, kind} với parent), `split` (parts [{code, name, "
            "kind, children, localities}], keep), `dissolve` (successor). Mọi thao tác cần "
            "document {number, date, issuing_body}, date (ngày có hiệu lực) và version nếu có."
        ),
        parameters=[
            OpenApiParameter("action", str, OpenApiParameter.PATH, enum=list(ACTIONS)),
        ],
        request=OrganisationActionSerializer,
        responses={
            200: ChangeSerializer,
            400: OpenApiResponse(description="Dữ liệu không hợp lệ."),
            403: OpenApiResponse(description="Không có quyền quản trị tổ chức cấp trên."),
            404: OpenApiResponse(description="Không tìm thấy."),
            409: OpenApiResponse(description="Tổ chức đã thay đổi hoặc đã kết thúc hoạt động."),
            422: OpenApiResponse(description="Quy định không cho phép."),
        },
        tags=["organisations"],
    )
    def post(self, request: Request, pk: int, action: str) -> Response:
        if action not in ACTIONS:
            return Response(
                error_body("unknown_action", _("Thao tác không tồn tại: %(a)s.") % {"a": action}),
                status=status.HTTP_404_NOT_FOUND,
            )
        organisation = organisation_policy.get_visible(request.user, pk)
        if organisation.valid_to is None and not may_change(request.user, organisation):
            raise PermissionDenied(_("Chỉ quản trị viên của tổ chức cấp trên mới được thay đổi."))
        body = OrganisationActionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        missing = {
            name: [_("Trường này là bắt buộc.")]
            for name in REQUIRED.get(action, ())
            if name not in data
        }
        if action == "merge" and not data.get("into") and not data.get("new"):
            missing["into"] = [
                _("Cần chọn tổ chức tiếp nhận (into) hoặc khai báo tổ chức mới (new).")
            ]
        if missing:
            raise serializers.ValidationError(missing)
        try:
            change = run_action(request, organisation, action, data)
        except StaleOrganisation as exc:
            answer = error_body("conflict", str(exc))
            answer["version"] = exc.current
            return Response(answer, status=status.HTTP_409_CONFLICT)
        except OrganisationEnded as exc:
            fields = {key: [str(m) for m in value] for key, value in exc.message_dict.items()}
            answer = error_body("ended", next(iter(fields.values()))[0], fields)
            return Response(answer, status=status.HTTP_409_CONFLICT)
        organisation.refresh_from_db()
        answer = dict(ChangeSerializer(change).data)
        answer["version"] = organisation.version
        return Response(answer)
