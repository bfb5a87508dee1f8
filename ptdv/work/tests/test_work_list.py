""" "Việc của tôi": the dossier work sources read the stored next action, scoped to the user;
the home page and GET /api/v1/work/ list them by due date with the kind and due filters."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from ptdv.accounts.models import Role
from ptdv.audit.models import AuditEntry
from ptdv.candidacies.models import DossierAction, Stage
from ptdv.factories import CandidacyFactory, PersonFactory, bearer_key, user_with_role
from ptdv.work.selectors import work_filter, work_list
from ptdv.work.sources import (
    DECISION,
    DUE,
    OVERDUE,
    committee_decisions,
    dossiers_due,
    dossiers_overdue,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 10)
# The dossier kinds (other apps register sources of their own: requests, courses).
MINE = (DECISION, OVERDUE, DUE)


@pytest.fixture
def only_dossier_sources(monkeypatch):
    """The registry with this app's sources alone, in their order (query counts)."""
    monkeypatch.setattr(
        "ptdv.core.work._SOURCES",
        {DECISION: committee_decisions, OVERDUE: dossiers_overdue, DUE: dossiers_due},
    )


def mine(items):
    return [i for i in items if i.kind in MINE]


def dossier(cell, given, action, due, stage=Stage.APPLIED):
    return CandidacyFactory(
        organisation=cell,
        person=PersonFactory(organisation=cell, given_name=given),
        stage=stage,
        next_action=str(action),
        next_due=due,
    )


@pytest.fixture
def dossiers(tree):
    a1, a2, b1 = tree["cell_a1"], tree["cell_a2"], tree["cell_b1"]
    return {
        "late": dossier(a1, "Trễ", DossierAction.BRANCH_VOTE, TODAY - dt.timedelta(days=3)),
        "soon": dossier(a2, "Gần", DossierAction.RECORD_OPINIONS, TODAY + dt.timedelta(days=5)),
        "month": dossier(a1, "Tháng", DossierAction.BRANCH_VOTE, TODAY + dt.timedelta(days=20)),
        "far": dossier(a1, "Xa", DossierAction.BRANCH_VOTE, TODAY + dt.timedelta(days=90)),
        "decide": dossier(
            a2,
            "Quyết",
            DossierAction.ADMISSION_DECISION,
            TODAY + dt.timedelta(days=12),
            stage=Stage.COMMITTEE_RESOLVED,
        ),
        "vote": dossier(
            a1,
            "Biểu",
            DossierAction.COMMITTEE_VOTE,
            TODAY - dt.timedelta(days=1),
            stage=Stage.BRANCH_RESOLVED,
        ),
        "other": dossier(b1, "Khác", DossierAction.BRANCH_VOTE, TODAY - dt.timedelta(days=9)),
    }


def keys(items):
    return [i.object_key for i in items]


def key(candidacy):
    return f"candidacy:{candidacy.pk}"


def test_sources_read_the_stored_deadlines_inside_the_scope(tree, dossiers):
    clerk = user_with_role(tree["cell_a1"], Role.CLERK)
    assert keys(dossiers_overdue(clerk, TODAY)) == [key(dossiers["late"]), key(dossiers["vote"])]
    assert keys(dossiers_due(clerk, TODAY)) == [key(dossiers["month"])]
    # A cell's clerk sits on no committee: nothing waits for them.
    assert list(committee_decisions(clerk, TODAY)) == []


def test_decisions_wait_at_the_competent_committee(tree, dossiers):
    # make_tree: cells under a grassroots committee under the commune; the grassroots
    # committee votes, the commune's standing committee decides (today's rule).
    commune = user_with_role(tree["commune_a"], Role.APPROVER)
    grassroots = user_with_role(tree["grassroots_a"], Role.CLERK)
    province = user_with_role(tree["province"], Role.ADMINISTRATOR)
    assert keys(committee_decisions(commune, TODAY)) == [key(dossiers["decide"])]
    assert keys(committee_decisions(grassroots, TODAY)) == [key(dossiers["vote"])]
    assert list(committee_decisions(province, TODAY)) == []
    item = next(iter(committee_decisions(commune, TODAY)))
    assert "chờ Đảng bộ xã A" in item.detail
    assert item.url == reverse("candidacies:detail", args=[dossiers["decide"].pk])


def test_the_list_is_sorted_by_due_once_per_dossier_and_filtered(
    tree, dossiers, only_dossier_sources, django_assert_max_num_queries
):
    user = user_with_role(tree["grassroots_a"], Role.CLERK)
    with django_assert_max_num_queries(8):
        items = work_list(actor=user, today=TODAY)
    # The committee's vote is overdue too: listed once, as the committee's.
    assert [(i.object_key, i.kind) for i in items] == [
        (key(dossiers["late"]), "dossier_overdue"),
        (key(dossiers["vote"]), "committee_decision"),
        (key(dossiers["soon"]), "dossier_due"),
        (key(dossiers["decide"]), "dossier_due"),
        (key(dossiers["month"]), "dossier_due"),
    ]
    assert key(dossiers["far"]) not in keys(items)  # beyond 30 days
    assert key(dossiers["other"]) not in keys(items)  # another commune
    assert keys(work_filter(items, today=TODAY, due="overdue")) == [
        key(dossiers["late"]),
        key(dossiers["vote"]),
    ]
    assert keys(work_filter(items, today=TODAY, due="7d")) == [key(dossiers["soon"])]
    assert len(work_filter(items, today=TODAY, due="30d")) == 3
    assert keys(work_filter(items, today=TODAY, kind="committee_decision")) == [
        key(dossiers["vote"])
    ]
    assert work_filter(items, today=TODAY, kind="nonsense") == []


def test_the_query_count_does_not_grow_with_dossiers(
    tree, only_dossier_sources, django_assert_max_num_queries
):
    user = user_with_role(tree["commune_a"], Role.APPROVER)
    for index in range(40):
        dossier(
            tree["cell_a1"],
            f"Người{index}",
            DossierAction.ADMISSION_DECISION,
            TODAY + dt.timedelta(days=index % 20),
            stage=Stage.COMMITTEE_RESOLVED,
        )
    with django_assert_max_num_queries(8):
        items = work_list(actor=user, today=TODAY)
    assert len(items) == 40


@pytest.fixture
def today_dossiers(tree):
    today = timezone.localdate()
    return {
        "late": dossier(
            tree["cell_a1"], "Trễ", DossierAction.BRANCH_VOTE, today - dt.timedelta(days=2)
        ),
        "soon": dossier(
            tree["cell_a1"], "Gần", DossierAction.BRANCH_VOTE, today + dt.timedelta(days=3)
        ),
        "other": dossier(
            tree["cell_b1"], "Khác", DossierAction.BRANCH_VOTE, today - dt.timedelta(days=2)
        ),
    }


def test_home_page_lists_work_above_the_organisations_and_audits(client, tree, today_dossiers):
    clerk = user_with_role(tree["commune_a"], Role.CLERK)
    client.force_login(clerk)
    response = client.get(reverse("home"))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Việc của tôi" in text
    assert "Nguyễn Văn Trễ" in text and "Nguyễn Văn Gần" in text
    assert "Nguyễn Văn Khác" not in text
    assert text.index("Nguyễn Văn Trễ") < text.index("Nguyễn Văn Gần") < text.index("roots-heading")
    assert response.context["counts"] == {"overdue": 1, "7d": 1, "30d": 1}
    assert response.context["roots"] == [tree["commune_a"]]
    entry = AuditEntry.objects.filter(summary="Xem việc của tôi").latest("id")
    assert sorted(entry.data["ids"]) == sorted(
        [today_dossiers["late"].pk, today_dossiers["soon"].pk]
    )
    assert sorted(entry.data["person_ids"]) == sorted(
        [today_dossiers["late"].person_id, today_dossiers["soon"].person_id]
    )

    overdue = client.get(reverse("home"), {"due": "overdue"}).content.decode()
    assert "Nguyễn Văn Trễ" in overdue and "Nguyễn Văn Gần" not in overdue
    # A bad filter value is shown as an error, the list stays whole.
    bad = client.get(reverse("home"), {"due": "tomorrow"})
    assert bad.status_code == 200 and len(mine(bad.context["page"].object_list)) == 2


def test_home_page_paginates(client, tree):
    today = timezone.localdate()
    for index in range(55):
        dossier(tree["cell_a1"], f"Người{index}", DossierAction.BRANCH_VOTE, today)
    client.force_login(user_with_role(tree["commune_a"], Role.CLERK))
    first = client.get(reverse("home"), {"due": "7d"})
    assert len(first.context["page"].object_list) == 50
    second = client.get(reverse("home"), {"due": "7d", "page": 2})
    assert len(second.context["page"].object_list) == 5


def test_api_lists_filters_and_refuses_unknown_values(tree, today_dossiers):
    clerk = user_with_role(tree["commune_a"], Role.CLERK)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer_key(clerk)}")
    body = api.get("/api/v1/work/", {"page_size": 500}).json()
    results = [r for r in body["results"] if r["kind"] in MINE]
    assert len(results) == 2
    first = results[0]
    assert first["object_key"] == f"candidacy:{today_dossiers['late'].pk}"
    assert first["kind"] == "dossier_overdue" and first["overdue"] is True
    assert first["kind_label"] == "Hồ sơ quá hạn"
    assert first["url"] == reverse("candidacies:detail", args=[today_dossiers["late"].pk])
    assert first["organisation"] == tree["cell_a1"].pk
    only = api.get("/api/v1/work/", {"due": "7d"}).json()
    assert [r["object_key"] for r in only["results"]] == [f"candidacy:{today_dossiers['soon'].pk}"]
    assert api.get("/api/v1/work/", {"kind": "dossier_due"}).json()["count"] == 1
    wrong = api.get("/api/v1/work/", {"kind": "khong-co"})
    assert wrong.status_code == 400 and "kind" in wrong.json()["error"]["fields"]
    assert api.get("/api/v1/work/", {"due": "mai"}).status_code == 400
    other = user_with_role(tree["commune_b"], Role.CLERK)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer_key(other)}")
    assert [
        r["object_key"] for r in api.get("/api/v1/work/").json()["results"] if r["kind"] in MINE
    ] == [f"candidacy:{today_dossiers['other'].pk}"]


def test_an_authorised_grassroots_committee_decides_itself(tree, dossiers):
    grassroots = tree["grassroots_a"]
    grassroots.authorised_to_admit = True
    grassroots.save(update_fields=["authorised_to_admit"])
    committee = user_with_role(grassroots, Role.APPROVER)
    commune = user_with_role(tree["commune_a"], Role.APPROVER)
    assert key(dossiers["decide"]) in keys(committee_decisions(committee, TODAY))
    assert list(committee_decisions(commune, TODAY)) == []
