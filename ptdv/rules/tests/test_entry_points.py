"""The two conformance entry points through Django: `ptdv rules check` and
`POST /api/v1/rules/check/`, on the repository's conformance suite."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from ptdv.accounts.models import Role
from ptdv.factories import user_with_role

CONFORMANCE = Path(__file__).resolve().parents[1] / "conformance"
EXPECTED = json.loads((CONFORMANCE / "expected.json").read_text(encoding="utf-8"))
ROOT = Path(__file__).resolve().parents[3]


def ids(findings):
    return sorted({f["rule"] for f in findings})


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
            assert response.status_code == 400, name
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
