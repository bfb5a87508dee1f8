"""One candidate from the pool to probationary member, every step typed in the browser.

Dates are counted back from today so the journey stays lawful whenever it runs: the
certificate is months (not years) old, the verification and introductions fall within the
12 months before the branch vote, the application precedes the history, the decision comes
within 60 working days of the branch resolution and the ceremony within 30 working days of
receiving the decision.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from ptdv.accounts.models import Role
from ptdv.candidacies.models import Candidacy, Stage
from ptdv.e2e.conftest import login
from ptdv.factories import MembershipFactory, PersonFactory, make_tree, user_with_role
from ptdv.members.models import PartyMembership

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "mat-khau-thu-nghiem"  # noqa: S105 (UserFactory's test password)
# The finished dossier page, kept for a human to look at.
SCREENSHOT = Path(tempfile.gettempdir()) / "ptdv-candidacy-page.png"
TODAY = dt.date.today()


def vn(days_ago: int) -> str:
    return (TODAY - dt.timedelta(days=days_ago)).strftime("%d/%m/%Y")


def take(page: Any, action: str, fields: dict[str, str], *, success: str | None = None) -> None:
    """Open an action from the dossier page, fill its form, submit, and land back on the page."""
    page.locator(f'#actions a[data-action="{action}"]').click()
    expect(page.locator("#action-form")).to_be_visible()
    for name, value in fields.items():
        target = page.locator(f'#action-form [name="{name}"]')
        tag = target.evaluate("element => element.tagName")
        if tag == "SELECT":
            target.select_option(value)
        elif target.get_attribute("type") == "checkbox":
            target.check()
        else:
            target.fill(value)
    page.get_by_role("button", name="Ghi nhận").click()
    expect(page.locator("#candidacy-header")).to_be_visible()
    expect(page.locator(".ptdv-messages")).to_contain_text(success or "Đã ghi nhận")


def stage(page: Any) -> Any:
    return page.locator("#candidacy-stage")


def test_a_candidate_becomes_a_probationary_member(page: Any) -> None:
    tree = make_tree()
    cell = tree["cell_a1"]
    for given in ("Giới", "Hai", "Ba", "Bốn", "Năm", "Sáu", "Bảy", "Tám", "Chín"):
        MembershipFactory(
            organisation=cell,
            person=PersonFactory(
                family_name="Lê", middle_name="Văn", given_name=given, organisation=cell
            ),
        )
    introducer = PartyMembership.objects.get(person__given_name="Giới")
    user_with_role(tree["province"], Role.APPROVER, username="pheduyet", full_name="Phạm Văn Duyệt")

    login(page, "pheduyet", PASSWORD)

    # Into the pool, through the registration form.
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name="Đưa vào nguồn"
    ).click()
    form = page.locator("form[action='/candidacies/new/']")
    page.wait_for_load_state("load")  # htmx (deferred) listens to the choice from then on
    form.locator("#id_organisation").select_option(label="Chi bộ thôn A1 — Đảng bộ cơ sở A")
    # Choosing the cell loads its members as possible helpers (htmx).
    expect(form.locator("#id_helper")).to_contain_text("Lê Văn Hai")
    form.locator("#id_family_name").fill("Nguyễn")
    form.locator("#id_middle_name").fill("Văn")
    form.locator("#id_given_name").fill("Hùng")
    form.locator("#id_birth_date").fill("05/03/2000")
    form.get_by_label("Nam", exact=True).check()
    form.locator("#id_education").select_option("upper_secondary")
    form.locator("#id_youth_union_member").check()
    form.locator("#id_helper").select_option(label="Lê Văn Hai")
    form.locator("#id_opened_on").fill(vn(400))
    page.get_by_role("button", name="Đưa vào nguồn").click()
    expect(page.get_by_text("Đã đưa công dân vào nguồn phát triển đảng viên.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nguyễn Văn Hùng")
    page.locator("#person-candidacies").get_by_role("link", name="Quần chúng ưu tú (nguồn)").click()
    expect(stage(page)).to_have_text("Quần chúng ưu tú (nguồn)")
    expect(page.locator("#next-action")).to_contain_text(
        "Ghi nhận giấy chứng nhận lớp bồi dưỡng nhận thức về Đảng"
    )

    # The dossier.
    take(
        page,
        "record_certificate",
        {
            "date": vn(300),
            "certificate_date": vn(310),
            "document.number": "125-CN/TTCT",
            "document.issuing_body": "Trung tâm Chính trị xã A",
        },
    )
    expect(stage(page)).to_have_text("Đã học lớp nhận thức về Đảng")
    take(
        page,
        "record_application",
        {"date": vn(200), "application_date": vn(202), "history_date": vn(201)},
    )
    expect(stage(page)).to_have_text("Đã có đơn và lý lịch")
    take(page, "record_verification", {"date": vn(120), "concluded_on": vn(120)})
    take(page, "record_opinions", {"date": vn(110), "opinions_date": vn(110)})
    take(
        page,
        "record_introduction",
        {"date": vn(100), "kind": "youth_union_committee", "introduced_on": vn(100)},
    )
    take(
        page,
        "record_introduction",
        {
            "date": vn(100),
            "kind": "member",
            "membership": str(introducer.pk),
            "months_together": "14",
            "introduced_on": vn(100),
        },
    )
    expect(page.locator("#introducers")).to_contain_text("Lê Văn Giới — 14 tháng cùng công tác")
    # Every gate of the branch vote is now green.
    expect(page.locator('#checklist [data-ok="false"]')).to_have_count(0)
    expect(page.locator("#next-action")).to_contain_text("Hồ sơ đã đủ điều kiện cho bước này")

    # The collective decisions.
    take(
        page,
        "branch_vote",
        {
            "date": vn(90),
            "vote.summoned": "9",
            "vote.present": "9",
            "vote.agree": "8",
            "document.number": "06-NQ/CB",
            "document.date": vn(90),
            "document.issuing_body": "Chi bộ thôn A1",
            "document.signer": "Lê Văn Giới",
        },
    )
    expect(stage(page)).to_have_text("Chi bộ đã đề nghị kết nạp")
    take(
        page,
        "committee_vote",
        {"date": vn(80), "vote.present": "7", "vote.agree": "6", "vote.body_size": "7"},
    )
    expect(stage(page)).to_have_text("Đảng ủy cơ sở đã đề nghị")
    take(
        page,
        "admission_decision",
        {
            "date": vn(60),
            "vote.agree": "7",
            "vote.body_size": "9",
            "document.number": "12-QĐ/ĐU",
            "document.date": vn(60),
            "document.issuing_body": "Đảng ủy xã A",
            "document.signer": "Trần Văn Thư",
        },
    )
    expect(stage(page)).to_have_text("Đã có quyết định kết nạp")
    take(page, "ceremony", {"date": vn(45), "decision_received_date": vn(58)})

    expect(stage(page)).to_have_text("Đảng viên dự bị")
    expect(page.locator("#next-action")).to_contain_text(
        "Chi bộ biểu quyết đề nghị công nhận đảng viên chính thức"
    )
    timeline = page.locator("#timeline")
    expect(timeline.locator("li[data-event]")).to_have_count(10)
    expect(timeline).to_contain_text("Tổ chức lễ kết nạp")
    expect(timeline).to_contain_text(f"12-QĐ/ĐU, ngày {vn(60)} — Đảng ủy xã A")
    page.screenshot(path=SCREENSHOT, full_page=True)

    candidacy = Candidacy.objects.get(person__given_name="Hùng")
    assert candidacy.stage == Stage.PROBATIONARY
    assert candidacy.ceremony_date == TODAY - dt.timedelta(days=45)
    assert PartyMembership.objects.get(candidacy=candidacy).status == "probationary"
