"""API v1 of the documents app: official forms of a dossier, attachments, relatives and the
register of document numbers. Every lookup goes through a policy: outside the user's subtree
is a 404, like an absent object."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ptdv.audit.services import audit_record
from ptdv.candidacies.models import Candidacy
from ptdv.candidacies.policies import candidacy_policy
from ptdv.core.api import error_body
from ptdv.core.api_views import (
    ApiModelSerializer,
    ApiSerializer,
    VisibleRelatedField,
    localise_field,
)
from ptdv.core.text import PersonNameValidator
from ptdv.documents.bundle import dossier_bundle
from ptdv.documents.models import (
    Attachment,
    AttachmentType,
    DocumentKind,
    DocumentNumber,
    Relation,
    Relative,
)
from ptdv.documents.official_forms import FORMS
from ptdv.documents.selectors import (
    attachment_get_visible,
    attachment_list,
    relative_get_visible,
)
from ptdv.documents.services import (
    FORMATS,
    MAX_ATTACHMENT_BYTES,
    FormNotAvailable,
    RelativeData,
    RelativeTaken,
    attachment_create,
    attachment_open,
    document_number_reserve,
    document_render,
    relative_create,
    relative_delete,
    relative_update,
)
from ptdv.organisations.policies import organisation_policy
from ptdv.people.policies import person_policy


class _JsonOnlyNegotiation(APIView):
    """A file endpoint answers with the file itself (a plain Django response) or with a JSON
    error: content negotiation must never refuse a client that asks for application/pdf."""

    def perform_content_negotiation(
        self, request: Request, force: bool = False
    ) -> tuple[BaseRenderer, str]:
        renderer = JSONRenderer()
        return renderer, renderer.media_type


def content_disposition(filename: str) -> str:
    return f'attachment; filename="{filename}"'


class CandidacyDocumentView(_JsonOnlyNegotiation):
    @extend_schema(
        summary="Tải biểu mẫu chính thức của hồ sơ (PDF hoặc DOCX)",
        description=(
            "Biểu mẫu (`slug`): cn-ntvd, 1-knd, 2-knd, 3-knd, 3a-knd, 4-knd, 4a-knd, 5-knd, "
            "6-knd, 7-knd, 8-knd, 9-knd, 10-knd, 11-knd, 12-knd, 13-knd, 15-knd, "
            "recognition-decision; định dạng `pdf` hoặc `docx`. Văn bản được điền từ hồ sơ; mỗi "
            "lần tải được ghi nhật ký. 409: hồ sơ chưa đến bước lập văn bản này."
        ),
        parameters=[
            OpenApiParameter("id", int, OpenApiParameter.PATH, description="Mã hồ sơ."),
            OpenApiParameter("slug", str, OpenApiParameter.PATH, enum=list(FORMS)),
            OpenApiParameter("ext", str, OpenApiParameter.PATH, enum=sorted(FORMATS)),
        ],
        responses={
            **{(200, media_type): OpenApiTypes.BINARY for media_type in FORMATS.values()},
            404: OpenApiResponse(description="Không tìm thấy."),
            409: OpenApiResponse(description="Hồ sơ chưa đến bước này."),
        },
    )
    def get(self, request: Request, pk: int, slug: str, ext: str) -> HttpResponse | Response:
        try:
            rendered = document_render(actor=request.user, candidacy_id=pk, slug=slug, fmt=ext)
        except FormNotAvailable as exc:
            return Response(
                error_body("not_available", exc.message), status=status.HTTP_409_CONFLICT
            )
        response = HttpResponse(rendered.content, content_type=rendered.content_type)
        response["Content-Disposition"] = content_disposition(rendered.filename)
        response["Cache-Control"] = "no-store"
        return response


class CandidacyBundleView(_JsonOnlyNegotiation):
    @extend_schema(
        summary="Tải toàn bộ hồ sơ thành một tệp PDF (gửi hồ sơ lên cấp trên)",
        description=(
            "Mục lục, rồi mọi biểu mẫu chính thức hồ sơ đã có và mọi bản scan đính kèm, theo "
            "thứ tự các bước của quy trình kết nạp (bản scan sau văn bản của bước tương ứng). "
            "Văn bản dùng số đã có trong hồ sơ, không lấy số mới. Mỗi lần tải được ghi nhật ký."
        ),
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH, description="Mã hồ sơ.")],
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            404: OpenApiResponse(description="Không tìm thấy."),
        },
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        rendered = dossier_bundle(actor=request.user, candidacy_id=pk)
        response = HttpResponse(rendered.content, content_type=rendered.content_type)
        response["Content-Disposition"] = content_disposition(rendered.filename)
        response["Cache-Control"] = "no-store"
        return response


# --- Attachments -----------------------------------------------------------------------------


class AttachmentSerializer(ApiModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = [
            "id",
            "candidacy",
            "event",
            "title",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, attachment: Attachment) -> str:
        return f"/api/v1/attachments/{attachment.pk}/download/"


class AttachmentUploadSerializer(ApiSerializer):
    file = serializers.FileField(
        help_text=gettext_lazy("PDF, JPEG hoặc PNG, tối đa 20 MB (kiểm tra theo nội dung tệp).")
    )
    title = serializers.CharField(max_length=255, required=False, allow_blank=True)
    event = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text=gettext_lazy("Mã bước hồ sơ (sự kiện)."),
    )


class CandidacyAttachmentsView(APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def _candidacy(self, request: Request, pk: int) -> Candidacy:
        return candidacy_policy.get_visible(
            request.user, pk, Candidacy.objects.select_related("person", "organisation")
        )

    @extend_schema(
        summary="Danh sách tệp đính kèm của hồ sơ",
        responses={200: AttachmentSerializer(many=True)},
    )
    def get(self, request: Request, pk: int) -> Response:
        candidacy = self._candidacy(request, pk)
        rows = list(attachment_list(actor=request.user, candidacy=candidacy))
        audit_record(
            actor=request.user,
            action="view",
            obj=candidacy,
            person=candidacy.person,
            summary="Xem danh sách tệp đính kèm của hồ sơ (API)",
            data={"ids": [row.pk for row in rows]},
        )
        return Response(AttachmentSerializer(rows, many=True).data)

    @extend_schema(
        summary="Đính kèm bản scan văn bản đã ký (multipart)",
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={
            201: AttachmentSerializer,
            400: OpenApiResponse(description="Tệp không hợp lệ."),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        candidacy = self._candidacy(request, pk)
        body = AttachmentUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        upload = body.validated_data["file"]
        if upload.size > MAX_ATTACHMENT_BYTES:
            raise serializers.ValidationError({"file": [_("Tệp quá lớn: tối đa 20 MB.")]})
        event = body.validated_data.get("event")  # resolved among the dossier's events
        try:
            attachment = attachment_create(
                actor=request.user,
                candidacy=candidacy,
                upload=upload,
                original_name=upload.name or "",
                title=body.validated_data.get("title", ""),
                event=event,
            )
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from None
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


class AttachmentDownloadView(_JsonOnlyNegotiation):
    @extend_schema(
        summary="Tải tệp đính kèm (được ghi nhật ký)",
        responses={(200, media_type): OpenApiTypes.BINARY for media_type in AttachmentType.values},
    )
    def get(self, request: Request, pk: int) -> FileResponse:
        attachment = attachment_get_visible(actor=request.user, pk=pk)
        handle = attachment_open(actor=request.user, attachment=attachment)
        return attachment_response(attachment, handle)


def attachment_response(attachment: Attachment, handle: Any) -> FileResponse:
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}[
        attachment.content_type
    ]
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"dinh-kem-{attachment.pk}.{extension}",
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


# --- Relatives -------------------------------------------------------------------------------


class RelativeSerializer(ApiModelSerializer):
    relation = serializers.ChoiceField(choices=Relation.choices)
    # Judged as sent against the pattern the schema publishes (ptdv.core.text); stored
    # normalised by the service.
    full_name = serializers.CharField(
        max_length=150, trim_whitespace=False, validators=[PersonNameValidator()]
    )

    class Meta:
        model = Relative
        fields = [
            "id",
            "relation",
            "full_name",
            "birth_year",
            "occupation",
            "residence",
            "political_history",
            "party_member",
        ]
        read_only_fields = ["id"]

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        # Not after this year (the schema is built per request, so the bound follows the date).
        fields["birth_year"] = serializers.IntegerField(
            required=False, allow_null=True, min_value=1880, max_value=timezone.localdate().year
        )
        localise_field(fields["birth_year"])
        return fields


def _relative_data(values: dict[str, Any], base: Relative | None = None) -> RelativeData:
    current = {}
    if base is not None:
        current = {name: getattr(base, name) for name in RelativeSerializer.Meta.fields[1:]}
    current.update(values)
    return RelativeData(
        relation=current["relation"],
        full_name=current["full_name"],
        birth_year=current.get("birth_year"),
        occupation=current.get("occupation", ""),
        residence=current.get("residence", ""),
        political_history=current.get("political_history", ""),
        party_member=current.get("party_member", False),
    )


def _taken(exc: RelativeTaken) -> Response:
    """A father, mother or spouse declared twice conflicts with the line already there."""
    fields = {key: [str(m) for m in messages] for key, messages in exc.message_dict.items()}
    message = next(iter(fields.values()))[0]
    return Response(error_body("conflict", message, fields), status=status.HTTP_409_CONFLICT)


_TAKEN = OpenApiResponse(description="Đã khai người thân với quan hệ này (cha, mẹ, vợ/chồng).")


class PersonRelativesView(APIView):
    @extend_schema(
        summary="Người thân của công dân (khai trong lý lịch 2-KNĐ)",
        responses={200: RelativeSerializer(many=True)},
    )
    def get(self, request: Request, pk: int) -> Response:
        person = person_policy.get_visible(request.user, pk)
        rows = list(Relative.objects.filter(person=person).order_by("id"))
        audit_record(
            actor=request.user,
            action="view",
            obj=person,
            person=person,
            summary="Xem người thân của công dân (API)",
            data={"ids": [row.pk for row in rows]},
        )
        return Response(RelativeSerializer(rows, many=True).data)

    @extend_schema(
        summary="Khai thêm một người thân",
        request=RelativeSerializer,
        responses={201: RelativeSerializer, 409: _TAKEN},
    )
    def post(self, request: Request, pk: int) -> Response:
        person = person_policy.get_visible(request.user, pk)
        body = RelativeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            relative = relative_create(
                actor=request.user, person=person, data=_relative_data(dict(body.validated_data))
            )
        except RelativeTaken as exc:
            return _taken(exc)
        return Response(RelativeSerializer(relative).data, status=status.HTTP_201_CREATED)


class RelativeDetailView(APIView):
    @extend_schema(
        summary="Sửa thông tin người thân",
        request=RelativeSerializer,
        responses={200: RelativeSerializer, 409: _TAKEN},
    )
    def patch(self, request: Request, pk: int) -> Response:
        relative = relative_get_visible(actor=request.user, pk=pk)
        body = RelativeSerializer(relative, data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        try:
            relative = relative_update(
                actor=request.user,
                relative=relative,
                data=_relative_data(dict(body.validated_data), relative),
            )
        except RelativeTaken as exc:
            return _taken(exc)
        return Response(RelativeSerializer(relative).data)

    @extend_schema(summary="Xóa một người thân", responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        relative = relative_get_visible(actor=request.user, pk=pk)
        relative_delete(actor=request.user, relative=relative)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- The register of document numbers --------------------------------------------------------


class DocumentNumberSerializer(ApiModelSerializer):
    # Named apart from the organisations' `kind` so the schema's enums do not collide.
    document_kind = serializers.ChoiceField(
        source="kind", choices=DocumentKind.choices, read_only=True
    )

    class Meta:
        model = DocumentNumber
        fields = ["id", "organisation", "year", "number", "document_kind", "symbol", "issued_on"]
        read_only_fields = fields


class DocumentNumberRequestSerializer(ApiSerializer):
    organisation = VisibleRelatedField(
        policy=organisation_policy, not_found=gettext_lazy("Không tìm thấy tổ chức.")
    )
    document_kind = serializers.ChoiceField(choices=DocumentKind.choices)
    date = serializers.DateField(required=False, input_formats=["%Y-%m-%d", "%d/%m/%Y"])


class DocumentNumberView(APIView):
    @extend_schema(
        summary="Lấy số văn bản tiếp theo trong sổ của cơ quan ban hành",
        description=(
            "Số được cấp liên tục theo từng cơ quan ban hành và từng năm, không trùng, không "
            "bỏ sót, kể cả khi nhiều người lấy số cùng lúc."
        ),
        request=DocumentNumberRequestSerializer,
        responses={201: DocumentNumberSerializer},
    )
    def post(self, request: Request) -> Response:
        body = DocumentNumberRequestSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        entry = document_number_reserve(
            actor=request.user,
            organisation=body.validated_data["organisation"],
            kind=body.validated_data["document_kind"],
            on=body.validated_data.get("date") or timezone.localdate(),
        )
        return Response(DocumentNumberSerializer(entry).data, status=status.HTTP_201_CREATED)
