"""Random sequences of membership actions: whatever is accepted or refused, the stored
counters, locality counters, tallies and search entries equal a recount
(`ptdv aggregates verify` passes), and a membership's history matches its state."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ptdv.factories import MembershipFactory
from ptdv.members.actions import MEMBERSHIP_SPECS, StaleVersion, membership_act
from ptdv.members.models import ACTIVE_STATUSES, MembershipStatus, PartyMembership

ACTIONS = sorted(MEMBERSHIP_SPECS)
FACTS = {
    "transfer": {"reason": "Chuyển công tác"},
    "attach": {"reason": "Đi làm xa"},
    "exempt": {"reason": "Tuổi cao"},
    "remove": {"grounds": "not_attending", "reason": "Bỏ sinh hoạt"},
    "expel": {"reason": "Vi phạm"},
    "transfer_out": {"destination": "Đảng bộ tỉnh Nghệ An"},
}

step = st.tuples(
    st.integers(min_value=0, max_value=4),  # which member
    st.sampled_from(ACTIONS),
    st.integers(min_value=0, max_value=300),  # day of 2026
    st.sampled_from(["cell_a1", "cell_a2", "cell_b1"]),  # the cell a transfer/attach names
)


class _Rollback(Exception):
    pass


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(step, min_size=1, max_size=12))
@pytest.mark.django_db
def test_random_membership_actions_keep_the_aggregates(world, steps):
    try:
        with transaction.atomic():
            probationary = MembershipFactory(
                organisation=world["tree"]["cell_a2"],
                status=MembershipStatus.PROBATIONARY,
                admission_decision_date=dt.date(2025, 6, 1),
                ceremony_date=dt.date(2025, 6, 20),
                official_date=None,
            )
            members = [*world["members"], probationary]
            call_command("aggregates", "rebuild", stdout=StringIO())
            for index, action, day, cell in steps:
                data = {
                    "date": (dt.date(2026, 1, 1) + dt.timedelta(days=day)).isoformat(),
                    **FACTS.get(action, {}),
                }
                if action in ("transfer", "attach"):
                    data["organisation"] = world["tree"][cell].pk
                try:
                    membership_act(
                        actor=world["approver"],
                        membership_id=members[index].pk,
                        action=action,
                        data=data,
                    )
                except (ValidationError, PermissionDenied, StaleVersion):
                    pass
            call_command("aggregates", "verify", stdout=StringIO())
            for membership in PartyMembership.objects.filter(pk__in=[m.pk for m in members]):
                last = membership.events.order_by("-date", "-id").first()
                if membership.status not in ACTIVE_STATUSES:
                    assert last is not None and last.action in (
                        "remove",
                        "expel",
                        "death",
                        "transfer_out",
                    )
                    assert last.date == membership.exit_date
                assert (
                    membership.version
                    == 1 + membership.events.exclude(action__in=["admit", "recognise"]).count()
                )
            raise _Rollback
    except _Rollback:
        pass
