"""The API's public documentation page, rendered on the server from the OpenAPI schema of
the whole API — assembled here, next to the API's routes (config/api_urls.py), because it
describes every app's endpoints."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.views import APIView

_METHOD_ORDER = ("get", "post", "put", "patch", "delete")


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _type_label(schema: dict[str, Any]) -> dict[str, Any]:
    """A short description of a schema for the page: text plus a component to link to."""
    if "$ref" in schema:
        name = _ref_name(schema["$ref"])
        return {"text": name, "ref": name}
    for key in ("allOf", "oneOf", "anyOf"):
        if key in schema:
            parts = [_type_label(item) for item in schema[key]]
            refs = [p["ref"] for p in parts if p.get("ref")]
            text = " | ".join(p["text"] for p in parts)
            return {"text": text, "ref": refs[0] if len(refs) == 1 else ""}
    kind = schema.get("type", "")
    if kind == "array":
        item = _type_label(schema.get("items", {}))
        return {"text": "[" + item["text"] + "]", "ref": item.get("ref", "")}
    text = str(kind or "object")
    if schema.get("format"):
        text += " (" + str(schema["format"]) + ")"
    if schema.get("nullable"):
        text += ", null"
    return {"text": text, "ref": ""}


def _enum_values(schema: dict[str, Any], description: str = "") -> list[str]:
    """The allowed values, unless the description already lists them with their labels."""
    if "* `" in description:
        return []
    values = schema.get("enum") or schema.get("items", {}).get("enum") or []
    return [str(value) for value in values if value not in ("", None)]


def docs_context(schema: dict[str, Any]) -> dict[str, Any]:
    """Operations grouped by tag and component schemas, ready for the template."""
    tags: dict[str, list[dict[str, Any]]] = {}
    for path, item in schema.get("paths", {}).items():
        for method in _METHOD_ORDER:
            operation = item.get(method)
            if operation is None:
                continue
            parameters = [
                {
                    "name": p["name"],
                    "where": p.get("in", ""),
                    "required": p.get("required", False),
                    "type": _type_label(p.get("schema", {})),
                    "enum": _enum_values(p.get("schema", {}), p.get("description", "")),
                    "description": p.get("description", ""),
                }
                for p in operation.get("parameters", [])
            ]
            bodies = [
                {"media": media, "type": _type_label(content.get("schema", {}))}
                for media, content in operation.get("requestBody", {}).get("content", {}).items()
                if media == "application/json"
            ]
            responses = []
            for code, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                body: dict[str, Any] = next(iter(content.values()), {}) if content else {}
                responses.append(
                    {
                        "code": code,
                        "description": response.get("description", ""),
                        "type": _type_label(body.get("schema", {})) if body else None,
                    }
                )
            tag = (operation.get("tags") or ["api"])[0]
            security = operation.get("security")
            tags.setdefault(tag, []).append(
                {
                    "id": operation.get("operationId", method + path),
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "public": not security or {} in security,
                    "parameters": parameters,
                    "bodies": bodies,
                    "responses": responses,
                }
            )
    components = []
    for name, component in sorted(schema.get("components", {}).get("schemas", {}).items()):
        required = set(component.get("required", []))
        properties = [
            {
                "name": prop_name,
                "type": _type_label(prop),
                "required": prop_name in required,
                "read_only": prop.get("readOnly", False),
                "enum": _enum_values(prop, prop.get("description", "")),
                "description": prop.get("description", ""),
            }
            for prop_name, prop in component.get("properties", {}).items()
        ]
        choices = [
            line.strip("* ").strip()
            for line in component.get("description", "").splitlines()
            if line.startswith("*")
        ]
        components.append(
            {
                "name": name,
                "type": component.get("type", ""),
                "enum": _enum_values(component),
                "choices": choices,
                "properties": properties,
            }
        )
    return {
        "info": schema.get("info", {}),
        "tags": sorted(tags.items()),
        "components": components,
    }


class ApiDocsView(APIView):
    """Human-readable API reference, rendered on the server from the OpenAPI schema.

    Swagger UI and Redoc load their JavaScript from a CDN, which this deployment cannot
    reach, and no package here ships a local copy; this page needs no script at all.
    """

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []

    @extend_schema(exclude=True)
    def get(self, request: Request) -> HttpResponse:
        # drf-spectacular's generator is not annotated.
        generator = SchemaGenerator()  # type: ignore[no-untyped-call]
        schema = generator.get_schema(request=request, public=True)  # type: ignore[no-untyped-call]
        context = docs_context(schema)
        context["schema_url"] = reverse("api:schema")
        context["token_url"] = reverse("api:token")
        django_request: HttpRequest = request._request
        return render(django_request, "api/docs.html", context)
