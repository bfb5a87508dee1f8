"""The demo's inspections (ptdv/demo/inspections.py): every level inspects, follow-ups are
done, late or running."""

from __future__ import annotations

import datetime as dt

import pytest

from ptdv.demo.inspections import inspections_demo_load
from ptdv.inspections.models import Inspection, Recommendation, RecommendationStatus

pytestmark = pytest.mark.django_db


def test_demo_inspections(tree):
    today = dt.date(2026, 6, 30)
    summary = inspections_demo_load(root=tree["province"], today=today, seed=5)
    assert summary.startswith("Kiểm tra, giám sát:")
    assert Inspection.objects.filter(body=tree["province"]).exists()
    for key in ("commune_a", "commune_b"):
        made = Inspection.objects.filter(body=tree[key])
        assert made.exists()
        assert all(i.organisation.path.startswith(tree[key].path) for i in made)
    recs = Recommendation.objects.all()
    assert recs.exists()
    for rec in recs.filter(status=RecommendationStatus.DONE):
        assert rec.result and rec.done_on <= today
    assert all(i.ends_on >= i.starts_on for i in Inspection.objects.all())
