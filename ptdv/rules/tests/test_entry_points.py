"""The two conformance entry points through Django: `ptdv rules check` and
`POST /api/v1/rules/check/`, on the repository's conformance suite."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from rest_framework.test import APIClient

from ptdv.accounts.models import Role
from ptdv.factories import user_with_role
from ptdv.rules import engine

CONFORMANCE = Path(__file__).resolve().parents[1] / "conformance"
EXPECTED = json.loads((CONFORMANCE / "expected.json").read_text(encoding="utf-8"))
ROOT = Path(__file__).resolve().parents[3]


def ids(findings):
    return sorted({f["rule"] for f in findings})


def _json_schema(node):
    """The OpenAPI 3.0 dialect (`nullable`) as plain JSON Schema, for `jsonschema`."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    schema = {key: _json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable"):
        schema["type"] = [schema["type"], "null"]
        if "enum" in schema:
            schema["enum"] = [*schema["enum"], None]
    return schema


def _published_case_schema():
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    body = paths["/api/v1/rules/check/"]["post"]["requestBody"]["content"]["application/json"]
    return _json_schema(body["schema"])


def _has_duplicate_keys(value):
    if isinstance(value, dict):
        return bool(getattr(value, "duplicate_keys", ())) or any(
            _has_duplicate_keys(item) for item in value.values()
        )
    if isinstance(value, list):
        return any(_has_duplicate_keys(item) for item in value)
    return False


def _matches_published_schema(body: bytes) -> bool:
    """Whether a body matches the request schema the API publishes (duplicated keys, which no
    JSON Schema can state, do not)."""
    try:
        data = engine.load_case_json(body.decode("utf-8-sig"))
    except ValueError:
        return False
    # Draft 4, the dialect of OpenAPI 3.0 (6.0 is not an integer), checking every format.
    validator = jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    return not _has_duplicate_keys(data) and validator.is_valid(data)


SCHEMA: dict = {}


@pytest.fixture(autouse=True, scope="module")
def published_schema():
    SCHEMA.update(_published_case_schema())


def test_the_published_schema_is_the_parsers_shape():
    """Schema-valid = parseable: every case the parser reads without a shape error matches
    the published schema, and every case the schema accepts is read by the parser (only
    `validate_case` may still refuse it, as ImpossibleCase)."""
    assert SCHEMA["additionalProperties"] is False
    assert set(SCHEMA["required"]) == {"action", "date", "applicant"}
    assert SCHEMA["properties"]["action"]["enum"] == [a.value for a in engine.EngineAction]
    for name, expected in sorted(EXPECTED.items()):
        body = (CONFORMANCE / name).read_bytes()
        matches = _matches_published_schema(body)
        if not expected.get("malformed"):
            assert matches, name
            continue
        try:
            engine.parse_case(engine.load_case_json(body.decode("utf-8-sig")))
        except engine.ImpossibleCase:
            assert matches, name
        except (engine.CaseError, ValueError):
            assert not matches, name
        else:
            pytest.fail(f"{name}: a malformed case was read")


@pytest.fixture
def api(tree):
    client = APIClient()
    client.force_authenticate(user_with_role(tree["province"], Role.VIEWER))
    return client


@pytest.mark.django_db
def test_http_answers_every_conformance_case(api):
    assert len(EXPECTED) >= 60
    for name, expected in sorted(EXPECTED.items()):
        body = (CONFORMANCE / name).read_bytes()
        response = api.post("/api/v1/rules/check/", data=body, content_type="application/json")
        if expected.get("malformed"):
            # 400 when the case does not match the published schema, 422 when it does but
            # cannot be judged (the contract of ptdv.core.refusals).
            well_formed = _matches_published_schema(body)
            assert response.status_code == (422 if well_formed else 400), name
            assert response.json()["error"]["code"] in {"invalid_case", "parse_error"}, name
            continue
        assert response.status_code == 200, (name, response.content)
        result = response.json()
        assert "case" not in result
        assert result["allowed"] is expected["allowed"], name
        assert ids(result["violations"]) == sorted(set(expected["violations"])), name
        assert ids(result["warnings"]) == sorted(set(expected["warnings"])), name


@pytest.mark.django_db
def test_http_requires_authentication():
    response = APIClient().post("/api/v1/rules/check/", data={}, format="json")
    assert response.status_code == 401
    assert "error" in response.json()


@pytest.mark.django_db
def test_http_rejects_non_json(api):
    response = api.post("/api/v1/rules/check/", data=b"{not json", content_type="application/json")
    assert response.status_code == 400
    assert "error" in response.json()


@pytest.mark.django_db
def test_http_rejects_a_body_that_is_not_utf8(api):
    response = api.post("/api/v1/rules/check/", data=b"\xff{}", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


@pytest.mark.django_db
def test_http_answers_422_for_a_well_formed_case_that_cannot_be_judged(api):
    case = {"action": "ceremony", "date": "2026-03-02", "applicant": {"birth_date": "2000-01-01"}}
    response = api.post("/api/v1/rules/check/", data=case, format="json")
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid_case"
    assert list(error["fields"]) == ["previous.decision_received_date"]
    case["applicant"]["birth_date"] = "01/01/2000"  # not the format's date: a 400
    assert api.post("/api/v1/rules/check/", data=case, format="json").status_code == 400


def run_cli(*paths: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and module, fixed arguments
        [sys.executable, "-m", "ptdv.cli", "rules", "check", *paths],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "PTDV_VAR_DIR": str(ROOT / "var"),
        },
        check=False,
    )


def test_cli_json_lines_and_exit_codes():
    allowed = sorted(n for n, e in EXPECTED.items() if e.get("allowed") is True)[:2]
    refused = sorted(n for n, e in EXPECTED.items() if e.get("allowed") is False)[:1]
    malformed = sorted(n for n, e in EXPECTED.items() if e.get("malformed"))[:1]
    paths = [str(CONFORMANCE / n) for n in allowed]
    done = run_cli(*paths)
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line["case"] for line in lines] == paths
    done = run_cli(*paths, str(CONFORMANCE / refused[0]))
    assert done.returncode == 1
    assert len(done.stdout.splitlines()) == 3
    done = run_cli(str(CONFORMANCE / malformed[0]), *paths, str(CONFORMANCE / refused[0]))
    assert done.returncode == 2
    assert len(done.stdout.splitlines()) == 3
    assert malformed[0] in done.stderr
