"""Importing the system's own templates after editing them with openpyxl, for every kind."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ptdv.accounts.models import Assignment, Role, User
from ptdv.audit.models import AuditEntry
from ptdv.candidacies.counters import organisation_counter_mismatches
from ptdv.candidacies.models import Candidacy, CandidacyEvent
from ptdv.exchange.services import import_workbook
from ptdv.exchange.tests.conftest import candidate, filled_template
from ptdv.factories import LocalityFactory, MembershipFactory, user_with_role
from ptdv.members.models import PartyMembership
from ptdv.organisations.models import Locality, Organisation
from ptdv.people.crypto import national_id_decrypt
from ptdv.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(tree):
    return user_with_role(tree["commune_a"], Role.CLERK)


@pytest.fixture
def admin(tree):
    return user_with_role(tree["commune_a"], Role.ADMINISTRATOR)


def test_candidates_round_trip(tree, clerk, tmp_path):
    locality = LocalityFactory(organisation=tree["commune_a"], code="TH-01")
    path = filled_template(
        tmp_path,
        "candidates",
        [
            candidate(residence_locality="TH-01"),
            candidate(given_name="Lan", national_id="", birth_date=dt.date(1999, 12, 31),
                      organisation="Ca2", target_groups=""),
        ],
    )  # fmt: skip
    outcome = import_workbook(actor=clerk, path=path, kind="candidates")
    assert outcome.status == "imported", (outcome.message, outcome.errors)
    assert outcome.written == 2
    mai = Person.objects.get(given_name="Mai")
    assert mai.birth_date == dt.date(2001, 9, 5)
    assert mai.residence_locality == locality
    assert mai.target_groups == ["public_service", "pupil_student"]
    assert mai.youth_union_member and mai.gender == "female"
    assert national_id_decrypt(mai.national_id_encrypted) == "042301000001"
    candidacy = Candidacy.objects.get(person=mai)
    assert candidacy.stage == "source" and candidacy.source_channel == "youth_union"
    assert candidacy.opened_on == dt.date(2026, 2, 1)
    assert candidacy.next_action == "record_certificate"
    assert Candidacy.objects.get(person__given_name="Lan").organisation == tree["cell_a2"]
    assert organisation_counter_mismatches() == []
    tree["province"].refresh_from_db()
    assert tree["province"].candidate_count == 2
    entry = AuditEntry.objects.get(action="import")
    assert entry.actor == clerk and entry.data["rows"] == 2


def test_dry_run_writes_nothing(tree, clerk, tmp_path):
    path = filled_template(tmp_path, "candidates", [candidate()])
    outcome = import_workbook(actor=clerk, path=path, kind="candidates", dry_run=True)
    assert outcome.status == "checked", outcome.message
    assert not Person.objects.exists() and not Candidacy.objects.exists()
    assert not AuditEntry.objects.filter(action="import").exists()
    tree["province"].refresh_from_db()
    assert tree["province"].candidate_count == 0


def test_organisations_and_localities(tree, admin, tmp_path):
    path = filled_template(
        tmp_path,
        "organisations",
        [
            {"code": "GC", "name": "Đảng bộ cơ sở C", "kind": "Đảng bộ cơ sở", "parent": "Xa",
             "authorised_to_admit": "Có", "place_name": "Thạch Hà"},
            {"code": "CC1", "name": "Chi bộ thôn C1", "kind": "Chi bộ", "parent": "GC",
             "area_flags": "Miền núi; Biên giới", "has_youth_union": "Không",
             "abbreviation": "CB", "valid_from": "01/01/2020"},
        ],
    )  # fmt: skip
    outcome = import_workbook(actor=admin, path=path, kind="organisations")
    assert outcome.status == "imported", (outcome.message, outcome.errors)
    grassroots = Organisation.objects.get(code="GC")
    cell = Organisation.objects.get(code="CC1")
    assert cell.parent == grassroots and grassroots.parent == tree["commune_a"]
    assert cell.path.startswith(grassroots.path)
    assert grassroots.authorised_to_admit and grassroots.place_name == "Thạch Hà"
    assert cell.area_flags == ["border", "mountainous"] and not cell.has_youth_union
    assert cell.valid_from == dt.date(2020, 1, 1)
    path = filled_template(
        tmp_path,
        "localities",
        [{"code": "TC1", "name": "Thôn C1", "kind": "Thôn", "organisation": "Xa", "cell": "CC1"}],
    )
    outcome = import_workbook(actor=admin, path=path, kind="localities")
    assert outcome.status == "imported", outcome.errors
    assert Locality.objects.get(code="TC1").cell == cell
    clerk = user_with_role(tree["commune_a"], Role.CLERK)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        import_workbook(actor=clerk, path=path, kind="localities")


def test_users_with_assignments(tree, admin, tmp_path):
    path = filled_template(
        tmp_path,
        "users",
        [
            {"username": "cb.a1", "full_name": "Lê Thị Nhập", "organisation": "Ca1",
             "role": "Nhập liệu", "password": "mat-khau-rat-dai-2026"},
            {"username": "cb.a1", "organisation": "Ca2", "role": "Xem"},
            {"username": "xa.a", "organisation": "Xa", "role": "Phê duyệt"},
        ],
    )  # fmt: skip
    outcome = import_workbook(actor=admin, path=path, kind="users")
    assert outcome.status == "imported", outcome.errors
    user = User.objects.get(username="cb.a1")
    assert user.check_password("mat-khau-rat-dai-2026") and user.full_name == "Lê Thị Nhập"
    assert set(Assignment.objects.filter(user=user).values_list("organisation__code", "role")) == {
        ("Ca1", "clerk"),
        ("Ca2", "viewer"),
    }
    assert not User.objects.get(username="xa.a").has_usable_password()


def test_members_with_history(tree, clerk, tmp_path):
    person = {
        "family_name": "Phan", "middle_name": "Văn", "given_name": "Sử",
        "birth_date": "02/02/1970", "gender": "Nam", "national_id": "042070000009",
    }  # fmt: skip
    path = filled_template(
        tmp_path,
        "members",
        [
            {**person, "organisation": "Ca1", "status": "Đã chuyển đi",
             "ceremony_date": "03/02/1995", "official_date": "03/02/1996",
             "exit_date": "01/06/2010", "exit_reason": "Chuyển sinh hoạt đảng"},
            {**person, "organisation": "Ca2", "status": "Chính thức",
             "ceremony_date": "03/02/1995", "official_date": "03/02/1996"},
            {"family_name": "Đỗ", "given_name": "Mới", "birth_date": "01/01/2000",
             "gender": "Nữ", "organisation": "Ca2", "status": "Dự bị",
             "admission_decision_date": "01/10/2025", "ceremony_date": "20/10/2025"},
        ],
    )  # fmt: skip
    outcome = import_workbook(actor=clerk, path=path, kind="members")
    assert outcome.status == "imported", outcome.errors
    su = Person.objects.get(given_name="Sử")
    assert su.organisation == tree["cell_a2"]
    assert sorted(PartyMembership.objects.filter(person=su).values_list("status", flat=True)) == [
        "official",
        "transferred_out",
    ]
    tree["cell_a2"].refresh_from_db()
    assert tree["cell_a2"].member_count == 2
    assert organisation_counter_mismatches() == []


def test_dossiers_in_progress_are_checked_and_flagged(tree, clerk, tmp_path):
    for _ in range(9):
        MembershipFactory(organisation=tree["cell_a1"])
    ok = candidate(
        national_id="042301000011", stage="Chi bộ đã đề nghị kết nạp",
        certificate_date="20/05/2025", certificate_number="12-GCN/ĐU",
        application_date="01/10/2025", history_date="05/10/2025",
        verification_date="01/12/2025",
        introduction_form="BCH Đoàn cơ sở và một đảng viên chính thức",
        introduction_date="10/12/2025", opinions_date="15/12/2025",
        branch_date="02/03/2026", branch_number="3-NQ/CB", branch_official=9, branch_agree=8,
    )  # fmt: skip
    old = candidate(
        national_id="042301000012", given_name="Cũ", birth_date="01/01/1990",
        stage="Đảng viên chính thức", certificate_date="01/03/2019",
        application_date="01/04/2019", history_date="02/04/2019",
        verification_date="01/05/2019", introduction_form="Hai đảng viên chính thức",
        introduction_date="01/05/2019", opinions_date="05/05/2019",
        branch_date="01/06/2019", branch_agree=9, branch_official=9,
        committee_date="10/06/2019", committee_size=7, committee_agree=6,
        decision_date="01/07/2019", decision_number="45-QĐ/ĐU", decision_signer="Trần Văn Ký",
        decision_size=9, decision_agree=7, ceremony_date="15/07/2019",
        newmember_course_date="01/12/2019", recognition_date="20/07/2020", recognition_agree=9,
        recognition_decision_date="01/08/2020", recognition_decision_size=9,
        recognition_decision_agree=7,
    )  # fmt: skip
    short = candidate(
        national_id="042301000013", given_name="Thiếu", stage="Chi bộ đã đề nghị kết nạp",
        certificate_date="20/05/2025", application_date="01/10/2025", history_date="05/10/2025",
        opinions_date="15/12/2025", branch_date="02/03/2026", branch_agree=4, branch_official=9,
    )  # fmt: skip
    path = filled_template(tmp_path, "dossiers", [ok, old, short])
    outcome = import_workbook(actor=clerk, path=path, kind="dossiers")
    assert outcome.status == "imported", [(e.row, e.column, e.message) for e in outcome.errors]
    mai = Candidacy.objects.get(person__given_name="Mai")
    assert mai.stage == "branch_resolved" and mai.branch_resolution_date == dt.date(2026, 3, 2)
    events = {e.action: e for e in mai.events.all()}
    assert not any(e.flagged for e in events.values()), [e.warnings for e in events.values()]
    assert events["branch_vote"].document_number == "3-NQ/CB"
    assert events["record_certificate"].document_number == "12-GCN/ĐU"
    old_dossier = Candidacy.objects.get(person__given_name="Cũ")
    assert old_dossier.stage == "official"
    assert all(e.flagged for e in old_dossier.events.all())
    assert old_dossier.events.get(action="admission_decision").signer == "Trần Văn Ký"
    assert PartyMembership.objects.get(candidacy=old_dossier).status == "official"
    thieu = Candidacy.objects.get(person__given_name="Thiếu")
    vote = thieu.events.get(action="branch_vote")
    assert vote.flagged
    rules = {w["rule"] for w in vote.warnings}
    assert {"verification.done", "introducers.valid", "vote.branch_two_thirds"} <= rules
    assert organisation_counter_mismatches() == []
    assert any("rà soát" in w.message for w in outcome.warnings)
    assert CandidacyEvent.objects.filter(flagged=True).count() >= 13


def test_dossier_rows_must_match_their_stage(tree, clerk, tmp_path):
    rows = [
        candidate(stage="Chi bộ đã đề nghị kết nạp", certificate_date="20/05/2025"),
        candidate(national_id="042301000022", stage="Đã học lớp nhận thức về Đảng",
                  certificate_date="20/05/2025", ceremony_date="01/06/2025"),
        candidate(national_id="042301000023", stage="Đã có quyết định kết nạp",
                  certificate_date="20/05/2025", application_date="01/06/2025",
                  history_date="02/06/2025", branch_date="01/09/2025",
                  decision_date="01/08/2025", committee_date="05/09/2025"),
    ]  # fmt: skip
    outcome = import_workbook(
        actor=clerk, path=filled_template(tmp_path, "dossiers", rows), kind="dossiers"
    )
    assert outcome.status == "rejected"
    messages = {(e.row, e.column): e.message for e in outcome.errors}
    assert "cần cột" in messages[(3, "application_date")]
    assert "Không phù hợp" in messages[(4, "ceremony_date")]
    assert "đảo thứ tự" in messages[(5, "decision_date")]
    assert not Candidacy.objects.exists()


def test_command_imports_as_a_user(tree, clerk, tmp_path):
    path = filled_template(tmp_path, "candidates", [candidate()])
    call_command("import", str(path), "--kind", "candidates", "--as", clerk.username, "--dry-run")
    assert not Candidacy.objects.exists()
    call_command("import", str(path), "--kind", "candidates", "--as", clerk.username)
    assert Candidacy.objects.count() == 1
    errors_file = tmp_path / "loi.xlsx"
    with pytest.raises(CommandError):
        call_command(
            "import", str(path), "--kind", "candidates", "--as", clerk.username,
            "--errors-output", str(errors_file),
        )  # fmt: skip
    assert errors_file.exists()
    with pytest.raises(CommandError):
        call_command("import", str(path), "--kind", "candidates", "--as", "nobody")


def test_imported_dossier_continues_in_the_workflow_and_tallies_stay_exact(tree, clerk, tmp_path):
    """An `applied` dossier brought in from Excel keeps its introducers, so the cell's vote
    can be taken in PTĐV; the progress tallies count what the import wrote."""
    from ptdv.candidacies.tallies import aggregates_mismatches, aggregates_rebuild
    from ptdv.candidacies.workflow import candidacy_act

    for _ in range(9):
        MembershipFactory(organisation=tree["cell_a1"])
    aggregates_rebuild()  # the factories write rows without the services
    row = candidate(
        national_id="042301000021", stage="Đã có đơn và lý lịch",
        certificate_date="20/05/2025", application_date="01/10/2025", history_date="05/10/2025",
        verification_date="01/12/2025",
        introduction_form="BCH Đoàn cơ sở và một đảng viên chính thức",
        introduction_date="10/12/2025", opinions_date="15/12/2025",
    )  # fmt: skip
    path = filled_template(tmp_path, "dossiers", [row])
    outcome = import_workbook(actor=clerk, path=path, kind="dossiers")
    assert outcome.status == "imported", [(e.row, e.column, e.message) for e in outcome.errors]
    dossier = Candidacy.objects.get(person__national_id_hash__isnull=False, stage="applied")
    assert dossier.introducers.count() == 2
    assert aggregates_mismatches() == []
    approver = user_with_role(tree["commune_a"], Role.APPROVER)
    result = candidacy_act(
        actor=approver,
        candidacy_id=dossier.pk,
        action="branch_vote",
        data={"date": "2026-03-02", "vote": {"agree": 8}},
    )
    assert result.outcome == "passed"
    assert aggregates_mismatches() == []
