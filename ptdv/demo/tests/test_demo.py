"""The demo province: real communes, determinism, consistency, accounts, counters."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, F

from ptdv.accounts.models import Assignment, Role, User
from ptdv.audit.models import AuditEntry
from ptdv.candidacies.counters import organisation_counter_mismatches, organisation_recount
from ptdv.candidacies.models import POOL_STAGES, Candidacy, Stage
from ptdv.demo.randomness import add_months
from ptdv.demo.wipe import domain_models
from ptdv.members.models import ACTIVE_STATUSES, MembershipStatus, PartyMembership
from ptdv.organisations.admin_units import communes_of
from ptdv.organisations.models import Kind, Locality, Organisation
from ptdv.organisations.services import organisation_create, path_step
from ptdv.people.crypto import national_id_decrypt
from ptdv.people.models import Person

# A tiny province: the 69 real communes and every bloc, a few members each (~1 s).
TINY = ("--members", "1500")


def load(*args: str) -> str:
    out = StringIO()
    call_command("demo", "load", *TINY, *args, stdout=out)
    return out.getvalue()


def snapshot() -> dict[str, list[Any]]:
    """What two runs with the same seed must share (ids and timestamps aside)."""
    return {
        "organisations": list(
            Organisation.objects.order_by("path").values_list("path", "code", "name", "kind")
        ),
        "localities": list(
            Locality.objects.order_by("code").values_list("code", "name", "cell__code")
        ),
        "people": list(
            Person.objects.order_by("id").values_list(
                "family_name",
                "middle_name",
                "given_name",
                "birth_date",
                "gender",
                "national_id_hash",
                "residence_locality__code",
                "organisation__code",
            )
        ),
        "memberships": list(
            PartyMembership.objects.order_by("id").values_list(
                "person__sort_key",
                "status",
                "admission_decision_date",
                "ceremony_date",
                "official_date",
                "exit_date",
            )
        ),
        "candidacies": list(
            Candidacy.objects.order_by("id").values_list(
                "person__sort_key", "stage", "opened_on", "stage_changed_on", "helper__id"
            )
        ),
    }


@pytest.mark.django_db
def test_province_has_the_69_real_communes_under_its_root() -> None:
    output = load("--seed", "1")
    assert "Đã nạp" in output
    root = Organisation.objects.get(parent__isnull=True)
    assert (root.name, root.kind, root.admin_unit_code) == (
        "Đảng bộ tỉnh Hà Tĩnh",
        "province",
        "42",
    )
    communes = Organisation.objects.filter(parent=root, kind=Kind.COMMUNE)
    expected = {
        c.code: f"Đảng bộ {'phường' if c.kind == 'ward' else 'xã'} {c.name}"
        for c in communes_of("42")
    }
    assert len(expected) == 69
    assert dict(communes.values_list("admin_unit_code", "name")) == expected
    ward = communes.get(admin_unit_code="18073")
    assert ward.name == "Đảng bộ phường Thành Sen" and ward.sector == "urban_ward"
    assert communes.get(name="Đảng bộ xã Cẩm Xuyên").sector == "rural_commune"
    # Western communes on the Lao border are flagged.
    assert "border" in communes.get(admin_unit_code="18196").area_flags
    blocs = Organisation.objects.filter(parent=root, kind=Kind.BLOC)
    assert blocs.count() >= 8
    assert blocs.filter(name="Đảng bộ Công an tỉnh", sector="police").exists()
    # Every commune has localities, most with a cell of their own.
    assert not communes.annotate(n=Count("localities")).filter(n=0).exists()
    assert Locality.objects.filter(cell__isnull=False).count() > Locality.objects.count() / 2


@pytest.mark.django_db
def test_same_seed_same_data_other_seed_other_data() -> None:
    load("--seed", "7")
    first = snapshot()
    load("--seed", "7", "--replace")
    assert snapshot() == first
    load("--seed", "8", "--replace")
    other = snapshot()
    assert other["people"] != first["people"]
    # The communes are the real ones whatever the seed.
    assert {o for o in other["organisations"] if o[3] == "commune"} == {
        o for o in first["organisations"] if o[3] == "commune"
    }


@pytest.mark.django_db
def test_stages_memberships_and_one_open_candidacy_per_person() -> None:
    load("--seed", "1")
    stages = set(Candidacy.objects.values_list("stage", flat=True))
    assert stages == {s.value for s in Stage}
    assert Candidacy.objects.filter(stage=Stage.CLOSED).exclude(closed_reason="").count() == (
        Candidacy.objects.filter(stage=Stage.CLOSED).count()
    )
    assert Candidacy.objects.filter(is_readmission=True, is_open=True).exists()
    # Probationary and official dossiers have the matching membership.
    admitted = Candidacy.objects.filter(stage__in=[Stage.PROBATIONARY, Stage.OFFICIAL])
    assert admitted.exists()
    assert not admitted.filter(membership__isnull=True).exists()
    assert not admitted.exclude(membership__person=F("person")).exists()
    assert not admitted.exclude(membership__status=F("stage")).exists()
    # One open candidacy per person; no current member in the pool.
    assert not (
        Candidacy.objects.filter(is_open=True).values("person").annotate(n=Count("id"))
    ).filter(n__gt=1)
    pool = Candidacy.objects.filter(is_open=True, stage__in=POOL_STAGES)
    assert not pool.filter(person__memberships__status__in=ACTIVE_STATUSES).exists()
    # A committee step only for cells under a grassroots committee.
    assert set(
        Candidacy.objects.filter(stage=Stage.COMMITTEE_RESOLVED).values_list(
            "organisation__kind", flat=True
        )
    ) <= {Kind.CELL}
    # Helpers are official members of the candidate's own cell.
    helped = Candidacy.objects.filter(helper__isnull=False)
    assert helped.exists()
    assert not helped.exclude(helper__organisation=F("organisation")).exists()
    assert not helped.exclude(helper__status=MembershipStatus.OFFICIAL).exists()
    # Dates are consistent with the stage and the reference date.
    today = dt.date(2026, 11, 29)
    assert not Candidacy.objects.filter(opened_on__gt=F("stage_changed_on")).exists()
    assert not Candidacy.objects.filter(stage_changed_on__gt=today).exists()
    assert not PartyMembership.objects.filter(ceremony_date__lt=F("admission_decision_date"))
    assert not PartyMembership.objects.filter(exit_date__lt=F("ceremony_date")).exists()
    for membership in PartyMembership.objects.filter(status=MembershipStatus.OFFICIAL)[:200]:
        assert membership.ceremony_date is not None
        assert membership.official_date == add_months(membership.ceremony_date, 12)
    years = set(
        PartyMembership.objects.filter(admission_decision_date__year__gte=2019).values_list(
            "admission_decision_date__year", flat=True
        )
    )
    assert years == set(range(2019, 2027))


@pytest.mark.django_db
def test_dossier_facts_follow_the_stage() -> None:
    load("--seed", "1")
    candidacies = Candidacy.objects.exclude(stage__in=[Stage.SOURCE, Stage.CLOSED])
    assert not candidacies.filter(certificate_date__isnull=True).exists()
    assert not Candidacy.objects.filter(application_date__gt=F("history_date")).exists()
    voted = Candidacy.objects.filter(
        stage__in=[
            Stage.BRANCH_RESOLVED, Stage.COMMITTEE_RESOLVED, Stage.DECIDED,
            Stage.PROBATIONARY, Stage.OFFICIAL,
        ]
    )  # fmt: skip
    assert not voted.filter(branch_resolution_date__isnull=True).exists()
    assert not voted.filter(branch_resolution_date__lt=F("history_date")).exists()
    decided = voted.exclude(stage__in=[Stage.BRANCH_RESOLVED, Stage.COMMITTEE_RESOLVED])
    assert not decided.filter(decision_date__isnull=True).exists()
    assert not decided.filter(decision_date__lt=F("branch_resolution_date")).exists()
    # A committee vote only where the workflow has one (not for grassroots cells).
    assert not Candidacy.objects.filter(
        committee_resolution_date__isnull=False, organisation__kind=Kind.GRASSROOTS_CELL
    ).exists()
    admitted = Candidacy.objects.filter(stage__in=[Stage.PROBATIONARY, Stage.OFFICIAL])
    assert not admitted.exclude(ceremony_date=F("membership__ceremony_date")).exists()
    assert not admitted.exclude(decision_date=F("membership__admission_decision_date")).exists()
    official = Candidacy.objects.filter(stage=Stage.OFFICIAL)
    assert not official.filter(recognition_decision_date__isnull=True).exists()
    # As the workflow leaves it: a recognised dossier is complete, no longer open.
    assert not official.filter(is_open=True).exists()
    assert not official.filter(closed_on__isnull=True).exists()


@pytest.mark.django_db
def test_people_have_encrypted_national_ids_and_cells() -> None:
    load("--seed", "1")
    person = Person.objects.filter(national_id_hash__isnull=False).first()
    assert person is not None
    number = national_id_decrypt(person.national_id_encrypted)
    assert number is not None and len(number) == 12 and number.startswith("042")
    assert not Person.objects.exclude(organisation__kind__in=[Kind.CELL, Kind.GRASSROOTS_CELL])
    assert Person.objects.filter(residence_locality__isnull=False).exists()
    assert Person.objects.filter(gender="female").exists()


@pytest.mark.django_db
def test_counters_equal_a_recount() -> None:
    load("--seed", "1")
    assert organisation_counter_mismatches() == []
    root = Organisation.objects.get(parent__isnull=True)
    assert root.member_count == PartyMembership.objects.filter(status__in=ACTIVE_STATUSES).count()
    assert root.candidate_count == (
        Candidacy.objects.filter(is_open=True, stage__in=POOL_STAGES).count()
    )
    commune = Organisation.objects.get(admin_unit_code="18073")
    assert organisation_recount(organisation=commune) == {
        "member_count": commune.member_count,
        "candidate_count": commune.candidate_count,
    }


@pytest.mark.django_db
def test_paths_depths_and_child_numbering() -> None:
    load("--seed", "1")
    orgs = {o.pk: o for o in Organisation.objects.all()}
    children: dict[int, list[Organisation]] = {}
    for org in orgs.values():
        assert org.depth == len(org.path) // 4
        if org.parent_id is None:
            assert org.path == path_step(1)
            continue
        parent = orgs[org.parent_id]
        assert org.path.startswith(parent.path) and org.depth == parent.depth + 1
        children.setdefault(parent.pk, []).append(org)
    for parent_id, kids in children.items():
        parent = orgs[parent_id]
        assert parent.child_seq == len(kids)
        assert sorted(k.path for k in kids) == [
            parent.path + path_step(n) for n in range(1, len(kids) + 1)
        ]
    # The service continues the numbering.
    commune = Organisation.objects.get(admin_unit_code="18073")
    created = organisation_create(parent=commune, code="NEW-1", name="Chi bộ mới", kind=Kind.CELL)
    assert created.path == commune.path + path_step(commune.child_seq + 1)


@pytest.mark.django_db
def test_load_refuses_a_database_with_organisations() -> None:
    load("--seed", "1")
    before = Organisation.objects.count()
    with pytest.raises(CommandError, match="--replace") as error:
        load("--seed", "2")
    assert error.value.returncode == 1
    assert "tổ chức đảng" in str(error.value)
    assert Organisation.objects.count() == before


@pytest.mark.django_db
def test_replace_wipes_dependent_rows_first() -> None:
    load("--seed", "1")
    user = User.objects.create(username="someone")
    Assignment.objects.create(
        user=user, organisation=Organisation.objects.get(parent__isnull=True), role=Role.VIEWER
    )
    AuditEntry.objects.create(action="view", object_type="x", person=Person.objects.first())
    assert {Assignment, AuditEntry} <= set(domain_models())
    output = load("--seed", "1", "--replace")
    assert "Đã xóa" in output
    # The old assignments are gone; the new load gave its staff accounts theirs again.
    assert not Assignment.objects.filter(user=user).exists()
    assert Assignment.objects.exists()
    # The old trail is gone; the new load wrote its own and the one entry that records it.
    assert not AuditEntry.objects.filter(object_type="x").exists()
    assert AuditEntry.objects.filter(object_type="demo").count() == 1
    assert User.objects.filter(username="someone").exists()
    assert organisation_counter_mismatches() == []


@pytest.mark.django_db
def test_national_scale_puts_provinces_under_a_national_root() -> None:
    out = StringIO()
    call_command(
        "demo", "load", "--scale", "national", "--provinces", "2", "--members", "20000",
        stdout=out,
    )  # fmt: skip
    root = Organisation.objects.get(parent__isnull=True)
    assert (root.name, root.kind, root.child_seq) == ("Toàn quốc", "national", 2)
    provinces = list(Organisation.objects.filter(parent=root).order_by("path"))
    assert [p.name for p in provinces] == ["Đảng bộ thành phố Hà Nội", "Đảng bộ tỉnh Cao Bằng"]
    for province in provinces:
        communes = Organisation.objects.filter(parent=province, kind=Kind.COMMUNE)
        assert communes.count() == len(communes_of(province.admin_unit_code))
    assert organisation_counter_mismatches() == []
    # The benchmark's scale has no staff trail: only the load's own entry.
    assert list(AuditEntry.objects.values_list("object_type", flat=True)) == ["demo"]
    assert not User.objects.exists()


@pytest.mark.django_db
def test_ensure_creates_demo_accounts_in_demo_mode(settings: Any) -> None:
    settings.PTDV_DEMO = True
    out = StringIO()
    call_command("demo", "ensure", *TINY, stdout=out)
    assert "demo-admin / demo-admin" in out.getvalue()
    admin = User.objects.get(username="demo-admin")
    assert admin.is_staff and admin.check_password("demo-admin")
    root = Organisation.objects.get(parent__isnull=True)
    assert list(admin.assignments.values_list("organisation", "role")) == [
        (root.pk, Role.ADMINISTRATOR)
    ]
    clerk = User.objects.get(username="demo-xa")
    assignment = clerk.assignments.get()
    assert assignment.role == Role.CLERK
    assert assignment.organisation.name == "Đảng bộ phường Thành Sen"
    cell = User.objects.get(username="demo-chibo").assignments.get().organisation
    assert cell.kind == Kind.CELL and cell.parent == assignment.organisation
    assert cell.covered_localities.exists()
    assert cell.candidacies.filter(is_open=True, stage__in=POOL_STAGES).exists()
    # Each is linked to a different person with candidates to look after in its subtree this
    # year: "Quần chúng tôi phụ trách" shows rows (README, demo accounts).
    from ptdv.demo.generator import DEFAULT_TODAY
    from ptdv.targets.responsibility import responsible_candidates

    linked = {}
    for username in ("demo-chibo", "demo-xa", "demo-admin"):
        user = User.objects.get(username=username)
        assert user.person is not None, username
        mine = responsible_candidates(actor=user, person=user.person, year=DEFAULT_TODAY.year)
        assert mine.exists(), username
        linked[username] = user.person_id
    assert len(set(linked.values())) == 3
    # Running it again loads nothing and resets the accounts.
    admin.set_password("changed")
    admin.save()
    Assignment.objects.create(user=admin, organisation=cell, role=Role.VIEWER)
    out = StringIO()
    call_command("demo", "ensure", *TINY, stdout=out)
    assert "không nạp lại" in out.getvalue()
    admin.refresh_from_db()
    assert admin.check_password("demo-admin") and admin.assignments.count() == 1
    assert dict(User.objects.filter(username__in=linked).values_list("username", "person")) == (
        linked
    )


@pytest.mark.django_db
def test_ensure_outside_demo_mode_creates_no_account(settings: Any) -> None:
    settings.PTDV_DEMO = False
    leftover = User.objects.create(username="demo-xa")
    leftover.set_password("demo-xa")
    leftover.save()
    out = StringIO()
    call_command("demo", "ensure", *TINY, stdout=out)
    assert Organisation.objects.exists()
    assert "không tạo tài khoản" in out.getvalue()
    # The demo's staff accounts come with the data, with no password anyone can sign in
    # with; no account of the demo (known password) is created.
    assert User.objects.filter(username__startswith="demo-").count() == 1
    assert not any(u.has_usable_password() for u in User.objects.exclude(pk=leftover.pk))
    leftover.refresh_from_db()
    assert not leftover.is_active and not leftover.check_password("demo-xa")


@pytest.mark.django_db
def test_aggregates_verify_and_rebuild() -> None:
    load("--seed", "1")
    out = StringIO()
    call_command("aggregates", "verify", stdout=out)
    assert "khớp" in out.getvalue()
    commune = Organisation.objects.get(admin_unit_code="18073")
    Organisation.objects.filter(pk=commune.pk).update(member_count=F("member_count") + 3)
    out = StringIO()
    with pytest.raises(CommandError) as error:
        call_command("aggregates", "verify", stdout=out)
    assert error.value.returncode == 1
    assert "X18073" in out.getvalue() and "lệch" in out.getvalue()
    out = StringIO()
    call_command("aggregates", "rebuild", stdout=out)
    assert "1 tổ chức được sửa" in out.getvalue()
    call_command("aggregates", "verify", stdout=StringIO())


@pytest.mark.django_db
def test_aggregates_verify_exit_codes_from_the_console() -> None:
    # call_command runs the same command object as the console, without closing the test's
    # database connection the way `execute_from_command_line` does on exit.
    load("--seed", "1")
    call_command("aggregates", "verify")  # returns normally: exit code 0
    Organisation.objects.filter(parent__isnull=True).update(candidate_count=0)
    with pytest.raises(CommandError) as error:
        call_command("aggregates", "verify")
    assert error.value.returncode == 1  # the console exits with it
