"""A candidate moves to another commune: the commune that kept the dossier sends a transfer
request, the receiving commune accepts it into one of its cells and continues the dossier
there, with its whole history. A transfer the receiving side refuses changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import expect

from ptdv.accounts.models import Role
from ptdv.candidacies.models import Candidacy, CandidacyEvent, Stage
from ptdv.candidacies.workflow import candidacy_act
from ptdv.correspondence.models import OrganisationRequest, RequestStatus
from ptdv.e2e.conftest import login
from ptdv.factories import CandidacyFactory, PersonFactory, make_tree, user_with_role
from ptdv.organisations.models import Organisation

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "mat-khau-thu-nghiem"  # noqa: S105 (UserFactory's test password)
TODAY = dt.date.today()


def sign_out(page: Any) -> None:
    page.context.clear_cookies()


def send_transfer(page: Any, dossier: Candidacy, addressee: str) -> OrganisationRequest:
    page.goto(f"{page.base_url}/candidacies/{dossier.pk}/")
    page.click("#send-request")
    page.select_option("select[name=kind]", "transfer")
    page.fill("input[name=addressee]", addressee)
    page.fill("textarea[name=questions]", "Quần chúng chuyển nơi cư trú; đề nghị tiếp nhận hồ sơ.")
    page.click("#request-form button[type=submit]")
    expect(page.locator("#request-status")).to_have_text("Đã gửi")
    return OrganisationRequest.objects.filter(candidacy=dossier).latest("pk")


def test_a_transferred_dossier_continues_in_the_other_commune(page: Any) -> None:
    tree = make_tree()
    Organisation.objects.filter(pk=tree["commune_b"].pk).update(name="Đảng bộ xã Thạch Lạc")
    cell = tree["cell_a1"]
    clerk_a = user_with_role(tree["commune_a"], Role.CLERK, username="van-thu-a")
    clerk_b = user_with_role(tree["commune_b"], Role.CLERK, username="van-thu-b")
    moving = CandidacyFactory(
        person=PersonFactory(
            organisation=cell, family_name="Võ", middle_name="Văn", given_name="Tùng"
        ),
        organisation=cell,
        stage=Stage.SOURCE,
    )
    candidacy_act(
        actor=clerk_a,
        candidacy_id=moving.pk,
        action="record_certificate",
        data={
            "date": (TODAY - dt.timedelta(days=30)).isoformat(),
            "certificate_date": (TODAY - dt.timedelta(days=31)).isoformat(),
        },
    )
    staying = CandidacyFactory(
        person=PersonFactory(
            organisation=cell, family_name="Đỗ", middle_name="Thị", given_name="Vân"
        ),
        organisation=cell,
        stage=Stage.SOURCE,
    )
    history = list(CandidacyEvent.objects.filter(candidacy=moving).values_list("pk", "action"))
    assert history

    login(page, clerk_a.username, PASSWORD)
    accepted_request = send_transfer(page, moving, "Đảng bộ xã Thạch Lạc")
    refused_request = send_transfer(page, staying, "Đảng bộ xã Thạch Lạc")
    before_refusal = Candidacy.objects.filter(pk=staying.pk).values().get()
    events_before = CandidacyEvent.objects.filter(candidacy=staying).count()
    sign_out(page)

    # The receiving commune accepts one into its cell B1 and refuses the other.
    login(page, clerk_b.username, PASSWORD)
    page.goto(f"{page.base_url}/requests/?direction=incoming&kind=transfer")
    expect(page.locator("#request-table tbody tr")).to_have_count(2)
    page.goto(f"{page.base_url}/requests/{accepted_request.pk}/")
    page.select_option("#accept-form select[name=organisation]", label="Chi bộ thôn B1")
    page.click("#accept-form button[type=submit]")
    expect(page.locator(".ptdv-messages")).to_contain_text("Đã tiếp nhận hồ sơ.")
    expect(page.locator("#request-status")).to_have_text("Đã tiếp nhận hồ sơ")
    page.goto(f"{page.base_url}/requests/{refused_request.pk}/")
    page.fill("#refuse-form input[name=refuse-reason]", "Quần chúng chưa đăng ký cư trú tại xã.")
    page.click("#refuse-form button[type=submit]")
    expect(page.locator("#request-status")).to_have_text("Từ chối tiếp nhận")

    # The moved dossier is now commune B's: its page opens there, with the old steps and the
    # transfer, and commune B's clerk continues it.
    page.goto(f"{page.base_url}/requests/{accepted_request.pk}/")
    page.click("#to-dossier")
    expect(page.locator("#candidacy-header")).to_contain_text("Võ Văn Tùng")
    timeline = page.locator("#timeline")
    expect(timeline.locator('[data-event="record_certificate"]')).to_have_count(1)
    expect(timeline.locator('[data-event="transfer"]')).to_have_count(1)
    page.locator('#actions a[data-action="record_application"]').click()
    page.fill('#action-form [name="date"]', TODAY.strftime("%d/%m/%Y"))
    page.fill(
        '#action-form [name="application_date"]',
        (TODAY - dt.timedelta(days=3)).strftime("%d/%m/%Y"),
    )
    page.fill(
        '#action-form [name="history_date"]', (TODAY - dt.timedelta(days=2)).strftime("%d/%m/%Y")
    )
    page.get_by_role("button", name="Ghi nhận").click()
    expect(page.locator(".ptdv-messages")).to_contain_text("Đã ghi nhận")
    moved = Candidacy.objects.get(pk=moving.pk)
    assert moved.organisation_id == tree["cell_b1"].pk
    assert moved.stage == Stage.APPLIED
    events = list(CandidacyEvent.objects.filter(candidacy=moving).order_by("pk"))
    assert [(e.pk, e.action) for e in events[: len(history)]] == history
    assert [e.action for e in events[len(history) :]] == ["transfer", "record_application"]
    sign_out(page)

    # The refused one changed nothing: still commune A's, as it was.
    assert OrganisationRequest.objects.get(pk=refused_request.pk).status == RequestStatus.REFUSED
    assert Candidacy.objects.filter(pk=staying.pk).values().get() == before_refusal
    assert CandidacyEvent.objects.filter(candidacy=staying).count() == events_before
    login(page, clerk_a.username, PASSWORD)
    page.goto(f"{page.base_url}/candidacies/{staying.pk}/")
    expect(page.locator("#candidacy-header")).to_contain_text("Đỗ Thị Vân")
    response = page.goto(f"{page.base_url}/candidacies/{moving.pk}/")
    assert response is not None and response.status == 404
