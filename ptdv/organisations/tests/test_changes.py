"""Organisation changes by a dated decision: nothing is lost, paths are re-keyed, the
counters and tallies verify afterwards."""

from __future__ import annotations

import datetime as dt
import random
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.http import Http404

from ptdv.accounts.models import Role
from ptdv.audit.models import AuditEntry
from ptdv.candidacies.counters import organisation_counters_rebuild
from ptdv.candidacies.models import AdmissionTally, Candidacy, CandidacySearch, Stage
from ptdv.candidacies.search import candidacy_search_refresh
from ptdv.candidacies.tallies import aggregates_rebuild
from ptdv.factories import (
    CandidacyFactory,
    LocalityFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    user_with_role,
)
from ptdv.members.models import PartyMembership
from ptdv.organisations.changes import (
    DecisionRef,
    NewOrganisation,
    OrganisationEnded,
    StaleOrganisation,
    organisation_dissolve,
    organisation_merge,
    organisation_move,
    organisation_rename,
    organisation_split,
)
from ptdv.organisations.models import (
    PATH_STEP,
    ChangeKind,
    Kind,
    Locality,
    Organisation,
    OrganisationChange,
)
from ptdv.people.models import Person
from ptdv.targets.models import PlanAssignment, Target

pytestmark = pytest.mark.django_db

DECISION = DecisionRef(
    number="125-QĐ/TU",
    decision_date=dt.date(2025, 6, 20),
    issuing_body="Ban Thường vụ Tỉnh ủy",
    date=dt.date(2025, 7, 1),
)


def verify_clean() -> str:
    out = StringIO()
    try:
        call_command("aggregates", "verify", stdout=out)
    except Exception:  # a drift: show what the command printed
        raise AssertionError(out.getvalue()) from None
    return out.getvalue()


def settle() -> None:
    """Derived data of rows the factories wrote directly, rebuilt as the nightly job does."""
    organisation_counters_rebuild()
    aggregates_rebuild()
    candidacy_search_refresh()


def populate(tree, rng: random.Random) -> dict[str, list[int]]:
    """Members, dossiers (some admitted this year and last), localities and residents in
    every cell of both communes."""
    made: dict[str, list[int]] = {"members": [], "candidacies": [], "localities": []}
    for key in ("a", "b"):
        commune = tree[f"commune_{key}"]
        villages = [
            LocalityFactory(organisation=commune, cell=tree[f"cell_{key}{i}"]) for i in (1, 2)
        ]
        villages.append(LocalityFactory(organisation=commune))  # without a cell, white
        made["localities"] += [v.pk for v in villages]
        for index in (1, 2):
            cell = tree[f"cell_{key}{index}"]
            for _ in range(rng.randint(2, 4)):
                member = MembershipFactory(
                    organisation=cell, person__residence_locality=villages[index - 1]
                )
                made["members"].append(member.pk)
            for year in (2024, 2025):
                admitted = CandidacyFactory(
                    organisation=cell,
                    stage=Stage.PROBATIONARY,
                    decision_date=dt.date(year, 3, 10 + index),
                    opened_on=dt.date(year - 1, 9, 1),
                )
                made["candidacies"].append(admitted.pk)
            open_one = CandidacyFactory(organisation=cell, stage=Stage.APPLIED)
            made["candidacies"].append(open_one.pk)
    settle()
    return made


@pytest.fixture
def admin(tree):
    return user_with_role(tree["province"], Role.ADMINISTRATOR)


def admitted(org: Organisation, year: int) -> int:
    row = AdmissionTally.objects.filter(organisation=org, year=year).first()
    return row.admitted if row else 0


def test_merge_into_a_new_commune_keeps_everything(tree, admin):
    made = populate(tree, random.Random(12))
    verify_clean()
    a, b = tree["commune_a"], tree["commune_b"]
    admitted_2025 = admitted(a, 2025) + admitted(b, 2025)
    assert admitted_2025 == 4
    a.refresh_from_db()
    b.refresh_from_db()
    members_before = a.member_count + b.member_count
    assert members_before == len(made["members"])
    Target.objects.create(organisation=a, year=2025, number=3)
    Target.objects.create(organisation=b, year=2025, number=2)
    Target.objects.create(organisation=b, year=2024, number=9)  # a past year stays

    change = organisation_merge(
        actor=admin,
        sources=[a.pk, b.pk],
        new=NewOrganisation(code="XC", name="Đảng bộ xã C"),
        decision=DECISION,
    )

    c = change.successors.get()
    assert c.kind == Kind.COMMUNE and c.valid_from == DECISION.date
    assert c.parent_id == tree["province"].pk
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.valid_to == b.valid_to == DECISION.date
    assert set(change.predecessors.values_list("pk", flat=True)) == {a.pk, b.pk}
    # Every member, dossier and locality of A and B is in C's subtree now.
    under_c = Organisation.objects.filter(path__startswith=c.path)
    assert set(
        PartyMembership.objects.filter(organisation__in=under_c).values_list("pk", flat=True)
    ) == set(made["members"])
    assert set(
        Candidacy.objects.filter(organisation__in=under_c).values_list("pk", flat=True)
    ) == set(made["candidacies"])
    assert set(Locality.objects.filter(organisation=c).values_list("pk", flat=True)) == set(
        made["localities"]
    )
    # Paths re-keyed below C; the search entries follow.
    for key in ("a", "b"):
        for name in (f"grassroots_{key}", f"cell_{key}1", f"cell_{key}2"):
            node = Organisation.objects.get(pk=tree[name].pk)
            assert node.path.startswith(c.path)
            assert node.depth == len(node.path) // PATH_STEP
    assert not CandidacySearch.objects.exclude(path__startswith=c.path).exists()
    # Counters and tallies: C carries all, A and B nothing; the province is unchanged.
    c.refresh_from_db()
    assert c.member_count == members_before
    assert (a.member_count, b.member_count, a.locality_count) == (0, 0, 0)
    assert c.locality_count == 6
    assert admitted(c, 2025) == admitted_2025
    assert admitted(tree["province"], 2025) == admitted_2025
    # Targets of the year of the merger are added up; a past year's stays where it was.
    assert Target.objects.get(organisation=c, year=2025).number == 5
    assert Target.objects.get(year=2024).organisation_id == b.pk
    assert "khớp" in verify_clean()
    assert AuditEntry.objects.filter(object_type="organisations.organisationchange").exists()


def test_absorb_moves_direct_rows_and_plan_assignments(tree, admin):
    populate(tree, random.Random(3))
    a, b = tree["commune_a"], tree["commune_b"]
    # A member and a dossier directly on B (no cell), with a plan assignment.
    member = MembershipFactory(organisation=b)
    dossier = CandidacyFactory(organisation=b, stage=Stage.TRAINED)
    person = PersonFactory(organisation=b)
    plan = PlanAssignment.objects.create(
        year=2025, organisation=b, candidacy=dossier, responsible_person=person
    )
    settle()
    change = organisation_merge(actor=admin, sources=[b], into=a, decision=DECISION)
    assert change.successors.get() == a
    member.refresh_from_db()
    dossier.refresh_from_db()
    plan.refresh_from_db()
    assert member.organisation_id == dossier.organisation_id == plan.organisation_id == a.pk
    assert Person.objects.get(pk=person.pk).organisation_id == a.pk
    verify_clean()


def test_split_and_move_rekey_paths(tree, admin):
    populate(tree, random.Random(5))
    a = tree["commune_a"]
    villages = list(Locality.objects.filter(organisation=a).order_by("pk"))
    # A grassroots committee moves from commune A to commune B.
    organisation_move(
        actor=admin, organisation=tree["grassroots_a"], parent=tree["commune_b"], decision=DECISION
    )
    cell = Organisation.objects.get(pk=tree["cell_a1"].pk)
    b = Organisation.objects.get(pk=tree["commune_b"].pk)
    assert cell.path.startswith(b.path) and cell.depth == 4
    verify_clean()
    # B splits in two: one takes the moved committee and the first village of A moved along.
    organisation_move(actor=admin, organisation=tree["grassroots_a"], parent=a, decision=DECISION)
    change = organisation_split(
        actor=admin,
        organisation=a,
        parts=[
            NewOrganisation(
                code="XA1",
                name="Đảng bộ xã A1",
                children=[tree["grassroots_a"].pk],
                localities=[villages[0].pk],
            ),
            NewOrganisation(code="XA2", name="Đảng bộ xã A2", localities=[villages[1].pk]),
        ],
        decision=DECISION,
    )
    first, second = sorted(change.successors.all(), key=lambda o: o.code)
    assert Organisation.objects.get(pk=tree["cell_a2"].pk).path.startswith(first.path)
    assert Locality.objects.get(pk=villages[1].pk).organisation_id == second.pk
    # What no part named (the third village) went to the first part; A ended.
    assert Locality.objects.get(pk=villages[2].pk).organisation_id == first.pk
    assert Organisation.objects.get(pk=a.pk).valid_to == DECISION.date
    assert change.kind == ChangeKind.SPLIT
    verify_clean()


def test_rename_dissolve_refusals_scope_and_roles(tree, admin):
    cell = tree["cell_a1"]
    with pytest.raises(ValidationError) as refused:
        organisation_rename(
            actor=admin,
            organisation=cell,
            name="Chi bộ thôn Mới",
            decision=DecisionRef(number="", decision_date=None, issuing_body=""),
        )
    assert set(refused.value.message_dict) == {"decision_number", "decision_date", "issuing_body"}
    change = organisation_rename(
        actor=admin, organisation=cell, name="Chi bộ thôn Mới", decision=DECISION
    )
    assert change.data["before"]["name"] == "Chi bộ thôn A1"
    cell.refresh_from_db()
    assert cell.name == "Chi bộ thôn Mới" and cell.version == 1
    with pytest.raises(StaleOrganisation):
        organisation_rename(actor=admin, organisation=cell, name="X", decision=DECISION, version=0)
    # A commune clerk may not; an administrator of commune A may not change commune B (404).
    clerk = user_with_role(tree["commune_a"], Role.CLERK)
    with pytest.raises(PermissionDenied):
        organisation_rename(actor=clerk, organisation=cell, name="Y", decision=DECISION)
    commune_admin = user_with_role(tree["commune_a"], Role.ADMINISTRATOR)
    with pytest.raises(Http404):
        organisation_rename(
            actor=commune_admin, organisation=tree["cell_b1"], name="Y", decision=DECISION
        )
    # A cell holding a member needs a successor; then it ends and cannot change again.
    MembershipFactory(organisation=cell)
    settle()
    with pytest.raises(ValidationError) as refused:
        organisation_dissolve(actor=admin, organisation=cell, decision=DECISION)
    assert "successor" in refused.value.message_dict
    organisation_dissolve(
        actor=admin, organisation=cell, decision=DECISION, successor=tree["cell_a2"]
    )
    assert Organisation.objects.get(pk=tree["cell_a2"].pk).member_count == 1
    with pytest.raises(OrganisationEnded):
        organisation_rename(actor=admin, organisation=cell, name="Z", decision=DECISION)
    empty = OrganisationFactory(parent=tree["grassroots_b"])
    organisation_dissolve(actor=admin, organisation=empty, decision=DECISION)
    assert Organisation.objects.get(pk=empty.pk).valid_to == DECISION.date
    assert OrganisationChange.objects.count() == 3
    verify_clean()


def test_a_merger_hands_the_competence_to_the_new_commune(tree, admin):
    from ptdv.organisations.competence import competence_on, competence_record

    b = tree["commune_b"]
    competence_record(actor=None, subject=b, decider=b, valid_from=dt.date(2025, 1, 1))
    change = organisation_merge(
        actor=admin,
        sources=[tree["commune_a"], b],
        new=NewOrganisation(code="XC", name="Đảng bộ xã C"),
        decision=DECISION,
    )
    c = change.successors.get()
    cell = Organisation.objects.get(pk=tree["cell_b1"].pk)
    assert competence_on(cell, dt.date(2025, 8, 1)) == c
    # B's own row ended the day before the merger; C's row starts on its date.
    rows = {(r.subject_id, r.valid_from, r.valid_to) for r in b.competences.all()}
    assert rows == {(b.pk, dt.date(2025, 1, 1), dt.date(2025, 6, 30))}
    assert c.competences.get().valid_from == DECISION.date
