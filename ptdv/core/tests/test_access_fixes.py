"""The doors the access matrix found open or misbehaving, each pinned by a direct test."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from ptdv.accounts.models import Role
from ptdv.candidacies.models import CandidacyEvent
from ptdv.factories import CandidacyFactory, PersonFactory, user_with_role
from ptdv.people.models import Person
from ptdv.targets.models import SnapshotRun

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_viewer_gets_403_on_an_action_whatever_the_body(tree) -> None:
    """The role is judged before the facts: an empty body does not turn a 403 into a 400."""
    candidacy = CandidacyFactory(organisation=tree["cell_a1"])
    viewer = api(user_with_role(tree["commune_a"], Role.VIEWER))
    url = f"/api/v1/candidacies/{candidacy.pk}/actions/branch_vote/"
    assert viewer.post(url, {}, format="json").status_code == 403
    clerk = api(user_with_role(tree["commune_a"], Role.CLERK))
    assert clerk.post(url, {}, format="json").status_code == 400
    outsider = api(user_with_role(tree["commune_b"], Role.ADMINISTRATOR))
    assert outsider.post(url, {}, format="json").status_code == 404
    assert not CandidacyEvent.objects.filter(candidacy=candidacy).exists()


def test_the_json_suffix_of_an_action_is_answered(tree) -> None:
    candidacy = CandidacyFactory(organisation=tree["cell_a1"])
    clerk = api(user_with_role(tree["commune_a"], Role.CLERK))
    response = clerk.post(
        f"/api/v1/candidacies/{candidacy.pk}/actions/withdraw.json",
        {"reason": "Xin rút"},
        format="json",
    )
    assert response.status_code == 200
    candidacy.refresh_from_db()
    assert candidacy.stage == "closed"


def test_view_on_site_is_404_outside_the_subtree(tree) -> None:
    """Django's own link redirected to any object's page, telling that the id exists."""
    inside = PersonFactory(organisation=tree["cell_a1"])
    outside = PersonFactory(organisation=tree["cell_b1"])
    browser = Client()
    browser.force_login(user_with_role(tree["commune_a"], Role.VIEWER, is_staff=True))
    content_type = ContentType.objects.get_for_model(Person).pk
    url = lambda person: reverse("admin:view_on_site", args=[content_type, person.pk])  # noqa: E731
    assert browser.get(url(inside)).status_code == 302
    assert browser.get(url(outside)).status_code == 404
    assert (
        browser.get(reverse("admin:view_on_site", args=[content_type, 999999])).status_code == 404
    )


def test_snapshot_named_as_needs_the_root_administrator(tree) -> None:
    """The snapshot counts every organisation: a commune's administrator may not retake it."""
    user_with_role(tree["commune_a"], Role.ADMINISTRATOR, username="qt-xa")
    user_with_role(tree["province"], Role.ADMINISTRATOR, username="qt-tinh")
    args = ["targets", "snapshot", "--year", "2025", "--today", "01/10/2025"]
    with pytest.raises(CommandError, match="không quản trị tổ chức đảng cấp cao nhất"):
        call_command(*args, "--as", "qt-xa")
    assert not SnapshotRun.objects.exists()
    call_command(*args, "--as", "qt-tinh")
    assert SnapshotRun.objects.get().taken_by.username == "qt-tinh"
