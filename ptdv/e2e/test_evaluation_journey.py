"""The province's administrator computes last year's evaluation from the runs page (the
background worker runs it), opens the ranking of the commune-level units, an organisation's
evaluation with its components, and downloads the ranking by peer group for the committee's
meeting."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from ptdv.accounts.models import Role
from ptdv.e2e.conftest import login
from ptdv.evaluations.models import EvaluationRun, RunStatus
from ptdv.evaluations.tests.conftest import YEAR, tally
from ptdv.factories import make_tree, user_with_role
from ptdv.organisations.models import Organisation, Sector
from ptdv.targets.models import Target

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "mat-khau-thu-nghiem"  # noqa: S105 (UserFactory's test password)


def test_compute_the_yearly_evaluation_and_download_the_ranking(page: Any, tmp_path: Path) -> None:
    tree = make_tree()
    Organisation.objects.filter(pk=tree["commune_a"].pk).update(
        name="Đảng bộ phường Bắc Hà", sector=Sector.URBAN_WARD
    )
    Organisation.objects.filter(pk=tree["commune_b"].pk).update(
        name="Đảng bộ phường Nam Hà", sector=Sector.URBAN_WARD
    )
    tally(tree["cell_a1"], YEAR, 4)
    tally(tree["cell_b1"], YEAR, 1)
    Target.objects.create(organisation=tree["commune_a"], year=YEAR, number=4)
    Target.objects.create(organisation=tree["commune_b"], year=YEAR, number=4)
    admin = user_with_role(tree["province"], Role.ADMINISTRATOR, username="quan-tri-tinh")
    user_with_role(
        tree["commune_b"], Role.ADMINISTRATOR, username="quan-tri-nam-ha", full_name="Hồ Văn Nam"
    )

    login(page, admin.username, PASSWORD)
    page.click("text=Đánh giá, xếp hạng")
    page.click("text=Các lần tính")
    page.fill("#c-year", str(YEAR))
    page.click("#compute-button")
    expect(page.locator(".ptdv-messages")).to_contain_text("Đã đưa yêu cầu tính đánh giá")
    page.reload()
    expect(page.locator("#runs .run-status").first).to_contain_text("Đã xong")
    assert EvaluationRun.objects.get().status == RunStatus.DONE

    page.click("text=Xem xếp hạng")
    page.select_option("#f-peer", "commune.wards")
    page.click("#ranking-filters button[type=submit]")
    rows = page.locator("#ranking tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Đảng bộ phường Bắc Hà")
    expect(rows.nth(1)).to_contain_text("Không hoàn thành")

    page.click("text=Đảng bộ phường Nam Hà")
    expect(page.locator("#components")).to_contain_text("Thực hiện chỉ tiêu kết nạp")
    expect(page.locator("#components")).to_contain_text("admitted: 1; target: 4")
    expect(page.locator("#evaluation-summary")).to_contain_text("Hồ Văn Nam")

    page.click("text=Khen thưởng, chấn chỉnh")
    expect(page.locator("#correct")).to_contain_text("Đảng bộ phường Nam Hà")

    page.click("text=Xếp hạng")
    with page.expect_download() as info:
        page.click("#export-link")
    file = info.value
    assert file.failure() is None
    path = tmp_path / file.suggested_filename
    file.save_as(path)
    book = load_workbook(path)
    sheet = book["Cấp xã và tương đương — Phường"]
    names = [row[1] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert names == ["Đảng bộ phường Bắc Hà", "Đảng bộ phường Nam Hà"]
    correct = [row for row in book["Cần chấn chỉnh"].iter_rows(min_row=3, values_only=True)]
    assert any(r[1] == "Đảng bộ phường Nam Hà" and r[-1] == "Hồ Văn Nam" for r in correct)
