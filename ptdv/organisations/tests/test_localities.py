"""The locality counters follow the localities and the members who live in them."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from ptdv.factories import LocalityFactory, MembershipFactory
from ptdv.members.localities import (
    locality_counter_mismatches,
    locality_counters_rebuild,
    locality_residents_recount,
)
from ptdv.organisations.models import Locality, Organisation
from ptdv.organisations.services import locality_delete, locality_save

pytestmark = pytest.mark.django_db


def counters(org):
    org = Organisation.objects.get(pk=org.pk)
    return (org.locality_count, org.locality_without_cell_count, org.white_locality_count)


def test_creation_a_cell_and_a_move_between_communes(tree):
    village = LocalityFactory(organisation=tree["commune_a"])
    assert counters(tree["province"]) == counters(tree["commune_a"]) == (1, 1, 1)
    village.cell = tree["cell_a1"]
    locality_save(village)
    assert counters(tree["commune_a"]) == (1, 0, 1)
    village.cell_is_shared = True
    locality_save(village, update_fields=["cell_is_shared"])
    assert counters(tree["commune_a"]) == (1, 1, 1)
    village.organisation = tree["commune_b"]
    village.cell = None
    locality_save(village)
    assert counters(tree["commune_a"]) == (0, 0, 0)
    assert counters(tree["commune_b"]) == counters(tree["province"]) == (1, 1, 1)
    locality_delete(village)
    assert counters(tree["province"]) == (0, 0, 0)
    assert locality_counter_mismatches() == []


def test_residents_recount_moves_the_white_count_and_verify_sees_a_drift(tree):
    village = LocalityFactory(organisation=tree["commune_a"], cell=tree["cell_a1"])
    member = MembershipFactory(organisation=tree["cell_a1"], person__residence_locality=village)
    assert Locality.objects.get(pk=village.pk).active_members == 1
    assert counters(tree["province"]) == (1, 0, 0)
    # A stale in-memory save never writes the resident count back.
    village.name = "Thôn Mới"
    village.active_members = 0
    locality_save(village)
    assert Locality.objects.get(pk=village.pk).active_members == 1
    # The member moves out of the province's villages.
    member.person.residence_locality = None
    member.person.save()
    locality_residents_recount([village.pk])
    assert counters(tree["province"]) == (1, 0, 1)
    assert locality_counter_mismatches() == []

    Organisation.objects.filter(pk=tree["commune_a"].pk).update(white_locality_count=0)
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("aggregates", "verify", stdout=out)
    assert "white_locality_count 0 → 1" in out.getvalue()
    assert locality_counters_rebuild() == 1
    assert locality_counter_mismatches() == []
