"""A cell clerk records an obstacle that blocks a dossier and sends it up; the grassroots
committee's clerk finds it in "Việc của tôi" and sends it up again; the commune's clerk (two
levels above the cell) resolves it; back at the cell, the answer and the whole history are
on the obstacle, the cell can no longer act on it, and the monthly list shows it resolved."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import expect

from ptdv.accounts.models import Role
from ptdv.e2e.conftest import login
from ptdv.factories import CandidacyFactory, PersonFactory, make_tree, user_with_role
from ptdv.obstacles.models import Obstacle, Status

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "mat-khau-thu-nghiem"  # noqa: S105 (UserFactory's test password)
TODAY = dt.date.today()


def sign_out(page: Any) -> None:
    page.context.clear_cookies()


def test_an_obstacle_recorded_at_a_cell_is_resolved_two_levels_up(page: Any) -> None:
    tree = make_tree()
    cell = tree["cell_a1"]
    dossier = CandidacyFactory(
        person=PersonFactory(
            organisation=cell, family_name="Trần", middle_name="Văn", given_name="Lực"
        ),
        organisation=cell,
    )
    cell_clerk = user_with_role(cell, Role.CLERK, username="van-thu-chi-bo")
    grassroots_clerk = user_with_role(
        tree["grassroots_a"], Role.CLERK, username="van-thu-dang-uy-co-so"
    )
    commune_clerk = user_with_role(tree["commune_a"], Role.CLERK, username="ban-to-chuc-xa")

    # The cell's clerk records the obstacle, naming the dossier it blocks, and sends it up.
    login(page, cell_clerk.username, PASSWORD)
    page.click("#nav-obstacles")
    page.click("#obstacle-new")
    page.select_option("select[name=organisation]", str(cell.pk))
    page.select_option("select[name=category]", "residence")
    page.fill("input[name=title]", "Chưa có ý kiến của chi ủy nơi cư trú")
    page.fill(
        "textarea[name=description]",
        "Quần chúng làm việc ở tỉnh khác; chi ủy nơi cư trú chưa trả lời sau hai tháng.",
    )
    page.fill("input[name=candidacies]", str(dossier.pk))
    page.click("#obstacle-submit")
    expect(page.locator(".ptdv-messages")).to_contain_text("Đã ghi nhận khó khăn, vướng mắc.")
    expect(page.locator("#obstacle-level")).to_have_text(cell.name)
    expect(page.locator("#obstacle-candidacies")).to_contain_text("Trần Văn Lực")
    obstacle = Obstacle.objects.get()
    page.fill("#escalate-form textarea[name=note]", "Vượt thẩm quyền của chi bộ.")
    page.click("#escalate-submit")
    expect(page.locator(".ptdv-messages")).to_contain_text("Đã chuyển lên cấp trên.")
    expect(page.locator("#obstacle-level")).to_have_text(tree["grassroots_a"].name)
    expect(page.locator("#obstacle-actions")).to_have_count(0)  # the cell only reads now
    sign_out(page)

    # The grassroots committee's clerk finds it in "Việc của tôi" and sends it up again.
    login(page, grassroots_clerk.username, PASSWORD)
    page.goto(f"{page.base_url}/")
    item = page.locator(f'[data-key="obstacle:{obstacle.pk}"]')
    expect(item).to_contain_text("Chưa có ý kiến của chi ủy nơi cư trú")
    item.get_by_role("link").first.click()
    page.fill("#escalate-form textarea[name=note]", "Cần Đảng ủy xã liên hệ tỉnh bạn.")
    page.click("#escalate-submit")
    expect(page.locator("#obstacle-level")).to_have_text(tree["commune_a"].name)
    sign_out(page)

    # The commune's clerk, two levels above the cell, resolves it.
    login(page, commune_clerk.username, PASSWORD)
    page.goto(f"{page.base_url}/obstacles/?level={tree['commune_a'].pk}")
    page.locator(f'#obstacle-table tr[data-obstacle="{obstacle.pk}"] a').click()
    page.fill(
        "#resolve-form textarea[name=resolve-answer]",
        "Ban Tổ chức đã trao đổi với Đảng ủy nơi cư trú; đã có ý kiến nhận xét.",
    )
    page.click("#resolve-submit")
    expect(page.locator(".ptdv-messages")).to_contain_text("Đã ghi nhận kết quả giải quyết.")
    expect(page.locator("#obstacle-status")).to_contain_text("Đã giải quyết")
    sign_out(page)

    # Back at the cell: the answer, the history of four steps, the monthly list.
    login(page, cell_clerk.username, PASSWORD)
    page.goto(f"{page.base_url}/obstacles/{obstacle.pk}/")
    expect(page.locator("#obstacle-answer")).to_contain_text("đã có ý kiến nhận xét")
    expect(page.locator("#obstacle-history tbody tr")).to_have_count(4)
    expect(page.locator('#obstacle-history tr[data-kind="resolved"]')).to_contain_text(
        tree["commune_a"].name
    )
    page.click("#nav-obstacles")
    page.click("#tab-monthly")
    expect(page.locator("#monthly-table")).to_contain_text("Đã giải quyết")
    done = Obstacle.objects.get(pk=obstacle.pk)
    assert done.status == Status.RESOLVED and done.closed_by_level == tree["commune_a"]
