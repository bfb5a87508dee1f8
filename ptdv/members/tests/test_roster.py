"""The member roster (page, API, Excel export) and a member's page: scope, filters, the
accent-free search, the Vietnamese name order, breakdowns, query counts and the audit trail."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook
from rest_framework.test import APIClient

from ptdv.accounts.models import Assignment, Role
from ptdv.audit.models import AuditEntry
from ptdv.factories import (
    LocalityFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    bearer_key,
    user_with_role,
)
from ptdv.members.models import MembershipAction, MembershipEvent, MembershipStatus
from ptdv.members.selectors import MemberFilters, age_band_bounds, member_list
from ptdv.organisations.models import Organisation

pytestmark = pytest.mark.django_db

PAGE = "/members/"
API = "/api/v1/members/"
EXPORT = "/exchange/export/members.xlsx"


def member(cell, family="Nguyễn", middle="Văn", given="An", **kwargs):
    person_fields = {
        key[len("person__") :]: kwargs.pop(key)
        for key in list(kwargs)
        if key.startswith("person__")
    }
    person = PersonFactory(
        organisation=cell, family_name=family, middle_name=middle, given_name=given, **person_fields
    )
    return MembershipFactory(organisation=cell, person=person, **kwargs)


@pytest.fixture
def clerk(tree):
    return user_with_role(tree["commune_a"], Role.CLERK)


@pytest.fixture
def api(clerk):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer_key(clerk)}")
    return client


@pytest.fixture
def roster(tree):
    """Members of commune A (both cells) and one of commune B."""
    village = LocalityFactory(organisation=tree["commune_a"], name="Thôn 9")
    tree["cell_a2"].sector = "urban_ward"
    tree["cell_a2"].area_flags = ["religious_area", "coastal"]
    tree["cell_a2"].save()
    return {
        "binh": member(
            tree["cell_a1"], "Nguyễn", "Văn", "Bình", person__residence_locality=village
        ),
        "an": member(
            tree["cell_a1"], "Trần", "Thị", "An", person__gender="female",
            person__target_groups=["worker", "pupil_student"],
        ),
        "anh": member(
            tree["cell_a2"], "Lê", "Thị", "Ánh", person__gender="female", person__ethnicity="02",
            person__birth_date=dt.date(1960, 1, 1), status=MembershipStatus.PROBATIONARY,
            official_date=None, admission_decision_date=dt.date(2025, 6, 1),
            ceremony_date=dt.date(2025, 6, 20), person__target_groups=["worker"],
        ),
        "dung": member(
            tree["cell_a2"], "Đặng", "Văn", "Dũng", status=MembershipStatus.REMOVED,
            exit_date=dt.date(2024, 1, 5), exit_reason="removed",
        ),
        "other": member(tree["cell_b1"], "Nguyễn", "Văn", "Bình"),
        "village": village,
    }  # fmt: skip


def names(response) -> list[str]:
    return [row["person"]["full_name"] for row in response.json()["results"]]


def test_api_lists_the_subtree_in_vietnamese_name_order(tree, api, roster):
    # Given name first (An, Ánh, Bình), then middle and family name; commune B is not seen,
    # nor the removed member unless asked.
    assert names(api.get(API)) == ["Trần Thị An", "Lê Thị Ánh", "Nguyễn Văn Bình"]
    assert names(api.get(API, {"status": "all"}))[-1] == "Đặng Văn Dũng"
    assert names(api.get(API, {"status": "removed"})) == ["Đặng Văn Dũng"]
    assert api.get(API, {"organisation": tree["commune_b"].pk}).status_code == 400
    assert api.get(f"{API}{roster['other'].pk}/").status_code == 404
    assert api.get(f"{API}{roster['binh'].pk}/").status_code == 200


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"search": "binh"}, ["Nguyễn Văn Bình"]),
        ({"search": "DANG"}, []),  # removed: not a current member
        ({"search": "dang", "status": "all"}, ["Đặng Văn Dũng"]),
        ({"search": "thi a"}, ["Trần Thị An", "Lê Thị Ánh"]),
        ({"gender": "female"}, ["Trần Thị An", "Lê Thị Ánh"]),
        ({"ethnicity": "02"}, ["Lê Thị Ánh"]),
        ({"age_band": "61_plus"}, ["Lê Thị Ánh"]),
        ({"age_band": "18_30"}, ["Trần Thị An", "Nguyễn Văn Bình"]),
        ({"year_admitted": 2025}, ["Lê Thị Ánh"]),
        ({"status": "probationary"}, ["Lê Thị Ánh"]),
        ({"sector": "urban_ward"}, ["Lê Thị Ánh"]),
        ({"area_flag": "coastal"}, ["Lê Thị Ánh"]),
        ({"target_group": "pupil_student"}, ["Trần Thị An"]),
        ({"target_group": "worker"}, ["Trần Thị An", "Lê Thị Ánh"]),
        ({"exempt": "false"}, ["Trần Thị An", "Lê Thị Ánh", "Nguyễn Văn Bình"]),
        ({"exempt": "true"}, []),
    ],
)
def test_api_filters(tree, api, roster, params, expected):
    response = api.get(API, params)
    assert response.status_code == 200, response.json()
    assert names(response) == expected


def test_filters_by_residence_exemption_and_subtree(tree, api, roster):
    assert names(api.get(API, {"locality": roster["village"].pk})) == ["Nguyễn Văn Bình"]
    elsewhere = LocalityFactory(organisation=tree["commune_b"])
    body = api.get(API, {"locality": elsewhere.pk}).json()
    assert body["error"]["fields"] == {"locality": ["Không tìm thấy thôn, tổ dân phố."]}
    assert names(api.get(API, {"organisation": tree["cell_a2"].pk})) == ["Lê Thị Ánh"]
    roster["an"].exempt_from = dt.date(2026, 1, 2)
    roster["an"].save(update_fields=["exempt_from"])
    assert names(api.get(API, {"exempt": "true"})) == ["Trần Thị An"]
    assert api.get(API, {"age_band": "young"}).status_code == 400


def test_age_bands_are_full_years_today():
    today = dt.date(2026, 12, 6)
    assert age_band_bounds("18_30", today) == (dt.date(1995, 12, 6), dt.date(2026, 12, 6))
    assert age_band_bounds("61_plus", today) == (None, dt.date(1965, 12, 6))
    leap = dt.date(2028, 2, 29)
    assert age_band_bounds("31_45", leap) == (dt.date(1982, 2, 28), dt.date(1997, 2, 28))


def test_detail_has_the_history(tree, api, roster):
    membership = roster["anh"]
    MembershipEvent.objects.filter(membership=membership).delete()
    MembershipEvent.objects.create(
        membership=membership, action=MembershipAction.ADMIT, date=dt.date(2025, 6, 20),
        document_number="12-QĐ/ĐU", to_organisation=tree["cell_a2"],
    )  # fmt: skip
    MembershipEvent.objects.create(
        membership=membership, action=MembershipAction.TRANSFER, date=dt.date(2026, 2, 1),
        from_organisation=tree["cell_a1"], to_organisation=tree["cell_a2"], reason="Chuyển",
    )  # fmt: skip
    body = api.get(f"{API}{membership.pk}/").json()
    assert [e["action"] for e in body["history"]] == ["admit", "transfer"]
    assert body["history"][0]["document"]["number"] == "12-QĐ/ĐU"
    assert body["history"][1]["from_organisation"] == tree["cell_a1"].pk
    assert body["person"]["full_name"] == "Lê Thị Ánh" and body["is_exempt"] is False
    entry = AuditEntry.objects.filter(object_type="members.partymembership").latest("id")
    assert entry.object_id == str(membership.pk) and entry.person_id == membership.person_id


def test_api_list_is_audited_without_the_search_text(tree, api, clerk, roster):
    api.get(API, {"search": "binh", "gender": "male"})
    entry = AuditEntry.objects.filter(object_type="members.partymembership").latest("id")
    assert entry.actor == clerk and entry.channel == "api"
    assert entry.data["ids"] == [roster["binh"].pk]
    assert entry.data["person_ids"] == [roster["binh"].person_id]
    assert entry.data["filters"] == {"search": True, "gender": "male", "page": 1}
    assert "binh" not in str(entry.data).lower()


def test_breakdown_by_sector_area_flag_and_target_group(tree, api, roster):
    body = api.get(f"{API}breakdown/").json()
    assert body["total"] == 3
    assert {r["code"]: r["count"] for r in body["sector"]} == {
        "rural_commune": 2,
        "urban_ward": 1,
    }
    assert {r["code"]: r["count"] for r in body["area_flag"]} == {
        "coastal": 1,
        "religious_area": 1,
    }
    assert {r["code"]: r["count"] for r in body["target_group"]} == {
        "worker": 2,
        "pupil_student": 1,
    }
    assert body["sector"][0]["label"] == "Xã"
    assert api.get(f"{API}breakdown/", {"gender": "female"}).json()["total"] == 2


@pytest.fixture
def many(tree):
    extra = OrganisationFactory(parent=tree["commune_a"], kind="grassroots_cell", code="CSa")
    village = LocalityFactory(organisation=tree["commune_a"])
    cells = [tree["cell_a1"], tree["cell_a2"], extra]
    for index in range(120):
        member(cells[index % 3], given="Mai", person__residence_locality=village)
    return cells


def test_list_query_count_does_not_grow(tree, api, many, django_assert_num_queries):
    # Token and user, the assignments, the count, the page (person, residence, commune,
    # cell and attachment joined), the audit entry.
    with django_assert_num_queries(5):
        assert len(api.get(API, {"page_size": 200}).json()["results"]) == 120
    with django_assert_num_queries(5):
        assert len(api.get(API, {"page_size": 10}).json()["results"]) == 10


def test_page_lists_filters_and_audits(client, tree, clerk, roster, django_assert_max_num_queries):
    client.force_login(clerk)
    with django_assert_max_num_queries(12):
        page = client.get(PAGE).content.decode()
    assert page.index("Trần Thị An") < page.index("Lê Thị Ánh") < page.index("Nguyễn Văn Bình")
    assert "Đặng Văn Dũng" not in page and "Thôn 9" in page
    assert "tìm thấy <strong>3</strong>" in page
    entry = AuditEntry.objects.filter(object_type="members.partymembership").latest("id")
    assert sorted(entry.data["ids"]) == sorted(
        [roster["an"].pk, roster["anh"].pk, roster["binh"].pk]
    )
    page = client.get(PAGE, {"q": "anh"}).content.decode()
    assert "Lê Thị Ánh" in page and "Trần Thị An" not in page
    partial = client.get(PAGE, {"gender": "female"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and "Trần Thị An" in partial and "Bình" not in partial
    assert client.get(PAGE, {"organisation": tree["cell_b1"].pk}).status_code == 404
    elsewhere = LocalityFactory(organisation=tree["commune_b"])
    assert client.get(PAGE, {"locality": elsewhere.pk}).status_code == 404
    breakdown = client.get(PAGE, {"breakdown": "1"}).content.decode()
    assert 'id="member-breakdown"' in breakdown and "Phường, thị trấn" in breakdown


def test_cell_clerk_sees_their_cell_and_names_the_village_of_their_commune(client, tree, roster):
    cell_clerk = user_with_role(tree["cell_a1"], Role.CLERK)
    client.force_login(cell_clerk)
    page = client.get(PAGE, {"locality": roster["village"].pk}).content.decode()
    assert "Nguyễn Văn Bình" in page and "Ánh" not in page
    page = client.get(PAGE).content.decode()
    assert "Trần Thị An" in page and "Lê Thị Ánh" not in page


def test_member_page_shows_the_whole_history(client, tree, clerk, roster):
    membership = roster["binh"]
    MembershipEvent.objects.filter(membership=membership).delete()
    MembershipEvent.objects.create(
        membership=membership, action=MembershipAction.ADMIT, date=dt.date(2015, 3, 20),
        document_number="3-QĐ/ĐU", issuing_body="Đảng ủy xã A",
    )  # fmt: skip
    MembershipEvent.objects.create(
        membership=membership, action=MembershipAction.EXEMPT, date=dt.date(2026, 3, 1),
        reason="Tuổi cao, sức yếu",
    )  # fmt: skip
    client.force_login(clerk)
    page = client.get(f"/members/{membership.pk}/").content.decode()
    assert 'id="member-history"' in page
    history = page.split('id="member-history"', 1)[1]
    assert history.index("Kết nạp") < history.index("Miễn công tác và sinh hoạt đảng")
    assert "3-QĐ/ĐU" in page and "20/03/2015" in page and "Tuổi cao, sức yếu" in page
    assert "Thôn 9" in page and "Thôn Thôn" not in page
    entry = AuditEntry.objects.filter(object_type="members.partymembership").latest("id")
    assert entry.person_id == membership.person_id and entry.action == "view"
    assert client.get(f"/members/{roster['other'].pk}/").status_code == 404


def test_member_page_offers_the_actions_the_user_may_take(client, tree, clerk, roster):
    client.force_login(clerk)
    page = client.get(f"/members/{roster['binh'].pk}/").content.decode()
    assert 'id="member-actions"' in page
    assert f"/members/{roster['binh'].pk}/actions/transfer/" in page


def _rows(response) -> tuple[list, list[tuple]]:
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["Đảng viên"]
    header = [c.value for c in ws[1]]
    return header, list(ws.iter_rows(min_row=2, values_only=True))


def test_export_has_the_roster_filters_and_is_audited(client, tree, clerk, roster):
    client.force_login(clerk)
    header, rows = _rows(client.get(EXPORT))
    given = header.index("Tên")
    assert [r[given] for r in rows] == ["An", "Ánh", "Bình"]
    assert "Số định danh cá nhân (CCCD)" not in header
    residence = header.index("Thôn, tổ dân phố cư trú")
    assert rows[2][residence] == "Thôn 9, Đảng bộ xã A"
    sector = header.index("Lĩnh vực")
    assert rows[1][sector] == "Phường, thị trấn"
    _header, rows = _rows(
        client.get(EXPORT, {"q": "thi", "gender": "female", "age_band": "61_plus"})
    )
    assert [r[given] for r in rows] == ["Ánh"]
    _header, rows = _rows(client.get(EXPORT, {"locality": roster["village"].pk}))
    assert [r[given] for r in rows] == ["Bình"]
    _header, rows = _rows(client.get(EXPORT, {"status": "all"}))
    assert len(rows) == 4
    assert client.get(EXPORT, {"organisation": tree["cell_b1"].pk}).status_code == 404
    entry = AuditEntry.objects.filter(action="export", object_id="members").latest("id")
    assert entry.data["rows"] == 4 and entry.data["filters"] == {"status": "all"}
    filtered = AuditEntry.objects.filter(action="export", object_id="members").order_by("id")[1]
    assert filtered.data["filters"]["search"] == "True"


def test_export_command_takes_the_roster_filters(tree, clerk, roster, tmp_path):
    target = tmp_path / "dv.xlsx"
    call_command(
        "export", "members", "--as", clerk.username, "--output", str(target),
        "--gender", "female", "--locality", roster["village"].code,
    )  # fmt: skip
    assert load_workbook(target)["Đảng viên"].max_row == 1  # Bình is a man
    call_command(
        "export", "members", "--as", clerk.username, "--output", str(target),
        "--organisation", "Ca2", "--target-group", "worker",
    )  # fmt: skip
    assert load_workbook(target)["Đảng viên"].max_row == 2
    with pytest.raises(CommandError):
        call_command(
            "export", "members", "--as", clerk.username, "--output", str(target),
            "--organisation", "Cb1",
        )  # fmt: skip


def test_selector_scope_for_two_assignments(tree, roster):
    user = user_with_role(tree["cell_a1"], Role.VIEWER)
    Assignment.objects.create(user=user, organisation=tree["cell_b1"], role=Role.VIEWER)
    found = list(member_list(actor=user, filters=MemberFilters(search="binh")))
    assert {m.organisation.code for m in found} == {"Ca1", "Cb1"}
    assert Organisation.objects.filter(code="Cb1").exists()


def _queries(client, url, params=None) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params or {}).status_code == 200
    return len(ctx.captured_queries)


def test_page_query_count_does_not_grow(client, tree, clerk):
    client.force_login(clerk)
    village = LocalityFactory(organisation=tree["commune_a"])
    for _ in range(3):
        member(tree["cell_a1"], given="Lan", person__residence_locality=village)
    few = _queries(client, PAGE)
    few_breakdown = _queries(client, PAGE, {"breakdown": "1"})
    for index in range(60):
        member([tree["cell_a1"], tree["cell_a2"]][index % 2], given="Mai")
    assert _queries(client, PAGE) == few
    assert _queries(client, PAGE, {"breakdown": "1"}) == few_breakdown == few + 3


def test_member_page_query_count_does_not_grow_with_the_history(client, tree, clerk, roster):
    membership = roster["binh"]
    client.force_login(clerk)
    url = f"/members/{membership.pk}/"
    before = _queries(client, url)
    for day in range(1, 11):
        MembershipEvent.objects.create(
            membership=membership, action=MembershipAction.ATTACH, date=dt.date(2026, 1, day),
            from_organisation=tree["cell_a1"], to_organisation=tree["cell_a2"], actor=clerk,
        )  # fmt: skip
    assert _queries(client, url) == before


def test_locality_filter_can_be_cleared_and_breakdown_kept(client, tree, clerk, roster):
    client.force_login(clerk)
    page = client.get(PAGE, {"locality": roster["village"].pk, "breakdown": "1"}).content.decode()
    assert 'id="locality-filter-clear"' in page and "cư trú tại Thôn 9" in page
    assert f'name="locality" value="{roster["village"].pk}"' in page
    assert '<input type="hidden" name="breakdown" value="1">' in page


def test_attachment_and_exemption_are_shown(client, tree, clerk, roster):
    membership = roster["an"]
    membership.attached_from = dt.date(2026, 2, 1)
    membership.attached_note = "Chi bộ Công ty X, TP Hồ Chí Minh"
    membership.exempt_from = dt.date(2026, 3, 1)
    membership.save(update_fields=["attached_from", "attached_note", "exempt_from"])
    client.force_login(clerk)
    page = client.get(PAGE).content.decode()
    assert "sinh hoạt tạm thời nơi khác" in page and "miễn sinh hoạt" in page
    page = client.get(f"/members/{membership.pk}/").content.decode()
    assert "Sinh hoạt tạm thời từ 01/02/2026 tại Chi bộ Công ty X" in page
    header, rows = _rows(client.get(EXPORT, {"exempt": "1"}))
    assert len(rows) == 1
    assert rows[0][header.index("Sinh hoạt tạm thời tại")] == "Chi bộ Công ty X, TP Hồ Chí Minh"
    assert rows[0][header.index("Miễn công tác, sinh hoạt từ ngày")] == dt.datetime(2026, 3, 1)
