"""The rarer turns of a demo story, planned without a database: a transfer from a sibling
cell, a corrected application date, the provincial consent for an applicant over 60."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest

from ptdv.candidacies.models import ConsentKind, DossierAction, Stage
from ptdv.demo import story as story_module
from ptdv.demo.story import Applicant, CellStory, Issuers, Planner, Story
from ptdv.organisations.models import Kind, Organisation
from ptdv.rules.engine import WorkingCalendar, age_in_months

TODAY = dt.date(2026, 11, 29)


def _cell() -> tuple[CellStory, Organisation, Organisation]:
    grassroots = Organisation(pk=10, code="G", name="Đảng bộ xã", kind=Kind.GRASSROOTS_COMMITTEE)
    cell = Organisation(pk=11, code="C1", name="Chi bộ thôn 1", kind=Kind.CELL, parent=grassroots)
    sibling = Organisation(
        pk=12, code="C2", name="Chi bộ thôn 2", kind=Kind.CELL, parent=grassroots
    )
    issuers = Issuers(cell=11, grassroots=10, decider=9, province=1, decider_is_grassroots=False)
    officials = [(100 + i, dt.date(2010, 1, 1)) for i in range(12)]
    return (
        CellStory(
            issuers=issuers,
            committee_step=True,
            officials=officials,
            official_dates=[since for _id, since in officials],
            ceremonies=[dt.date(2009, 1, 1)] * 12,
            ancestors=[cell, grassroots],
            siblings=[sibling],
        ),
        cell,
        sibling,
    )


def _plan(seed: int, *, stage: str, facts: dict[str, Any], birth: dt.date) -> Story:
    cell, _own, _sibling = _cell()
    planner = Planner(rng=random.Random(seed), calendar=WorkingCalendar(), today=TODAY)
    return planner.plan(
        stage=stage,
        closed_reason="",
        facts=facts,
        applicant=Applicant(birth=birth, youth_union=False),
        cell=cell,
        helper=None,
        closed_on=None,
    )


APPLIED = {
    "certificate_date": dt.date(2025, 3, 3),
    "application_date": dt.date(2025, 6, 10),
    "history_date": dt.date(2025, 6, 20),
    "opinions_date": dt.date(2025, 9, 1),
}


def test_a_transferred_dossier_begins_in_a_sibling_cell_and_moves_after_its_application(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(story_module, "TRANSFERRED", 1.0)
    monkeypatch.setattr(story_module, "AMENDED", 0.0)
    _cell_story, own, sibling = _cell()
    planned = _plan(1, stage=Stage.APPLIED, facts=dict(APPLIED), birth=dt.date(1995, 5, 5))
    assert planned.moved_from is not None and planned.moved_from.pk == sibling.pk
    actions = [s.action for s in planned.steps]
    transfer = actions.index(DossierAction.TRANSFER)
    assert actions[transfer - 1] == DossierAction.RECORD_APPLICATION
    step = planned.steps[transfer]
    assert step.facts["organisation"].pk == own.pk and step.reason
    # After the application, before anything recorded next; the days stay in order.
    days = [s.on for s in planned.steps]
    assert days == sorted(days)
    assert APPLIED["history_date"] <= step.on


def test_an_amended_application_date_is_typed_wrong_then_corrected_before_the_next_step(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(story_module, "TRANSFERRED", 0.0)
    monkeypatch.setattr(story_module, "AMENDED", 1.0)
    for seed in range(20):
        planned = _plan(seed, stage=Stage.APPLIED, facts=dict(APPLIED), birth=dt.date(1995, 5, 5))
        actions = [s.action for s in planned.steps]
        assert planned.moved_from is None and DossierAction.TRANSFER not in actions
        amend = actions.index(DossierAction.AMEND)
        application = planned.steps[amend - 1]
        assert application.action == DossierAction.RECORD_APPLICATION
        typed = application.facts["application_date"]
        assert typed != APPLIED["application_date"]
        assert typed <= application.facts["history_date"]  # not refused as typed
        step = planned.steps[amend]
        assert step.facts == {"field": "application_date", "value": APPLIED["application_date"]}
        assert application.on < step.on and step.reason
        if amend + 1 < len(planned.steps):
            assert step.on <= planned.steps[amend + 1].on
        # The dossier's facts keep the true date.
        assert planned.facts["application_date"] == APPLIED["application_date"]


def test_the_turns_do_not_change_the_rest_of_the_story(monkeypatch: pytest.MonkeyPatch) -> None:
    """Transfers and amends draw from their own generator: the other steps are the same."""
    plain = _plan(3, stage=Stage.APPLIED, facts=dict(APPLIED), birth=dt.date(1995, 5, 5))
    monkeypatch.setattr(story_module, "TRANSFERRED", 1.0)
    monkeypatch.setattr(story_module, "AMENDED", 1.0)
    turned = _plan(3, stage=Stage.APPLIED, facts=dict(APPLIED), birth=dt.date(1995, 5, 5))
    others = [
        (s.action, s.on)
        for s in turned.steps
        if s.action not in (DossierAction.TRANSFER, DossierAction.AMEND)
    ]
    assert others == [(s.action, s.on) for s in plain.steps]


DECIDED = {
    **APPLIED,
    "verification_concluded_on": dt.date(2025, 8, 1),
    "branch_resolution_date": dt.date(2025, 10, 6),
    "committee_resolution_date": dt.date(2025, 10, 27),
    "decision_date": dt.date(2025, 11, 24),
}


@pytest.mark.parametrize("seed", range(5))
def test_an_applicant_over_60_gets_the_provincial_consent_before_the_decision(seed: int) -> None:
    birth = dt.date(1963, 2, 1)
    assert age_in_months(birth, DECIDED["branch_resolution_date"]) > 720
    planned = _plan(seed, stage=Stage.DECIDED, facts=dict(DECIDED), birth=birth)
    consents = [
        s
        for s in planned.steps
        if s.action == DossierAction.RECORD_CONSENT
        and s.facts["kind"] == ConsentKind.PROVINCIAL_OVER_60
    ]
    assert len(consents) == 1
    consent = consents[0]
    assert DECIDED["branch_resolution_date"] <= consent.on <= DECIDED["decision_date"]
    assert consent.facts["consent_date"] == consent.on
    assert consent.register is not None and consent.register[0] == 1  # the province's number
    young = _plan(seed, stage=Stage.DECIDED, facts=dict(DECIDED), birth=dt.date(1990, 2, 1))
    assert not any(s.action == DossierAction.RECORD_CONSENT for s in young.steps)
