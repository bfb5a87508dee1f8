"""A tree change keeps who decided before it (issue 12 §3): the past stays as it was, the
future follows the new line up, and a plain move takes the subtree out of the old
committee's hands."""

from __future__ import annotations

import datetime as dt

import pytest

from ptdv.accounts.models import Role
from ptdv.factories import OrganisationFactory, make_tree, user_with_role
from ptdv.organisations.changes import (
    DecisionRef,
    NewOrganisation,
    organisation_merge,
    organisation_move,
)
from ptdv.organisations.competence import competence_on, competence_record, competent_on
from ptdv.organisations.models import Competence, Kind, Organisation

pytestmark = pytest.mark.django_db

CHANGED = dt.date(2026, 3, 1)
BEFORE, AFTER = dt.date(2026, 1, 10), dt.date(2026, 4, 1)


def _fresh(org: Organisation) -> Organisation:
    return Organisation.objects.get(pk=org.pk)


def _decision() -> DecisionRef:
    return DecisionRef(
        number="15-QĐ/TU", decision_date=dt.date(2026, 2, 20), issuing_body="Tỉnh ủy",
        date=CHANGED,
    )  # fmt: skip


@pytest.fixture
def tree() -> dict[str, Organisation]:
    return make_tree()


def test_after_a_merger_the_past_keeps_its_committee_and_the_future_takes_the_new_one(
    tree: dict[str, Organisation],
) -> None:
    admin = user_with_role(tree["province"], Role.ADMINISTRATOR)
    # A village cell directly under commune A, a grassroots cell since the reform.
    village = OrganisationFactory(
        parent=tree["commune_a"], name="Chi bộ thôn Mới", code="CV", kind=Kind.GRASSROOTS_CELL
    )
    competence_record(
        actor=None, subject=tree["commune_a"], decider=tree["commune_a"],
        valid_from=dt.date(2025, 7, 1),
    )  # fmt: skip
    assert competence_on(_fresh(tree["cell_a1"]), BEFORE) == tree["commune_a"]

    change = organisation_merge(
        actor=admin,
        sources=[tree["commune_a"].pk, tree["commune_b"].pk],
        new=NewOrganisation(code="XC", name="Đảng bộ xã C"),
        decision=_decision(),
    )
    c = change.successors.get()

    cell = _fresh(tree["cell_a1"])
    assert cell.path.startswith(c.path)
    past = competent_on(cell, BEFORE)
    assert (past.decider, past.grassroots) == (tree["commune_a"], tree["grassroots_a"])
    assert past.committee_step  # the grassroots committee voted then, as it does now
    assert competence_on(cell, AFTER) == c
    # The village cell: commune A until the merger, C from it.
    village = _fresh(village)
    then = competent_on(village, BEFORE)
    assert (then.decider, then.grassroots, then.committee_step) == (
        tree["commune_a"], village, False,
    )  # fmt: skip
    assert competence_on(village, AFTER) == c
    # Commune B's cells likewise, with B.
    assert competence_on(_fresh(tree["cell_b2"]), BEFORE) == tree["commune_b"]
    assert competence_on(_fresh(tree["cell_b2"]), AFTER) == c


def test_a_plain_move_hands_the_subtree_to_the_new_line_up(
    tree: dict[str, Organisation],
) -> None:
    admin = user_with_role(tree["province"], Role.ADMINISTRATOR)
    # Commune A had decided, by a row of its own, for one of B's cells (say, by agreement).
    competence_record(
        actor=None, subject=tree["grassroots_a"], decider=tree["commune_a"],
        valid_from=dt.date(2025, 1, 1),
    )  # fmt: skip
    organisation_move(
        actor=admin,
        organisation=tree["grassroots_a"],
        parent=tree["commune_b"],
        decision=_decision(),
    )
    cell = _fresh(tree["cell_a1"])
    assert competence_on(cell, BEFORE) == tree["commune_a"]
    assert competence_on(cell, AFTER) == tree["commune_b"]
    # The row naming commune A ended the day before the move; nothing of A decides on.
    row = Competence.objects.get(subject=tree["grassroots_a"], decider=tree["commune_a"])
    assert row.valid_to == CHANGED - dt.timedelta(days=1)
    assert not Competence.objects.filter(
        decider=tree["commune_a"], valid_to__isnull=True, subject__path__startswith=cell.path
    ).exists()


def test_an_authorised_committee_keeps_deciding_for_itself_after_a_move(
    tree: dict[str, Organisation],
) -> None:
    admin = user_with_role(tree["province"], Role.ADMINISTRATOR)
    Organisation.objects.filter(pk=tree["grassroots_a"].pk).update(authorised_to_admit=True)
    organisation_move(
        actor=admin,
        organisation=tree["grassroots_a"],
        parent=tree["commune_b"],
        decision=_decision(),
    )
    cell = _fresh(tree["cell_a1"])
    assert competence_on(cell, BEFORE) == tree["grassroots_a"]
    assert competence_on(cell, AFTER) == tree["grassroots_a"]
    assert not Competence.objects.filter(subject=tree["grassroots_a"]).exists()
