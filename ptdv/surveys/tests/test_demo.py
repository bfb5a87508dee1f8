"""The demo's survey rounds (ptdv/demo/surveys.py): a closed round, an open overdue one."""

from __future__ import annotations

import pytest

from ptdv.core.plans import planned_admissions
from ptdv.demo.surveys import surveys_demo_load
from ptdv.surveys.models import ResponseStatus, RoundStatus, SurveyRound
from ptdv.surveys.selectors import rollup, status_board
from ptdv.surveys.services import clean_plan


@pytest.mark.django_db
def test_demo_makes_a_closed_and_an_open_round(tree, data, admin, today):
    summary = surveys_demo_load(root=tree["province"], today=today, seed=3)
    assert summary.startswith("Khảo sát nguồn: 4 tổ chức")
    last = SurveyRound.objects.get(year=today.year - 1)
    current = SurveyRound.objects.get(year=today.year)
    assert last.status == RoundStatus.CLOSED
    assert set(last.responses.values_list("status", flat=True)) == {ResponseStatus.ACCEPTED}
    for response in last.responses.all():
        assert clean_plan(response.plan) == response.plan  # every plan passes the rules
    assert current.status == RoundStatus.OPEN and current.due_date < today
    board = status_board(actor=admin, survey_round=current, today=today)
    assert board.total == 4 and board.overdue == board.not_submitted
    rows = rollup(actor=admin, survey_round=last)
    assert rows[0].accepted == 4 and rows[0].figures["members"] == 4
    planned = planned_admissions([tree["province"].pk], today.year)
    assert planned[tree["province"].pk] == rows[0].plan["admit"] > 0
