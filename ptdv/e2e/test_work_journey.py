"""A ward clerk signs in and finds "Việc của tôi": the overdue and the due dossiers of the
ward, most urgent first; opens one; sees the number of unread notifications in the header,
opens the inbox and reads one (the count goes down); the help link leads to the guide."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import expect

from ptdv.accounts.models import Role
from ptdv.candidacies.models import DossierAction, Stage
from ptdv.e2e.conftest import login
from ptdv.factories import CandidacyFactory, PersonFactory, make_tree, user_with_role
from ptdv.notifications.models import Notification
from ptdv.work.nightly import dossier_notifications

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "mat-khau-thu-nghiem"  # noqa: S105 (UserFactory's test password)
TODAY = dt.date.today()


def dossier(cell: Any, given: str, due: dt.date) -> Any:
    return CandidacyFactory(
        organisation=cell,
        person=PersonFactory(organisation=cell, family_name="Lê", given_name=given),
        stage=Stage.APPLIED,
        next_action=str(DossierAction.BRANCH_VOTE),
        next_due=due,
    )


def test_a_clerk_finds_the_work_and_reads_a_notification(page: Any) -> None:
    tree = make_tree()
    late = dossier(tree["cell_a1"], "Quá", TODAY - dt.timedelta(days=5))
    dossier(tree["cell_a2"], "Sắp", TODAY + dt.timedelta(days=4))
    dossier(tree["cell_b1"], "Ngoài", TODAY - dt.timedelta(days=5))  # another commune
    clerk = user_with_role(
        tree["commune_a"], Role.CLERK, username="nhaplieu", full_name="Võ Thị Thư"
    )
    dossier_notifications(TODAY)  # the nightly job
    unread = Notification.objects.filter(user=clerk, read_at__isnull=True).count()
    assert unread == 2

    login(page, "nhaplieu", PASSWORD)
    expect(page.get_by_role("heading", name="Việc của tôi")).to_be_visible()
    # The dossiers' items (other apps list work of their own: courses, requests).
    items = page.locator('#work-list .work-item[data-kind^="dossier_"]')
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_contain_text("Lê Văn Quá")
    expect(items.nth(0)).to_contain_text("Hồ sơ quá hạn")
    expect(items.nth(1)).to_contain_text("Lê Văn Sắp")
    expect(page.locator("#work-list")).not_to_contain_text("Lê Văn Ngoài")
    expect(page.locator("#work-count-overdue")).to_contain_text("1")

    # Only the overdue ones.
    page.locator("#id_due").select_option("overdue")
    page.get_by_role("button", name="Lọc").click()
    expect(items).to_have_count(1)

    # Open the overdue dossier from the list.
    items.nth(0).get_by_role("link").click()
    page.wait_for_url(f"**{late.get_absolute_url()}")
    expect(page.locator("h1")).to_contain_text("Lê Văn Quá")

    # The header shows the unread count; the inbox lists them; reading one lowers it.
    expect(page.locator("#notification-count")).to_have_text("2")
    page.locator("#notifications-link").click()
    expect(page.locator("#notification-list .notification")).to_have_count(2)
    page.locator(".notification-mark-read").first.click()
    expect(page.locator("#notification-count")).to_have_text("1")
    expect(page.locator('#notification-list .notification[data-read="true"]')).to_have_count(1)
    # Opening the other one reads it and goes to the dossier.
    page.locator('#notification-list .notification[data-read="false"] .notification-open').click()
    page.wait_for_url("**/candidacies/*/")
    expect(page.locator("#notification-count")).to_have_count(0)
    assert Notification.objects.filter(user=clerk, read_at__isnull=True).count() == 0

    # Help where the work is: the header's link opens the guide.
    page.locator("#help-link").click()
    expect(page.locator("#guide-toc")).to_be_visible()
