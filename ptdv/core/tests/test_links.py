"""Links built without a reverse() each give what reverse() gives (ptdv.core.links)."""

import pytest
from django.urls import NoReverseMatch, reverse

from ptdv.core.links import fixed_url, url_filler


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
