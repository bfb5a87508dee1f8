"""A province administrator merges two communes into a new one by a decision, then sees the
new commune's progress for the year count the admissions of both."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import expect

from ptdv.accounts.models import Role
from ptdv.candidacies.models import Stage
from ptdv.candidacies.tallies import aggregates_rebuild
from ptdv.e2e.conftest import login
from ptdv.factories import CandidacyFactory, MembershipFactory, make_tree, user_with_role
from ptdv.organisations.models import Organisation

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "mat-khau-thu-nghiem"  # noqa: S105 (UserFactory's test password)
TODAY = dt.date.today()
YEAR = TODAY.year
DECIDED_ON = max(dt.date(YEAR, 1, 1), TODAY - dt.timedelta(days=10))


def admitted(cell: Any) -> None:
    CandidacyFactory(
        organisation=cell,
        stage=Stage.DECIDED,
        opened_on=DECIDED_ON - dt.timedelta(days=400),
        stage_changed_on=DECIDED_ON,
        decision_date=DECIDED_ON,
    )


def test_merge_two_communes_and_see_the_progress_of_the_new_one(page: Any) -> None:
    tree = make_tree()
    for _ in range(3):
        MembershipFactory(organisation=tree["cell_a1"])
    MembershipFactory(organisation=tree["cell_b1"])
    admitted(tree["cell_a1"])
    admitted(tree["cell_a2"])
    admitted(tree["cell_b2"])
    aggregates_rebuild()
    user_with_role(tree["province"], Role.ADMINISTRATOR, username="quantri")

    login(page, "quantri", PASSWORD)
    page.goto(page.base_url + tree["commune_a"].get_absolute_url())
    page.get_by_role("link", name="Thay đổi tổ chức").click()
    page.get_by_role("link", name="Hợp nhất, sáp nhập").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hợp nhất, sáp nhập: Đảng bộ xã A")
    page.get_by_label("Số quyết định").fill("125-QĐ/TU")
    page.get_by_label("Ngày quyết định").fill(f"{TODAY:%d/%m/%Y}")
    page.get_by_label("Cơ quan ban hành").fill("Ban Thường vụ Tỉnh ủy")
    page.get_by_label("Hợp nhất cùng với").select_option(label="Đảng bộ xã B (Xb)")
    page.get_by_label("Mã tổ chức mới").fill("XC")
    page.get_by_label("Tên tổ chức mới").fill("Đảng bộ xã Hòa Bình")
    page.get_by_role("button", name="Ghi nhận thay đổi").click()

    expect(
        page.get_by_text("Đã ghi nhận: Hợp nhất, sáp nhập theo quyết định 125-QĐ/TU.")
    ).to_be_visible()
    changes = page.locator("#changes")
    expect(changes).to_contain_text("Đảng bộ xã A")
    expect(changes).to_contain_text("Đảng bộ xã B")
    expect(changes).to_contain_text("Đảng bộ xã Hòa Bình")

    merged = Organisation.objects.get(code="XC")
    page.goto(page.base_url + f"/targets/{merged.pk}/?year={YEAR}")
    summary = page.locator("#summary")
    admitted_card = summary.locator(".card", has_text="Đã kết nạp / chỉ tiêu")
    expect(admitted_card.locator(".display-6")).to_contain_text("3 /")
    # The province's table of communes shows the new commune only, with both communes' figures.
    page.goto(page.base_url + f"/targets/{tree['province'].pk}/?year={YEAR}")
    children = page.locator("#children")
    expect(children.locator("tbody tr", has_text="Đảng bộ xã Hòa Bình")).to_contain_text("3")
    expect(children.locator("tbody tr", has_text="Đảng bộ xã A")).to_have_count(0)
