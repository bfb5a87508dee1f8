"""The person's name keys copied onto each candidacy stay equal to the person's."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from ptdv.accounts.models import Role
from ptdv.candidacies.models import Candidacy
from ptdv.candidacies.names import candidacy_copy_person_names, candidacy_name_mismatches
from ptdv.candidacies.selectors import candidacy_list
from ptdv.factories import CandidacyFactory, PersonFactory, user_with_role
from ptdv.people.models import Person
from ptdv.people.services import person_name_keys

pytestmark = pytest.mark.django_db


def rename(person: Person, family: str, middle: str, given: str) -> None:
    Person.objects.filter(pk=person.pk).update(**person_name_keys(family, middle, given))


def test_a_new_candidacy_carries_its_persons_keys(tree):
    person = PersonFactory(
        family_name="Đặng", middle_name="Thị", given_name="Ánh", organisation=tree["cell_a1"]
    )
    candidacy = CandidacyFactory(person=person, organisation=tree["cell_a1"])
    candidacy.refresh_from_db()
    assert candidacy.search_text == person.search_text == " dang thi anh"
    assert candidacy.sort_key == person.sort_key
    assert candidacy_name_mismatches() == 0


def test_copy_repairs_only_what_differs_and_the_verify_command_sees_it(tree):
    rows = [CandidacyFactory(organisation=tree["cell_a1"]) for _ in range(3)]
    rename(rows[0].person, "Lê", "Văn", "Đức")
    assert candidacy_name_mismatches() == 1
    out = StringIO()
    with pytest.raises(CommandError) as error:
        call_command("aggregates", "verify", stdout=out)
    assert error.value.returncode == 1
    assert "1 hồ sơ mang họ tên tìm kiếm khác với công dân" in out.getvalue()

    assert candidacy_copy_person_names(person_ids=[rows[1].person_id]) == 0
    assert candidacy_copy_person_names() == 1
    assert candidacy_copy_person_names() == 0
    assert Candidacy.objects.get(pk=rows[0].pk).search_text == " le van duc"
    out = StringIO()
    with pytest.raises(CommandError):  # the factories keep no counters: those differ
        call_command("aggregates", "verify", stdout=out)
    assert "Họ tên dùng để tìm kiếm trên hồ sơ khớp với công dân." in out.getvalue()


def test_the_search_and_the_order_read_the_copied_keys(tree):
    cell = tree["cell_a1"]
    names = [("Trần", "Văn", "Bình"), ("Nguyễn", "Thị", "An"), ("Lê", "Đức", "Bình")]
    made = [
        CandidacyFactory(
            person=PersonFactory(family_name=f, middle_name=m, given_name=g, organisation=cell),
            organisation=cell,
        )
        for f, m, g in names
    ]
    actor = user_with_role(tree["province"], Role.VIEWER)
    found = candidacy_list(actor=actor, filters={"search": "binh"})
    # Given name, then middle name (Đức before Văn), then family name.
    assert list(found.values_list("pk", flat=True)) == [made[2].pk, made[0].pk]
    assert [c.pk for c in candidacy_list(actor=actor)] == [made[1].pk, made[2].pk, made[0].pk]
