"""Clerks and a viewer of commune A and a clerk of commune B; a private files root."""

from __future__ import annotations

import datetime as dt

import pytest

from ptdv.accounts.models import Role
from ptdv.exemplars.services import ExemplarData, exemplar_create
from ptdv.factories import user_with_role

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def clerk_a(tree):
    return user_with_role(tree["commune_a"], Role.CLERK, username="clerk-a")


@pytest.fixture
def viewer_a(tree):
    return user_with_role(tree["commune_a"], Role.VIEWER, username="viewer-a")


@pytest.fixture
def clerk_b(tree):
    return user_with_role(tree["commune_b"], Role.CLERK, username="clerk-b")


def record(actor, organisation, **extra):
    values = {
        "organisation": organisation.pk,
        "field": "production",
        "deed": "Mô hình trồng bưởi Diễn cho thu nhập cao, giúp 12 hộ thoát nghèo.",
        "recognised_on": dt.date(2026, 3, 2),
        "name": "Phạm Văn Tiến",
    }
    values.update(extra)
    return exemplar_create(actor=actor, data=ExemplarData(**values))
