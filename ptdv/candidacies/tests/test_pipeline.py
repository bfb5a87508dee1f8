import datetime as dt

import pytest
from django.core.management import call_command

from ptdv.candidacies.models import Candidacy, Stage
from ptdv.candidacies.pipeline import pipeline_refresh
from ptdv.candidacies.workflow import candidacy_next
from ptdv.factories import CandidacyFactory, MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 1)


def make_dossiers(cell, n):
    stages = [
        ({"stage": Stage.SOURCE}),
        ({"stage": Stage.TRAINED, "certificate_date": dt.date(2022, 1, 10)}),
        (
            {
                "stage": Stage.APPLIED,
                "certificate_date": dt.date(2021, 7, 1),
                "application_date": dt.date(2025, 10, 1),
                "history_date": dt.date(2025, 10, 2),
            }
        ),
        ({"stage": Stage.BRANCH_RESOLVED, "branch_resolution_date": dt.date(2026, 3, 2)}),
        (
            {
                "stage": Stage.DECIDED,
                "decision_date": dt.date(2026, 3, 20),
                "decision_received_date": dt.date(2026, 3, 23),
            }
        ),
        ({"stage": Stage.PROBATIONARY, "ceremony_date": dt.date(2025, 5, 19)}),
    ]
    rows = []
    for index in range(n):
        person = PersonFactory(
            organisation=cell, birth_date=dt.date(1995, 1, 1) + dt.timedelta(days=index)
        )
        rows.append(
            CandidacyFactory(organisation=cell, person=person, **stages[index % len(stages)])
        )
    return rows


def test_bulk_refresh_equals_one_by_one(tree):
    cell = tree["cell_a1"]
    for _ in range(4):
        MembershipFactory(organisation=cell)
    make_dossiers(cell, 12)
    stats = pipeline_refresh(today=TODAY)
    assert stats.examined == 12
    for candidacy in Candidacy.objects.select_related("person", "organisation"):
        expected = candidacy_next(candidacy, TODAY)
        assert candidacy.next_action == expected.action
        assert candidacy.next_due == expected.due
        assert candidacy.next_earliest == expected.earliest
        assert candidacy.next_missing == expected.missing
        assert not candidacy.next_stale
    overdue = Candidacy.objects.filter(next_due__lt=TODAY)
    assert overdue.exists()  # the ceremony and the decision are long overdue by June


def test_queries_do_not_grow_with_dossiers(tree):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cell = tree["cell_a1"]
    make_dossiers(cell, 6)
    with CaptureQueriesContext(connection) as few:
        pipeline_refresh(today=TODAY, chunk=1000)
    make_dossiers(cell, 60)
    Candidacy.objects.update(next_checked_on=None)
    with CaptureQueriesContext(connection) as many:
        pipeline_refresh(today=TODAY, chunk=1000)
    assert len(many) == len(few) <= 16


def test_incremental_touches_only_stale_or_due(tree):
    cell = tree["cell_a1"]
    make_dossiers(cell, 6)
    pipeline_refresh(today=TODAY)
    assert pipeline_refresh(today=TODAY, full=False).examined == 0
    one = Candidacy.objects.first()
    Candidacy.objects.filter(pk=one.pk).update(next_stale=True)
    assert pipeline_refresh(today=TODAY, full=False).examined == 1
    later = dt.date(2026, 12, 31)
    crossing = Candidacy.objects.filter(next_valid_until__lte=later).count()
    assert crossing >= 1
    assert pipeline_refresh(today=later, full=False).examined == crossing


def test_command_prints_rate(tree, capsys):
    make_dossiers(tree["cell_a1"], 3)
    call_command("pipeline", "refresh", "--today", "01/06/2026")
    assert "3 hồ sơ" in capsys.readouterr().out


@pytest.mark.parametrize(("args", "message"), [
    (["--jobs", "0"], "--jobs phải là số nguyên từ 1 đến 32."),
    (["--chunk", "0"], "--chunk phải là số nguyên dương."),
])  # fmt: skip
def test_command_rejects_bad_arguments(tree, args, message):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match=message):
        call_command("pipeline", "refresh", *args)


def test_refresh_leaves_a_dossier_a_user_changed_meanwhile(tree, monkeypatch):
    """A dossier acted on while the refresh computed it keeps the action's own answer."""
    from django.db.models import F

    from ptdv.candidacies import pipeline

    cell = tree["cell_a1"]
    rows = make_dossiers(cell, 4)
    moved = rows[1].pk
    real = pipeline.candidacy_next

    def acting_meanwhile(candidacy, *args, **kwargs):
        if candidacy.pk == moved:
            Candidacy.objects.filter(pk=moved).update(
                version=F("version") + 1, next_action="user_answer"
            )
        return real(candidacy, *args, **kwargs)

    monkeypatch.setattr(pipeline, "candidacy_next", acting_meanwhile)
    stats = pipeline_refresh(today=TODAY)
    assert (stats.examined, stats.written) == (4, 3)
    assert Candidacy.objects.get(pk=moved).next_action == "user_answer"
    assert Candidacy.objects.exclude(pk=moved).filter(next_checked_on=TODAY).count() == 3


@pytest.mark.django_db(transaction=True)
def test_parallel_refresh_equals_serial(tree):
    """On PostgreSQL a run outside a transaction forks worker processes over id ranges;
    they compute exactly what one process does."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("worker processes are used on PostgreSQL only")
    cell = tree["cell_a1"]
    for _ in range(3):
        MembershipFactory(organisation=cell)
    make_dossiers(cell, 30)
    seen = []
    stats = pipeline_refresh(today=TODAY, jobs=3, chunk=4, progress=seen.append)
    assert (stats.examined, stats.written) == (30, 30)
    assert seen and seen[-1] <= 30
    fields = ["id", "next_action", "next_due", "next_earliest", "next_missing", "next_valid_until"]
    parallel = list(Candidacy.objects.order_by("id").values_list(*fields))
    Candidacy.objects.update(next_action="", next_due=None, next_checked_on=None)
    serial = pipeline_refresh(today=TODAY, jobs=1)
    assert serial.examined == 30
    assert list(Candidacy.objects.order_by("id").values_list(*fields)) == parallel
    assert pipeline_refresh(today=TODAY, full=False, jobs=2).examined == 0
