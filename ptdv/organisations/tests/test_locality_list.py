"""The localities of a subtree, named: resident members, the covering cell (own or shared),
white ones and those without a cell of their own — on the commune page, the list page, the
API and the Excel export; and a locality's printed name ("Thôn 9", never "Thôn Thôn 9")."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from rest_framework.test import APIClient

from ptdv.accounts.models import Role
from ptdv.audit.models import AuditEntry
from ptdv.factories import (
    LocalityFactory,
    MembershipFactory,
    PersonFactory,
    bearer_key,
    user_with_role,
)
from ptdv.organisations.models import Locality, LocalityKind
from ptdv.organisations.services import locality_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def places(tree):
    a = tree["commune_a"]
    own = LocalityFactory(organisation=a, name="Thôn 9", cell=tree["cell_a1"])
    shared = LocalityFactory(organisation=a, name="Đông", cell=tree["cell_a2"], cell_is_shared=True)
    none = LocalityFactory(organisation=a, name="Tổ dân phố 3", kind=LocalityKind.RESIDENTIAL_GROUP)
    other = LocalityFactory(organisation=tree["commune_b"], name="Thôn Bắc", cell=tree["cell_b1"])
    for _ in range(2):
        person = PersonFactory(organisation=tree["cell_a1"], residence_locality=own)
        MembershipFactory(organisation=tree["cell_a1"], person=person)
    person = PersonFactory(organisation=tree["cell_a2"], residence_locality=none)
    MembershipFactory(organisation=tree["cell_a2"], person=person)
    for item in (own, shared, none, other):
        item.refresh_from_db()
    return {"own": own, "shared": shared, "none": none, "other": other}


@pytest.fixture
def clerk(tree):
    return user_with_role(tree["commune_a"], Role.CLERK)


@pytest.fixture
def api(clerk):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer_key(clerk)}")
    return client


def test_full_name_never_repeats_the_kind():
    assert Locality(name="Thôn 9", kind=LocalityKind.VILLAGE).full_name == "Thôn 9"
    assert Locality(name="Đông", kind=LocalityKind.VILLAGE).full_name == "Thôn Đông"
    assert Locality(name="Tổ dân phố 3", kind=LocalityKind.RESIDENTIAL_GROUP).full_name == (
        "Tổ dân phố 3"
    )
    assert Locality(name="3", kind=LocalityKind.RESIDENTIAL_GROUP).full_name == "Tổ dân phố 3"
    assert Locality(name="Bản Mới", kind=LocalityKind.HAMLET).full_name == "Bản Mới"


def test_api_lists_with_counts_and_flags(tree, api, places):
    url = f"/api/v1/organisations/{tree['commune_a'].pk}/localities/"
    body = api.get(url).json()
    assert body["count"] == 3
    rows = {row["code"]: row for row in body["results"]}
    own = rows[places["own"].code]
    assert own["full_name"] == "Thôn 9" and own["active_members"] == 2
    assert own["white"] is False and own["without_cell"] is False
    assert own["cell"]["code"] == "Ca1"
    assert rows[places["shared"].code]["without_cell"] is True
    assert rows[places["shared"].code]["white"] is True
    assert rows[places["none"].code]["cell"] is None
    # (By name within a commune, in the database's collation.)
    codes = lambda **q: {r["code"] for r in api.get(url, q).json()["results"]}  # noqa: E731
    assert codes(white=1) == {places["shared"].code}
    assert codes(without_cell=1) == {places["shared"].code, places["none"].code}
    assert codes(without_cell=0) == {places["own"].code}
    assert codes(white=0, without_cell=1) == {places["none"].code}
    assert api.get(url, {"white": "maybe"}).status_code == 400
    assert api.get(f"/api/v1/organisations/{tree['commune_b'].pk}/localities/").status_code == 404
    # A cell's page lists what it covers.
    cell = api.get(f"/api/v1/organisations/{tree['cell_a2'].pk}/localities/").json()
    assert [r["code"] for r in cell["results"]] == [places["shared"].code]


def test_province_list_spans_its_communes(tree, places, django_assert_max_num_queries):
    client = APIClient()
    client.credentials(
        HTTP_AUTHORIZATION=f"Bearer {bearer_key(user_with_role(tree['province'], Role.VIEWER))}"
    )
    url = f"/api/v1/organisations/{tree['province'].pk}/localities/"
    for index in range(30):
        LocalityFactory(organisation=tree["commune_b"], name=f"Xóm {index}")
    with django_assert_max_num_queries(5):
        body = client.get(url, {"page_size": 100}).json()
    assert body["count"] == 34
    assert {r["organisation"]["code"] for r in body["results"]} == {"Xa", "Xb"}


def test_cell_clerk_sees_what_their_cell_covers(tree, places):
    client = APIClient()
    user = user_with_role(tree["cell_a1"], Role.CLERK)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer_key(user)}")
    body = client.get(f"/api/v1/organisations/{tree['cell_a1'].pk}/localities/").json()
    assert [r["code"] for r in body["results"]] == [places["own"].code]


def test_commune_page_names_the_white_and_cell_less(client, tree, clerk, places):
    client.force_login(clerk)
    page = client.get(tree["commune_a"].get_absolute_url()).content.decode()
    assert 'id="localities"' in page and "Thôn 9" in page and "Thôn Thôn" not in page
    assert "Thôn Đông" in page and "chi bộ ghép" in page and "chưa có chi bộ" in page
    assert "chưa có đảng viên" in page
    assert f"/members/?locality={places['own'].pk}" in page  # drill-down to the residents
    assert f"/organisations/{tree['commune_a'].pk}/localities/?white=1" in page


def test_list_page_filters(client, tree, clerk, places):
    client.force_login(clerk)
    url = f"/organisations/{tree['commune_a'].pk}/localities/"
    page = client.get(url, {"white": "1"}).content.decode()
    assert "Thôn Đông" in page and "Thôn 9" not in page and "Tổ dân phố 3" not in page
    page = client.get(url, {"without_cell": "1"}).content.decode()
    assert "Thôn Đông" in page and "Tổ dân phố 3" in page and "Thôn 9" not in page
    assert client.get(f"/organisations/{tree['commune_b'].pk}/localities/").status_code == 404


def test_dashboard_names_the_white_and_cell_less(client, tree, clerk, places):
    client.force_login(clerk)
    page = client.get(f"/targets/{tree['commune_a'].pk}/").content.decode()
    assert 'id="white-localities"' in page and "Thôn Đông" in page
    assert 'id="localities-without-cell"' in page and "Tổ dân phố 3" in page


def test_export_reads_back_and_is_audited(client, tree, clerk, places, tmp_path):
    client.force_login(clerk)
    response = client.get(
        "/exchange/export/localities.xlsx",
        {"organisation": tree["commune_a"].pk, "without_cell": "1"},
    )
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["Thôn, tổ dân phố"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    by_label = {r[1]: r for r in rows}
    assert set(by_label) == {"Thôn Đông", "Tổ dân phố 3"}
    assert by_label["Thôn Đông"][7] == "Có" and by_label["Thôn Đông"][10] == "Có"
    assert by_label["Tổ dân phố 3"][9] == 1 and by_label["Tổ dân phố 3"][5] is None  # no cell
    entry = AuditEntry.objects.filter(action="export", object_id="localities").latest("id")
    assert entry.data["rows"] == 2
    response = client.get(
        "/exchange/export/localities.xlsx", {"organisation": tree["commune_b"].pk}
    )
    assert response.status_code == 404
    target = tmp_path / "thon.xlsx"
    call_command(
        "export", "localities", "--as", clerk.username, "--output", str(target), "--white", "1"
    )
    assert load_workbook(target)["Thôn, tổ dân phố"].max_row == 2


def test_documents_print_the_residence_once():
    from types import SimpleNamespace

    from ptdv.documents.official_forms.common import _locality_text
    from ptdv.organisations.models import Organisation

    commune = Organisation(name="Đảng bộ xã Thiên Cầm")
    for name, printed in (("Thôn 9", "Thôn 9, xã Thiên Cầm"), ("Đông", "Thôn Đông, xã Thiên Cầm")):
        locality = Locality(name=name, kind=LocalityKind.VILLAGE, organisation=commune)
        dossier = SimpleNamespace(person=SimpleNamespace(residence_locality=locality))
        assert _locality_text(dossier) == printed  # type: ignore[arg-type]


def test_localities_come_in_vietnamese_order_numbers_by_value(tree, api):
    commune = tree["commune_b"]
    names = ["Thôn Đông", "Thôn 10", "Thôn Dương", "Thôn 2", "Thôn Ấp", "Thôn An", "Tổ dân phố 1"]
    for name in names:
        LocalityFactory(organisation=commune, name=name)
    clerk_b = user_with_role(commune, Role.CLERK)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer_key(clerk_b)}")
    answer = client.get(f"/api/v1/organisations/{commune.pk}/localities/").json()
    listed = [row["name"] for row in answer["results"]]
    # a < ă < â, d < đ; a number before any word, 2 before 10; "Thôn" < "Tổ".
    assert listed == [
        "Thôn 2", "Thôn 10", "Thôn An", "Thôn Ấp", "Thôn Dương", "Thôn Đông", "Tổ dân phố 1",
    ]  # fmt: skip
    # A rename keeps the order true.
    locality = Locality.objects.get(name="Thôn An")
    locality.name = "Thôn Yên"
    locality_save(locality, update_fields=["name"])
    answer = client.get(f"/api/v1/organisations/{commune.pk}/localities/").json()
    assert [row["name"] for row in answer["results"]][-2:] == ["Thôn Yên", "Tổ dân phố 1"]
