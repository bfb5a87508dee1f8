"""A clerk finds a candidate: tree → commune → candidate list → accent-free search → person."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from playwright.sync_api import expect

from ptdv.accounts.models import Role
from ptdv.e2e.conftest import login
from ptdv.factories import CandidacyFactory, PersonFactory, make_tree, user_with_role

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "mat-khau-thu-nghiem"  # noqa: S105 (UserFactory's test password)


def candidate(cell: Any, family: str, middle: str, given: str, born: dt.date) -> None:
    person = PersonFactory(
        family_name=family, middle_name=middle, given_name=given, birth_date=born, organisation=cell
    )
    CandidacyFactory(person=person, organisation=cell)


def test_clerk_finds_a_candidate_without_typing_accents(page: Any) -> None:
    tree = make_tree()
    candidate(tree["cell_a1"], "Nguyễn", "Văn", "Hùng", dt.date(1999, 1, 12))
    candidate(tree["cell_a1"], "Đặng", "Thị", "Lan", dt.date(2001, 9, 5))
    candidate(tree["cell_a2"], "Đặng", "Văn", "Nam", dt.date(2000, 6, 1))
    candidate(tree["cell_a2"], "Trần", "Thị", "Thu", dt.date(2002, 2, 2))
    candidate(tree["cell_b1"], "Đặng", "Thị", "Bích", dt.date(1998, 3, 3))
    user_with_role(tree["province"], Role.CLERK, username="vanthu", full_name="Lê Thị Văn Thư")

    login(page, "vanthu", PASSWORD)
    expect(page.get_by_text("Xin chào, Lê Thị Văn Thư")).to_be_visible()

    # The organisation tree opens on the user's only root, the province; down to commune A.
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name="Tổ chức đảng"
    ).click()
    expect(page.get_by_role("heading", name="Đảng bộ tỉnh Mẫu")).to_be_visible()
    page.locator("#children").get_by_role("link", name="Đảng bộ xã A").click()
    expect(page.get_by_role("heading", name="Đảng bộ xã A")).to_be_visible()

    # Its candidate list: commune A only (Bích is in commune B).
    page.get_by_role("link", name="Danh sách quần chúng").click()
    table = page.locator("#candidacy-table")
    expect(table).to_contain_text("Nguyễn Văn Hùng")
    expect(table).to_contain_text("Đặng Thị Lan")
    expect(table).not_to_contain_text("Đặng Thị Bích")

    # Typed without accents; htmx refreshes the results and the address. Typed once the page
    # has loaded: the rows are in the HTML before htmx, a deferred script, listens to the box
    # (on a busy machine a word typed sooner went unheard).
    page.wait_for_load_state("load")
    page.get_by_label("Tìm theo họ tên").fill("dang thi")
    expect(page).to_have_url(re.compile(r"q=dang(\+|%20)thi"))
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text("Đặng Thị Lan")
    expect(table).not_to_contain_text("Nguyễn Văn Hùng")
    expect(table).not_to_contain_text("Đặng Văn Nam")
    expect(table).not_to_contain_text("Trần Thị Thu")

    # The person page: the name and the birth date as dd/mm/yyyy.
    table.get_by_role("link", name="Đặng Thị Lan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đặng Thị Lan")
    expect(page.locator("dl")).to_contain_text("05/09/2001")
