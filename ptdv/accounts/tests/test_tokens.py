"""API tokens: expiry, last use, listing, revocation by the owner and by administrators of the
owner's subtree; an expired or revoked token is 401 with the error envelope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from ptdv.accounts.models import ApiToken, Assignment, Role
from ptdv.accounts.tokens import token_digest
from ptdv.audit.models import AuditEntry
from ptdv.factories import user_with_role

pytestmark = pytest.mark.django_db

PASSWORD = "mat-khau-thu-nghiem"
TOKEN_URL = "/api/v1/auth/token/"
LIST_URL = "/api/v1/auth/tokens/"


@pytest.fixture(autouse=True)
def _fresh_throttle_cache():
    cache.clear()
    yield
    cache.clear()


def issue(username: str) -> tuple[str, ApiToken]:
    response = APIClient().post(
        TOKEN_URL, {"username": username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    key = response.json()["token"]
    return key, ApiToken.objects.get(key_digest=token_digest(key))


def bearer(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


@pytest.fixture
def clerk(tree):
    return user_with_role(tree["cell_a1"], Role.CLERK, username="thu-a1")


def test_a_token_expires_after_the_configured_days(tree, clerk, settings) -> None:
    settings.PTDV_TOKEN_TTL_DAYS = 7
    before = timezone.now()
    key, token = issue("thu-a1")

    assert (
        before + dt.timedelta(days=7) <= token.expires_at <= timezone.now() + dt.timedelta(days=7)
    )
    assert bearer(key).get("/api/v1/organisations/").status_code == 200

    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = bearer(key).get("/api/v1/organisations/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert response.json() == {
        "error": {
            "code": "token_expired",
            "message": "Mã truy cập đã hết hạn; hãy lấy mã mới tại /api/v1/auth/token/.",
            "fields": {},
        }
    }


def test_use_is_recorded(tree, clerk) -> None:
    key, token = issue("thu-a1")
    assert token.last_used_at is None

    bearer(key).get("/api/v1/organisations/")

    token.refresh_from_db()
    assert token.last_used_at is not None
    assert timezone.now() - token.last_used_at < dt.timedelta(minutes=1)


def test_the_owner_lists_own_tokens_only_and_never_a_key(tree, clerk) -> None:
    key, token = issue("thu-a1")
    issue("thu-a1")
    other = user_with_role(tree["cell_a1"], Role.CLERK, username="thu-a2")
    issue(other.username)

    response = bearer(key).get(LIST_URL)

    assert response.status_code == 200
    rows = response.json()
    assert len(rows) == 2
    assert {row["id"] for row in rows} == set(
        ApiToken.objects.filter(user=clerk).values_list("id", flat=True)
    )
    assert set(rows[0]) == {
        "id",
        "prefix",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    }
    assert key not in response.content.decode()
    assert token.key_digest not in response.content.decode()


def test_the_owner_revokes_a_token_through_the_api(tree, clerk) -> None:
    key, token = issue("thu-a1")
    spare, _ = issue("thu-a1")

    assert bearer(spare).delete(f"{LIST_URL}{token.pk}/").status_code == 204

    response = bearer(key).get("/api/v1/organisations/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_revoked"
    assert response.json()["error"]["message"].startswith("Mã truy cập đã bị thu hồi")
    token.refresh_from_db()
    assert token.revoked_by == clerk and token.revoked_at is not None
    entry = AuditEntry.objects.get(summary="Thu hồi mã truy cập API")
    assert entry.actor == clerk and entry.object_id == str(token.pk)
    assert bearer(spare).get("/api/v1/organisations/").status_code == 200


def test_another_users_token_is_404_through_the_api(tree, clerk) -> None:
    key, _ = issue("thu-a1")
    # Even an administrator: the API revokes the caller's own tokens (others: on the web).
    admin = user_with_role(tree["province"], Role.ADMINISTRATOR, username="qtv")
    admin_key, _ = issue(admin.username)
    mine = ApiToken.objects.get(user=clerk)

    assert bearer(admin_key).delete(f"{LIST_URL}{mine.pk}/").status_code == 404
    assert bearer(admin_key).delete(f"{LIST_URL}999999/").status_code == 404
    assert bearer(key).get("/api/v1/organisations/").status_code == 200


def test_the_owner_lists_and_revokes_on_the_security_page(client, tree, clerk) -> None:
    key, token = issue("thu-a1")
    bearer(key).get("/api/v1/organisations/")
    client.force_login(clerk)

    page = client.get(reverse("accounts:security"))
    assert page.status_code == 200
    html = page.content.decode()
    assert token.prefix in html and key not in html
    assert token.expires_at.astimezone(timezone.get_current_timezone()).strftime("%d/%m/%Y") in html
    assert "chưa dùng" not in html  # used once: its time is shown

    response = client.post(reverse("accounts:token_revoke_own", args=[token.pk]))
    assert response.status_code == 302
    assert bearer(key).get("/api/v1/organisations/").status_code == 401

    other = user_with_role(tree["cell_a1"], Role.CLERK, username="thu-a2")
    _, theirs = issue(other.username)
    assert client.post(reverse("accounts:token_revoke_own", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_an_administrator_of_the_subtree_revokes_a_users_token(client, tree, clerk) -> None:
    key, token = issue("thu-a1")
    admin = user_with_role(tree["commune_a"], Role.ADMINISTRATOR)
    client.force_login(admin)

    page = client.get(reverse("accounts:user_detail", args=[clerk.pk]))
    assert token.prefix in page.content.decode()
    response = client.post(reverse("accounts:user_token_revoke", args=[clerk.pk, token.pk]))

    assert response.status_code == 302
    assert bearer(key).get("/api/v1/organisations/").status_code == 401
    entry = AuditEntry.objects.get(summary="Thu hồi mã truy cập API")
    assert entry.actor == admin and entry.data["user"] == clerk.pk


def test_token_revocation_by_administrators_is_scoped(client, tree, clerk) -> None:
    key, token = issue("thu-a1")
    url = reverse("accounts:user_token_revoke", args=[clerk.pk, token.pk])

    client.force_login(user_with_role(tree["commune_b"], Role.ADMINISTRATOR))
    assert client.post(url).status_code == 404
    client.force_login(user_with_role(tree["commune_a"], Role.APPROVER))
    assert client.post(url).status_code == 403
    admin_a = user_with_role(tree["commune_a"], Role.ADMINISTRATOR)
    client.force_login(admin_a)
    # A token that is not this user's, under this user's address: 404.
    other = user_with_role(tree["cell_a2"], Role.CLERK, username="thu-a2")
    _, theirs = issue(other.username)
    assert (
        client.post(reverse("accounts:user_token_revoke", args=[clerk.pk, theirs.pk])).status_code
        == 404
    )
    Assignment.objects.create(user=clerk, organisation=tree["cell_b1"], role=Role.VIEWER)
    assert client.post(url).status_code == 403  # the account reaches beyond commune A

    token.refresh_from_db()
    theirs.refresh_from_db()
    assert token.revoked_at is None and theirs.revoked_at is None
    assert bearer(key).get("/api/v1/organisations/").status_code == 200


def test_issuing_is_audited_with_the_expiry_and_without_the_key(tree, clerk) -> None:
    key, token = issue("thu-a1")

    entry = AuditEntry.objects.get(summary="Cấp mã truy cập API")
    assert entry.actor == clerk and entry.object_id == str(token.pk)
    assert key not in str(entry.data) and "expires_at" in entry.data
