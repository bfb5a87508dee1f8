"""API v1 entry points: the token, authentication on every endpoint, public schema and docs."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from ptdv.accounts.models import ApiToken, Role
from ptdv.accounts.tokens import token_digest
from ptdv.audit.models import AuditEntry
from ptdv.factories import bearer_key, user_with_role

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
PASSWORD = "mat-khau-thu-nghiem"


@pytest.fixture(autouse=True)
def _no_throttle_history():
    cache.clear()
    yield
    cache.clear()


def bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == code
    return body["error"]


def test_token_issued_and_accepted_as_bearer(tree) -> None:
    user = user_with_role(tree["commune_a"], Role.CLERK, username="can-bo-a")

    response = APIClient().post(
        TOKEN_URL, {"username": "can-bo-a", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 200
    token = response.json()["token"]
    # Only the digest is stored: a copy of the database gives no working key.
    stored = ApiToken.objects.get(user=user)
    assert stored.key_digest == token_digest(token) and token not in stored.key_digest
    assert response.json()["expires_at"]
    again = APIClient().post(TOKEN_URL, {"username": "can-bo-a", "password": PASSWORD})
    assert again.json()["token"] != token  # each request issues its own token
    assert ApiToken.objects.filter(user=user).count() == 2
    assert bearer(token).get("/api/v1/organisations/").status_code == 200
    assert AuditEntry.objects.filter(actor=user, action="login").count() == 2


def test_wrong_password_is_401_in_vietnamese(tree) -> None:
    user_with_role(tree["commune_a"], Role.CLERK, username="can-bo-a")

    response = APIClient().post(
        TOKEN_URL, {"username": "can-bo-a", "password": "sai"}, format="json"
    )

    error = assert_error(response, 401, "authentication_failed")
    assert error["message"] == (
        "Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đã bị khóa."
    )
    assert error["fields"] == {}
    assert response["WWW-Authenticate"] == "Bearer"
    assert not ApiToken.objects.exists()


def test_inactive_user_refused(tree) -> None:
    user_with_role(tree["commune_a"], Role.CLERK, username="da-khoa", is_active=False)

    response = APIClient().post(
        TOKEN_URL, {"username": "da-khoa", "password": PASSWORD}, format="json"
    )

    assert_error(response, 401, "authentication_failed")
    assert not ApiToken.objects.exists()


def test_token_of_a_user_locked_later_is_refused(tree) -> None:
    user = user_with_role(tree["commune_a"], Role.CLERK)
    token = bearer_key(user)
    user.is_active = False
    user.save()

    assert_error(bearer(token).get("/api/v1/people/"), 401, "authentication_failed")


def test_missing_fields_named_in_vietnamese(db) -> None:
    error = assert_error(APIClient().post(TOKEN_URL, {}, format="json"), 400, "invalid")

    assert error["fields"] == {
        "username": ["Trường này là bắt buộc."],
        "password": ["Trường này là bắt buộc."],
    }


PROTECTED = [
    ("get", "/api/v1/organisations/"),
    ("get", "/api/v1/organisations/1/"),
    ("get", "/api/v1/people/"),
    ("get", "/api/v1/people/1/"),
    ("get", "/api/v1/candidacies/"),
    ("get", "/api/v1/candidacies/1/"),
    ("post", "/api/v1/candidacies/"),
]


@pytest.mark.parametrize(("method", "url"), PROTECTED)
def test_anonymous_gets_401_with_error_shape(tree, method: str, url: str) -> None:
    response = getattr(APIClient(), method)(url, {}, format="json")

    error = assert_error(response, 401, "not_authenticated")
    assert error["message"] == "Chưa đăng nhập hoặc mã truy cập không hợp lệ."
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(("method", "url"), PROTECTED)
def test_unknown_token_gets_401(tree, method: str, url: str) -> None:
    response = getattr(bearer("0" * 40), method)(url, {}, format="json")

    assert_error(response, 401, "authentication_failed")


def test_schema_is_public(db) -> None:
    response = APIClient().get("/api/v1/schema/", {"format": "json"})

    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "PTĐV API"
    assert {
        "/api/v1/auth/token/",
        "/api/v1/organisations/",
        "/api/v1/organisations/{id}/",
        "/api/v1/people/",
        "/api/v1/people/{id}/",
        "/api/v1/candidacies/",
        "/api/v1/candidacies/{id}/",
    } <= set(schema["paths"])
    assert schema["components"]["securitySchemes"]["tokenAuth"]["scheme"] == "bearer"


def test_docs_are_public_and_load_nothing_from_outside(db) -> None:
    response = APIClient().get("/api/v1/docs/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "/api/v1/candidacies/" in html
    assert "CandidacyRegisterRequest" in html
    assert "Authorization: Bearer" in html
    assert "<script" not in html
    assert "http://" not in html and "https://" not in html


def test_schema_generates_without_warnings(db, tmp_path) -> None:
    from django.core.management import call_command

    call_command("spectacular", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))

    assert "/api/v1/candidacies/" in (tmp_path / "schema.yaml").read_text()
