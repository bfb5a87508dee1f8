"""The inbox, its count in the header, marking read (only one's own), the preferences, and
the API: GET /api/v1/notifications/, POST /api/v1/notifications/read/."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from ptdv.audit.models import AuditEntry
from ptdv.core.roles import Role
from ptdv.factories import bearer_key, user_with_role
from ptdv.notifications.models import Notification, NotificationPreference
from ptdv.notifications.services import Notice, notify, notify_many, preference_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(tree):
    clerk = user_with_role(tree["commune_a"], Role.CLERK)
    other = user_with_role(tree["commune_b"], Role.CLERK)
    for index in range(3):
        notify(
            kind="request_received",
            title=f"Yêu cầu thẩm tra số {index}",
            object_key=f"request:{index}",
            organisation=tree["cell_a1"],
            url=f"/candidacies/{index}/",
        )
    notify(
        kind="request_received",
        title="Yêu cầu của xã B",
        object_key="request:b",
        organisation=tree["commune_b"],
    )
    return {"clerk": clerk, "other": other}


def test_inbox_lists_ones_own_and_the_header_count_comes_by_htmx(client, people):
    client.force_login(people["clerk"])
    page = client.get(reverse("notifications:inbox"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Yêu cầu thẩm tra số 2" in text and "Yêu cầu của xã B" not in text
    assert page.context["unread"] == 3
    home = client.get(reverse("home")).content.decode()
    assert f'hx-get="{reverse("notifications:count")}"' in home
    badge = client.get(reverse("notifications:count")).content.decode()
    assert 'id="notification-count"' in badge and ">3<" in badge


def test_opening_a_notification_marks_it_read_and_goes_there(client, people):
    client.force_login(people["clerk"])
    first = Notification.objects.filter(user=people["clerk"]).order_by("pk").first()
    response = client.post(reverse("notifications:read"), {"ids": [first.pk], "next": first.url})
    assert response.status_code == 302 and response["Location"] == first.url
    first.refresh_from_db()
    assert first.read_at is not None
    assert AuditEntry.objects.filter(summary="Đánh dấu đã đọc thông báo").count() == 1
    # Somebody else's id changes nothing; an outside `next` is not followed.
    theirs = Notification.objects.get(user=people["other"])
    response = client.post(
        reverse("notifications:read"), {"ids": [theirs.pk], "next": "https://example.org/"}
    )
    assert response["Location"] == reverse("notifications:inbox")
    theirs.refresh_from_db()
    assert theirs.read_at is None
    client.post(reverse("notifications:read"), {"all": "1"})
    assert not Notification.objects.filter(user=people["clerk"], read_at__isnull=True).exists()
    assert client.get(reverse("notifications:count")).content.decode().strip() == ""


def test_api_lists_and_marks_read(people):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer_key(people['clerk'])}")
    body = api.get("/api/v1/notifications/").json()
    assert body["count"] == 3
    assert body["results"][0]["kind_label"] == "Yêu cầu đến"
    ids = [r["id"] for r in body["results"][:2]]
    theirs = Notification.objects.get(user=people["other"]).pk
    answer = api.post("/api/v1/notifications/read/", {"ids": [*ids, theirs]}, format="json")
    assert answer.status_code == 200 and answer.json() == {"marked": 2, "unread": 1}
    assert api.get("/api/v1/notifications/", {"unread": "true"}).json()["count"] == 1
    assert api.get("/api/v1/notifications/", {"kind": "khong-co"}).status_code == 400
    assert api.post("/api/v1/notifications/read/", {}, format="json").status_code == 422
    assert api.post("/api/v1/notifications/read/", {"all": True}, format="json").json() == {
        "marked": 1,
        "unread": 0,
    }
    assert Notification.objects.get(pk=theirs).read_at is None


def test_preferences_mute_kinds_and_the_digest(client, tree, people):
    client.force_login(people["clerk"])
    assert client.get(reverse("notifications:preferences")).status_code == 200
    response = client.post(
        reverse("notifications:preferences"), {"kinds": ["dossier_due", "dossier_overdue"]}
    )
    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=people["clerk"])
    assert "request_received" in preference.muted_kinds and preference.digest is False
    assert (
        notify(
            kind="request_received",
            title="Yêu cầu mới",
            object_key="request:9",
            organisation=tree["commune_a"],
        )
        == 0
    )
    assert notify_many([Notice("dossier_due", "Hồ sơ", "candidacy:1", tree["commune_a"])]) == 1
    stale = client.post(
        reverse("notifications:preferences"), {"kinds": [], "version": preference.version - 1}
    )
    assert stale.status_code == 409
    with pytest.raises(Exception, match="muted_kinds"):
        preference_update(actor=people["clerk"], muted_kinds=["khong-co"], digest=True)


def test_notify_many_finds_the_nearest_people_in_one_go(tree, django_assert_max_num_queries):
    commune = user_with_role(tree["commune_a"], Role.CLERK)
    cell = user_with_role(tree["cell_a2"], Role.CLERK)
    notices = [
        Notice(
            "dossier_due", f"Hồ sơ {i}", f"candidacy:{i}", tree["cell_a1" if i % 2 else "cell_a2"]
        )
        for i in range(30)
    ]
    with django_assert_max_num_queries(8):
        assert notify_many(notices) == 30
    assert commune.notifications.count() == 15 and cell.notifications.count() == 15
