"""The OpenAPI schema describes the API as it answers (SPECTACULAR_SETTINGS hooks).

`add_error_responses` runs after drf-spectacular built the schema and adds, to every
operation, the error answers the shared machinery gives whatever the view (so no view has to
declare them by hand):

- 400 when the operation reads a body or query parameters (validation, malformed JSON);
- 401 and 403 when it needs authentication (no or bad token; role too low, CSRF);
- 404 when a path parameter names an object (absent or outside the user's subtree) and on
  paginated lists (a page past the last);
- 415 when it reads a body (a content type it does not parse).

Every error answer, declared by a view or added here, carries the envelope of
ptdv.core.api (component `Error`) unless the view gave a more precise one (`RuleViolationError`
for 422, `StaleVersionError` for a 409 that returns the current version). A view whose request
can be well formed yet refused by a rule declares its 422 (the contract: ptdv.core.refusals).
"""

from __future__ import annotations

import copy
from typing import Any

ERROR_REF = "#/components/schemas/Error"

_ERROR_DETAIL: dict[str, Any] = {
    "type": "object",
    "description": "Lỗi: mã, thông điệp tiếng Việt, lỗi theo trường (đường dẫn có dấu chấm).",
    "properties": {
        "code": {"type": "string", "description": "Mã lỗi, ví dụ `invalid`, `not_found`."},
        "message": {"type": "string", "description": "Thông điệp tiếng Việt."},
        "fields": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": "Lỗi theo từng trường, ví dụ `person.birth_date`.",
        },
        "reference": {
            "type": "string",
            "pattern": "^[A-Za-z0-9._-]{8,64}$",
            "description": "Mã tham chiếu của lỗi máy chủ (500), có trong nhật ký máy chủ "
            "(là mã yêu cầu).",
        },
        "request_id": {
            "type": "string",
            "pattern": "^[A-Za-z0-9._-]{8,64}$",
            "description": "Mã yêu cầu, như trong phần đầu X-Request-ID và nhật ký máy chủ.",
        },
    },
    "required": ["code", "message", "fields"],
}

COMPONENTS: dict[str, dict[str, Any]] = {
    "ErrorDetail": _ERROR_DETAIL,
    "Error": {
        "type": "object",
        "description": "Mọi câu trả lời lỗi của API có dạng này.",
        "properties": {"error": {"$ref": "#/components/schemas/ErrorDetail"}},
        "required": ["error"],
    },
    "RuleViolationError": {
        "type": "object",
        "description": (
            "422: yêu cầu đúng định dạng nhưng quy định không cho phép; không có gì được ghi. "
            "Lỗi theo trường trong `error.fields`; khi bộ quy định chặn, `violations` và "
            "`warnings` nêu các quy định."
        ),
        "properties": {
            "error": {"$ref": "#/components/schemas/ErrorDetail"},
            "violations": {
                "type": "array",
                "items": {"type": "object", "additionalProperties": {"type": "string"}},
            },
            "warnings": {
                "type": "array",
                "items": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        },
        "required": ["error"],
    },
    "StaleVersionError": {
        "type": "object",
        "description": "409: hồ sơ đã bị người khác thay đổi; `version` là phiên bản hiện tại.",
        "properties": {
            "error": {"$ref": "#/components/schemas/ErrorDetail"},
            "version": {"type": "integer"},
        },
        "required": ["error"],
    },
}

DEFAULT_DESCRIPTIONS = {
    "400": "Dữ liệu gửi lên không hợp lệ (lỗi theo trường trong `error.fields`).",
    "401": "Chưa đăng nhập hoặc mã truy cập không hợp lệ.",
    "403": "Vai trò không được phép thực hiện thao tác này.",
    "404": "Không tìm thấy (hoặc ngoài phạm vi được phân quyền).",
    "415": "Kiểu dữ liệu gửi lên không được hỗ trợ (dùng application/json).",
    "422": "Yêu cầu đúng định dạng nhưng quy định không cho phép (lỗi theo trường).",
}

_METHODS = ("get", "put", "post", "patch", "delete")

# Request bodies that take exactly one of two fields (the serializer's validate() says so).
EXACTLY_ONE_OF = {"CandidacyRegisterRequest": ("person_id", "person")}


def error_ref(name: str = "Error") -> dict[str, str]:
    """A reference to one of the error components, for `extend_schema(responses=…)`."""
    return {"$ref": f"#/components/schemas/{name}"}


# DRF's CharField refuses a NUL character in any text it reads (body or query).
_NO_NUL = {"not": {"pattern": "\\x00"}}


def _no_nul(schema: dict[str, Any]) -> None:
    """Free text read by a CharField: state that it may not contain NUL."""
    if schema.get("type") == "string" and "format" not in schema and "enum" not in schema:
        schema.update(copy.deepcopy(_NO_NUL))
    for child in schema.get("properties", {}).values():
        _no_nul(child)
    if isinstance(schema.get("items"), dict):
        _no_nul(schema["items"])


def _empty_is_absent(schema: dict[str, Any]) -> None:
    """DRF reads an empty optional query value (`?kind=`) as not given: say so."""
    if schema.get("type") != "string":
        return
    schema.pop("minLength", None)
    if "enum" in schema and "" not in schema["enum"]:
        schema["enum"] = [*schema["enum"], ""]


def _is_secured(operation: dict[str, Any]) -> bool:
    # drf-spectacular leaves `security` out of a public operation (`auth=[]`).
    security: list[dict[str, Any]] = operation.get("security") or []
    return bool(security) and {} not in security


def _split_by_path_parameter(result: dict[str, Any]) -> None:
    """An operation marked `x-split-path-parameter: {"name": P, "bodies": {value: component}}`
    becomes one operation per value of the path parameter P, each with its own path and exact
    body: `…/actions/{action_name}/` → `…/actions/record_certificate/` etc. Each body refuses
    unknown fields (`additionalProperties: false`), as the server does.
    """
    paths = result.get("paths", {})
    schemas = result.get("components", {}).get("schemas", {})
    for path, item in list(paths.items()):
        for method in _METHODS:
            operation = item.get(method)
            if operation is None or "x-split-path-parameter" not in operation:
                continue
            split_by = operation.pop("x-split-path-parameter")
            name = split_by["name"]
            content = operation["requestBody"]["content"]
            media_type = next(iter(content))
            union = content[media_type]["schema"]
            del item[method]
            for value, component in split_by["bodies"].items():
                split = copy.deepcopy(operation)
                split["parameters"] = [p for p in split["parameters"] if p["name"] != name]
                split["operationId"] = f"{operation['operationId']}_{value}"
                split["requestBody"]["content"] = {
                    media_type: {"schema": {"$ref": f"#/components/schemas/{component}"}}
                }
                schemas[component]["additionalProperties"] = False
                split["requestBody"]["required"] = bool(schemas[component].get("required"))
                paths.setdefault(path.replace("{" + name + "}", value), {})[method] = split
            if "$ref" in union:
                # The union the view declared is referenced no more.
                schemas.pop(union["$ref"].rsplit("/", 1)[-1], None)
        if not any(method in item for method in _METHODS):
            del paths[path]


def _body_required_when_fields_are(operation: dict[str, Any], schemas: dict[str, Any]) -> None:
    """A body whose schema requires fields cannot be left out: say so (drf-spectacular does it
    for serializers, not for a body given as a plain schema, such as the rule-check case)."""
    body = operation.get("requestBody")
    if body is None or body.get("required"):
        return
    for media in body.get("content", {}).values():
        schema = media.get("schema", {})
        if "$ref" in schema:
            schema = schemas.get(schema["$ref"].rsplit("/", 1)[-1], {})
        if schema.get("required"):
            body["required"] = True
            return


def _add_components(schemas: dict[str, Any]) -> None:
    for name, component in COMPONENTS.items():
        schemas[name] = copy.deepcopy(component)
    for name, component in schemas.items():
        # COMPONENT_SPLIT_REQUEST: the shapes the API reads. Not a file upload: multipart
        # fields are not JSON strings, and Schemathesis cannot judge `not` next to binary.
        uploads = any(
            prop.get("format") == "binary" for prop in component.get("properties", {}).values()
        )
        if name.endswith("Request") and not uploads:
            _no_nul(component)
    for name, choices in EXACTLY_ONE_OF.items():
        if name in schemas:
            schemas[name]["oneOf"] = [{"required": [field]} for field in choices]


def _error_codes(operation: dict[str, Any], parameters: list[dict[str, Any]]) -> set[str]:
    """The error statuses an operation may answer, from its parameters, body and security."""
    where = {parameter.get("in") for parameter in parameters}
    names = {parameter.get("name") for parameter in parameters}
    has_body = "requestBody" in operation
    codes = set()
    if has_body or "query" in where:
        codes.add("400")
    if _is_secured(operation):
        codes.update({"401", "403"})
    if "path" in where or "page" in names:
        codes.add("404")
    if has_body:
        codes.add("415")
    return codes


def _add_operation_errors(operation: dict[str, Any], schemas: dict[str, Any]) -> None:
    parameters = operation.get("parameters", [])
    for parameter in parameters:
        if parameter.get("in") == "query":
            _empty_is_absent(parameter.get("schema", {}))
            _no_nul(parameter.get("schema", {}))
    _body_required_when_fields_are(operation, schemas)
    codes = _error_codes(operation, parameters)
    responses = operation.setdefault("responses", {})
    for code in sorted(codes):
        responses.setdefault(code, {"description": DEFAULT_DESCRIPTIONS[code]})
    for code, response in responses.items():
        if not str(code).startswith(("4", "5")):
            continue
        if not response.get("description"):
            response["description"] = DEFAULT_DESCRIPTIONS.get(str(code), "Lỗi.")
        content = response.setdefault("content", {})
        if not content:
            content["application/json"] = {"schema": {"$ref": ERROR_REF}}
    operation["responses"] = dict(sorted(responses.items()))


def add_error_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """drf-spectacular postprocessing hook (see the module docstring)."""
    _split_by_path_parameter(result)
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    _add_components(schemas)
    for item in result.get("paths", {}).values():
        for method in _METHODS:
            operation = item.get(method)
            if operation is not None:
                _add_operation_errors(operation, schemas)
    return result
