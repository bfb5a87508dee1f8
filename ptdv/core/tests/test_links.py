"""Links built without a reverse() each give what reverse() gives (ptdv.core.links)."""

import pytest
from django.urls import NoReverseMatch, reverse

from ptdv.core.links import fixed_url, object_url, url_filler


def test_fixed_url_is_the_reversed_url():
    assert fixed_url("candidacies:list") == reverse("candidacies:list")
    assert fixed_url("candidacies:list") == reverse("candidacies:list")  # from the cache


def test_url_filler_gives_what_reverse_gives():
    form = url_filler("documents:form", 12, slots=2)
    assert form("1-knd", "pdf") == reverse("documents:form", args=[12, "1-knd", "pdf"])
    assert form("recognition-decision", "docx") == reverse(
        "documents:form", args=[12, "recognition-decision", "docx"]
    )
    action = url_filler("candidacies:action", 7)
    assert action("record_certificate") == reverse(
        "candidacies:action", args=[7, "record_certificate"]
    )


def test_url_filler_leaves_other_values_to_reverse():
    action = url_filler("candidacies:action", 7)
    with pytest.raises(NoReverseMatch):
        action("not a slug")


@pytest.mark.parametrize("pk", [0, 7, 918273645546372819, 10**20])
@pytest.mark.parametrize("view", ["candidacies:detail", "people:detail", "organisations:detail"])
def test_object_url_gives_what_reverse_gives(view, pk):
    assert object_url(view, pk) == reverse(view, args=[pk])
    assert object_url(view, pk) == reverse(view, args=[pk])  # from the cache


def test_object_url_leaves_other_values_to_reverse():
    assert object_url("people:detail", "12") == reverse("people:detail", args=["12"])
    with pytest.raises(NoReverseMatch):
        object_url("people:detail", -1)
    with pytest.raises(NoReverseMatch):
        object_url("people:detail", "x")


def test_the_models_link_their_pages_through_object_url():
    from ptdv.candidacies.models import Candidacy
    from ptdv.organisations.models import Organisation
    from ptdv.people.models import Person

    assert Candidacy(pk=5).get_absolute_url() == reverse("candidacies:detail", args=[5])
    assert Person(pk=6).get_absolute_url() == reverse("people:detail", args=[6])
    assert Organisation(pk=7).get_absolute_url() == reverse("organisations:detail", args=[7])
