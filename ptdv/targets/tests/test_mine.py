"""“Quần chúng tôi phụ trách” (issue 14 §2): the signed-in user's own candidates, through the
account's link to a person — page and API, by year, inside the user's scope only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from ptdv.accounts.models import Role, User
from ptdv.audit.models import AuditEntry
from ptdv.candidacies.models import Candidacy, Stage
from ptdv.factories import (
    CandidacyFactory,
    MembershipFactory,
    PersonFactory,
    bearer_key,
    user_with_role,
)
from ptdv.targets.services import plan_assign

pytestmark = pytest.mark.django_db

YEAR = 2025
TODAY = dt.date(2025, 10, 1)
MINE = reverse("targets:mine")
API = "/api/v1/responsibility/mine/"


def _candidate(organisation, given):
    return CandidacyFactory(
        organisation=organisation,
        stage=Stage.APPLIED,
        person=PersonFactory(organisation=organisation, family_name="Lê", given_name=given),
    )


@pytest.fixture
def setup(tree, monkeypatch):
    """Khánh (cell A1) leads Ánh (overdue) and helps Bảo as a member in commune A this year,
    led Cúc last year; in commune B he leads Dung (outside the commune-A clerk's scope); Giang
    was assigned in commune A but her dossier has since moved to commune B."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)
    cell_a1, cell_a2, cell_b1 = tree["cell_a1"], tree["cell_a2"], tree["cell_b1"]
    khanh = MembershipFactory(
        organisation=cell_a1, person=PersonFactory(organisation=cell_a1, given_name="Khánh")
    )
    leader = PersonFactory(organisation=cell_a2, given_name="Lâm")
    clerk = user_with_role(tree["commune_a"], Role.CLERK)
    admin_p = user_with_role(tree["province"], Role.ADMINISTRATOR)
    anh, bao, cuc = (
        _candidate(cell_a1, "Ánh"),
        _candidate(cell_a2, "Bảo"),
        _candidate(cell_a1, "Cúc"),
    )
    dung, giang = _candidate(cell_b1, "Dung"), _candidate(cell_a2, "Giang")
    commune_a = tree["commune_a"]
    plan_assign(actor=clerk, organisation=commune_a, year=YEAR, candidacy=anh,
                responsible_person=khanh.person)  # fmt: skip
    plan_assign(actor=clerk, organisation=commune_a, year=YEAR, candidacy=bao,
                responsible_person=leader, member=khanh)  # fmt: skip
    plan_assign(actor=clerk, organisation=commune_a, year=YEAR - 1, candidacy=cuc,
                responsible_person=khanh.person)  # fmt: skip
    plan_assign(actor=admin_p, organisation=tree["commune_b"], year=YEAR, candidacy=dung,
                responsible_person=khanh.person)  # fmt: skip
    plan_assign(actor=clerk, organisation=commune_a, year=YEAR, candidacy=giang,
                responsible_person=khanh.person)  # fmt: skip
    Candidacy.objects.filter(pk=giang.pk).update(organisation=tree["cell_b2"])
    Candidacy.objects.filter(pk=anh.pk).update(
        next_action="record_verification", next_due=dt.date(YEAR, 9, 1)
    )
    Candidacy.objects.filter(pk=bao.pk).update(
        next_action="record_verification", next_due=dt.date(YEAR, 11, 20)
    )
    User.objects.filter(pk=clerk.pk).update(person=khanh.person)
    clerk.refresh_from_db()
    return {
        "tree": tree,
        "clerk": clerk,
        "khanh": khanh,
        "anh": anh,
        "bao": bao,
        "cuc": cuc,
        "dung": dung,
        "giang": giang,
    }


def _names(text, setup, *keys):
    return {key for key in keys if setup[key].person.full_name in text}


ALL = ("anh", "bao", "cuc", "dung", "giang")


def test_the_page_lists_my_candidates_of_the_year_in_my_scope(setup, client):
    client.force_login(setup["clerk"])
    answer = client.get(MINE)
    assert answer.status_code == 200
    text = answer.content.decode()
    assert _names(text, setup, *ALL) == {"anh", "bao"}
    assert setup["anh"].get_absolute_url() in text
    assert "01/09/2025" in text and "quá hạn" in text and "20/11/2025" in text
    assert "Ghi nhận kết quả thẩm tra lý lịch" in text
    assert setup["tree"]["cell_a2"].name in text  # Bảo's organisation
    assert "Đảng viên được giao" in text  # Khánh helps Bảo as a member
    # Overdue first (the nearest deadline).
    assert text.index(setup["anh"].person.full_name) < text.index(setup["bao"].person.full_name)
    entry = AuditEntry.objects.filter(summary="Xem danh sách quần chúng tôi phụ trách").get()
    assert entry.actor_id == setup["clerk"].pk
    assert sorted(entry.data["ids"]) == sorted([setup["anh"].pk, setup["bao"].pk])
    assert entry.data["count"] == 2 and entry.data["filters"] == {"year": YEAR}
    # Another year.
    text = client.get(MINE, {"year": YEAR - 1}).content.decode()
    assert _names(text, setup, *ALL) == {"cuc"}


def test_a_wider_scope_shows_more(setup, client):
    """The same person seen from the province: Dung and Giang too."""
    wide = user_with_role(setup["tree"]["province"], Role.VIEWER)
    User.objects.filter(pk=setup["clerk"].pk).update(person=None)
    User.objects.filter(pk=wide.pk).update(person=setup["khanh"].person)
    client.force_login(User.objects.get(pk=wide.pk))
    text = client.get(MINE).content.decode()
    assert _names(text, setup, *ALL) == {"anh", "bao", "dung", "giang"}


def test_the_page_is_paginated(setup, client, monkeypatch):
    monkeypatch.setattr("ptdv.targets.responsibility_views.PAGE_SIZE", 1)
    client.force_login(setup["clerk"])
    first = client.get(MINE).content.decode()
    second = client.get(MINE, {"page": 2}).content.decode()
    assert _names(first, setup, *ALL) == {"anh"} and "Trang 1 / 2" in first
    assert _names(second, setup, *ALL) == {"bao"}


def test_without_a_linked_person_the_page_says_whom_to_ask(setup, client):
    client.force_login(user_with_role(setup["tree"]["cell_a1"], Role.CLERK))
    text = client.get(MINE).content.decode()
    assert 'id="mine-not-linked"' in text and "quản trị viên" in text
    assert _names(text, setup, *ALL) == set()
    assert not AuditEntry.objects.filter(
        summary__startswith="Xem danh sách quần chúng tôi"
    ).exists()


def test_the_home_page_and_the_navigation_link_the_page(setup, client):
    client.force_login(setup["clerk"])
    text = client.get(reverse("home")).content.decode()
    assert 'id="work-mine-link"' in text and 'id="nav-mine"' in text and MINE in text


# --- API ------------------------------------------------------------------------------------


def _api(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer_key(user)}")
    return client


def test_api_lists_my_candidates(setup):
    api = _api(setup["clerk"])
    body = api.get(API).json()
    assert body["person"] == setup["khanh"].person_id and body["year"] == YEAR
    assert body["count"] == 2
    first, second = body["results"]
    assert first == {
        "candidacy": setup["anh"].pk,
        "name": setup["anh"].person.full_name,
        "organisation": setup["tree"]["cell_a1"].pk,
        "organisation_name": setup["tree"]["cell_a1"].name,
        "stage": "applied",
        "stage_label": setup["anh"].get_stage_display(),
        "next_action": "record_verification",
        "next_action_label": "Ghi nhận kết quả thẩm tra lý lịch",
        "next_due": "2025-09-01",
        "overdue": True,
        "role": "leader",
        "note": "",
    }
    assert second["candidacy"] == setup["bao"].pk and second["role"] == "member"
    assert not second["overdue"]
    last_year = api.get(API, {"year": YEAR - 1}).json()
    assert [r["candidacy"] for r in last_year["results"]] == [setup["cuc"].pk]
    assert (
        AuditEntry.objects.filter(summary="Xem danh sách quần chúng tôi phụ trách (API)").count()
        == 2
    )


@pytest.mark.parametrize(
    ("year", "message"),
    [
        ("abc", "Cần một số nguyên hợp lệ."),
        ("1800", "1930"),
    ],
)
def test_api_refuses_a_bad_year(setup, year, message):
    answer = _api(setup["clerk"]).get(API, {"year": year})
    assert answer.status_code == 400
    fields = answer.json()["error"]["fields"]
    assert list(fields) == ["year"] and message in fields["year"][0]


def test_api_without_a_linked_person(setup):
    body = _api(user_with_role(setup["tree"]["cell_a1"], Role.VIEWER)).get(API).json()
    assert body["person"] is None and body["count"] == 0 and body["results"] == []
