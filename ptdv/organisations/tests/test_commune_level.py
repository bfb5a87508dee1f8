"""The commune-level unit of a node: what a dossier transfer may not leave (issue 10 §1)."""

import pytest

from ptdv.factories import OrganisationFactory
from ptdv.organisations.models import Kind, Organisation, commune_level_unit

pytestmark = pytest.mark.django_db


def lineage(node: Organisation) -> list[Organisation]:
    return list(Organisation.objects.filter(path__in=node.ancestor_paths))


def test_the_unit_is_the_node_directly_under_the_province_even_below_a_national_root():
    """The demo's shape: national root → province → communes, wards and blocs."""
    national = OrganisationFactory(kind=Kind.NATIONAL, name="Toàn quốc")
    province = OrganisationFactory(parent=national, kind=Kind.PROVINCE, name="Đảng bộ tỉnh")
    ward = OrganisationFactory(parent=province, kind=Kind.COMMUNE, name="Đảng bộ phường")
    grassroots = OrganisationFactory(parent=ward, kind=Kind.GRASSROOTS_COMMITTEE)
    cell = OrganisationFactory(parent=grassroots)
    bloc = OrganisationFactory(parent=province, kind=Kind.BLOC, name="Đảng bộ Khối")
    agency = OrganisationFactory(parent=bloc, kind=Kind.GRASSROOTS_CELL)
    assert commune_level_unit(lineage(cell)) == ward
    assert commune_level_unit(lineage(ward)) == ward
    assert commune_level_unit(lineage(agency)) == bloc
    assert commune_level_unit(lineage(province)) == province
    assert commune_level_unit(lineage(national)) == national


def test_without_a_province_the_outermost_commune_else_the_root():
    commune = OrganisationFactory(kind=Kind.COMMUNE)
    cell = OrganisationFactory(parent=commune)
    lone = OrganisationFactory()
    assert commune_level_unit(lineage(cell)) == commune
    assert commune_level_unit(lineage(lone)) == lone
    assert commune_level_unit([]) is None
