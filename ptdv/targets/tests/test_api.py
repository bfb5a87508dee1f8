"""/api/v1/organisations/{id}/progress/ and …/progress/children/."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve
from rest_framework.test import APIClient

from ptdv.accounts.models import Role
from ptdv.factories import OrganisationFactory, bearer_key, user_with_role
from ptdv.organisations.models import Kind
from ptdv.targets.services import target_set
from ptdv.targets.tests.scenario import TODAY, YEAR, build

pytestmark = pytest.mark.django_db

FIELDS = {
    "id", "code", "name", "year", "members_at_start", "members_at_start_estimated", "target",
    "admitted", "admission_rate", "floor_rate", "achievement", "pipeline", "breakdown",
    "white_localities", "localities_without_cell", "overdue", "forecast",
    "suggested", "planned_admissions",
}  # fmt: skip


def client_for(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer_key(user)}")
    return client


@pytest.fixture
def world(tree, monkeypatch):
    world = {"tree": tree, **build(tree)}
    target_set(actor=world["user"], organisation=tree["province"], year=YEAR, number=4)
    target_set(actor=world["user"], organisation=tree["commune_a"], year=YEAR, number=1)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)
    return world


def url(organisation, children=False):
    return f"/api/v1/organisations/{organisation.pk}/progress/" + ("children/" if children else "")


def test_routes_resolve_to_progress_not_to_the_organisations_router():
    assert resolve("/api/v1/organisations/5/progress/").url_name == "organisation-progress"
    assert (
        resolve("/api/v1/organisations/5/progress/children/").url_name
        == "organisation-progress-children"
    )
    assert resolve("/api/v1/organisations/5/").url_name == "organisation-detail"


def test_progress_fields(world):
    tree = world["tree"]
    api = client_for(user_with_role(tree["province"], Role.VIEWER))
    response = api.get(url(tree["province"]), {"year": YEAR})
    assert response.status_code == 200
    data = response.json()
    assert set(data) == FIELDS
    assert (data["id"], data["code"], data["name"]) == (
        tree["province"].pk,
        "P",
        "Đảng bộ tỉnh Mẫu",
    )
    assert (data["members_at_start"], data["target"], data["admitted"]) == (35, 4, 2)
    assert data["admission_rate"] == pytest.approx(2 / 35) and data["achievement"] == 0.5
    assert data["floor_rate"] == 0.03
    assert data["pipeline"]["decided"] == 2 and data["pipeline"]["applied"] == 1
    assert data["breakdown"]["women"] == 1
    assert (data["white_localities"], data["localities_without_cell"], data["overdue"]) == (2, 2, 3)
    assert data["forecast"] == {
        "expected": data["forecast"]["expected"],
        "upper_bound": 3,
        "can_reach_target": False,
    }
    # Without a target and with no member yet, the rates are null, not errors.
    empty = OrganisationFactory(parent=tree["province"], kind=Kind.COMMUNE, code="XE")
    data = api.get(url(empty), {"year": YEAR}).json()
    assert data["target"] is None and data["achievement"] is None
    assert data["admission_rate"] is None and data["forecast"]["can_reach_target"] is None


def test_children(world):
    tree = world["tree"]
    api = client_for(user_with_role(tree["province"], Role.VIEWER))
    response = api.get(url(tree["province"], children=True), {"year": YEAR})
    assert response.status_code == 200
    rows = {row["code"]: row for row in response.json()["results"]}
    assert set(rows) == {"Xa", "Xb"}
    assert set(rows["Xa"]) == FIELDS
    assert (rows["Xa"]["admitted"], rows["Xa"]["target"], rows["Xa"]["achievement"]) == (2, 1, 2.0)
    assert rows["Xb"]["target"] is None and rows["Xb"]["members_at_start"] == 20


def test_outside_the_subtree_is_404_and_anonymous_is_401(world):
    tree = world["tree"]
    api = client_for(user_with_role(tree["commune_b"], Role.ADMINISTRATOR))
    for target in (
        url(tree["commune_a"]),
        url(tree["province"], children=True),
        url(tree["province"]),
    ):
        response = api.get(target)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    assert api.get(url(tree["commune_b"])).status_code == 200
    assert api.get("/api/v1/organisations/999999/progress/").status_code == 404
    assert APIClient().get(url(tree["province"])).status_code in (401, 403)


@pytest.mark.parametrize("year", ["abc", "1800", "2200"])
def test_a_bad_year_is_a_vietnamese_400(world, year):
    tree = world["tree"]
    api = client_for(user_with_role(tree["province"], Role.VIEWER))
    response = api.get(url(tree["province"]), {"year": year})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and "year" in error["fields"]
    assert error["message"].startswith("Dữ liệu không hợp lệ.")


def test_the_year_defaults_to_this_year(world):
    tree = world["tree"]
    api = client_for(user_with_role(tree["province"], Role.VIEWER))
    assert api.get(url(tree["province"])).json()["year"] == TODAY.year


def test_query_counts_are_pinned_and_independent_of_the_subtree(world, django_assert_num_queries):
    tree = world["tree"]
    api = client_for(user_with_role(tree["province"], Role.VIEWER))
    # token, scopes, organisation, 2 × tallies, snapshot run + rows, targets, rates, overdue,
    # localities, the survey plans (accepted plans: ptdv.core.plans; the paths are the
    # organisations' own)
    with django_assert_num_queries(12):
        assert api.get(url(tree["province"]), {"year": YEAR}).status_code == 200
    with django_assert_num_queries(13):  # + the children
        assert api.get(url(tree["province"], children=True), {"year": YEAR}).status_code == 200

    def count(target):
        with CaptureQueriesContext(connection) as ctx:
            api.get(target, {"year": YEAR})
        return len(ctx.captured_queries)

    few = count(url(tree["province"], children=True))
    for index in range(28):
        commune = OrganisationFactory(parent=tree["province"], kind=Kind.COMMUNE, code=f"Y{index}")
        OrganisationFactory(parent=commune, code=f"YC{index}")
    assert count(url(tree["province"], children=True)) == few
    assert count(url(tree["province"])) == 12
