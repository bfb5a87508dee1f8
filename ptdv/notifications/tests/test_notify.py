"""notify(): the nearest organisation with people is told, once per object."""

from __future__ import annotations

import pytest

from ptdv.core.roles import Role
from ptdv.factories import make_tree, user_with_role
from ptdv.notifications.models import Notification
from ptdv.notifications.services import notify, recipients

pytestmark = pytest.mark.django_db


def test_the_nearest_organisation_with_people_is_told_once() -> None:
    tree = make_tree()
    commune_clerk = user_with_role(tree["commune_a"], Role.CLERK)
    user_with_role(tree["province"], Role.ADMINISTRATOR)  # further up: not told
    user_with_role(tree["commune_b"], Role.CLERK)  # another commune: never told
    viewer = user_with_role(tree["commune_a"], Role.VIEWER)  # below the role asked for

    assert recipients(tree["cell_a1"]) == [commune_clerk]
    told = notify(
        kind="dossier_overdue",
        title="Nguyễn Văn An — quá hạn",
        object_key="candidacy:1",
        organisation=tree["cell_a1"],
    )
    again = notify(
        kind="dossier_overdue",
        title="Nguyễn Văn An — quá hạn",
        object_key="candidacy:1",
        organisation=tree["cell_a1"],
    )

    assert (told, again) == (1, 0)
    assert list(Notification.objects.values_list("user", flat=True)) == [commune_clerk.pk]
    assert viewer.notifications.count() == 0


def test_an_unknown_kind_is_refused() -> None:
    tree = make_tree()
    with pytest.raises(ValueError):
        notify(kind="nonsense", title="x", object_key="x:1", organisation=tree["province"])
