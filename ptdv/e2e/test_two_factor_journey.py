"""An administrator, outside the demo, must sign in with two factors: at the first sign-in the
browser shows the secret and the QR code, the test plays the authenticator app (the code is
computed from the secret shown on the page, RFC 6238), the recovery codes appear once; at the
next sign-in the password is followed by a fresh code."""

from __future__ import annotations

import base64
import re
import time
from typing import Any

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from ptdv.accounts.models import Role
from ptdv.e2e.conftest import login
from ptdv.factories import make_tree, user_with_role

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "mat-khau-thu-nghiem"  # noqa: S105 (UserFactory's test password)


def authenticator_code(secret: str, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for this secret (base32, as on the page)."""
    compact = secret.replace(" ", "")
    key = base64.b32decode(compact + "=" * (-len(compact) % 8))
    totp = TOTP(key, step=30, t0=0, digits=6, drift=0)
    totp.time = time.time() + steps_ahead * 30
    return f"{totp.token():06d}"


def test_administrator_enrols_then_signs_in_with_a_code(page: Any, settings: Any) -> None:
    settings.PTDV_2FA_REQUIRED = True
    tree = make_tree()
    user_with_role(tree["commune_a"], Role.ADMINISTRATOR, username="qtv-a", full_name="Hà Văn Quản")

    # First sign-in: nothing opens before enrolment.
    login(page, "qtv-a", PASSWORD)
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/setup/"))
    page.goto(page.base_url + "/accounts/users/")
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/setup/"))
    expect(page.get_by_role("heading", name="Bật xác thực hai bước")).to_be_visible()
    expect(page.locator("#totp-qr svg")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text()

    page.get_by_label("Mã xác thực").fill(authenticator_code(secret))
    page.get_by_role("button", name="Xác nhận và bật").click()
    expect(page.get_by_role("heading", name="Mã khôi phục")).to_be_visible()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="Tôi đã lưu các mã, tiếp tục").click()
    expect(page.get_by_role("heading", name="Quản lý người dùng")).to_be_visible()

    # Sign out, sign in again: the password, then the app's next code.
    page.locator("header").get_by_role("button", name="Đăng xuất").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    login(page, "qtv-a", PASSWORD)
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/verify/"))
    page.get_by_label("Mã xác thực").fill("000000")
    if authenticator_code(secret, 1) == "000000":  # pragma: no cover (one chance in a million)
        page.get_by_label("Mã xác thực").fill("111111")
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("Mã xác thực không đúng")

    # After a wrong code django-otp makes the next one wait a second (then two, four…).
    time.sleep(1.5)
    # The code of the enrolment is spent; the app's next one is accepted.
    page.get_by_label("Mã xác thực").fill(authenticator_code(secret, 1))
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.get_by_role("heading", name="Xin chào, Hà Văn Quản")).to_be_visible()
