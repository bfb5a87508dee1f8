"""A target amendment names the group sub-target it changes in its body: it is looked up
among the page's own target's sub-targets in the service; another target's sub-target, or an
absent one, is a field error and nothing changes (it used to amend the main target instead)."""

import pytest
from django.core.exceptions import ValidationError

from ptdv.core.tests.state import db_state
from ptdv.targets.models import Target
from ptdv.targets.services import target_amend, target_approve, target_lock, target_set
from ptdv.targets.services import target_set_group as set_group
from ptdv.targets.tests.scenario import TODAY, YEAR, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tree, monkeypatch):
    world = {"tree": tree, **build(tree)}
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)
    admin = world["user"]
    locked = {}
    for key in ("commune_a", "commune_b"):
        target = target_set(actor=admin, organisation=tree[key], year=YEAR, number=2)
        set_group(actor=admin, organisation=tree[key], year=YEAR, group="youth", number=1)
        locked[key] = target_lock(actor=admin, target=target_approve(actor=admin, target=target))
    world["locked"] = locked
    return world


def test_a_sub_target_of_another_target_is_not_found(world):
    admin, target = world["user"], world["locked"]["commune_a"]
    foreign = Target.objects.get(parent=world["locked"]["commune_b"], group="youth")
    before = db_state()
    messages = []
    for named in (foreign.pk, 987654, "x"):
        with pytest.raises(ValidationError) as info:
            target_amend(actor=admin, target=target, group_target=named, number=2, reason="Bổ sung")
        messages.append(info.value.message_dict)
    assert messages == [{"target": ["Không tìm thấy chỉ tiêu theo nhóm này."]}] * 3
    assert db_state() == before


def test_the_target_page_changes_nothing_for_a_foreign_sub_target(client, world):
    admin, target = world["user"], world["locked"]["commune_a"]
    foreign = Target.objects.get(parent=world["locked"]["commune_b"], group="youth")
    client.force_login(admin)
    url = f"/targets/target/{target.pk}/"
    before = db_state("targets.Target", "targets.TargetAmendment")
    response = client.post(
        url, {"step": "amend", "target": foreign.pk, "number": "2", "reason": "Bổ sung"}
    )
    assert response.status_code == 200
    assert "Không tìm thấy chỉ tiêu theo nhóm này." in response.content.decode()
    assert db_state("targets.Target", "targets.TargetAmendment") == before
    own = Target.objects.get(parent=target, group="youth")
    response = client.post(
        url, {"step": "amend", "target": own.pk, "number": "2", "reason": "Bổ sung"}
    )
    assert response.status_code == 302
    assert Target.objects.get(pk=own.pk).number == 2
    assert Target.objects.get(pk=target.pk).number == 2
