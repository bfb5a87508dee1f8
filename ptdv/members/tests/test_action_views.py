"""The membership action forms at /members/<id>/actions/<action>/."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from ptdv.audit.models import AuditEntry
from ptdv.members.models import MembershipStatus

pytestmark = pytest.mark.django_db


def url(member, action):
    return f"/members/{member.pk}/actions/{action}/"


def test_form_shows_and_is_audited(client, world):
    member = world["members"][1]
    client.force_login(world["approver"])
    page = client.get(url(member, "remove"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Căn cứ xóa tên" in html
    assert "Bỏ sinh hoạt đảng hoặc không đóng đảng phí 3 tháng" in html
    assert AuditEntry.objects.filter(
        action="view", object_id=str(member.pk), person=member.person
    ).exists()


def test_remove_through_the_form(client, world):
    member = world["members"][1]
    client.force_login(world["approver"])
    answer = client.post(
        url(member, "remove"),
        {
            "version": 1,
            "date": "05/03/2026",
            "grounds": "not_attending",
            "reason": "Bỏ sinh hoạt 4 tháng",
            "document_number": "15-QĐ/ĐU",
            "document_date": "05/03/2026",
            "issuing_body": "Đảng ủy xã A",
            "signer": "Trần C",
        },
    )
    assert answer.status_code == 302
    member.refresh_from_db()
    assert member.status == MembershipStatus.REMOVED
    assert member.exit_date == dt.date(2026, 3, 5)
    event = member.events.get(action="remove")
    assert (event.document_number, event.document_date) == ("15-QĐ/ĐU", dt.date(2026, 3, 5))


def test_transfer_form_offers_cells_in_scope_only(client, world):
    member = world["members"][1]
    client.force_login(world["clerk"])
    html = client.get(url(member, "transfer")).content.decode()
    assert "Chi bộ thôn A2" in html
    assert "Chi bộ thôn B1" not in html
    answer = client.post(
        url(member, "transfer"),
        {"version": 1, "date": "01/02/2026", "organisation": world["tree"]["cell_a2"].pk},
    )
    assert answer.status_code == 302
    member.refresh_from_db()
    assert member.organisation == world["tree"]["cell_a2"]


def test_refusals_rerender_and_write_nothing(client, world):
    member = world["members"][1]
    client.force_login(world["clerk"])
    page = client.post(url(member, "death"), {"version": 1, "date": "01/01/2014"})
    assert page.status_code == 422
    assert "không được trước ngày kết nạp" in page.content.decode()
    page = client.post(url(member, "death"), {"version": 9, "date": "01/01/2026"})
    assert page.status_code == 409
    assert 'id="stale-version"' in page.content.decode()
    page = client.post(url(member, "end_exemption"), {"version": 1, "date": "01/01/2026"})
    assert page.status_code == 409
    member.refresh_from_db()
    assert member.status == MembershipStatus.OFFICIAL
    assert member.version == 1


def test_scope_and_role(client, world):
    member = world["members"][1]
    client.force_login(world["outsider"])
    assert client.get(url(member, "death")).status_code == 404
    assert (
        client.post(url(member, "death"), {"version": 1, "date": "01/01/2026"}).status_code == 404
    )
    client.force_login(world["clerk"])
    assert client.get(url(member, "expel")).status_code == 403
    assert client.get(url(member, "fly")).status_code == 404
    member.refresh_from_db()
    assert member.status == MembershipStatus.OFFICIAL


def test_action_menu_lists_what_the_role_allows(world):
    member = world["members"][1]
    request = RequestFactory().get("/")
    template = Template("{% load member_actions %}{% member_actions membership %}")
    request.user = world["clerk"]
    html = template.render(Context({"request": request, "membership": member}))
    assert 'data-action="transfer"' in html
    assert 'data-action="remove"' not in html  # an approver's
    assert 'data-action="end_exemption"' not in html  # not exempt
    request.user = world["approver"]
    html = template.render(Context({"request": request, "membership": member}))
    assert 'data-action="remove"' in html
    request.user = world["viewer"]
    assert "member-actions" not in template.render(
        Context({"request": request, "membership": member})
    )
