"""A dossier taken through every step to an official member, with what its forms print."""

from __future__ import annotations

import datetime as dt

import pytest

from ptdv.accounts.models import Role
from ptdv.candidacies.workflow import candidacy_act
from ptdv.documents.models import Relation, Signer, SignerCapacity
from ptdv.documents.services import RelativeData, relative_create
from ptdv.factories import CandidacyFactory, MembershipFactory, PersonFactory, user_with_role
from ptdv.members.models import PartyMembership
from ptdv.organisations.models import Organisation


def act(user, candidacy, action, **data):
    return candidacy_act(actor=user, candidacy_id=candidacy.pk, action=action, data=data)


@pytest.fixture
def private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def approver(tree):
    return user_with_role(tree["commune_a"], Role.APPROVER)


@pytest.fixture
def dossier_cell(tree):
    cell = tree["cell_a1"]
    Organisation.objects.filter(pk=tree["province"].pk).update(
        place_name="Hà Tĩnh", name="Đảng bộ tỉnh Hà Tĩnh"
    )
    Organisation.objects.filter(pk=tree["commune_a"].pk).update(abbreviation="ĐU")
    for _ in range(9):
        MembershipFactory(organisation=cell)
    Signer.objects.create(
        organisation=tree["commune_a"], name="Trần Văn Quyết", title="BÍ THƯ", is_default=True
    )
    Signer.objects.create(
        organisation=tree["commune_a"],
        name="Phạm Thị Phó",
        title="PHÓ BÍ THƯ",
        capacity=SignerCapacity.DEPUTY,
    )
    Signer.objects.create(organisation=cell, name="Lê Văn Chi", title="BÍ THƯ", is_default=True)
    cell.refresh_from_db()
    return cell


@pytest.fixture
def official_candidacy(tree, dossier_cell, approver):
    """Nguyễn Thị Hoa: certificate 20/05/2024 … official member decided on 05/05/2026."""
    cell = dossier_cell
    person = PersonFactory(
        organisation=cell,
        family_name="Nguyễn",
        middle_name="Thị",
        given_name="Hoa",
        gender="female",
        birth_date=dt.date(2000, 3, 5),
        education="university",
        occupation="public_service",
        workplace="Trường Tiểu học Thạch Hà",
        youth_union_member=True,
    )
    helper = PartyMembership.objects.filter(organisation=cell, status="official").first()
    candidacy = CandidacyFactory(
        person=person, organisation=cell, opened_on=dt.date(2024, 1, 10), helper=helper
    )
    relative_create(
        actor=approver,
        person=person,
        data=RelativeData(
            relation=Relation.FATHER,
            full_name="Nguyễn Văn Cha",
            birth_year=1970,
            occupation="Nông dân",
            residence="Thôn A1, xã A",
            political_history="Không tham gia tổ chức phản động.",
            party_member=True,
        ),
    )
    relative_create(
        actor=approver,
        person=person,
        data=RelativeData(relation=Relation.MOTHER, full_name="Trần Thị Mẹ", birth_year=1972),
    )
    u = approver
    act(
        u,
        candidacy,
        "record_certificate",
        date="2024-06-01",
        certificate_date="2024-05-20",
        document={"number": "45-GCN/ĐU", "date": "2024-05-20", "signer": "Trần Văn Quyết"},
    )
    act(
        u,
        candidacy,
        "record_application",
        date="2024-10-06",
        application_date="2024-10-01",
        history_date="2024-10-05",
    )
    act(u, candidacy, "record_verification", date="2024-12-01", concluded_on="2024-12-01")
    act(u, candidacy, "record_opinions", date="2024-12-15", opinions_date="2024-12-15")
    act(
        u,
        candidacy,
        "record_introduction",
        date="2024-12-10",
        kind="member",
        membership=helper.pk,
        months_together=14,
        introduced_on="2024-12-10",
    )
    act(
        u,
        candidacy,
        "record_introduction",
        date="2024-12-12",
        kind="youth_union_committee",
        introduced_on="2024-12-12",
        document={"number": "07-NQ/ĐTN"},
    )
    act(
        u,
        candidacy,
        "branch_vote",
        date="2025-03-03",
        vote={"summoned": 9, "present": 8, "agree": 8},
        document={"number": "3-NQ/CB", "date": "2025-03-03", "signer": "Lê Văn Chi"},
    )
    act(u, candidacy, "committee_vote", date="2025-03-10", vote={"agree": 6, "body_size": 7})
    act(
        u,
        candidacy,
        "admission_decision",
        date="2025-04-01",
        vote={"agree": 5, "body_size": 9},
        document={"number": "Số 12-QĐ/ĐU", "date": "2025-04-01", "signer": "Phạm Thị Phó"},
    )
    act(u, candidacy, "ceremony", date="2025-04-21", decision_received_date="2025-04-03")
    act(u, candidacy, "record_newmember_course", date="2025-09-01")
    act(u, candidacy, "recognition_vote", date="2026-04-22", vote={"agree": 9})
    act(u, candidacy, "recognition_decision", date="2026-05-05", vote={"agree": 6, "body_size": 9})
    candidacy.refresh_from_db()
    assert candidacy.stage == "official"
    return candidacy
