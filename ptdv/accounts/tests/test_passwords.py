"""Passwords: Argon2, the validators (Vietnamese messages), self-service change (audited),
`createsuperuser --noinput` and the demo accounts."""

from __future__ import annotations

import pytest
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import PBKDF2PasswordHasher, identify_hasher, make_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from config.settings import base
from ptdv.accounts.models import Role, User
from ptdv.audit.models import AuditEntry
from ptdv.factories import UserFactory, user_with_role

pytestmark = pytest.mark.django_db

CHANGE = reverse("accounts:password_change")
OLD = "mat-khau-thu-nghiem"  # the factories' password
NEW = "Sông-Lam-xanh-2026"


# --- hashing ---------------------------------------------------------------------------------


def test_the_configured_hasher_is_argon2():
    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_a_password_hashed_with_the_base_settings_is_argon2(settings):
    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS
    encoded = make_password(NEW)
    assert encoded.startswith("argon2$argon2id$")
    assert identify_hasher(encoded).algorithm == "argon2"


def test_an_older_hash_still_signs_in_and_is_upgraded_to_argon2(settings):
    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS
    user = UserFactory()
    old_hash = PBKDF2PasswordHasher().encode(NEW, PBKDF2PasswordHasher().salt())
    User.objects.filter(pk=user.pk).update(password=old_hash)
    response = Client().post(reverse("login"), {"username": user.username, "password": NEW})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$") and user.check_password(NEW)


# --- validators ------------------------------------------------------------------------------


def _problems(password: str, user: User | None = None) -> list[str]:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        return exc.messages
    return []


def test_validators_are_configured_with_length_ten():
    names = [type(v).__name__ for v in password_validation.get_default_password_validators()]
    assert names == [
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    ]
    assert "Mật khẩu quá ngắn: cần ít nhất 10 ký tự." in _problems("Ab-cd-ef9")
    assert _problems("Ab-cd-ef-9") == []


def test_common_and_numeric_passwords_are_refused_in_vietnamese():
    assert _problems("password123") == ["Mật khẩu này quá phổ biến."]
    assert _problems("2026042612345") == ["Mật khẩu này hoàn toàn là số."]


def test_a_password_like_the_username_or_the_name_without_accents_is_refused():
    user = User(username="thuky.thanhsen", full_name="Nguyễn Văn Thành", email="")
    assert _problems("thuky.thanhsen1", user) == [
        "Mật khẩu quá giống với tên đăng nhập của tài khoản."
    ]
    assert _problems("nguyenvanthanh", user) == ["Mật khẩu quá giống với họ và tên của tài khoản."]
    assert _problems("Nguyễn Văn Thành!", user) == [
        "Mật khẩu quá giống với họ và tên của tài khoản."
    ]
    assert _problems(NEW, user) == []


def test_help_texts_are_vietnamese():
    texts = password_validation.password_validators_help_texts()
    assert "Mật khẩu phải có ít nhất 10 ký tự." in texts
    assert all(not text.startswith(("Your", "This")) for text in texts)


# --- self-service change ---------------------------------------------------------------------


@pytest.fixture
def clerk(tree, client):
    user = user_with_role(tree["cell_a1"], Role.CLERK, full_name="Trần Thị Mai")
    client.force_login(user)
    return user


def _change(client, old=OLD, new1=NEW, new2=NEW):
    return client.post(CHANGE, {"old_password": old, "new_password1": new1, "new_password2": new2})


def _changes_audited(user):
    return AuditEntry.objects.filter(
        object_type="accounts.user", object_id=str(user.pk), summary="Tự đổi mật khẩu"
    )


def test_the_user_menu_links_to_the_change_page(client, clerk):
    page = client.get(reverse("home")).content.decode()
    assert f'href="{CHANGE}"' in page and "Đổi mật khẩu" in page
    response = client.get(CHANGE)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Mật khẩu hiện tại" in text and "Nhập lại mật khẩu mới" in text


def test_change_needs_a_signed_in_user():
    response = Client().get(CHANGE)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_change_sets_the_password_keeps_this_session_ends_the_others(tree, client, clerk):
    elsewhere = Client()
    elsewhere.force_login(clerk)
    assert elsewhere.get(reverse("home")).status_code == 200
    response = _change(client)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    clerk.refresh_from_db()
    assert clerk.check_password(NEW) and not clerk.check_password(OLD)
    assert "Đã đổi mật khẩu." in client.get(reverse("home")).content.decode()
    assert elsewhere.get(reverse("home")).status_code == 302  # signed out there
    entry = _changes_audited(clerk).get()
    assert entry.actor == clerk and entry.action == "change"
    assert NEW not in str(entry.data) + entry.summary


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"old": "sai-mat-khau-cu"}, "old_password", "Mật khẩu hiện tại không đúng."),
        ({"new1": "Ngắn-1", "new2": "Ngắn-1"}, "new_password2",
         "Mật khẩu quá ngắn: cần ít nhất 10 ký tự."),
        ({"new1": "tranthimai99", "new2": "tranthimai99"}, "new_password2",
         "Mật khẩu quá giống với họ và tên của tài khoản."),
        ({"new1": "123456789012", "new2": "123456789012"}, "new_password2",
         "Mật khẩu này hoàn toàn là số."),
        ({"new2": "khac-han-nhau-2026"}, "new_password2", "Hai lần nhập mật khẩu mới không khớp."),
        ({"old": ""}, "old_password", "Nhập mật khẩu hiện tại."),
    ],
)  # fmt: skip
def test_a_refused_change_says_why_and_changes_nothing(client, clerk, values, field, message):
    before = clerk.password
    response = _change(client, **values)
    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert message in response.content.decode()
    clerk.refresh_from_db()
    assert clerk.password == before
    assert not _changes_audited(clerk).exists()


# --- createsuperuser and the demo accounts ---------------------------------------------------


def test_createsuperuser_noinput_refuses_a_weak_password(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "quantri")
    with pytest.raises(CommandError) as caught:
        call_command("createsuperuser", "--noinput", "--username", "quantri", "--email", "")
    assert "Mật khẩu quá ngắn: cần ít nhất 10 ký tự." in str(caught.value)
    assert not User.objects.filter(username="quantri").exists()
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", NEW)
    call_command("createsuperuser", "--noinput", "--username", "quantri", "--email", "")
    assert User.objects.get(username="quantri").check_password(NEW)


def test_demo_accounts_keep_their_short_known_passwords(tree, settings):
    """Demo accounts are made by code in demo mode only and bypass the validators on purpose:
    the demo's documented passwords (`demo-admin`/`demo-admin`, `demo-xa`/`demo-xa`) equal the
    usernames and are mostly shorter than 10, and they keep working."""
    from ptdv.demo.accounts import demo_accounts_ensure

    settings.PTDV_DEMO = True
    accounts = demo_accounts_ensure()
    assert {a.username for a in accounts} >= {"demo-admin", "demo-xa"}
    for account in accounts:
        user = User.objects.get(username=account.username)
        assert _problems(account.password, user)  # the validators would refuse it
        # Through the sign-in page: django-axes refuses an authenticate() without a request.
        answer = Client().post(
            "/accounts/login/", {"username": account.username, "password": account.password}
        )
        assert answer.status_code == 302, account.username


def test_user_import_judges_passwords_against_the_rows_own_names(tree, tmp_path, settings):
    from ptdv.exchange.services import import_workbook
    from ptdv.exchange.tests.conftest import filled_template

    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    admin = user_with_role(tree["commune_a"], Role.ADMINISTRATOR)
    rows = [
        {"username": "cb.a1", "full_name": "Lê Thị Nhập", "organisation": "Ca1",
         "role": "Nhập liệu", "password": "lethinhap2026"},
        {"username": "cb.a2", "organisation": "Ca2", "role": "Xem", "password": "ngan"},
    ]  # fmt: skip
    outcome = import_workbook(
        actor=admin, path=filled_template(tmp_path, "users", rows), kind="users"
    )
    assert outcome.status == "rejected"
    messages = {(e.row, e.column): e.message for e in outcome.errors}
    assert messages[(3, "password")] == "Mật khẩu quá giống với họ và tên của tài khoản."
    assert "Mật khẩu quá ngắn: cần ít nhất 10 ký tự." in messages[(4, "password")]
    assert not User.objects.filter(username__in=["cb.a1", "cb.a2"]).exists()
