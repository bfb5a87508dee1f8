"""A ward clerk sends a background verification request to another ward; that ward's clerk
finds it in the request inbox, receives it and answers with a signed scan; the first clerk's
dossier checklist ticks. An opinion request left unanswered becomes overdue on the date given
to `ptdv requests escalate --today` and is escalated to the addressee's parent, whose clerk
finds it in their inbox."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from ptdv.accounts.models import Role
from ptdv.candidacies.models import Stage
from ptdv.correspondence.models import OrganisationRequest, RequestStatus
from ptdv.correspondence.services import NewRequest, request_send
from ptdv.e2e.conftest import login
from ptdv.factories import CandidacyFactory, PersonFactory, make_tree, user_with_role
from ptdv.organisations.models import Organisation

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "mat-khau-thu-nghiem"  # noqa: S105 (UserFactory's test password)
TODAY = dt.date.today()
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def verification_ok(page: Any) -> Any:
    return page.locator('#checklist [data-rule="verification.done"]')


def sign_out(page: Any) -> None:
    page.context.clear_cookies()


def test_a_verification_request_goes_to_another_ward_and_back(
    page: Any, tmp_path: Path, settings: Any
) -> None:
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    tree = make_tree()
    Organisation.objects.filter(pk=tree["commune_a"].pk).update(name="Đảng bộ phường Bắc Hà")
    Organisation.objects.filter(pk=tree["commune_b"].pk).update(name="Đảng bộ phường Nam Hà")
    cell = tree["cell_a1"]
    dossier = CandidacyFactory(
        person=PersonFactory(
            organisation=cell, family_name="Phan", middle_name="Thị", given_name="Yến"
        ),
        organisation=cell,
        stage=Stage.TRAINED,
        certificate_date=TODAY - dt.timedelta(days=150),
    )
    clerk_a = user_with_role(tree["commune_a"], Role.CLERK, username="van-thu-bac-ha")
    clerk_b = user_with_role(tree["commune_b"], Role.CLERK, username="van-thu-nam-ha")
    province_clerk = user_with_role(tree["province"], Role.CLERK, username="van-thu-tinh")

    # Ward A's clerk sends the request from the dossier page.
    login(page, clerk_a.username, PASSWORD)
    page.goto(f"{page.base_url}/candidacies/{dossier.pk}/")
    expect(verification_ok(page)).to_have_attribute("data-ok", "false")
    page.click("#send-request")
    expect(page.locator("h1")).to_contain_text("Gửi yêu cầu về hồ sơ Phan Thị Yến")
    page.select_option("select[name=kind]", "verification")
    page.select_option("select[name=place]", "residence")
    page.fill("input[name=addressee]", "Đảng bộ phường Nam Hà")
    page.fill("input[name=home_town]", "Phường Nam Hà, tỉnh Hà Tĩnh")
    page.fill("textarea[name=questions]", "Đề nghị thẩm tra lý lịch bản thân và gia đình.")
    page.click("#request-form button[type=submit]")
    expect(page.locator(".ptdv-messages")).to_contain_text("Đã gửi yêu cầu: Thẩm tra lý lịch")
    expect(page.locator("#request-status")).to_have_text("Đã gửi")
    request = OrganisationRequest.objects.get(candidacy=dossier)
    sign_out(page)

    # Ward B's clerk finds it in the request inbox, receives it and answers with the scan.
    login(page, clerk_b.username, PASSWORD)
    page.click("#nav-requests")
    row = page.locator(f'#request-table tr[data-request="{request.pk}"]')
    expect(row).to_contain_text("Phan Thị Yến")
    row.get_by_role("link", name="Thẩm tra lý lịch").click()
    expect(page.locator("#subject-name")).to_have_text("Phan Thị Yến")
    expect(page.locator("#to-dossier")).to_have_count(0)  # the dossier stays in ward A
    page.click("#receive-form button[type=submit]")
    expect(page.locator("#request-status")).to_have_text("Đã tiếp nhận")
    form = page.locator("#answer-form")
    form.locator("textarea[name=reply_text]").fill(
        "Bản thân và gia đình chấp hành tốt chủ trương, chính sách, pháp luật."
    )
    form.locator("select[name=conclusion]").select_option("favourable")
    form.locator("input[name=answered_on]").fill(TODAY.strftime("%d/%m/%Y"))
    form.locator("input[name=reply_number]").fill("15-CV/ĐU")
    form.locator("input[name=scan]").set_input_files(
        {"name": "tra-loi-tham-tra.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    form.locator("button[type=submit]").click()
    expect(page.locator(".ptdv-messages")).to_contain_text("Đã trả lời yêu cầu.")
    expect(page.locator("#request-status")).to_have_text("Đã trả lời")
    sign_out(page)

    # Back in ward A: the checklist ticks, the reply and its scan are on the request.
    login(page, clerk_a.username, PASSWORD)
    page.goto(f"{page.base_url}/candidacies/{dossier.pk}/")
    expect(verification_ok(page)).to_have_attribute("data-ok", "true")
    page.goto(f"{page.base_url}/requests/{request.pk}/")
    expect(page.locator("#reply-recorded")).to_have_text("Đã ghi")
    expect(page.locator("#reply-scan")).to_be_visible()

    # An opinion request nobody answers: overdue on the day given, escalated to the province.
    opinion = request_send(
        actor=clerk_a,
        candidacy_id=dossier.pk,
        data=NewRequest(
            kind="residence_opinion",
            questions="Đề nghị chi ủy nơi cư trú cho ý kiến nhận xét.",
            addressee=tree["commune_b"].pk,
        ),
        today=TODAY,
    )
    call_command("requests", "escalate", "--today", opinion.due_on.isoformat())
    assert OrganisationRequest.objects.get(pk=opinion.pk).status == RequestStatus.SENT
    later = opinion.due_on + dt.timedelta(days=1)
    call_command("requests", "escalate", "--today", later.isoformat())
    page.goto(f"{page.base_url}/requests/?direction=outgoing&status=overdue")
    expect(page.locator(f'#request-table tr[data-request="{opinion.pk}"]')).to_contain_text(
        "Quá hạn"
    )
    sign_out(page)

    login(page, province_clerk.username, PASSWORD)
    page.goto(f"{page.base_url}/requests/?direction=incoming")
    escalated = page.locator(f'#request-table tr[data-request="{opinion.pk}"]')
    expect(escalated).to_contain_text("Chuyển Đảng bộ tỉnh Mẫu")
    escalated.get_by_role("link").click()
    expect(page.locator("#request-escalated")).to_have_text("Đảng bộ tỉnh Mẫu")
