"""A user changes their own password from the user menu and signs in with it; an administrator
opens the system administration and the API reference. Every page runs under the
Content-Security-Policy (the `page` fixture fails on any violation)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from ptdv.accounts.models import Role
from ptdv.e2e.conftest import login
from ptdv.factories import PersonFactory, make_tree, user_with_role

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "mat-khau-thu-nghiem"  # noqa: S105 (UserFactory's test password)
NEW = "Núi-Hồng-Lĩnh-2026"
# The password page, kept for a human to look at.
SCREENSHOT = Path(tempfile.gettempdir()) / "ptdv-password-change.png"


def test_user_changes_their_password_and_signs_in_with_it(page: Any) -> None:
    tree = make_tree()
    user_with_role(tree["cell_a1"], Role.CLERK, username="thuky", full_name="Phan Thị Thư")

    login(page, "thuky", PASSWORD)
    page.get_by_role("link", name="Đổi mật khẩu").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đổi mật khẩu")
    expect(page.locator("#id_new_password1_helptext")).to_contain_text("ít nhất 10 ký tự")
    page.screenshot(path=SCREENSHOT, full_page=True)

    # Too short: refused with the reason under the field.
    page.locator("#id_old_password").fill(PASSWORD)
    page.locator("#id_new_password1").fill("ngan-qua")
    page.locator("#id_new_password2").fill("ngan-qua")
    page.get_by_role("button", name="Đổi mật khẩu").click()
    expect(page.get_by_text("Mật khẩu quá ngắn: cần ít nhất 10 ký tự.")).to_be_visible()

    page.locator("#id_old_password").fill(PASSWORD)
    page.locator("#id_new_password1").fill(NEW)
    page.locator("#id_new_password2").fill(NEW)
    page.get_by_role("button", name="Đổi mật khẩu").click()
    expect(page.get_by_text("Đã đổi mật khẩu.")).to_be_visible()

    page.get_by_role("button", name="Đăng xuất").first.click()
    page.wait_for_url(lambda url: "/accounts/login/" in url)
    page.fill("input[name=username]", "thuky")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.get_by_text("Tên đăng nhập hoặc mật khẩu không đúng.")).to_be_visible()
    login(page, "thuky", NEW)
    expect(page.get_by_text("Xin chào, Phan Thị Thư")).to_be_visible()


def test_system_administration_and_api_reference_run_under_the_policy(page: Any) -> None:
    tree = make_tree()
    person = PersonFactory(organisation=tree["cell_a1"])
    user_with_role(
        tree["province"], Role.ADMINISTRATOR, username="quantri", is_staff=True, is_superuser=True
    )
    login(page, "quantri", PASSWORD)
    page.goto(page.base_url + "/admin/")
    expect(page.locator("#site-name")).to_be_visible()
    page.goto(page.base_url + f"/admin/people/person/{person.pk}/change/")
    expect(page.locator("#person_form")).to_be_visible()
    page.goto(page.base_url + "/api/v1/docs/")
    expect(page.get_by_role("heading", name="Xác thực")).to_be_visible()
