"""The commune A committee inspects cell A1: clerks of both sides, a viewer of the province,
a clerk of commune B (outside both sides)."""

from __future__ import annotations

import datetime as dt

import pytest

from ptdv.accounts.models import Role
from ptdv.factories import user_with_role
from ptdv.inspections.services import InspectionData, inspection_create

TODAY = dt.date.today()


@pytest.fixture
def body_clerk(tree):
    return user_with_role(tree["commune_a"], Role.CLERK, username="ub-kiem-tra")


@pytest.fixture
def cell_clerk(tree):
    return user_with_role(tree["cell_a1"], Role.CLERK, username="chi-bo-a1")


@pytest.fixture
def cell_viewer(tree):
    return user_with_role(tree["cell_a1"], Role.VIEWER, username="xem-a1")


@pytest.fixture
def clerk_b(tree):
    return user_with_role(tree["commune_b"], Role.CLERK, username="clerk-b")


def make(actor, body, organisation, **extra):
    values = {
        "kind": "inspection",
        "body": body.pk,
        "organisation": organisation.pk,
        "subject": "Kiểm tra công tác tạo nguồn, kết nạp đảng viên năm 2026",
        "starts_on": TODAY - dt.timedelta(days=40),
        "ends_on": TODAY - dt.timedelta(days=35),
        "inspectors": "Nguyễn Văn Trưởng — Trưởng đoàn\n  \nTrần Thị Viên — thành viên",
        "findings": "Chưa lập kế hoạch bồi dưỡng nguồn.",
    }
    values.update(extra)
    return inspection_create(actor=actor, data=InspectionData(**values))


@pytest.fixture
def inspection(tree, body_clerk):
    return make(body_clerk, tree["commune_a"], tree["cell_a1"])
