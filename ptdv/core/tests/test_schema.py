"""The OpenAPI schema states what the API answers (ptdv.core.schema)."""

import pytest
from rest_framework.test import APIClient

from ptdv.candidacies.transitions import FACTS
from ptdv.documents.services import FORMATS as DOCUMENT_FORMATS
from ptdv.reports.services import FORMATS as REPORT_FORMATS

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture
def schema():
    response = APIClient().get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def operations(schema):
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def resolve(schema, ref):
    return schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]


def test_error_envelope_is_a_component(schema):
    detail = schema["components"]["schemas"]["ErrorDetail"]
    assert set(detail["required"]) == {"code", "message", "fields"}
    assert "reference" in detail["properties"]
    assert schema["components"]["schemas"]["Error"]["required"] == ["error"]


def test_every_error_answer_is_documented_with_the_envelope(schema):
    for path, method, operation in operations(schema):
        responses = operation["responses"]
        secured = bool(operation.get("security"))
        has_path_id = "{" in path
        has_body = "requestBody" in operation
        if secured:
            assert {"401", "403"} <= set(responses), (method, path)
        if has_path_id:
            assert "404" in responses, (method, path)
        if has_body:
            assert {"400", "415"} <= set(responses), (method, path)
        for code, response in responses.items():
            if code.startswith(("4", "5")):
                ref = response["content"]["application/json"]["schema"]["$ref"]
                assert "error" in resolve(schema, ref)["properties"], (method, path, code)


def test_bodies_are_json_except_uploads(schema):
    for path, method, operation in operations(schema):
        if "requestBody" in operation:
            media = set(operation["requestBody"]["content"])
            expected = {"multipart/form-data"} if path.endswith("/attachments/") else None
            assert media == (expected or {"application/json"}), (method, path)


def test_each_stage_action_is_an_operation_with_its_exact_body(schema):
    assert not any("{action_name}" in path for path in schema["paths"])
    for action, facts in FACTS.items():
        operation = schema["paths"][f"/api/v1/candidacies/{{id}}/actions/{action}/"]["post"]
        body = resolve(
            schema, operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        )
        assert body["additionalProperties"] is False
        assert {"document", "version"} <= set(body["properties"])
        required = {name for name, field in facts().fields.items() if field.required}
        assert set(body.get("required", [])) == required, action
        assert operation["requestBody"]["required"] is bool(required)
        assert {"409", "422"} <= set(operation["responses"])
        assert (
            "violations"
            in resolve(
                schema,
                operation["responses"]["422"]["content"]["application/json"]["schema"]["$ref"],
            )["properties"]
        )


def test_files_have_their_content_types_and_path_enums(schema):
    report = schema["paths"]["/api/v1/reports/progress/{id}.{fmt}"]["get"]
    assert set(report["responses"]["200"]["content"]) == set(REPORT_FORMATS.values())
    fmt = next(p for p in report["parameters"] if p["name"] == "fmt")
    assert set(fmt["schema"]["enum"]) == set(REPORT_FORMATS)
    document = schema["paths"]["/api/v1/candidacies/{id}/documents/{slug}.{ext}"]["get"]
    assert set(document["responses"]["200"]["content"]) == set(DOCUMENT_FORMATS.values())
    slug = next(p for p in document["parameters"] if p["name"] == "slug")
    assert "2-knd" in slug["schema"]["enum"]
    download = schema["paths"]["/api/v1/attachments/{id}/download/"]["get"]
    assert set(download["responses"]["200"]["content"]) == {
        "application/pdf",
        "image/jpeg",
        "image/png",
    }


def test_pagination_and_empty_filters(schema):
    people = schema["paths"]["/api/v1/people/"]["get"]
    page = next(p for p in people["parameters"] if p["name"] == "page")
    assert page["schema"]["minimum"] == 1
    kinds = next(
        p
        for p in schema["paths"]["/api/v1/organisations/"]["get"]["parameters"]
        if p["name"] == "kind"
    )
    assert "" in kinds["schema"]["enum"]  # `?kind=` is "not given", as DRF reads it


def test_public_token_operation_documents_refused_credentials(schema):
    token = schema["paths"]["/api/v1/auth/token/"]["post"]
    assert "security" not in token
    assert {"200", "400", "401", "429"} <= set(token["responses"])


def test_free_text_read_by_the_api_may_not_contain_nul(schema, tree):
    from ptdv.accounts.models import Role
    from ptdv.factories import PersonFactory, user_with_role

    relative = schema["components"]["schemas"]["RelativeRequest"]["properties"]
    assert relative["residence"]["not"] == {"pattern": "\\x00"}
    assert "not" not in relative["relation"]  # an enum: nothing to add
    client = APIClient()
    client.force_authenticate(user_with_role(tree["commune_a"], Role.CLERK))
    person = PersonFactory(organisation=tree["cell_a1"])
    response = client.post(
        f"/api/v1/people/{person.pk}/relatives/",
        {"relation": "father", "full_name": "Nguyễn Văn Ba", "residence": "thôn\x00"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["residence"] == ["Không được chứa ký tự NUL (\\x00)."]


def test_operations_that_refuse_well_formed_requests_document_422(schema):
    """The contract of ptdv.core.refusals: a schema-valid request refused by a rule is a 422,
    documented with the envelope (violations and warnings when the rule set judged)."""
    component = schema["components"]["schemas"]["RuleViolationError"]
    assert component["required"] == ["error"]
    assert {"violations", "warnings"} <= set(component["properties"])
    paths = schema["paths"]
    refusing = [
        paths["/api/v1/candidacies/"]["post"],
        paths["/api/v1/rules/check/"]["post"],
        *(paths[f"/api/v1/candidacies/{{id}}/actions/{action}/"]["post"] for action in FACTS),
    ]
    for operation in refusing:
        answer = operation["responses"]["422"]["content"]["application/json"]["schema"]
        assert answer == {"$ref": "#/components/schemas/RuleViolationError"}


def test_the_rule_check_body_is_the_case_format(schema):
    body = schema["paths"]["/api/v1/rules/check/"]["post"]["requestBody"]
    assert body["required"] is True  # its schema requires fields
    case = body["content"]["application/json"]["schema"]
    assert case["additionalProperties"] is False
    assert case["required"] == ["action", "date", "applicant"]
    assert case["properties"]["decider"]["nullable"] is True
