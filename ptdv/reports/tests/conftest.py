"""The province of `ptdv.targets.tests.scenario` with targets and a term (every reports test)."""

import pytest

from ptdv.targets.services import target_set, term_create
from ptdv.targets.tests.scenario import TODAY, YEAR, build


@pytest.fixture
def world(tree, monkeypatch):
    world = {"tree": tree, **build(tree)}
    user = world["user"]
    target_set(actor=user, organisation=tree["province"], year=YEAR, number=4)
    target_set(actor=user, organisation=tree["commune_a"], year=YEAR, number=1)
    target_set(actor=user, organisation=tree["commune_b"], year=YEAR, number=5)
    world["term"] = term_create(
        actor=user,
        organisation=tree["province"],
        name="2025–2030",
        start_year=2025,
        end_year=2029,
        congress_target=10,
        programmes=[("Chương trình hành động số 18-CTr/TU", 20)],
    )
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)
    return world
