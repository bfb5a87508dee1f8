"""The candidate search's entries stay equal to the candidacy, its person and its
organisation; the search matches the start of words on every database."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ptdv.accounts.models import Role
from ptdv.candidacies.models import Candidacy, CandidacySearch
from ptdv.candidacies.search import (
    candidacy_name_filter,
    candidacy_search_mismatches,
    candidacy_search_refresh,
)
from ptdv.candidacies.selectors import candidacy_list
from ptdv.core.text import search_text, tokens
from ptdv.factories import CandidacyFactory, PersonFactory, user_with_role
from ptdv.people.models import Person
from ptdv.people.services import person_name_keys

pytestmark = pytest.mark.django_db


def rename(person: Person, family: str, middle: str, given: str) -> None:
    Person.objects.filter(pk=person.pk).update(**person_name_keys(family, middle, given))


def make(cell, family, middle, given):
    person = PersonFactory(
        family_name=family, middle_name=middle, given_name=given, organisation=cell
    )
    return CandidacyFactory(person=person, organisation=cell)


def test_a_new_candidacy_gets_its_entry(tree):
    candidacy = make(tree["cell_a1"], "Đặng", "Thị", "Ánh")
    entry = CandidacySearch.objects.get(candidacy=candidacy)
    assert entry.search_text == candidacy.person.search_text == " dang thi anh"
    assert entry.sort_key == candidacy.person.sort_key
    assert entry.path == tree["cell_a1"].path
    assert candidacy_search_mismatches() == 0


def test_refresh_repairs_only_what_differs_and_verify_sees_it(tree):
    rows = [CandidacyFactory(organisation=tree["cell_a1"]) for _ in range(3)]
    rename(rows[0].person, "Lê", "Văn", "Đức")
    CandidacySearch.objects.filter(candidacy=rows[2]).delete()
    assert candidacy_search_mismatches() == 2
    out = StringIO()
    with pytest.raises(CommandError) as error:
        call_command("aggregates", "verify", stdout=out)
    assert error.value.returncode == 1
    assert "Có 2 hồ sơ thiếu mục tìm kiếm hoặc mục tìm kiếm lệch." in out.getvalue()

    assert candidacy_search_refresh(person_ids=[rows[1].person_id]) == 0
    assert candidacy_search_refresh() == 2
    assert candidacy_search_refresh() == 0
    assert CandidacySearch.objects.get(candidacy=rows[0]).search_text == " le van duc"
    out = StringIO()
    with pytest.raises(CommandError):  # the factories keep no counters: those differ
        call_command("aggregates", "verify", stdout=out)
    assert "Mục tìm kiếm của mọi hồ sơ khớp với hồ sơ, công dân và tổ chức." in out.getvalue()


def test_transfer_moves_the_entry_to_the_new_subtree(tree):
    from ptdv.candidacies.workflow import candidacy_act

    candidacy = make(tree["cell_a1"], "Lê", "Văn", "Nam")
    actor = user_with_role(tree["province"], Role.ADMINISTRATOR)
    candidacy_act(
        actor=actor,
        candidacy_id=candidacy.pk,
        action="transfer",
        data={"organisation": tree["cell_a2"].pk, "reason": "Chuyển nơi cư trú"},
    )
    assert CandidacySearch.objects.get(candidacy=candidacy).path == tree["cell_a2"].path
    viewer_a2 = user_with_role(tree["cell_a2"], Role.VIEWER)
    assert [c.pk for c in candidacy_list(actor=viewer_a2, filters={"search": "nam"})] == [
        candidacy.pk
    ]
    viewer_a1 = user_with_role(tree["cell_a1"], Role.VIEWER)
    assert list(candidacy_list(actor=viewer_a1, filters={"search": "nam"})) == []


def test_the_list_reads_scope_name_and_order_from_the_entries(tree):
    cell = tree["cell_a1"]
    binh = make(cell, "Trần", "Văn", "Bình")
    an = make(cell, "Nguyễn", "Thị", "An")
    duc_binh = make(cell, "Lê", "Đức", "Bình")
    other = make(tree["cell_b1"], "Lê", "Văn", "Bình")
    viewer_a = user_with_role(tree["commune_a"], Role.VIEWER)
    found = candidacy_list(actor=viewer_a, filters={"search": "BÌNH"})
    # Given name, then middle name (Đức before Văn), then family name.
    assert [c.pk for c in found] == [duc_binh.pk, binh.pk]
    assert found.count_source.count() == 2
    assert [c.pk for c in candidacy_list(actor=viewer_a)] == [an.pk, duc_binh.pk, binh.pk]
    everyone = user_with_role(tree["province"], Role.VIEWER)
    assert other.pk in [c.pk for c in candidacy_list(actor=everyone, filters={"search": "bin"})]
    # A filter the entries do not hold is counted on the candidacies themselves.
    assert not hasattr(candidacy_list(actor=viewer_a, filters={"open": True}), "count_source")


WORDS = ["nguyen", "ngo", "an", "anh", "thi", "thanh", "le", "len", "dang", "d", "1"]


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)  # each example empties the table itself
@given(
    names=st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=4), max_size=6),
    query=st.lists(st.sampled_from([*WORDS, "ng", "th", "an ", "x"]), min_size=1, max_size=3),
)
def test_a_token_matches_exactly_the_names_with_a_word_starting_with_it(tree, names, query):
    """On SQLite (LIKE) and on PostgreSQL (the word-prefix index) alike: every query token
    is the start of some word of the name."""
    CandidacySearch.objects.all().delete()
    Candidacy.objects.all().delete()
    made = {}
    for words in names:
        candidacy = CandidacyFactory(organisation=tree["cell_a1"])
        CandidacySearch.objects.filter(candidacy=candidacy).update(search_text=search_text(*words))
        made[candidacy.pk] = words
    text = " ".join(query)
    wanted = {
        pk
        for pk, words in made.items()
        if all(any(word.startswith(token) for word in words) for token in tokens(text))
    }
    found = candidacy_name_filter(CandidacySearch.objects.all(), text)
    assert set(found.values_list("candidacy_id", flat=True)) == wanted


@pytest.mark.parametrize("sort_up_to", [1, 50_000])  # walk the name order / sort the matches
def test_pages_read_on_the_search_table_equal_the_plain_order(tree, monkeypatch, sort_up_to):
    from ptdv.candidacies import selectors
    from ptdv.core.api import CappedCountPaginator

    monkeypatch.setattr(selectors, "SORT_MATCHES_UP_TO", sort_up_to)
    cell = tree["cell_a1"]
    for index, name in enumerate(["Bình", "An", "Bích", "Bảo", "Cường", "Bình"]):
        make(cell, "Nguyễn" if index % 2 else "Trần", "Văn", name)
    viewer = user_with_role(tree["province"], Role.VIEWER)
    listed = candidacy_list(actor=viewer, filters={"search": "b"})
    plain = list(listed.values_list("pk", flat=True))
    assert len(plain) == 4
    pages = CappedCountPaginator(listed, 3)
    assert pages.count == 4
    assert [c.pk for n in (1, 2) for c in pages.page(n)] == plain
