"""A dossier in training at cell A1 (commune A), the clerks of both communes, a private files
root for the signed scans."""

from __future__ import annotations

import datetime as dt

import pytest

from ptdv.accounts.models import Role
from ptdv.candidacies.models import Stage
from ptdv.correspondence.services import NewRequest, request_send
from ptdv.documents.models import Relation
from ptdv.documents.services import RelativeData, relative_create
from ptdv.factories import CandidacyFactory, PersonFactory, user_with_role

TODAY = dt.date.today()
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
WRITES = (
    "correspondence.OrganisationRequest",
    "candidacies.Candidacy",
    "candidacies.CandidacyEvent",
    "documents.Attachment",
    "documents.DocumentNumber",
    "people.Person",
)


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def clerk_a(tree):
    return user_with_role(tree["commune_a"], Role.CLERK, username="clerk-a")


@pytest.fixture
def clerk_b(tree):
    return user_with_role(tree["commune_b"], Role.CLERK, username="clerk-b")


@pytest.fixture
def dossier(tree, clerk_a):
    cell = tree["cell_a1"]
    person = PersonFactory(
        organisation=cell, family_name="Lê", middle_name="Thị", given_name="Xuyến"
    )
    relative_create(
        actor=clerk_a,
        person=person,
        data=RelativeData(relation=Relation.FATHER, full_name="Lê Văn Cha"),
    )
    relative_create(
        actor=clerk_a,
        person=person,
        data=RelativeData(
            relation=Relation.SPOUSE, full_name="Trần Văn Chồng", political_history="Bí mật"
        ),
    )
    return CandidacyFactory(
        person=person,
        organisation=cell,
        stage=Stage.TRAINED,
        certificate_date=TODAY - dt.timedelta(days=200),
    )


def send(actor, dossier, *, kind="verification", addressee=None, today=None, **extra):
    data = NewRequest(
        kind=kind,
        questions=extra.pop("questions", "Đề nghị thẩm tra lý lịch."),
        addressee=addressee,
        place=extra.pop("place", "residence" if kind == "verification" else ""),
        **extra,
    )
    return request_send(
        actor=actor,
        candidacy_id=dossier.pk,
        data=data,
        today=today or TODAY - dt.timedelta(days=10),
    )


@pytest.fixture
def verification(tree, clerk_a, dossier):
    return send(clerk_a, dossier, addressee=tree["commune_b"])
