"""The replay (bulk) API: a dossier's past steps through the same specs and engine as the
live action; an importer-like history; parity with the live path."""

import datetime as dt

import pytest

from ptdv.accounts.models import Role
from ptdv.candidacies.actions import DossierAction
from ptdv.candidacies.actions.record import CELL_COUNTS
from ptdv.candidacies.actions.replay import PastStep, replay, replayed_write
from ptdv.candidacies.case import DossierContext, ancestors_of
from ptdv.candidacies.counters import organisation_counter_mismatches
from ptdv.candidacies.derived import dossier_changed
from ptdv.candidacies.models import Candidacy, CandidacyEvent, Stage
from ptdv.candidacies.search import candidacy_search_mismatches
from ptdv.candidacies.tallies import aggregates_mismatches, aggregates_rebuild
from ptdv.candidacies.workflow import candidacy_act
from ptdv.factories import MembershipFactory, PersonFactory, user_with_role
from ptdv.members.localities import locality_counter_mismatches
from ptdv.members.models import PartyMembership
from ptdv.rules import engine
from ptdv.rules.services import rules_calendar

pytestmark = pytest.mark.django_db

A = DossierAction
D = dt.date


@pytest.fixture
def cell(tree):
    cell = tree["cell_a1"]
    for _ in range(9):
        MembershipFactory(organisation=cell)
    aggregates_rebuild()  # the factories write rows without the services
    return cell


def _person(cell, name):
    return PersonFactory(
        organisation=cell,
        given_name=name,
        birth_date=D(2000, 3, 5),
        education="upper_secondary",
        youth_union_member=True,
    )


def _context(cell, official=9):
    return DossierContext(
        ancestors=ancestors_of(cell),
        official_members=official,
        introducers=[],
        consents=[],
        previous_membership=None,
    )


def _clean():
    assert organisation_counter_mismatches() == []
    assert locality_counter_mismatches() == []
    assert aggregates_mismatches() == []
    assert candidacy_search_mismatches() == 0


def test_an_imported_history_is_judged_step_by_step_and_flagged(cell):
    member = engine.Introducer(
        kind=engine.IntroducerKind.MEMBER, date=D(2019, 5, 1), official=True, months_together=12
    )
    old = Candidacy(
        person=_person(cell, "Cũ"), organisation=cell, stage=Stage.SOURCE, opened_on=D(2019, 3, 1)
    )
    steps = [
        PastStep(A.RECORD_CERTIFICATE, D(2019, 3, 1), {"certificate_date": D(2019, 3, 1)}),
        PastStep(
            A.RECORD_APPLICATION,
            D(2019, 4, 2),
            {"application_date": D(2019, 4, 1), "history_date": D(2019, 4, 2)},
        ),
        PastStep(
            A.RECORD_INTRODUCTION,
            D(2019, 5, 1),
            {"kind": "member", "form": "members"},
            introducers=[member, member],
        ),
        PastStep(
            A.BRANCH_VOTE,
            D(2019, 6, 1),
            vote={"agree": 9},
            outcome="passed",
            document={"number": "3-NQ/CB", "date": D(2019, 6, 1)},
        ),
    ]
    done = replay(old, steps, _context(cell), calendar=rules_calendar(), imported=True)
    assert done.flagged and all(e.flagged for e in done.events)
    assert done.events[0].warnings[0]["rule"] == "case"
    assert done.events[-1].reason == "Nhập từ dữ liệu cũ: không đúng quy định tại thời điểm đó."
    assert old.stage == Stage.BRANCH_RESOLVED and old.branch_resolution_date == D(2019, 6, 1)
    assert [i.declared_official for i in done.introducers] == [True, True]
    replayed_write([done])
    assert CandidacyEvent.objects.filter(candidacy=old, flagged=True).count() == 4
    event = CandidacyEvent.objects.get(candidacy=old, action=A.BRANCH_VOTE)
    assert event.facts == {"imported": True}
    assert event.vote == {"agree": 9, "official_members": 9, "denominator": 9}
    assert event.document_number == "3-NQ/CB"
    assert old.introducers.count() == 2
    _clean()


def test_a_short_vote_is_flagged_with_the_rules_it_broke(cell):
    short = Candidacy(person=_person(cell, "Thiếu"), organisation=cell, opened_on=D(2025, 5, 1))
    steps = [
        PastStep(A.RECORD_CERTIFICATE, D(2025, 5, 20), {"certificate_date": D(2025, 5, 20)}),
        PastStep(
            A.RECORD_APPLICATION,
            D(2025, 10, 5),
            {"application_date": D(2025, 10, 1), "history_date": D(2025, 10, 5)},
        ),
        PastStep(A.RECORD_OPINIONS, D(2025, 12, 15), {"opinions_date": D(2025, 12, 15)}),
        PastStep(A.BRANCH_VOTE, D(2026, 3, 2), vote={"agree": 4}, outcome="passed"),
    ]
    done = replay(short, steps, _context(cell), calendar=rules_calendar(), imported=True)
    vote = done.events[-1]
    assert vote.flagged and vote.outcome == "passed"
    rules = {w["rule"] for w in vote.warnings}
    assert {"verification.done", "introducers.valid", "vote.branch_two_thirds"} <= rules
    assert not any(e.flagged for e in done.events[:-1])
    replayed_write([done])
    _clean()


def test_replay_writes_what_the_live_path_writes(tree, cell):
    """The same facts, once through `candidacy_act`, once replayed: the same rows."""
    clerk = user_with_role(tree["commune_a"], Role.APPROVER)
    helper = PartyMembership.objects.filter(organisation=cell, status="official").first()
    vote_cell = {"summoned": None, "present": None, "agree": 8, "body_size": None}
    steps = [
        PastStep(A.RECORD_CERTIFICATE, D(2025, 6, 1), {"certificate_date": D(2025, 5, 20)}),
        PastStep(
            A.RECORD_APPLICATION,
            D(2025, 10, 6),
            {"application_date": D(2025, 10, 1), "history_date": D(2025, 10, 5)},
        ),
        PastStep(
            A.RECORD_VERIFICATION, D(2025, 12, 1), {"concluded_on": D(2025, 12, 1), "waived": False}
        ),
        PastStep(
            A.RECORD_INTRODUCTION,
            D(2025, 12, 10),
            {
                "kind": "member",
                "membership": helper.pk,
                "months_together": 14,
                "replacement": False,
                "introduced_on": D(2025, 12, 10),
            },
        ),
        PastStep(
            A.RECORD_INTRODUCTION,
            D(2025, 12, 12),
            {
                "kind": "youth_union_committee",
                "membership": None,
                "months_together": None,
                "replacement": False,
                "introduced_on": D(2025, 12, 12),
            },
        ),
        PastStep(A.RECORD_OPINIONS, D(2025, 12, 15), {"opinions_date": D(2025, 12, 15)}),
        PastStep(
            A.BRANCH_VOTE,
            D(2026, 3, 2),
            vote={**vote_cell, "temporarily_attached_elsewhere": 0, "exempted_absent": 0},
            document={"number": "3-NQ/CB", "date": D(2026, 3, 2), "issuing_body": "", "signer": ""},
        ),
        PastStep(
            A.COMMITTEE_VOTE,
            D(2026, 3, 10),
            vote={"summoned": None, "present": None, "agree": 5, "body_size": 7},
        ),
        PastStep(
            A.ADMISSION_DECISION,
            D(2026, 4, 1),
            vote={"summoned": None, "present": None, "agree": 5, "body_size": 9},
        ),
        PastStep(A.CEREMONY, D(2026, 4, 20), {"decision_received_date": D(2026, 4, 3)}),
        PastStep(A.RECORD_NEWMEMBER_COURSE, D(2026, 6, 1)),
    ]
    replayed = Candidacy(person=_person(cell, "Bản"), organisation=cell, opened_on=D(2025, 1, 10))
    done = replay(replayed, steps, _context(cell), calendar=rules_calendar(), actor=clerk)
    assert not done.flagged, [e.warnings for e in done.events if e.flagged]
    replayed_write([done])

    live = Candidacy.objects.create(
        person=_person(cell, "Sống"), organisation=cell, opened_on=D(2025, 1, 10),
        stage_changed_on=D(2025, 1, 10),
    )  # fmt: skip
    dossier_changed(live, before=None)
    for step in steps:
        data = {"date": step.on.isoformat(), **step.facts}
        if step.vote:
            data["vote"] = {k: v for k, v in step.vote.items() if k not in CELL_COUNTS}
        if step.document:
            data["document"] = step.document
        candidacy_act(actor=clerk, candidacy_id=live.pk, action=step.action, data=data)
    live.refresh_from_db()
    replayed.refresh_from_db()
    dates = [f.name for f in Candidacy._meta.fields if f.name.endswith(("_date", "_on"))]
    for name in ("stage", "is_open", "extension_working_days", *dates):
        if name == "next_checked_on":
            continue
        assert getattr(live, name) == getattr(replayed, name), name
    live_only = ("introducer", "consent", "membership")  # ids of rows the live path wrote
    fields = ("action", "on", "stage_before", "stage_after", "outcome", "vote", "rule_set_id",
              "warnings", "reason", "document_number", "flagged")  # fmt: skip
    live_events = list(live.events.order_by("id").values(*fields, "facts"))
    replayed_events = list(replayed.events.order_by("id").values(*fields, "facts"))
    assert len(live_events) == len(replayed_events) == len(steps)
    for a, b in zip(live_events, replayed_events, strict=True):
        a_facts, b_facts = a.pop("facts"), b.pop("facts")
        assert a == b
        assert {k: v for k, v in a_facts.items() if k not in live_only} == {
            k: v for k, v in b_facts.items() if k not in live_only
        }
    membership = PartyMembership.objects.get(candidacy=replayed)
    assert membership.status == "probationary" and membership.ceremony_date == D(2026, 4, 20)
    assert [i.kind for i in replayed.introducers.order_by("id")] == [
        i.kind for i in live.introducers.order_by("id")
    ]
    _clean()


def test_closing_and_transfer_replay_through_their_specs(tree, cell):
    moved = Candidacy(person=_person(cell, "Chuyển"), organisation=cell, opened_on=D(2025, 1, 10))
    steps = [
        PastStep(A.RECORD_CERTIFICATE, D(2025, 6, 1), {"certificate_date": D(2025, 5, 20)}),
        PastStep(
            A.TRANSFER,
            D(2025, 7, 1),
            {"organisation": tree["cell_a2"], "reason": "Nơi ở"},
            reason="Nơi ở",
        ),
        PastStep(A.WITHDRAW, D(2025, 8, 1), {"reason": "Xin rút"}, reason="Xin rút"),
    ]
    done = replay(moved, steps, _context(cell), calendar=rules_calendar())
    assert not done.flagged
    assert moved.organisation == tree["cell_a2"] and moved.person.organisation == tree["cell_a2"]
    assert (moved.stage, moved.closed_reason, moved.is_open) == (Stage.CLOSED, "withdrawn", False)
    replayed_write([done])
    transfer = moved.events.get(action=A.TRANSFER)
    assert transfer.facts == {"organisation": tree["cell_a2"].pk, "from": cell.code,
                              "to": tree["cell_a2"].code}  # fmt: skip
    assert transfer.reason == "Nơi ở"
    moved.person.refresh_from_db()
    assert moved.person.organisation == tree["cell_a2"]
    _clean()
