"""The province's administrator opens the yearly pool survey over a ward's subtree; the
ward's clerk finds the ward's form pre-filled from the data, writes the assessment and the
plan and sends it; the province's approver (the level above) accepts it; the round's
roll-up shows the accepted answer and its plan."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import expect

from ptdv.accounts.models import Role
from ptdv.e2e.conftest import login
from ptdv.factories import (
    CandidacyFactory,
    MembershipFactory,
    OrganisationFactory,
    make_tree,
    user_with_role,
)
from ptdv.organisations.models import Organisation
from ptdv.surveys.models import ResponseStatus, SurveyResponse

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "mat-khau-thu-nghiem"  # noqa: S105 (UserFactory's test password)
TODAY = dt.date.today()


def sign_out(page: Any) -> None:
    page.context.clear_cookies()


def test_a_ward_answers_the_pool_survey_and_the_province_accepts(page: Any) -> None:
    tree = make_tree()
    Organisation.objects.filter(pk=tree["commune_a"].pk).update(name="Đảng bộ phường Bắc Hà")
    ward = Organisation.objects.get(pk=tree["commune_a"].pk)
    street = OrganisationFactory(parent=ward, name="Chi bộ tổ dân phố 3", code="TDP3")
    for _ in range(3):
        MembershipFactory(organisation=street)
    CandidacyFactory(organisation=street)
    admin = user_with_role(tree["province"], Role.ADMINISTRATOR, username="quan-tri-tinh")
    ward_clerk = user_with_role(ward, Role.CLERK, username="van-thu-bac-ha")
    approver = user_with_role(tree["province"], Role.APPROVER, username="ban-to-chuc-tinh")

    # The province's administrator opens the round over the ward's subtree.
    login(page, admin.username, PASSWORD)
    page.goto(f"{page.base_url}/surveys/")
    page.click("#open-round")
    page.select_option("select[name=organisation]", label="Đảng bộ phường Bắc Hà")
    page.fill("input[name=year]", str(TODAY.year))
    due = TODAY + dt.timedelta(days=20)
    page.fill("input[name=due_date]", due.strftime("%d/%m/%Y"))
    page.click("#round-form button[type=submit]")
    expect(page.locator(".ptdv-messages")).to_contain_text("gửi phiếu tới 2 tổ chức cơ sở đảng")
    expect(page.locator("#board-not-submitted")).to_have_text("2")
    sign_out(page)

    # The ward's clerk finds the ward's form pre-filled, fills in its part and sends it.
    login(page, ward_clerk.username, PASSWORD)
    page.goto(f"{page.base_url}/surveys/")
    page.click("#rounds a")
    page.click("#responses a:text('Đảng bộ phường Bắc Hà')")
    expect(page.locator('#figures [data-key="members"]')).to_have_text("3")
    expect(page.locator('#figures [data-key="candidates"]')).to_have_text("1")
    page.select_option("select[name=pool_quality]", "fair")
    page.fill("textarea[name=quality_note]", "Nguồn còn mỏng ở tổ dân phố 3.")
    page.fill("textarea[name=difficulties]", "Thanh niên đi làm xa.")
    page.fill("input[name=plan_train]", "4")
    page.fill("input[name=plan_admit]", "2")
    page.fill("input[name=plan_admit_youth]", "1")
    page.click("#submit-response")
    expect(page.locator(".ptdv-messages")).to_contain_text("Đã gửi phiếu lên cấp trên")
    expect(page.locator("#response-status")).to_have_text("Đã gửi, chờ cấp trên xem xét")
    sign_out(page)

    # The level above accepts it.
    response = SurveyResponse.objects.get(organisation=ward)
    login(page, approver.username, PASSWORD)
    page.goto(f"{page.base_url}{response.get_absolute_url()}")
    page.click("#accept-response")
    expect(page.locator(".ptdv-messages")).to_contain_text("Đã chấp nhận phiếu")
    response.refresh_from_db()
    assert response.status == ResponseStatus.ACCEPTED

    # The roll-up shows it.
    page.goto(f"{page.base_url}{response.survey_round.get_absolute_url()}")
    expect(page.locator("#board-accepted")).to_have_text("1")
    total = page.locator("#rollup tbody tr").first
    expect(total).to_contain_text("Đảng bộ phường Bắc Hà")
    cells = total.locator("td")
    expect(cells.nth(3)).to_have_text("1")  # accepted
    expect(cells.nth(4)).to_have_text("3")  # members
    expect(cells.nth(9)).to_have_text("2")  # planned admissions
