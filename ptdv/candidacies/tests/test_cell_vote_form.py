"""The cell vote's web form pre-fills the counts left out of the denominator (QĐ 294
§9.3.2) from the members' records: those attached elsewhere and the exempted, on the form's
date; the clerk may correct them."""

from __future__ import annotations

import pytest

from ptdv.accounts.models import Role
from ptdv.candidacies.forms import CandidacyActionForm
from ptdv.candidacies.models import CandidacyEvent, Stage
from ptdv.candidacies.tests.test_views import (  # the fixtures and helpers of the pages
    action_url,
    cell_a1,  # noqa: F401
    days_ago,
    dossier,  # noqa: F401
    prepare,
    vn,
)
from ptdv.factories import user_with_role
from ptdv.members.actions import membership_act

pytestmark = pytest.mark.django_db


def record(tree, cell, *, attached: int, exempt: int, future: int = 0) -> None:
    """Attach and exempt some of the cell's official members through the members' service
    (`future` more attached from tomorrow: not counted today)."""
    approver = user_with_role(tree["commune_a"], Role.APPROVER)
    members = list(cell.memberships.filter(status="official").order_by("-pk"))
    for member in members[:attached]:
        membership_act(
            actor=approver,
            membership_id=member.pk,
            action="attach",
            data={"date": days_ago(30).isoformat(), "place": "Chi bộ Công ty X, Hà Nội"},
        )
    for member in members[attached : attached + exempt]:
        membership_act(
            actor=approver,
            membership_id=member.pk,
            action="exempt",
            data={"date": days_ago(20).isoformat(), "reason": "Tuổi cao, sức yếu"},
        )
    for member in members[attached + exempt : attached + exempt + future]:
        membership_act(
            actor=approver,
            membership_id=member.pk,
            action="attach",
            data={"date": days_ago(30).isoformat(), "place": "Chi bộ Công ty Y"},
        )
        member.refresh_from_db()
        type(member).objects.filter(pk=member.pk).update(attached_from=days_ago(-1))


def test_the_branch_vote_form_is_pre_filled_from_the_records(client, tree, dossier):  # noqa: F811
    clerk = user_with_role(tree["commune_a"], Role.CLERK)
    prepare(clerk, dossier)
    record(tree, dossier.organisation, attached=2, exempt=1, future=1)
    client.force_login(clerk)
    page = client.get(action_url(dossier, "branch_vote"))
    assert page.status_code == 200
    form = page.context["form"]
    assert form["temporarily_attached_elsewhere"].value() == 2
    assert form["exempted_absent"].value() == 1
    text = page.content.decode()
    assert f"ngày {vn(days_ago(0))}: 2 đảng viên đang sinh hoạt tạm thời nơi khác" in text
    assert "1 đảng viên được miễn công tác và sinh hoạt" in text

    # Sent as shown: 9 official less 2 attached and 1 exempted absent, 4 agree of 6.
    response = client.post(
        action_url(dossier, "branch_vote"),
        {
            "version": str(dossier.version),
            "date": vn(days_ago(0)),
            "vote.agree": "4",
            "temporarily_attached_elsewhere": form["temporarily_attached_elsewhere"].value(),
            "exempted_absent": form["exempted_absent"].value(),
        },
    )
    assert response.status_code == 302
    vote = CandidacyEvent.objects.get(action="branch_vote").vote
    assert (vote["temporarily_attached_elsewhere"], vote["exempted_absent"]) == (2, 1)
    assert vote["denominator"] == 6
    dossier.refresh_from_db()
    assert dossier.stage == Stage.BRANCH_RESOLVED


def test_the_clerk_s_numbers_win_and_nothing_recorded_means_zero(tree, dossier):  # noqa: F811
    clerk = user_with_role(tree["commune_a"], Role.CLERK)
    form = CandidacyActionForm(action="branch_vote", candidacy=dossier, actor=clerk)
    assert form["temporarily_attached_elsewhere"].value() == 0
    assert form["exempted_absent"].value() == 0
    record(tree, dossier.organisation, attached=1, exempt=2)
    form = CandidacyActionForm(action="branch_vote", candidacy=dossier, actor=clerk)
    assert (form["temporarily_attached_elsewhere"].value(), form["exempted_absent"].value()) == (
        1,
        2,
    )
    given = CandidacyActionForm(
        action="branch_vote",
        candidacy=dossier,
        actor=clerk,
        initial={"temporarily_attached_elsewhere": 0},
    )
    assert given["temporarily_attached_elsewhere"].value() == 0
    # On an earlier date, the exemptions recorded since do not count yet.
    earlier = CandidacyActionForm(
        action="branch_vote", candidacy=dossier, actor=clerk, initial={"date": days_ago(25)}
    )
    counts = (earlier["temporarily_attached_elsewhere"].value(), earlier["exempted_absent"].value())
    assert counts == (1, 0)
    # A bound form shows what was sent.
    bound = CandidacyActionForm(
        {"exempted_absent": "0"}, action="branch_vote", candidacy=dossier, actor=clerk
    )
    assert bound["exempted_absent"].value() == "0"
    # A committee's vote has no such counts.
    committee = CandidacyActionForm(action="committee_vote", candidacy=dossier, actor=clerk)
    assert "exempted_absent" not in committee.fields
