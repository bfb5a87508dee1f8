"""When an organisation ends by merger, split or dissolution, what points at it from other
rows follows it to the successor: the members' temporary attachments (`attached_to`) and the
users' roles (assignments), so the clerks of a merged commune keep working."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from ptdv.accounts.models import Assignment, Role, User
from ptdv.audit.models import AuditEntry
from ptdv.candidacies.counters import organisation_counters_rebuild
from ptdv.candidacies.search import candidacy_search_refresh
from ptdv.candidacies.tallies import aggregates_rebuild
from ptdv.core.policies import user_scopes
from ptdv.factories import MembershipFactory, user_with_role
from ptdv.members.models import MembershipEvent
from ptdv.organisations.changes import DecisionRef, organisation_dissolve, organisation_merge
from ptdv.organisations.models import Organisation

pytestmark = pytest.mark.django_db

DECISION = DecisionRef(
    number="125-QĐ/TU",
    decision_date=dt.date(2025, 6, 20),
    issuing_body="Ban Thường vụ Tỉnh ủy",
    date=dt.date(2025, 7, 1),
)


@pytest.fixture
def admin(tree):
    return user_with_role(tree["province"], Role.ADMINISTRATOR)


def scope_paths(user: User) -> list[str]:
    return [path for path, _rank in user_scopes(User.objects.get(pk=user.pk))]


def settle() -> None:
    """Derived data of rows the factories wrote directly, rebuilt as the nightly job does."""
    organisation_counters_rebuild()
    aggregates_rebuild()
    candidacy_search_refresh()


def verify_clean() -> None:
    out = StringIO()
    try:
        call_command("aggregates", "verify", stdout=out)
    except Exception:  # a drift: show what the command printed
        raise AssertionError(out.getvalue()) from None


def test_a_merger_moves_the_attachments_and_the_roles(tree, admin):
    a, b = tree["commune_a"], tree["commune_b"]
    clerk_b = user_with_role(b, Role.CLERK)
    both = user_with_role(a, Role.VIEWER)
    Assignment.objects.create(user=both, organisation=b, role=Role.APPROVER)
    lower = user_with_role(a, Role.ADMINISTRATOR)
    Assignment.objects.create(user=lower, organisation=b, role=Role.CLERK)
    # A member of a cell of A temporarily attached to commune B.
    away = MembershipFactory(
        organisation=tree["cell_a1"], attached_to=b, attached_from=dt.date(2025, 3, 1)
    )
    # A member directly on B attached to commune A: after the merger both are A.
    home = MembershipFactory(
        organisation=b, attached_to=a, attached_from=dt.date(2025, 2, 1), attached_note="A"
    )
    unrelated = MembershipFactory(organisation=tree["cell_b1"], attached_to=tree["cell_a2"])
    versions = {m.pk: m.version for m in (away, home, unrelated)}
    settle()
    assert scope_paths(clerk_b) == [b.path]

    organisation_merge(actor=admin, sources=[b], into=a, decision=DECISION)

    # The roles on B now hold on A.
    assert list(Assignment.objects.filter(user=clerk_b).values_list("organisation", "role")) == [
        (a.pk, Role.CLERK)
    ]
    assert list(Assignment.objects.filter(user=both).values_list("organisation", "role")) == [
        (a.pk, Role.APPROVER)
    ]
    assert list(Assignment.objects.filter(user=lower).values_list("organisation", "role")) == [
        (a.pk, Role.ADMINISTRATOR)
    ]
    assert not Assignment.objects.filter(organisation=b).exists()
    # Without the move, B's clerk would see nothing: the roles on an ended one give none.
    assert scope_paths(clerk_b) == [a.path]
    entries = AuditEntry.objects.filter(object_type="accounts.assignment", action="change")
    assert entries.count() == 3
    moved = entries.get(data__user=clerk_b.pk)
    assert (moved.data["from"], moved.data["to"], moved.data["role"]) == ("Xb", "Xa", "clerk")
    assert "125-QĐ/TU" in moved.data["reason"]
    assert moved.actor_id == admin.pk
    assert entries.get(data__user=both.pk).data["replaced_role"] == Role.VIEWER

    # The attachment to B now points to A; the one that became A's own ended, with a step.
    away.refresh_from_db()
    home.refresh_from_db()
    unrelated.refresh_from_db()
    assert (away.attached_to_id, away.attached_from) == (a.pk, dt.date(2025, 3, 1))
    assert away.version == versions[away.pk] + 1
    assert (home.organisation_id, home.attached_to_id, home.attached_note) == (a.pk, None, "")
    assert home.version == versions[home.pk] + 1
    step = MembershipEvent.objects.get(membership=home, action="end_attachment")
    assert (step.date, step.document_number, step.issuing_body) == (
        DECISION.date,
        "125-QĐ/TU",
        "Ban Thường vụ Tỉnh ủy",
    )
    assert (step.to_organisation_id, step.actor_id) == (a.pk, admin.pk)
    assert step.facts["attached_from"] == "2025-02-01"
    assert (unrelated.attached_to_id, unrelated.version) == (
        tree["cell_a2"].pk,
        versions[unrelated.pk],
    )
    assert not MembershipEvent.objects.filter(membership__in=[away, unrelated]).exists()
    verify_clean()


def test_a_dissolution_hands_the_attachments_and_roles_to_the_successor(tree, admin):
    gone, heir = tree["cell_b1"], tree["cell_b2"]
    secretary = user_with_role(gone, Role.CLERK)
    member = MembershipFactory(organisation=tree["cell_a1"], attached_to=gone)
    # An empty cell ends without a successor; one a member is attached to holds a row.
    organisation_dissolve(actor=admin, organisation=tree["cell_a2"], decision=DECISION)
    assert Organisation.objects.get(pk=tree["cell_a2"].pk).valid_to == DECISION.date
    with pytest.raises(ValidationError) as refused:
        organisation_dissolve(actor=admin, organisation=gone, decision=DECISION)
    assert "successor" in refused.value.message_dict
    assert Organisation.objects.get(pk=gone.pk).valid_to is None

    organisation_dissolve(actor=admin, organisation=gone, successor=heir, decision=DECISION)

    member.refresh_from_db()
    assert member.attached_to_id == heir.pk
    assert Assignment.objects.get(user=secretary).organisation_id == heir.pk
