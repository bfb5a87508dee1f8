"""A commune clerk selects dossiers in the candidate list, records a course certificate on
all of them at once, and sees who passed and who was refused — with the rule's message — on
the result page; the refused dossier is unchanged."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ptdv.accounts.models import Role
from ptdv.candidacies.models import Candidacy, Stage
from ptdv.e2e.conftest import login
from ptdv.factories import CandidacyFactory, PersonFactory, make_tree, user_with_role

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "mat-khau-thu-nghiem"  # noqa: S105 (UserFactory's test password)


def dossier(cell, given, stage=Stage.SOURCE):
    person = PersonFactory(organisation=cell, family_name="Lê", middle_name="Thị", given_name=given)
    return CandidacyFactory(organisation=cell, person=person, stage=stage)


def test_bulk_certificate_passed_and_refused(page):
    tree = make_tree()
    cell = tree["cell_a1"]
    an = dossier(cell, "Ánh")
    binh = dossier(cell, "Bảo")
    voted = dossier(cell, "Diệp", Stage.BRANCH_RESOLVED)
    clerk = user_with_role(tree["commune_a"], Role.CLERK, username="nhap-lieu")
    login(page, clerk.username, PASSWORD)

    page.goto(f"{page.base_url}/candidacies/")
    table = page.locator("#candidacy-table")
    expect(table.locator("tbody tr")).to_have_count(3)

    # Select-all on the page ticks every row; once more clears them.
    page.locator("#bulk-page").check()
    expect(page.locator("[data-ptdv-selected-count=ids]")).to_have_text("3")
    page.locator("#bulk-page").uncheck()
    expect(page.locator("[data-ptdv-selected-count=ids]")).to_have_text("0")

    for name in ("Lê Thị Ánh", "Lê Thị Diệp"):
        table.locator("tbody tr", has_text=name).locator("input[name=ids]").check()
    expect(page.locator("[data-ptdv-selected-count=ids]")).to_have_text("2")
    page.select_option("#bulk-action", "record_certificate")
    page.click("#bulk-apply")

    expect(page.locator("h1")).to_have_text(
        "Ghi nhận giấy chứng nhận lớp bồi dưỡng nhận thức về Đảng"
    )
    expect(page.locator("#bulk-count")).to_contain_text("2")
    page.fill("input[name=certificate_date]", "20/05/2025")
    page.fill("input[name=date]", "01/06/2025")
    page.click("#bulk-submit")

    expect(page.locator("#bulk-summary")).to_contain_text("Đã thực hiện 1 hồ sơ")
    expect(page.locator("#bulk-passed")).to_contain_text("Lê Thị Ánh")
    refused = page.locator("#bulk-refused")
    expect(refused).to_contain_text("Lê Thị Diệp")
    expect(refused).to_contain_text("khi hồ sơ đang ở giai đoạn “Chi bộ đã đề nghị kết nạp”")
    expect(page.locator("#bulk-passed")).not_to_contain_text("Lê Thị Bảo")

    assert Candidacy.objects.get(pk=an.pk).stage == Stage.TRAINED
    assert Candidacy.objects.get(pk=binh.pk).stage == Stage.SOURCE
    fresh = Candidacy.objects.get(pk=voted.pk)
    assert fresh.certificate_date is None and fresh.version == voted.version

    # Back in the list, the dossier shows its new stage.
    page.get_by_role("link", name="Quay lại danh sách").click()
    expect(table.locator("tbody tr", has_text="Lê Thị Ánh")).to_contain_text(
        "Đã học lớp nhận thức về Đảng"
    )
