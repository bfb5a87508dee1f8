"""A hand-built province whose every monitoring number is known (shared by the targets and
reports tests)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ptdv.accounts.models import Role
from ptdv.candidacies.models import Candidacy
from ptdv.candidacies.services import candidacy_register
from ptdv.candidacies.tallies import aggregates_rebuild, due_state, tallies_due_changed
from ptdv.candidacies.workflow import candidacy_act
from ptdv.factories import LocalityFactory, MembershipFactory, PersonFactory, user_with_role
from ptdv.members.localities import locality_residents_recount
from ptdv.targets.services import snapshot_take

TODAY = dt.date(2026, 11, 29)
YEAR = 2026

PREPARE = [
    ("record_certificate", {"date": "2025-06-01", "certificate_date": "2025-05-20"}),
    (
        "record_application",
        {"date": "2025-10-06", "application_date": "2025-10-01", "history_date": "2025-10-05"},
    ),
    ("record_verification", {"date": "2025-12-01", "concluded_on": "2025-12-01"}),
    ("record_opinions", {"date": "2025-12-15", "opinions_date": "2025-12-15"}),
    ("intro_member", {}),
    (
        "record_introduction",
        {"date": "2025-12-12", "kind": "youth_union_committee", "introduced_on": "2025-12-12"},
    ),
    ("branch_vote", {"date": "2026-03-02", "vote": {"agree": 7}}),
]
DECIDE = [
    ("committee_vote", {"date": "2026-03-10", "vote": {"agree": 5, "body_size": 7}}),
    ("admission_decision", {"date": "2026-04-01", "vote": {"agree": 5, "body_size": 9}}),
]


def act(
    user: Any, candidacy: Candidacy, steps: list[tuple[str, dict[str, Any]]], helpers: list[Any]
) -> None:
    """Take the steps; "intro_member" introductions name each of `helpers` in turn."""
    introducers = iter(helpers)
    for action, data in steps:
        if action == "intro_member":
            action, data = (
                "record_introduction",
                {
                    "date": "2025-12-10",
                    "kind": "member",
                    "membership": next(introducers).pk,
                    "months_together": 14,
                    "introduced_on": "2025-12-10",
                },
            )
        candidacy_act(actor=user, candidacy_id=candidacy.pk, action=action, data=dict(data))


# Over youth age, two official members introduce (rule introducers.valid).
PREPARE_ADULT = [*PREPARE[:4], ("intro_member", {}), ("intro_member", {}), PREPARE[6]]


def build(tree: dict[str, Any]) -> dict[str, Any]:
    """Members: cell A1 10, A2 5, B1 20 (35 in the province, admitted in 2015 before the
    system). Localities of commune A: L1 (own cell, one member lives there), L2 (no cell),
    L3 (shared cell); commune B: L4 (own cell, a member lives there). Admitted in 2026 in
    cell A1: a woman of 26 and a man of 41 (Tày, Catholic, worker in a private enterprise).
    Open in cell B1: one source, one applied (overdue). Snapshot of 2026 taken."""
    l1 = LocalityFactory(organisation=tree["commune_a"], cell=tree["cell_a1"], name="Thôn Một")
    LocalityFactory(organisation=tree["commune_a"], name="Thôn Hai")
    LocalityFactory(
        organisation=tree["commune_a"], cell=tree["cell_a2"], cell_is_shared=True, name="Thôn Ba"
    )
    l4 = LocalityFactory(organisation=tree["commune_b"], cell=tree["cell_b1"], name="Thôn Bốn")
    members: dict[str, list[Any]] = {}
    for key, count in (("cell_a1", 10), ("cell_a2", 5), ("cell_b1", 20)):
        members[key] = [MembershipFactory(organisation=tree[key]) for _ in range(count)]
    for membership, locality in ((members["cell_a1"][0], l1), (members["cell_b1"][0], l4)):
        membership.person.residence_locality = locality
        membership.person.save()
        locality_residents_recount([locality.pk])  # as the services do on a change of residence
    user = user_with_role(tree["province"], Role.ADMINISTRATOR)
    aggregates_rebuild()
    snapshot_take(year=YEAR, today=TODAY)

    def register(cell_key: str, **person: Any) -> Candidacy:
        fields = {
            "organisation": tree[cell_key],
            "birth_date": dt.date(2000, 3, 5),
            "education": "upper_secondary",
            "youth_union_member": True,
        }
        fields.update(person)
        return candidacy_register(
            actor=user,
            organisation=tree[cell_key],
            person=PersonFactory(**fields),
            opened_on=dt.date(2025, 1, 10),
        )

    woman = register("cell_a1", gender="female")
    man = register(
        "cell_a1",
        gender="male",
        birth_date=dt.date(1984, 5, 1),
        ethnicity="02",
        religion="catholicism",
        occupation="worker",
        enterprise_type="private",
        youth_union_member=False,
        education="university",
    )
    act(user, woman, PREPARE + DECIDE, members["cell_a1"][1:2])
    act(user, man, PREPARE_ADULT + DECIDE, members["cell_a1"][1:3])
    waiting = register("cell_b1")
    applied = register("cell_b1")
    act(user, applied, PREPARE[:2], [])
    # Overdue: as a refresh would store it, with the deadline tally following.
    applied.refresh_from_db()
    counted = due_state(applied)
    Candidacy.objects.filter(pk=applied.pk).update(next_due=TODAY - dt.timedelta(days=3))
    applied.refresh_from_db()
    tallies_due_changed([(counted, due_state(applied))])
    return {
        "user": user,
        "members": members,
        "admitted": [woman, man],
        "waiting": waiting,
        "applied": applied,
    }
