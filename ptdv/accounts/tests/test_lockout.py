"""Sign-in lockout by account on every door (web form, Django admin, API token), whatever the
client address; audited without the password; lifted by the period or by an administrator
of the user's subtree."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from ptdv.accounts.models import Role
from ptdv.audit.models import AuditEntry
from ptdv.factories import user_with_role

pytestmark = pytest.mark.django_db

PASSWORD = "mat-khau-thu-nghiem"
WRONG = "doan-mo-sai-123"
LIMIT = 10
LOCKED_TEXT = "Tài khoản đã bị tạm khóa vì đăng nhập sai 10 lần liên tiếp"
LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"
TOKEN = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def _fresh_throttle_cache():
    cache.clear()
    yield
    cache.clear()


def address(n: int) -> str:
    return f"10.0.{n // 250}.{n % 250 + 1}"


def web_attempt(username: str, password: str, n: int = 0, path: str = LOGIN):
    # A new client each time and a new address each time: the lock follows the account.
    return Client(REMOTE_ADDR=address(n)).post(
        path, {"username": username, "password": password, "next": "/admin/"}
    )


def api_attempt(username: str, password: str, n: int = 0):
    return APIClient(REMOTE_ADDR=address(n)).post(
        TOKEN, {"username": username, "password": password}, format="json"
    )


def no_password_in_audit() -> None:
    for entry in AuditEntry.objects.all():
        text = entry.summary + str(entry.data)
        assert PASSWORD not in text and WRONG not in text


def test_web_form_locks_the_account_after_ten_failures_from_any_address(tree) -> None:
    user = user_with_role(tree["cell_a1"], Role.CLERK, username="thu-a1")

    for n in range(LIMIT - 1):
        response = web_attempt("thu-a1", WRONG, n)
        assert response.status_code == 200
        assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.content.decode()
    tenth = web_attempt("thu-a1", WRONG, LIMIT)
    assert tenth.status_code == 429
    assert LOCKED_TEXT in tenth.content.decode()

    # Locked: even the right password, from yet another address, is refused.
    refused = web_attempt("thu-a1", PASSWORD, 99)
    assert refused.status_code == 429 and LOCKED_TEXT in refused.content.decode()
    assert "_auth_user_id" not in refused.wsgi_request.session

    failures = AuditEntry.objects.filter(summary="Đăng nhập không thành công", object_id=user.pk)
    assert failures.count() == LIMIT + 1
    assert {entry.data["door"] for entry in failures} == {"web"}
    lock = AuditEntry.objects.get(summary__startswith="Tài khoản bị tạm khóa")
    assert lock.object_id == str(user.pk) and lock.data["username"] == "thu-a1"
    no_password_in_audit()


def test_lockout_ends_after_the_period(tree, settings) -> None:
    user_with_role(tree["cell_a1"], Role.CLERK, username="thu-a1")
    for n in range(LIMIT):
        web_attempt("thu-a1", WRONG, n)
    assert web_attempt("thu-a1", PASSWORD).status_code == 429

    past = settings.AXES_COOLOFF_TIME + dt.timedelta(seconds=1)
    for attempt in AccessAttempt.objects.all():
        AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=attempt.attempt_time - past)

    assert web_attempt("thu-a1", PASSWORD).status_code == 302


def test_only_consecutive_failures_count(tree) -> None:
    user_with_role(tree["cell_a1"], Role.CLERK, username="thu-a1")
    for n in range(LIMIT - 1):
        web_attempt("thu-a1", WRONG, n)
    assert web_attempt("thu-a1", PASSWORD).status_code == 302  # the count starts again
    for n in range(LIMIT - 1):
        assert web_attempt("thu-a1", WRONG, n).status_code == 200
    assert web_attempt("thu-a1", PASSWORD).status_code == 302


def test_other_accounts_are_not_locked(tree) -> None:
    user_with_role(tree["cell_a1"], Role.CLERK, username="thu-a1")
    user_with_role(tree["cell_a1"], Role.CLERK, username="thu-a2")
    for n in range(LIMIT):
        web_attempt("thu-a1", WRONG, n)

    # Same address as the attacker: the other account signs in.
    assert web_attempt("thu-a2", PASSWORD, LIMIT - 1).status_code == 302


def test_unknown_user_names_are_audited_without_the_typed_name(db) -> None:
    web_attempt("mat-khau-go-nham-o-ten", WRONG)

    entry = AuditEntry.objects.get(summary="Đăng nhập không thành công")
    assert entry.object_id == "" and entry.actor is None
    assert "mat-khau-go-nham-o-ten" not in entry.summary + str(entry.data)


def test_django_admin_login_is_a_door_too(tree) -> None:
    user_with_role(tree["province"], Role.ADMINISTRATOR, username="qtv", is_staff=True)

    for n in range(LIMIT - 1):
        assert web_attempt("qtv", WRONG, n, path=ADMIN_LOGIN).status_code == 200
    tenth = web_attempt("qtv", WRONG, LIMIT, path=ADMIN_LOGIN)
    assert tenth.status_code == 429 and LOCKED_TEXT in tenth.content.decode()
    assert web_attempt("qtv", PASSWORD, 77, path=ADMIN_LOGIN).status_code == 429
    # One account, one count, whichever door: the web form is locked for it as well.
    assert web_attempt("qtv", PASSWORD, 78).status_code == 429
    assert set(
        AuditEntry.objects.filter(summary="Đăng nhập không thành công").values_list(
            "data__door", flat=True
        )
    ) == {"admin", "web"}


def test_api_token_endpoint_locks_with_the_json_envelope(tree) -> None:
    user_with_role(tree["cell_a1"], Role.CLERK, username="thu-a1")

    for n in range(LIMIT - 1):
        response = api_attempt("thu-a1", WRONG, n)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "authentication_failed"
    tenth = api_attempt("thu-a1", WRONG, LIMIT)
    assert tenth.status_code == 429
    assert tenth.json() == {
        "error": {
            "code": "account_locked",
            "message": tenth.json()["error"]["message"],
            "fields": {},
        }
    }
    assert tenth.json()["error"]["message"].startswith(LOCKED_TEXT)

    locked = api_attempt("thu-a1", PASSWORD, 55)
    assert locked.status_code == 429 and locked.json()["error"]["code"] == "account_locked"
    assert "token" not in locked.json()
    # The web form shares the count.
    assert web_attempt("thu-a1", PASSWORD).status_code == 429
    doors = AuditEntry.objects.filter(summary="Đăng nhập không thành công")
    assert set(doors.values_list("data__door", flat=True)) == {"api", "web"}
    no_password_in_audit()


def test_api_success_clears_the_count(tree) -> None:
    user_with_role(tree["cell_a1"], Role.CLERK, username="thu-a1")
    for n in range(LIMIT - 1):
        api_attempt("thu-a1", WRONG, n)
    assert api_attempt("thu-a1", PASSWORD).status_code == 200
    assert not AccessAttempt.objects.exists()


def test_the_per_address_rate_limit_of_the_token_endpoint_stays(tree) -> None:
    user_with_role(tree["cell_a1"], Role.CLERK, username="thu-a1")
    # Many accounts guessed from one address: the address is slowed whatever the account.
    codes = [api_attempt(f"khong-co-{n}", WRONG, 0).status_code for n in range(31)]
    assert codes[:30] == [401] * 30
    assert codes[30] == 429
    assert api_attempt("thu-a1", PASSWORD, 0).json()["error"]["code"] == "throttled"


# Unlocking ------------------------------------------------------------------------------------


def lock(username: str) -> None:
    for n in range(LIMIT):
        web_attempt(username, WRONG, n)


def test_administrator_unlocks_a_user_of_the_subtree(client, tree) -> None:
    admin = user_with_role(tree["commune_a"], Role.ADMINISTRATOR)
    user = user_with_role(tree["cell_a1"], Role.CLERK, username="thu-a1")
    lock("thu-a1")
    client.force_login(admin)

    page = client.get(reverse("accounts:user_detail", args=[user.pk]))
    html = page.content.decode()
    assert "Tạm khóa đăng nhập đến" in html and "Mở khóa đăng nhập" in html

    response = client.post(reverse("accounts:user_unlock_login", args=[user.pk]))
    assert response.status_code == 302
    assert web_attempt("thu-a1", PASSWORD).status_code == 302
    entry = AuditEntry.objects.get(summary__startswith="Mở khóa đăng nhập")
    assert entry.actor == admin and entry.object_id == str(user.pk)
    assert entry.data == {"was_locked": True}


def test_unlock_is_scoped_like_the_other_account_actions(client, tree) -> None:
    user = user_with_role(tree["cell_a1"], Role.CLERK, username="thu-a1")
    lock("thu-a1")
    url = reverse("accounts:user_unlock_login", args=[user.pk])

    client.force_login(user_with_role(tree["commune_b"], Role.ADMINISTRATOR))
    assert client.post(url).status_code == 404  # outside the subtree: as if absent
    client.force_login(user_with_role(tree["commune_a"], Role.APPROVER))
    assert client.post(url).status_code == 403
    # Inside, but the user also holds a role elsewhere: beyond this administrator's reach.
    from ptdv.accounts.models import Assignment

    Assignment.objects.create(user=user, organisation=tree["cell_b1"], role=Role.VIEWER)
    client.force_login(user_with_role(tree["commune_a"], Role.ADMINISTRATOR))
    assert client.post(url).status_code == 403
    assert client.get(url).status_code == 405

    assert AccessAttempt.objects.filter(username="thu-a1").exists()
    assert web_attempt("thu-a1", PASSWORD).status_code == 429
