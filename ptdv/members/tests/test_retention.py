"""The retention tally (ptdv/members/retention.py) equals a recount of the membership rows
after every kind of write — a membership action (expulsion, removal, death, transfer between
cells, transfer out), a dossier's steps on its membership (admission, corrected decision date,
exit, readmission, voided steps), a corrected birth date, a moved subtree, an import — and
the dashboard's `retention_for` reads from it the numbers the old grouped query gave."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ptdv.accounts.models import Role
from ptdv.candidacies.models import Stage
from ptdv.candidacies.tallies import (
    aggregates_mismatches,
    aggregates_rebuild,
    aggregates_rows_added,
)
from ptdv.factories import CandidacyFactory, MembershipFactory, PersonFactory, user_with_role
from ptdv.members.actions import membership_act
from ptdv.members.derived import memberships_added
from ptdv.members.models import (
    RETENTION_BANDS,
    RETENTION_YEARS,
    MembershipStatus,
    PartyMembership,
    RetentionTally,
)
from ptdv.members.retention import (
    RETENTION_FIELDS,
    TALLY_FIRST_YEAR,
    retention_contribution,
    retention_counted,
    retention_recount,
    retention_stored,
)
from ptdv.members.services import (
    membership_admit,
    membership_amend,
    membership_remove,
    membership_unadmit,
    membership_unremove,
    memberships_create,
)
from ptdv.organisations.changes import DecisionRef, organisation_move
from ptdv.organisations.models import Organisation
from ptdv.people.services import person_update
from ptdv.targets.selectors import retention_for

pytestmark = pytest.mark.django_db

YOUNG, MIDDLE, OLDER = RETENTION_BANDS
TODAY = dt.date(2026, 12, 1)
DOC = {"number": "12-QĐ/ĐU", "date": "2026-03-01", "issuing_body": "Đảng ủy xã A", "signer": "Lê B"}
NO_DATE = DOC | {"date": None}
DECISION = DecisionRef(
    number="125-QĐ/TU",
    decision_date=dt.date(2025, 6, 20),
    issuing_body="Ban Thường vụ Tỉnh ủy",
    date=dt.date(2025, 7, 1),
)


def tally(org: Organisation, year: int, band: str = YOUNG) -> list[int]:
    """(size, left_1, left_2, left_3, left_5) stored for the subtree of `org`."""
    row = (
        RetentionTally.objects.filter(organisation=org, year=year, band=band)
        .values_list(*RETENTION_FIELDS)
        .first()
    )
    return list(row) if row else [0] * len(RETENTION_FIELDS)


def assert_clean(*orgs: Organisation) -> None:
    """The stored rows are the recount; `retention_for` of each organisation is the grouped
    query's answer for every cohort since 2008 (the two before 2010 through the fallback)."""
    assert retention_stored() == retention_recount()
    assert aggregates_mismatches() == []
    years = list(range(2008, 2027))
    for org in orgs:
        org.refresh_from_db()
        counted = retention_counted(org.path, years)
        for cohort in retention_for(org, years, TODAY):
            for band, part in cohort.bands.items():
                want = counted.get((cohort.year, band), [0] * len(RETENTION_FIELDS))
                assert [part.size, *(part.left[n] for n in RETENTION_YEARS)] == want


def test_membership_actions_keep_the_tally(world):
    tree, cell = world["tree"], world["cell"]
    province, grassroots, other_cell = tree["province"], tree["grassroots_a"], tree["cell_a2"]
    # Members admitted 2015 (the factory's date), 2020, 2021, 2022, born 1998: all young.
    assert tally(cell, 2020) == tally(province, 2020) == [1, 0, 0, 0, 0]
    assert_clean(province, cell)

    # Expelled within a year: gone before every anniversary.
    membership_act(
        actor=world["approver"],
        membership_id=world["members"][1].pk,
        action="expel",
        data={"date": "2021-01-10", "reason": "Vi phạm", "exit_reason": "corruption_conviction"},
    )
    assert tally(cell, 2020) == tally(province, 2020) == [1, 1, 1, 1, 1]
    assert_clean(province, cell)

    # Removed a day before the 4th anniversary (admitted 1 March 2021): counted before the
    # 5th only.
    membership_act(
        actor=world["approver"],
        membership_id=world["members"][2].pk,
        action="remove",
        data={
            "date": "2025-02-28",
            "grounds": "not_attending",
            "reason": "Bỏ",
            "document": NO_DATE,
        },
    )
    assert tally(cell, 2021) == tally(grassroots, 2021) == [1, 0, 0, 0, 1]
    assert_clean(province, cell)

    # A death is not a departure: the cohort keeps its size and nobody left.
    membership_act(
        actor=world["approver"],
        membership_id=world["members"][0].pk,
        action="death",
        data={"date": "2026-01-10"},
    )
    assert tally(cell, 2015) == [1, 0, 0, 0, 0]

    # A transfer between cells moves the member's cohort row; the common ancestors keep it.
    membership_act(
        actor=world["clerk"],
        membership_id=world["members"][3].pk,
        action="transfer",
        data={
            "date": "2026-02-01",
            "organisation": other_cell.pk,
            "document": DOC | {"date": None},
        },
    )
    assert tally(cell, 2022) == [0, 0, 0, 0, 0]
    assert tally(other_cell, 2022) == [1, 0, 0, 0, 0]
    assert tally(grassroots, 2022) == tally(province, 2022) == [1, 0, 0, 0, 0]
    assert_clean(province, cell, other_cell)

    # A transfer out of the province leaves a transfer record, which is not counted.
    membership_act(
        actor=world["approver"],
        membership_id=world["members"][3].pk,
        action="transfer_out",
        data={"date": "2026-03-01", "destination": "Đảng bộ tỉnh Nghệ An"},
    )
    assert tally(other_cell, 2022) == tally(province, 2022) == [0, 0, 0, 0, 0]
    assert_clean(province, other_cell)


def test_dossier_steps_keep_the_tally(world):
    cell, province = world["cell"], world["tree"]["province"]
    person = PersonFactory(organisation=cell, birth_date=dt.date(1990, 1, 1))
    # The first dossier as it ends (closed: its member was removed), so that the second
    # one can be open; the membership's steps below are the services the dossier calls.
    first = CandidacyFactory(organisation=cell, person=person, stage=Stage.CLOSED, is_open=False)
    membership_admit(
        person_id=person.pk,
        organisation_id=cell.pk,
        candidacy_id=first.pk,
        decision_date=dt.date(2025, 6, 1),
        ceremony_date=dt.date(2025, 6, 20),
        readmitted=False,
    )
    # 35 at the decision.
    assert tally(cell, 2025, MIDDLE) == tally(province, 2025, MIDDLE) == [1, 0, 0, 0, 0]
    assert_clean(province)

    # A corrected decision date moves the member to the cohort of 2024 (34 then).
    membership_amend(candidacy_id=first.pk, admission_decision_date=dt.date(2024, 12, 20))
    assert tally(province, 2025, MIDDLE) == [0, 0, 0, 0, 0]
    assert tally(province, 2024, MIDDLE) == [1, 0, 0, 0, 0]
    assert_clean(province)

    # Removed from the probationary list within the year.
    membership_remove(candidacy_id=first.pk, exit_date=dt.date(2025, 8, 1))
    assert tally(province, 2024, MIDDLE) == [1, 1, 1, 1, 1]
    assert_clean(province)

    # Readmitted through a second dossier: a new row in the cohort of 2026, at 36; the first
    # admission keeps its departure.
    second = CandidacyFactory(
        organisation=cell, person=person, stage=Stage.PROBATIONARY, tallied=False
    )
    aggregates_rows_added(candidacy_ids=[second.pk])  # the factory's dossier, in the pipeline
    membership_admit(
        person_id=person.pk,
        organisation_id=cell.pk,
        candidacy_id=second.pk,
        decision_date=dt.date(2026, 5, 1),
        ceremony_date=dt.date(2026, 5, 20),
        readmitted=True,
    )
    assert tally(province, 2026, MIDDLE) == [1, 0, 0, 0, 0]
    assert tally(province, 2024, MIDDLE) == [1, 1, 1, 1, 1]
    assert_clean(province, cell)

    # Voided steps: the removal (back on the list), then the second ceremony.
    membership_unremove(candidacy_id=first.pk)
    assert tally(province, 2024, MIDDLE) == [1, 0, 0, 0, 0]
    membership_unadmit(candidacy_id=second.pk)
    assert tally(province, 2026, MIDDLE) == [0, 0, 0, 0, 0]
    assert_clean(province, cell)


def test_a_corrected_birth_date_moves_the_band(world):
    cell, province = world["cell"], world["tree"]["province"]
    member = world["members"][1]  # admitted 1 March 2020, born 17 May 1998
    membership_act(
        actor=world["approver"],
        membership_id=member.pk,
        action="expel",
        data={"date": "2022-06-10", "reason": "Vi phạm", "exit_reason": "corruption_conviction"},
    )
    assert tally(province, 2020, YOUNG) == [1, 0, 0, 1, 1]
    person_update(
        actor=user_with_role(world["tree"]["province"], Role.ADMINISTRATOR),
        person=member.person_id,
        changes={"birth_date": dt.date(1970, 5, 17)},
        reason="Ghi nhầm năm sinh",
    )
    assert tally(province, 2020, YOUNG) == tally(cell, 2020, YOUNG) == [0, 0, 0, 0, 0]
    assert tally(province, 2020, OLDER) == tally(cell, 2020, OLDER) == [1, 0, 0, 1, 1]  # 49 then
    assert_clean(province, cell)


def test_a_moved_subtree_takes_its_tally_along(world):
    tree = world["tree"]
    admin = user_with_role(tree["province"], Role.ADMINISTRATOR)
    assert tally(tree["commune_a"], 2021) == [1, 0, 0, 0, 0]
    organisation_move(
        actor=admin, organisation=tree["grassroots_a"], parent=tree["commune_b"], decision=DECISION
    )
    assert tally(tree["commune_a"], 2021) == [0, 0, 0, 0, 0]
    assert tally(tree["commune_b"], 2021) == tally(tree["province"], 2021) == [1, 0, 0, 0, 0]
    assert_clean(tree["province"], tree["commune_a"], tree["commune_b"], tree["cell_a1"])


def test_imported_rows_are_counted_once(world):
    cell, province = world["cell"], world["tree"]["province"]
    other = world["tree"]["cell_b1"]

    def row(organisation, status, decided, exit_date=None, candidacy=None):
        person = PersonFactory(organisation=organisation, birth_date=dt.date(1960, 2, 29))
        return PartyMembership(
            person=person,
            organisation=organisation,
            status=status,
            admission_decision_date=decided,
            exit_date=exit_date,
            candidacy=candidacy,
        )

    # The member import: written in bulk, then the memberships' hook.
    created = memberships_create(
        [
            row(cell, MembershipStatus.OFFICIAL, dt.date(2018, 2, 28)),
            row(cell, MembershipStatus.REMOVED, dt.date(2018, 3, 1), dt.date(2021, 2, 28)),
            row(cell, MembershipStatus.TRANSFERRED_OUT, dt.date(2018, 3, 1), dt.date(2019, 1, 1)),
            row(cell, MembershipStatus.OFFICIAL, None),
        ]
    )
    memberships_added([m.pk for m in created])
    # Born 29 February 1960: 57 on 28 February 2018, 58 on 1 March; the removal came two
    # years and 364 days after the admission.
    assert tally(province, 2018, OLDER) == [2, 0, 0, 1, 1]
    assert_clean(province, cell)

    # Rows written without the hook (a replayed dossier's membership and an older member),
    # counted by `aggregates_rows_added` — each once, though both ids are passed.
    dossier = CandidacyFactory(organisation=other, stage=Stage.PROBATIONARY, tallied=False)
    written = memberships_create(
        [
            row(other, MembershipStatus.EXPELLED, dt.date(2019, 5, 1), dt.date(2020, 4, 30)),
            row(other, MembershipStatus.PROBATIONARY, dt.date(2019, 5, 2), candidacy=dossier),
        ]
    )
    aggregates_rows_added(membership_ids=[m.pk for m in written], candidacy_ids=[dossier.pk])
    assert tally(other, 2019, OLDER) == tally(province, 2019, OLDER) == [2, 1, 1, 1, 1]
    assert_clean(province, other)


def test_retention_for_reads_a_fixed_number_of_rows(world, django_assert_num_queries):
    province = world["tree"]["province"]
    with django_assert_num_queries(1):
        cohorts = retention_for(province, list(range(2020, 2026)), TODAY)
    assert [c.total.size for c in cohorts] == [1, 1, 1, 0, 0, 0]
    # A cohort before the tally's first year costs one grouped query over the subtree.
    MembershipFactory(organisation=world["cell"], admission_decision_date=dt.date(2009, 4, 1))
    with django_assert_num_queries(2):
        [older, _] = retention_for(province, [TALLY_FIRST_YEAR - 1, TALLY_FIRST_YEAR], TODAY)
    assert older.bands[YOUNG].size == 1


# --- The Python contribution and the SQL definition agree, row by row -----------------------

_dates = st.dates(min_value=dt.date(2007, 1, 1), max_value=dt.date(2026, 12, 31))
_rows = st.lists(
    st.tuples(
        st.dates(min_value=dt.date(1940, 1, 1), max_value=dt.date(2008, 12, 31)),  # birth
        _dates,  # decision
        st.sampled_from(list(MembershipStatus)),
        st.one_of(st.none(), st.integers(min_value=-30, max_value=2400)),  # exit, days after
        st.sampled_from(["cell_a1", "cell_a2", "cell_b1"]),
    ),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=_rows)
def test_contributions_sum_to_the_grouped_query(tree, rows):
    PartyMembership.objects.all().delete()
    expected: dict[tuple[str, int, str], list[int]] = {}
    for birth, decided, status, days, cell in rows:
        exit_date = None if days is None else decided + dt.timedelta(days=days)
        membership = MembershipFactory(
            organisation=tree[cell],
            person=PersonFactory(organisation=tree[cell], birth_date=birth),
            status=status,
            admission_decision_date=decided,
            exit_date=exit_date,
        )
        contribution = retention_contribution(
            path=membership.organisation.path,
            status=status,
            decided_on=decided,
            exit_date=exit_date,
            birth_date=birth,
        )
        if contribution is not None:
            for path in (tree["province"].path, membership.organisation.path):
                total = expected.setdefault(
                    (path, contribution.year, contribution.band), [0] * len(RETENTION_FIELDS)
                )
                for index, value in enumerate(contribution.values):
                    total[index] += value
    recount = retention_recount()
    for (path, year, band), values in expected.items():
        assert list(recount[(path, year, band)].values()) == values
    aggregates_rebuild()
    assert aggregates_mismatches() == []
    assert_clean(tree["province"], tree["cell_a1"])
