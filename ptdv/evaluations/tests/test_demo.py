"""The demo's evaluations (ptdv/demo/evaluations.py): last year's ranking and the formula's
history."""

from __future__ import annotations

import pytest

from ptdv.demo.evaluations import evaluations_demo_load
from ptdv.evaluations.models import Evaluation, Formula
from ptdv.evaluations.tests.conftest import TODAY, YEAR


@pytest.mark.django_db
def test_demo_evaluates_last_year_with_a_formula_history(data):
    summary = evaluations_demo_load(root=data["province"], today=TODAY, seed=1)
    assert summary.startswith(f"Đánh giá, xếp loại năm {YEAR}: 9 tổ chức")
    assert list(Formula.objects.values_list("version", "year_from")) == [(2, 2026), (1, 2020)]
    rows = Evaluation.objects.filter(year=YEAR)
    assert rows.count() == 9 and set(rows.values_list("formula__version", flat=True)) == {1}
    assert rows.get(organisation=data["commune_a"]).rank == 1
    evaluations_demo_load(root=data["province"], today=TODAY, seed=1)  # again: no new version
    assert Formula.objects.count() == 2 and rows.count() == 9
