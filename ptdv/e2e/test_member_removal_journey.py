"""An approver records a member's removal from the rolls for not attending (xóa tên) and the
province's retention table (members removed or expelled by cohort) counts it at once."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from ptdv.accounts.models import Role
from ptdv.candidacies.tallies import aggregates_rebuild
from ptdv.e2e.conftest import login
from ptdv.factories import MembershipFactory, PersonFactory, make_tree, user_with_role
from ptdv.members.models import MembershipStatus

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "mat-khau-thu-nghiem"  # noqa: S105 (UserFactory's test password)
TODAY = dt.date.today()
COHORT = TODAY.year - 1


def cohort_total(page):
    """The "Tổng số" row of the cohort: the year heads its first row (rowspan)."""
    return page.locator(
        f"xpath=//table[@id='retention']/tbody/tr[th[normalize-space()='{COHORT}']]"
        "/following-sibling::tr[normalize-space(td[1])='Tổng số'][1]"
    )


def test_removal_shows_in_the_retention_table(page):
    tree = make_tree()
    cell = tree["cell_a1"]
    members = [
        MembershipFactory(
            organisation=cell,
            person=PersonFactory(
                organisation=cell, given_name=given, birth_date=dt.date(COHORT - 24, 5, 1)
            ),
            admission_decision_date=dt.date(COHORT, 3, 1),
            ceremony_date=dt.date(COHORT, 3, 20),
            official_date=None,
            status=MembershipStatus.PROBATIONARY,
        )
        for given in ("An", "Bình", "Cường", "Dũng")
    ]
    aggregates_rebuild()
    approver = user_with_role(tree["province"], Role.APPROVER, username="phe-duyet")
    login(page, approver.username, PASSWORD)

    dashboard = f"{page.base_url}/targets/{tree['province'].pk}/"
    page.goto(dashboard)
    total = cohort_total(page)
    expect(total).to_have_count(1)
    expect(total.locator("td").nth(1)).to_have_text("4")
    expect(total.locator("td").nth(3)).to_have_text("0 (0,0%)")

    page.goto(f"{page.base_url}/members/{members[0].pk}/actions/remove/")
    expect(page.locator("h1")).to_have_text("Xóa tên")
    page.fill("input[name=date]", TODAY.strftime("%d/%m/%Y"))
    page.select_option("select[name=grounds]", "not_attending")
    page.fill("textarea[name=reason]", "Bỏ sinh hoạt đảng 4 tháng không có lý do")
    page.fill("input[name=document_number]", "21-QĐ/ĐU")
    page.fill("input[name=document_date]", TODAY.strftime("%d/%m/%Y"))
    page.fill("input[name=issuing_body]", "Đảng ủy xã A")
    page.fill("input[name=signer]", "Nguyễn Văn Ký")
    page.click("#member-action-form button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("Đã ghi nhận: Xóa tên")

    page.goto(dashboard)
    total = cohort_total(page)
    # Removed within two years of the admission decision: 1 of 4.
    expect(total.locator("td").nth(3)).to_have_text("1 (25,0%)")
    members[0].refresh_from_db()
    assert members[0].status == MembershipStatus.REMOVED
