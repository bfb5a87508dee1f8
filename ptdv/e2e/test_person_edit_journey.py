"""A clerk corrects a candidate's education on the person page ("Sửa thông tin") and sees the
branch-vote checklist of the open dossier follow: the rule education.minimum (QĐ §1.2.1)
turns from ✗ to ✓. Then a change of name without a reason is refused next to the field."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import expect

from ptdv.accounts.models import Role
from ptdv.candidacies.models import Candidacy, Stage
from ptdv.e2e.conftest import login
from ptdv.factories import CandidacyFactory, PersonFactory, make_tree, user_with_role
from ptdv.people.models import Person

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "mat-khau-thu-nghiem"  # noqa: S105 (UserFactory's test password)
TODAY = dt.date.today()


def education_gate(page: Any) -> Any:
    return page.locator('#checklist li[data-rule="education.minimum"]')


def test_a_corrected_education_changes_the_branch_vote_checklist(page: Any) -> None:
    tree = make_tree()
    cell = tree["cell_a1"]
    person = PersonFactory(
        family_name="Trần",
        middle_name="Văn",
        given_name="Học",
        organisation=cell,
        education="primary",
        birth_date=dt.date(1995, 1, 1),
    )
    candidacy = CandidacyFactory(
        organisation=cell,
        person=person,
        stage=Stage.APPLIED,
        certificate_date=TODAY - dt.timedelta(days=100),
        application_date=TODAY - dt.timedelta(days=60),
        history_date=TODAY - dt.timedelta(days=59),
    )
    user_with_role(tree["commune_a"], Role.CLERK, username="nhaplieu")

    login(page, "nhaplieu", PASSWORD)
    page.goto(page.base_url + candidacy.get_absolute_url())
    expect(education_gate(page)).to_have_attribute("data-ok", "false")
    expect(education_gate(page)).to_contain_text("tiểu học")

    page.goto(page.base_url + person.get_absolute_url())
    page.locator("#person-edit-link").click()
    form = page.locator("#person-edit")
    form.locator("#id_education").select_option(label="Trung học cơ sở")
    form.get_by_role("button", name="Lưu thay đổi").click()
    expect(page.locator(".ptdv-messages")).to_contain_text("Đã lưu thông tin công dân")
    expect(page.locator("body")).to_contain_text("Trung học cơ sở")

    page.goto(page.base_url + candidacy.get_absolute_url())
    expect(education_gate(page)).to_have_attribute("data-ok", "true")
    candidacy.refresh_from_db()
    assert candidacy.next_checked_on == TODAY  # the stored next action followed at once

    # A change of name needs a reason: refused next to the field, nothing written.
    page.goto(page.base_url + person.get_absolute_url())
    page.locator("#person-edit-link").click()
    page.locator("#id_given_name").fill("Hộc")
    page.get_by_role("button", name="Lưu thay đổi").click()
    expect(page.locator("#person-edit")).to_contain_text("Lý do sửa: cần ghi lý do khi sửa tên.")
    page.locator("#id_reason").fill("Sai dấu khi nhập")
    page.get_by_role("button", name="Lưu thay đổi").click()
    expect(page.locator("h1")).to_have_text("Trần Văn Hộc")
    assert Person.objects.get(pk=person.pk).version == 3
    assert Candidacy.objects.get(pk=candidacy.pk).is_open
