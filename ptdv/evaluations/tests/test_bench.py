"""The benchmark's evaluation measure (bench/evaluations.py) on the small tree: it computes
every organisation and finds the recount and the ranks equal."""

from __future__ import annotations

import pytest

from bench.evaluations import evaluations_measure
from ptdv.evaluations.models import Evaluation
from ptdv.evaluations.tests.conftest import TODAY, YEAR


@pytest.mark.django_db
def test_bench_measure_evaluates_everything_and_equals_the_recount(data):
    said: list[str] = []
    result = evaluations_measure(year=YEAR, today=TODAY, say=said.append)
    assert result["evaluated"] == 9 == Evaluation.objects.filter(year=YEAR).count()
    assert result["recounted"] == 9  # the sample covers the whole small tree
    assert result["equal"] is True and result["met"] is True
    assert any("evaluated 9 organisations" in line for line in said)


@pytest.mark.django_db
def test_bench_recount_catches_a_wrong_stored_figure(data):
    from ptdv.evaluations.recount import recount_check

    evaluations_measure(year=YEAR, today=TODAY, say=lambda _m: None)
    row = Evaluation.objects.select_related("organisation", "formula").get(
        organisation=data["commune_b"], year=YEAR
    )
    overdue = next(c for c in row.components if c["code"] == "overdue")
    overdue["figures"]["overdue"] = 99  # 1 of 2 in the data
    differences = recount_check([row], TODAY)
    assert [d["organisation"] for d in differences] == [data["commune_b"].pk]
