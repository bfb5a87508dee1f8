"""The administrator pages of the tree changes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ptdv.accounts.models import Role
from ptdv.factories import LocalityFactory, MembershipFactory, user_with_role
from ptdv.organisations.models import Locality, Organisation, OrganisationChange

pytestmark = pytest.mark.django_db

DECISION = {
    "decision_number": "125-QĐ/TU",
    "decision_date": "20/06/2025",
    "issuing_body": "Ban Thường vụ Tỉnh ủy",
    "date": "01/07/2025",
}


@pytest.fixture
def admin(tree, client):
    client.force_login(user_with_role(tree["province"], Role.ADMINISTRATOR))
    return client


def change_url(org, action):
    return reverse("organisations:change", args=[org.pk, action])


def test_merge_two_communes_into_a_new_one(tree, admin):
    MembershipFactory(organisation=tree["cell_a1"])
    MembershipFactory(organisation=tree["cell_b2"])
    village = LocalityFactory(organisation=tree["commune_b"])
    page = admin.get(change_url(tree["commune_a"], "merge"))
    assert page.status_code == 200 and "Số quyết định" in page.content.decode()
    answer = admin.post(
        change_url(tree["commune_a"], "merge"),
        {
            **DECISION,
            "others": [tree["commune_b"].pk],
            "new_code": "XC",
            "new_name": "Đảng bộ xã C",
            "version": 0,
        },
    )
    c = Organisation.objects.get(code="XC")
    assert answer.status_code == 302 and answer.url == reverse("organisations:changes", args=[c.pk])
    assert c.member_count == 2
    assert Locality.objects.get(pk=village.pk).organisation_id == c.pk
    history = admin.get(answer.url).content.decode()
    assert "Hợp nhất, sáp nhập" in history and "Đảng bộ xã A" in history and "125-QĐ/TU" in history


def test_validation_messages_and_rights(tree, admin, client):
    answer = admin.post(
        change_url(tree["cell_a1"], "rename"),
        {**DECISION, "decision_date": "01/01/2099", "name": "Mới"},
    )
    assert answer.status_code == 200
    assert "không được sau ngày hôm nay" in answer.content.decode()
    MembershipFactory(organisation=tree["cell_a1"])
    answer = admin.post(change_url(tree["cell_a1"], "dissolve"), DECISION)
    assert "Tổ chức tiếp nhận: bắt buộc" in answer.content.decode()
    assert OrganisationChange.objects.count() == 0
    # Split with lines of codes.
    answer = admin.post(
        change_url(tree["grassroots_a"], "split"),
        {
            **DECISION,
            "parts": "G1 | Đảng bộ cơ sở 1 | Ca1\nG2 | Đảng bộ cơ sở 2 | Ca2",
        },
    )
    assert answer.status_code == 302
    assert Organisation.objects.get(pk=tree["cell_a2"].pk).parent.code == "G2"
    # A commune clerk: 403; a commune administrator on the other commune: 404.
    client.force_login(user_with_role(tree["commune_a"], Role.CLERK))
    assert client.get(change_url(tree["cell_b1"], "rename")).status_code == 404
    assert client.get(change_url(tree["grassroots_b"], "rename")).status_code == 404
    client.force_login(user_with_role(tree["commune_b"], Role.CLERK))
    assert client.get(change_url(tree["grassroots_b"], "rename")).status_code == 403
    assert (
        client.get(reverse("organisations:changes", args=[tree["commune_b"].pk])).status_code == 200
    )


def test_locality_pages(tree, admin, client):
    east = LocalityFactory(organisation=tree["commune_a"], name="Thôn Đông")
    west = LocalityFactory(organisation=tree["commune_a"], name="Thôn Tây")
    MembershipFactory(organisation=tree["cell_a1"], person__residence_locality=west)
    page = admin.get(reverse("organisations:changes", args=[tree["commune_a"].pk]))
    assert "Thôn Đông" in page.content.decode()
    url = reverse("organisations:locality_change", args=[east.pk, "merge"])
    answer = admin.post(url, {**DECISION, "into": west.pk})
    assert answer.status_code == 302
    assert not Locality.objects.filter(pk=east.pk).exists()
    assert Locality.objects.get(pk=west.pk).active_members == 1
    answer = admin.post(
        reverse("organisations:locality_change", args=[west.pk, "move"]),
        {**DECISION, "commune": tree["commune_b"].pk},
    )
    assert answer.status_code == 302
    assert Locality.objects.get(pk=west.pk).organisation_id == tree["commune_b"].pk
    history = admin.get(reverse("organisations:changes", args=[tree["commune_b"].pk]))
    assert "Chuyển sang xã, phường khác" in history.content.decode()
    client.force_login(user_with_role(tree["commune_b"], Role.CLERK))
    url = reverse("organisations:locality_change", args=[west.pk, "rename"])
    assert client.get(url).status_code == 403
    client.force_login(user_with_role(tree["commune_a"], Role.ADMINISTRATOR))
    assert client.get(url).status_code == 404
