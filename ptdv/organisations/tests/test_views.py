import pytest
from django.urls import reverse

from ptdv.accounts.models import Assignment, Role
from ptdv.factories import (
    CandidacyFactory,
    LocalityFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    user_with_role,
)
from ptdv.organisations.models import AreaFlag, Kind, Sector

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk_a(tree, client):
    user = user_with_role(tree["commune_a"], Role.CLERK)
    client.force_login(user)
    return user


def test_index_redirects_to_the_single_root(client, tree, clerk_a):
    response = client.get(reverse("organisations:index"))
    assert response.status_code == 302
    assert response["Location"] == tree["commune_a"].get_absolute_url()


def test_index_lists_several_roots(client, tree, clerk_a):
    Assignment.objects.create(user=clerk_a, organisation=tree["cell_b1"], role=Role.VIEWER)
    response = client.get(reverse("organisations:index"))
    assert response.status_code == 200
    assert list(response.context["roots"]) == [tree["commune_a"], tree["cell_b1"]]


def test_drill_down_with_counts_flags_and_breadcrumbs(client, tree, clerk_a):
    commune = tree["commune_a"]
    commune.area_flags = [AreaFlag.MOUNTAINOUS]
    commune.sector = Sector.RURAL_COMMUNE
    commune.save()
    cell = tree["cell_a1"]
    MembershipFactory(person=PersonFactory(organisation=cell), organisation=cell)
    MembershipFactory(person=PersonFactory(organisation=cell), organisation=cell)
    CandidacyFactory(person=PersonFactory(organisation=cell), organisation=cell)

    response = client.get(commune.get_absolute_url())
    assert response.status_code == 200
    text = response.content.decode()
    assert "Đảng bộ xã, phường, đặc khu" in text and "Miền núi" in text and "Xã" in text
    assert [c.pk for c in response.context["children"]] == [tree["grassroots_a"].pk]
    assert tree["grassroots_a"].get_absolute_url() in text
    # The province above the user's assignment is not named in the breadcrumb.
    assert response.context["ancestors"] == []
    assert "Đảng bộ tỉnh Mẫu" not in text
    assert f"{reverse('candidacies:list')}?organisation={commune.pk}" in text

    response = client.get(tree["grassroots_a"].get_absolute_url())
    children = {c.name: c for c in response.context["children"]}
    assert children["Chi bộ thôn A1"].member_count == 2
    assert children["Chi bộ thôn A1"].candidate_count == 1
    assert children["Chi bộ thôn A2"].member_count == 0
    assert response.context["ancestors"] == [commune]
    assert response.context["organisation"].member_count == 2

    response = client.get(cell.get_absolute_url())
    assert response.status_code == 200
    assert [a.pk for a in response.context["ancestors"]] == [commune.pk, tree["grassroots_a"].pk]
    assert response.context["can_register_here"] is True


def test_breadcrumb_shows_every_ancestor_to_a_province_user(client, tree):
    client.force_login(user_with_role(tree["province"], Role.VIEWER))
    response = client.get(tree["cell_a1"].get_absolute_url())
    assert [a.name for a in response.context["ancestors"]] == [
        "Đảng bộ tỉnh Mẫu",
        "Đảng bộ xã A",
        "Đảng bộ cơ sở A",
    ]
    assert response.context["can_register_here"] is False


def test_localities_with_their_cell_or_none(client, tree, clerk_a):
    commune = tree["commune_a"]
    LocalityFactory(organisation=commune, name="Thôn Đông", cell=tree["cell_a1"])
    LocalityFactory(organisation=commune, name="Thôn Tây", cell=None)
    response = client.get(commune.get_absolute_url())
    text = response.content.decode()
    assert "Thôn Đông" in text and "Chi bộ thôn A1" in text
    assert "Thôn Tây" in text and "chưa có chi bộ" in text


def test_children_cost_one_query_whatever_their_number(
    client, tree, clerk_a, django_assert_num_queries
):
    def count_for(parent):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            client.get(parent.get_absolute_url())
        return len(ctx.captured_queries)

    few = count_for(tree["grassroots_a"])
    for index in range(20):
        OrganisationFactory(parent=tree["grassroots_a"], name=f"Chi bộ mới {index}", kind=Kind.CELL)
    assert count_for(tree["grassroots_a"]) == few


@pytest.mark.parametrize("node", ["commune_b", "grassroots_b", "cell_b1", "province"])
def test_outside_the_subtree_is_404(client, tree, clerk_a, node):
    assert client.get(tree[node].get_absolute_url()).status_code == 404


def test_unknown_organisation_is_404(client, tree, clerk_a):
    assert client.get(reverse("organisations:detail", args=[999999])).status_code == 404
