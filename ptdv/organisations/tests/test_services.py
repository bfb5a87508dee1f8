import pytest

from ptdv.candidacies.counters import organisation_counter_mismatches, organisation_recount
from ptdv.factories import CandidacyFactory, MembershipFactory, OrganisationFactory
from ptdv.organisations.models import Kind, Organisation
from ptdv.organisations.services import organisation_counters_adjust, path_step

pytestmark = pytest.mark.django_db


def test_path_step_is_fixed_width_base36():
    assert path_step(1) == "0001"
    assert path_step(36) == "0010"
    with pytest.raises(ValueError):
        path_step(0)


def test_children_extend_the_parent_path(tree):
    province = tree["province"]
    commune = tree["commune_a"]
    cell = tree["cell_a2"]
    assert province.depth == 1 and commune.depth == 2 and cell.depth == 4
    assert cell.path.startswith(commune.path) and commune.path.startswith(province.path)
    assert cell.ancestor_paths == [
        province.path,
        commune.path,
        tree["grassroots_a"].path,
        cell.path,
    ]
    assert tree["cell_a1"].path != tree["cell_a2"].path


def test_subtree_is_one_prefix_query(tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        names = set(
            Organisation.objects.filter(path__startswith=tree["commune_a"].path).values_list(
                "code", flat=True
            )
        )
    assert names == {"Xa", "Ga", "Ca1", "Ca2"}


def test_second_root_gets_next_path(db):
    first = OrganisationFactory(kind=Kind.PROVINCE)
    second = OrganisationFactory(kind=Kind.PROVINCE)
    assert (first.path, second.path) == ("0001", "0002")


def test_counters_roll_up_to_every_ancestor(tree):
    MembershipFactory(organisation=tree["cell_a1"])
    MembershipFactory(organisation=tree["cell_a2"], status="probationary")
    MembershipFactory(organisation=tree["cell_b1"], status="removed")
    CandidacyFactory(organisation=tree["cell_a1"])
    for key in ("province", "commune_a", "grassroots_a", "cell_a1", "commune_b"):
        tree[key].refresh_from_db()
    assert tree["province"].member_count == 2
    assert tree["commune_a"].member_count == 2
    assert tree["cell_a1"].member_count == 1
    assert tree["commune_b"].member_count == 0
    assert tree["province"].candidate_count == 1
    assert organisation_recount(organisation=tree["province"]) == {
        "member_count": 2,
        "candidate_count": 1,
    }
    assert organisation_counter_mismatches() == []


def test_mismatch_is_reported(tree):
    MembershipFactory(organisation=tree["cell_a1"])
    organisation_counters_adjust(organisation=tree["cell_b1"], members=3)
    wrong = {row["code"] for row in organisation_counter_mismatches()}
    assert wrong == {"P", "Xb", "Gb", "Cb1"}
