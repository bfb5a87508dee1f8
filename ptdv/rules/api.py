"""`POST /api/v1/rules/check/`: one rule-check case in, the engine's result out
(rule-cases.md "Entry points"); and the rule sets with their parameters and sources."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ptdv.core.api import error_body
from ptdv.core.schema import error_ref
from ptdv.rules import engine
from ptdv.rules.services import rules_calendar


class _RawJSONParser(JSONParser):
    """Parse the body with the engine's own strict JSON reader (duplicate keys, NaN…)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        raw = stream.read() if stream is not None else b""
        try:
            # Not UTF-8 is not JSON either (a 400, once a server error).
            return engine.load_case_json(raw.decode("utf-8-sig"))
        except ValueError as exc:
            from rest_framework.exceptions import ParseError

            raise ParseError(f"Dữ liệu gửi lên không phải JSON hợp lệ: {exc}") from exc


class RuleCheckView(APIView):
    parser_classes = [_RawJSONParser]

    @extend_schema(
        request={"application/json": engine.case_json_schema()},
        responses={
            200: OpenApiResponse(description="Kết quả kiểm tra (rule-cases.md)."),
            400: OpenApiResponse(
                description=(
                    "Tình huống sai định dạng: khóa lạ hoặc lặp, sai kiểu, mã không hợp lệ, "
                    "ngày không đúng dạng YYYY-MM-DD hoặc không tồn tại, thiếu trường bắt buộc."
                )
            ),
            422: OpenApiResponse(
                error_ref("RuleViolationError"),
                description=(
                    "Tình huống đúng định dạng nhưng không thể xét: ngày ngoài 1901–2099 hoặc "
                    "trước mọi bộ quy định, thiếu dữ kiện mà hành động cần, dữ kiện mâu thuẫn."
                ),
            ),
        },
        summary="Kiểm tra một bước của hồ sơ theo bộ quy định đang có hiệu lực",
        description=(
            "Thân yêu cầu là một tình huống theo định dạng công khai (rule-cases.md); giá trị "
            "`null` được hiểu như không gửi trường đó."
        ),
    )
    def post(self, request: Request) -> Response:
        # 400 for a case the schema refuses (the parser's shape errors), 422 for a well-formed
        # case that cannot be judged (engine.ImpossibleCase): the contract of
        # ptdv.core.refusals. Both are "malformed" in the format's sense (the CLI's exit 2).
        try:
            case = engine.parse_case(request.data)
        except engine.CaseError as exc:
            fields: dict[str, list[str]] = {}
            for error in exc.errors:
                fields.setdefault(error.path or "case", []).append(error.message)
            impossible = isinstance(exc, engine.ImpossibleCase)
            return Response(
                error_body("invalid_case", f"Case không hợp lệ: {exc.message}", fields),
                status=422 if impossible else 400,
            )
        return Response(engine.evaluate(case, rules_calendar()).to_dict())


class RuleSetSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label
    valid_from = serializers.DateField()
    valid_to = serializers.DateField(allow_null=True)
    parameters = serializers.ListField(child=serializers.DictField())
    rules = serializers.ListField(child=serializers.DictField())


class RuleSetListView(APIView):
    @extend_schema(responses=RuleSetSerializer(many=True), summary="Các bộ quy định và căn cứ")
    def get(self, request: Request) -> Response:
        data = [
            {
                "id": rs.id,
                "label": rs.label,
                "valid_from": rs.valid_from,
                "valid_to": rs.valid_to,
                "parameters": [row._asdict() for row in engine.list_parameters(rs)],
                "rules": [row._asdict() for row in engine.list_rules(rs)],
            }
            for rs in engine.RULE_SETS
        ]
        return Response(RuleSetSerializer(data, many=True).data)
