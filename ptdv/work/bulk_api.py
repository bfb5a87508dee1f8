"""`POST /api/v1/candidacies/bulk/{action}/` and `POST /api/v1/candidacies/bulk/export/`.

The body names the selection by `ids`, by the candidate list's `filters`, or both (the ids
that also match the filters); a bulk action adds the `facts` its dossier action takes. The
answer lists every dossier: `{"id", "ok", "violations"}` — an id outside the user's subtree
answers exactly like an absent one (`not_found`) and nothing is written for it.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ptdv.candidacies.policies import require_clerk_somewhere
from ptdv.candidacies.serializers import CandidacyFilterSerializer
from ptdv.core.api_views import ApiSerializer
from ptdv.core.policies import user_scopes
from ptdv.core.schema import error_ref
from ptdv.core.work import bulk_actions
from ptdv.work.bulk import MAX_DOSSIERS, bulk_action_get, bulk_export, bulk_run, bulk_selection

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_MAX_ID = 2**63 - 1


def _ids_field() -> serializers.ListField:
    return serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=_MAX_ID),
        required=False,
        min_length=1,
        max_length=MAX_DOSSIERS,
        help_text=_(
            "Mã các hồ sơ được chọn (tối đa %(max)s). Hồ sơ không có hoặc ngoài phạm vi được "
            "phân quyền được trả lời là không tìm thấy."
        )
        % {"max": MAX_DOSSIERS},
    )


class _JsonBoolean(serializers.BooleanField):
    """In a JSON body: true, false or null only, as the schema says — not 0, 1 or "yes",
    which the query-string filters of the list accept."""

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class _BodyFilters(CandidacyFilterSerializer):
    open = _JsonBoolean(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("true: hồ sơ đang mở; false: hồ sơ đã đóng; bỏ trống: tất cả."),
    )


def _filters_field() -> CandidacyFilterSerializer:
    return _BodyFilters(
        required=False,
        help_text=_(
            "Bộ lọc của danh sách hồ sơ (như GET /api/v1/candidacies/): mọi hồ sơ khớp bộ lọc "
            "(tối đa %(max)s), hoặc cùng `ids`: các hồ sơ trong `ids` khớp bộ lọc."
        )
        % {"max": MAX_DOSSIERS},
    )


class BulkActionRequest(ApiSerializer):
    """The selection and the facts of a bulk action."""

    ids = _ids_field()
    filters = _filters_field()
    facts = serializers.DictField(
        required=False,
        help_text=_(
            "Dữ kiện của thao tác, như thân yêu cầu của thao tác trên một hồ sơ (ví dụ "
            "`record_certificate`: `certificate_date`, `date`; `assign_helper`: `helper`, "
            "`responsible_leader`, `reason`, `date`)."
        ),
    )


class BulkExportRequest(ApiSerializer):
    """The selection to export."""

    ids = _ids_field()
    filters = _filters_field()


class BulkOutcomeSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    ok = serializers.BooleanField(help_text=_("true: đã thực hiện; false: bị từ chối."))
    violations = serializers.ListField(
        child=serializers.DictField(child=serializers.CharField()),
        help_text=_(
            "Lý do từ chối: `rule` (mã quy định, hoặc `not_found`, `permission`, `stage`, "
            "`facts`), `message` (tiếng Việt), có thể kèm `source`, `field`."
        ),
    )


class BulkResultSerializer(serializers.Serializer[Any]):
    action = serializers.CharField()
    passed = serializers.IntegerField(help_text=_("Số hồ sơ đã thực hiện."))
    refused = serializers.IntegerField(help_text=_("Số hồ sơ bị từ chối hoặc không tìm thấy."))
    results = BulkOutcomeSerializer(many=True)


def _selection(request: Request, body: Any) -> tuple[list[int], dict[str, Any] | None]:
    data = body.validated_data
    filters = dict(data["filters"]) if "filters" in data else None
    ids = bulk_selection(actor=request.user, ids=data.get("ids"), filters=filters)
    return ids, filters


class CandidacyBulkView(APIView):
    @extend_schema(
        summary="Thực hiện một thao tác trên nhiều hồ sơ",
        description=(
            "Thao tác (`action`): các thao tác hàng loạt đã đăng ký (ghi nhận giấy chứng nhận, "
            "phân công giúp đỡ, gửi đề nghị thẩm tra…). Chọn hồ sơ bằng `ids`, bằng `filters` "
            "(bộ lọc của danh sách) hoặc cả hai; `facts` là dữ kiện của thao tác. Mỗi hồ sơ "
            "được xét theo đúng quy định như khi làm trên từng hồ sơ, trong giao dịch riêng: "
            "hồ sơ bị từ chối không thay đổi gì, các hồ sơ khác vẫn được thực hiện. 200: kết "
            "quả từng hồ sơ (`id`, `ok`, `violations`); hồ sơ không có hoặc ngoài phạm vi được "
            "trả lời `not_found`. 422: dữ kiện không hợp lệ với mọi hồ sơ (`facts.<trường>`), "
            "hoặc bộ lọc khớp quá nhiều hồ sơ. 403: vai trò không được nhập liệu ở đâu cả."
        ),
        parameters=[
            OpenApiParameter(
                "action", str, OpenApiParameter.PATH, enum=sorted(bulk_actions()) or None
            )
        ],
        request=BulkActionRequest,
        responses={
            200: BulkResultSerializer,
            422: OpenApiResponse(
                error_ref("RuleViolationError"),
                description=(
                    "Dữ kiện không thể đúng với hồ sơ nào (thiếu, sai, ngày sau hôm nay, trường "
                    f"lạ), hoặc bộ lọc khớp hơn {MAX_DOSSIERS} hồ sơ."
                ),
            ),
        },
    )
    def post(self, request: Request, action: str) -> Response:
        bulk_action_get(action)  # 404 for an unknown action
        require_clerk_somewhere(request.user)
        body = BulkActionRequest(data=request.data, context={"request": request, "view": self})
        body.is_valid(raise_exception=True)
        ids, filters = _selection(request, body)
        result = bulk_run(
            actor=request.user,
            action=action,
            ids=ids,
            facts=body.validated_data.get("facts") or {},
            today=timezone.localdate(),
            filters=filters,
        )
        return Response(
            {
                "action": action,
                "passed": len(result.passed),
                "refused": len(result.refused),
                "results": [outcome.as_dict() for outcome in result.outcomes],
            }
        )


class _MayRead(APIView):
    def perform_content_negotiation(
        self, request: Request, force: bool = False
    ) -> tuple[BaseRenderer, str]:
        # The answer is the file itself or a JSON error: never refuse a client asking for
        # the spreadsheet's media type.
        renderer = JSONRenderer()
        return renderer, renderer.media_type


class CandidacyBulkExportView(_MayRead):
    @extend_schema(
        summary="Xuất Excel các hồ sơ được chọn",
        description=(
            "Các hồ sơ được chọn (`ids`, `filters` hoặc cả hai) mà người dùng được xem, theo "
            "thứ tự chọn; hồ sơ không có hoặc ngoài phạm vi bị bỏ qua. Mỗi lần xuất có dữ liệu "
            "được ghi nhật ký."
        ),
        request=BulkExportRequest,
        responses={
            (200, XLSX): OpenApiTypes.BINARY,
            422: OpenApiResponse(
                error_ref("RuleViolationError"),
                description=f"Bộ lọc khớp hơn {MAX_DOSSIERS} hồ sơ.",
            ),
        },
    )
    def post(self, request: Request) -> FileResponse:
        if not user_scopes(request.user):
            raise PermissionDenied
        body = BulkExportRequest(data=request.data, context={"request": request, "view": self})
        body.is_valid(raise_exception=True)
        ids, filters = _selection(request, body)
        export = bulk_export(actor=request.user, ids=ids, filters=filters)
        response = FileResponse(
            export.file, as_attachment=True, filename=export.filename, content_type=XLSX
        )
        response["X-Rows"] = str(export.rows)
        response["Cache-Control"] = "no-store"
        return response
