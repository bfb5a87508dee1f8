"""The demo's exemplars (ptdv/demo/exemplars.py): linked ones precede their dossier."""

from __future__ import annotations

import datetime as dt

import pytest

from ptdv.demo.exemplars import exemplars_demo_load
from ptdv.exemplars.models import Exemplar
from ptdv.factories import CandidacyFactory

pytestmark = pytest.mark.django_db


def test_demo_exemplars(tree):
    today = dt.date(2026, 6, 30)
    for index in range(16):
        CandidacyFactory(
            organisation=tree["cell_a1" if index % 2 else "cell_b2"],
            opened_on=today - dt.timedelta(days=100 + index),
        )
    summary = exemplars_demo_load(root=tree["province"], today=today, seed=3)
    assert summary.startswith("Gương điển hình:")
    linked = Exemplar.objects.filter(candidacy__isnull=False).select_related("candidacy")
    assert linked.count() == 2
    for exemplar in linked:
        assert exemplar.person_id == exemplar.candidacy.person_id
        assert exemplar.recognised_on < exemplar.candidacy.opened_on
        assert exemplar.organisation_id == exemplar.candidacy.organisation_id
    free = Exemplar.objects.filter(person__isnull=True)
    assert free.count() == 4  # two per commune
    assert all(e.search_text.startswith(" ") for e in free)
