"""The dated tallies, for the cell and every ancestor: the deadline tally (`DueTally`, open
dossiers per due date), which the overdue count of progress reads, and the yield tally
(`YieldTally`, dossiers found, trained and admitted per year and channel), which the
movements' yield reads. Each must follow every write that moves what it counts — an action,
the pipeline refresh, a tree change, a correction in the admin — and equal a recount of the
dossiers after each; the rebuild repairs any drift."""

import datetime as dt
import importlib
from io import StringIO
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.admin import site
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory

from ptdv.accounts.models import Role
from ptdv.candidacies.models import Candidacy, DueTally, YieldTally
from ptdv.candidacies.pipeline import _write_next, pipeline_refresh
from ptdv.candidacies.tallies import aggregates_mismatches, aggregates_rebuild
from ptdv.candidacies.tests.test_tallies import DECIDE, PREPARE, register, step
from ptdv.candidacies.tests.test_tallies import world as world  # the fixture
from ptdv.factories import user_with_role
from ptdv.movements.selectors import movement_yield
from ptdv.organisations.changes import DecisionRef, organisation_merge, organisation_move
from ptdv.targets.selectors import progress_children, progress_for

pytestmark = pytest.mark.django_db

YEAR = 2026
BRANCH_VOTE = 6  # STEPS: the cell's vote in favour; the committee's deadline starts
DECISION = DecisionRef(
    number="130-QĐ/TU",
    decision_date=dt.date(2026, 5, 20),
    issuing_body="Ban Thường vụ Tỉnh ủy",
    date=dt.date(2026, 6, 1),
)


@pytest.fixture
def settled(request):
    """test_tallies' world (two cells with members, a village, an approver), with the
    tallies of the members the factories wrote counted."""
    setting = request.getfixturevalue("world")
    aggregates_rebuild()
    return setting


def resolved(setting, index, **person):
    """A dossier the cell has voted for: its next action (the committee's) has a deadline."""
    candidacy = register(setting, index, **person)
    for number in [*PREPARE, BRANCH_VOTE]:
        step(setting, candidacy, number)
    candidacy.refresh_from_db()
    assert candidacy.stage == "branch_resolved" and candidacy.next_due is not None
    return candidacy


def due_rows(due):
    return dict(
        DueTally.objects.filter(due=due, dossiers__gt=0).values_list(
            "organisation__code", "dossiers"
        )
    )


def overdue(organisation, today):
    return progress_for(organisation, YEAR, today).overdue


def test_a_deadline_counts_in_every_ancestor_and_is_overdue_from_the_day_after(settled):
    world = settled
    tree = world["tree"]
    candidacy = resolved(world, 0)
    due = candidacy.next_due
    assert due_rows(due) == {"Ca1": 1, "Ga": 1, "Xa": 1, "P": 1}
    assert overdue(tree["province"], due) == 0
    after = due + dt.timedelta(days=1)
    assert overdue(tree["province"], after) == 1
    assert overdue(tree["commune_a"], after) == 1
    assert overdue(tree["commune_b"], after) == 0
    by_child = {
        p.organisation.code: p.overdue
        for p in progress_children(
            actor=world["user"], organisation=tree["province"], year=YEAR, today=after
        )
    }
    assert by_child == {"Xa": 1, "Xb": 0}
    assert aggregates_mismatches() == []

    # The committee's vote moves the deadline to the decision's; a withdrawal ends it.
    step(world, candidacy, 8)
    candidacy.refresh_from_db()
    assert candidacy.stage == "committee_resolved"
    assert aggregates_mismatches() == []
    step(world, candidacy, 12)
    candidacy.refresh_from_db()
    assert not candidacy.is_open
    assert not DueTally.objects.filter(dossiers__gt=0).exists()
    assert overdue(tree["province"], after) == 0
    assert aggregates_mismatches() == []


def test_a_transfer_moves_the_deadline_out_of_the_old_branch_only(settled):
    world = settled
    tree = world["tree"]
    candidacy = resolved(world, 0)
    step(world, candidacy, 18)  # to the commune's own cell
    candidacy.refresh_from_db()
    assert candidacy.organisation == world["commune_cell"]
    assert due_rows(candidacy.next_due) == {"Ca0": 1, "Xa": 1, "P": 1}
    assert not DueTally.objects.filter(organisation=tree["grassroots_a"], dossiers__gt=0).exists()
    assert aggregates_mismatches() == []


def test_the_refresh_moves_the_deadlines_it_recomputes(settled):
    world = settled
    first, second = resolved(world, 0), resolved(world, 1)
    was = first.next_due
    # An extension granted by a direct correction (as an import would): only the refresh
    # recomputes the deadline, and the tally follows it.
    Candidacy.objects.filter(pk=first.pk).update(extension_working_days=10, next_stale=True)
    stats = pipeline_refresh(today=dt.date(YEAR, 3, 5), full=False, jobs=1)
    assert stats.written == 1
    first.refresh_from_db()
    assert first.next_due > was
    assert due_rows(first.next_due)["P"] == 1
    assert due_rows(second.next_due)["P"] == (2 if second.next_due == first.next_due else 1)
    assert aggregates_mismatches() == []
    # A full refresh recomputes everything and moves nothing more.
    pipeline_refresh(today=dt.date(YEAR, 3, 5), full=True, jobs=1)
    assert aggregates_mismatches() == []


def test_the_refresh_leaves_a_dossier_acted_on_meanwhile_and_its_tally_alone(settled):
    world = settled
    candidacy = resolved(world, 0)
    counted = due_rows(candidacy.next_due)
    stale = SimpleNamespace(
        pk=candidacy.pk,
        version=candidacy.version - 1,  # read before the user's last action
        organisation=candidacy.organisation,
        next_action="committee_vote",
        next_earliest=None,
        next_due=candidacy.next_due + dt.timedelta(days=30),
        next_missing=[],
        next_expiring=[],
        next_checked_on=dt.date(YEAR, 3, 5),
        next_valid_until=None,
        next_stale=False,
    )
    assert _write_next([stale], {}) == 0
    assert due_rows(candidacy.next_due) == counted
    assert aggregates_mismatches() == []


def test_deadlines_follow_a_moved_branch_and_a_merged_cell(settled):
    world = settled
    tree = world["tree"]
    candidacy = resolved(world, 0)
    due = candidacy.next_due
    organisation_move(
        actor=None, organisation=tree["grassroots_a"], parent=tree["commune_b"], decision=DECISION
    )
    assert due_rows(due) == {"Ca1": 1, "Ga": 1, "Xb": 1, "P": 1}
    assert aggregates_mismatches() == []
    organisation_merge(
        actor=None, sources=[tree["cell_a1"]], into=tree["cell_b1"], decision=DECISION
    )
    assert due_rows(due) == {"Cb1": 1, "Gb": 1, "Xb": 1, "P": 1}
    assert aggregates_mismatches() == []


def test_verify_names_a_drifted_date_and_rebuild_repairs_it(settled):
    world = settled
    candidacy = resolved(world, 0)
    due = candidacy.next_due
    DueTally.objects.filter(organisation=world["tree"]["commune_a"], due=due).update(dossiers=3)
    stray = dt.date(YEAR, 1, 2)
    DueTally.objects.create(organisation=world["tree"]["province"], due=stray, dossiers=0)
    mismatches = aggregates_mismatches()
    assert [(m["table"], m["code"], m["due"], m["stored"], m["recount"]) for m in mismatches] == [
        ("deadlines", "Xa", due, {"dossiers": 3}, {"dossiers": 1})
    ]
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("aggregates", "verify", stdout=out)
    assert f"Xa (hồ sơ đến hạn ngày {due:%d/%m/%Y}): dossiers 3 → 1" in out.getvalue()
    assert aggregates_rebuild() == 1
    assert aggregates_mismatches() == []
    assert due_rows(due) == {"Ca1": 1, "Ga": 1, "Xa": 1, "P": 1}
    # The row left at zero went with the rebuild of its date.
    assert not DueTally.objects.filter(due=stray).exists()


def test_the_migration_counts_the_deadlines_already_stored(settled):
    world = settled
    resolved(world, 0)
    resolved(world, 1)
    expected = sorted(DueTally.objects.values_list("organisation_id", "due", "dossiers"))
    DueTally.objects.all().delete()
    migration = importlib.import_module("ptdv.candidacies.migrations.0013_due_tally")
    migration.fill_due_tally(apps, None)
    assert sorted(DueTally.objects.values_list("organisation_id", "due", "dossiers")) == expected
    assert aggregates_mismatches() == []


# --- The yield tally ------------------------------------------------------------------------


def yields(organisation, year):
    return {
        channel: (found, trained, admitted)
        for channel, found, trained, admitted in YieldTally.objects.filter(
            organisation=organisation, year=year
        ).values_list("channel", "found", "trained", "admitted")
        if found or trained or admitted
    }


def test_the_yield_counts_each_step_in_its_year_and_channel(settled):
    world = settled
    tree = world["tree"]
    candidacy = register(world, 0)  # put into the pool on 10/01/2025, channel "other"
    for number in DECIDE:  # certificate 20/05/2025; decision 01/04/2026
        step(world, candidacy, number)
    candidacy.refresh_from_db()
    assert candidacy.decision_date == dt.date(2026, 4, 1)
    for organisation in (world["cells"][0], tree["commune_a"], tree["province"]):
        assert yields(organisation, 2025) == {"other": (1, 1, 0)}
        assert yields(organisation, 2026) == {"other": (0, 0, 1)}
    assert yields(tree["commune_b"], 2025) == {}
    # The movements' yield reads the tally for a user whose role covers the subtree, and
    # the dossiers themselves for one who sees only part of it: the same figures.
    tallied = movement_yield(actor=world["user"], organisation=tree["province"], year=2025)
    assert (tallied.total.found, tallied.total.trained, tallied.total.admitted) == (1, 1, 0)
    assert [(r.key, r.found, r.trained, r.admitted) for r in tallied.channels] == [
        ("other", 1, 1, 0)
    ]
    partial = user_with_role(world["cells"][0], Role.VIEWER)
    counted = movement_yield(actor=partial, organisation=tree["province"], year=2025)
    assert counted.total == tallied.total and counted.channels == tallied.channels

    # The decision date corrected into 2025: the admission moves to that year.
    step(world, candidacy, 16)
    assert yields(tree["province"], 2025) == {"other": (1, 1, 1)}
    assert yields(tree["province"], 2026) == {}
    assert aggregates_mismatches() == []


def test_a_channel_corrected_in_the_admin_moves_the_yield(settled):
    world = settled
    tree = world["tree"]
    candidacy = register(world, 0)
    admin_user = user_with_role(tree["province"], Role.ADMINISTRATOR, is_staff=True)
    request = RequestFactory().post("/")
    request.user = admin_user
    model_admin = site._registry[Candidacy]
    obj = model_admin.get_object(request, str(candidacy.pk))
    form_class = model_admin.get_form(request, obj, change=True)
    form = form_class(
        data={"source_channel": "youth_union", "movement": "", "referring_body": ""},
        instance=obj,
    )
    assert form.is_valid(), form.errors
    model_admin.save_model(request, form.save(commit=False), form, True)
    assert yields(tree["province"], 2025) == {"youth_union": (1, 0, 0)}
    assert aggregates_mismatches() == []


def test_verify_names_a_drifted_yield_and_rebuild_repairs_it(settled):
    world = settled
    tree = world["tree"]
    register(world, 0)
    YieldTally.objects.filter(organisation=tree["province"], year=2025).update(found=5)
    YieldTally.objects.create(organisation=tree["commune_b"], year=2024, channel="school")
    mismatches = aggregates_mismatches()
    assert [(m["table"], m["code"], m["year"], m["channel"], m["stored"]) for m in mismatches] == [
        ("yield", "P", 2025, "other", {"found": 5})
    ]
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("aggregates", "verify", stdout=out)
    assert "P (Khác, năm 2025): found 5 → 1" in out.getvalue()
    assert aggregates_rebuild() == 1
    assert aggregates_mismatches() == []
    assert yields(tree["province"], 2025) == {"other": (1, 0, 0)}
    assert not YieldTally.objects.filter(year=2024).exists()


def test_the_migration_counts_the_yield_already_stored(settled):
    world = settled
    for index in range(3):
        candidacy = register(world, index)
        step(world, candidacy, 0)
    expected = sorted(
        YieldTally.objects.values_list(
            "organisation_id", "year", "channel", "found", "trained", "admitted"
        )
    )
    assert expected
    YieldTally.objects.all().delete()
    migration = importlib.import_module("ptdv.candidacies.migrations.0014_yield_tally")
    migration.fill_yield_tally(apps, None)
    assert (
        sorted(
            YieldTally.objects.values_list(
                "organisation_id", "year", "channel", "found", "trained", "admitted"
            )
        )
        == expected
    )
    assert aggregates_mismatches() == []
