"""The demo accounts (`ptdv demo ensure`): known passwords, so only ever in demo mode.

Each demo account is also linked to a person responsible for candidates in its subtree (the
one with the most open dossiers planned in the latest plan year there), so that "Quần chúng
tôi phụ trách" shows real rows: `demo-chibo` first (the narrowest subtree), then `demo-xa`,
then `demo-admin`, each a different person. A subtree where nobody was made responsible (the
village cell of `demo-chibo` is chosen for its pool, not its plan) gets a few of its open
dossiers planned first, with one of its official members helping.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Q

from ptdv.accounts.models import Assignment, Role, User
from ptdv.candidacies.models import POOL_STAGES, Candidacy
from ptdv.demo.catalog import HA_TINH_CAPITAL_WARD
from ptdv.members.models import MembershipStatus, PartyMembership
from ptdv.organisations.models import Kind, Organisation
from ptdv.targets.models import PlanAssignment

DEMO_USERNAMES = ("demo-admin", "demo-xa", "demo-chibo")
# A subtree without any responsible person gets this many open dossiers planned.
PLANNED_FOR_DEMO = 3
CELLS_TRIED = 20


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    full_name: str
    role: str
    organisation: Organisation
    is_staff: bool = False


def _root() -> Organisation | None:
    return Organisation.objects.filter(parent__isnull=True).order_by("path").first()


def _capital_ward(root: Organisation) -> Organisation | None:
    """Phường Thành Sen when the province is Hà Tĩnh, else the first ward, else any commune."""
    communes = Organisation.objects.filter(path__startswith=root.path, kind=Kind.COMMUNE)
    return (
        communes.filter(admin_unit_code=HA_TINH_CAPITAL_WARD).first()
        or communes.filter(sector="urban_ward").order_by("path").first()
        or communes.order_by("path").first()
    )


def _village_cell_with_candidates(commune: Organisation) -> Organisation | None:
    """The village (residential-group) cell of `commune` with the most candidates in its pool."""
    pool = Q(candidacies__is_open=True, candidacies__stage__in=POOL_STAGES)
    return (
        Organisation.objects.filter(
            parent=commune, kind=Kind.CELL, covered_localities__isnull=False
        )
        .annotate(pool=Count("candidacies", filter=pool, distinct=True))
        .filter(pool__gt=0)
        .order_by("-pool", "path")
        .first()
    )


def demo_accounts_plan() -> list[DemoAccount]:
    """Which account goes on which organisation (empty when there is no tree)."""
    root = _root()
    if root is None:
        return []
    accounts = [
        DemoAccount("demo-admin", "demo-admin", "Quản trị hệ thống (demo)",
                    Role.ADMINISTRATOR, root, is_staff=True),
    ]  # fmt: skip
    ward = _capital_ward(root)
    if ward is not None:
        accounts.append(
            DemoAccount("demo-xa", "demo-xa", f"Cán bộ {ward.name} (demo)", Role.CLERK, ward)
        )
        cell = _village_cell_with_candidates(ward)
        if cell is not None:
            accounts.append(
                DemoAccount("demo-chibo", "demo-chibo", f"{cell.name} (demo)", Role.CLERK, cell)
            )
    return accounts


@transaction.atomic
def demo_accounts_ensure() -> list[DemoAccount]:
    """Create or reset the demo accounts. Refuses outside demo mode (settings.PTDV_DEMO)."""
    if not settings.PTDV_DEMO:
        raise PermissionError("Chỉ tạo tài khoản demo khi PTDV_DEMO bật.")
    accounts = demo_accounts_plan()
    for account in accounts:
        user, _created = User.objects.get_or_create(username=account.username)
        user.full_name = account.full_name
        # An address on a reserved domain (RFC 2606): the demo's digest (printed to the
        # console) has someone to write to, and no mail can ever leave.
        user.email = f"{account.username}@ptdv.invalid"
        user.is_active = True
        user.is_staff = account.is_staff
        user.is_superuser = False
        user.set_password(account.password)
        user.save()
        # Reset: exactly one assignment, whatever an earlier session changed.
        user.assignments.all().delete()
        Assignment.objects.create(user=user, organisation=account.organisation, role=account.role)
    _link_people(accounts)
    return accounts


def responsible_person_in(organisation: Organisation, taken: set[int]) -> int | None:
    """The person (id) responsible, as leader or as member, for the most open dossiers of
    `organisation`'s subtree planned in the latest plan year there, leaving out `taken`;
    ties go to the smaller id (the same answer every time). None without any."""
    inside = PlanAssignment.objects.filter(
        organisation__path__startswith=organisation.path,
        candidacy__organisation__path__startswith=organisation.path,
    )
    year = inside.aggregate(latest=Max("year"))["latest"]
    if year is None:
        return None
    counts: Counter[int] = Counter()
    rows = inside.filter(year=year, candidacy__is_open=True).values_list(
        "responsible_person_id", "member__person_id"
    )
    for leader, member in rows:
        for person_id in {leader, member} - {None}:
            if person_id not in taken:
                counts[person_id] += 1
    if not counts:
        return None
    return min(counts, key=lambda pk: (-counts[pk], pk))


def _plan_a_few(organisation: Organisation, taken: set[int]) -> int | None:
    """In the first cell of `organisation`'s subtree (by path) with open dossiers not planned
    in the latest plan year and an official member not linked to an account: plan up to
    PLANNED_FOR_DEMO of those dossiers (the first by id), that member (the first by id)
    helping. The member's person, or None."""
    year = PlanAssignment.objects.aggregate(latest=Max("year"))["latest"]
    if year is None:
        return None
    open_dossiers = (
        Candidacy.objects.filter(
            organisation__path__startswith=organisation.path,
            is_open=True,
            stage__in=POOL_STAGES,
        )
        .exclude(plan_assignments__year=year)
        .order_by("organisation__path", "id")
    )
    cells = list(
        dict.fromkeys(open_dossiers.values_list("organisation_id", flat=True)[: CELLS_TRIED * 50])
    )[:CELLS_TRIED]
    for cell_id in cells:
        member = (
            PartyMembership.objects.filter(
                organisation_id=cell_id, status=MembershipStatus.OFFICIAL
            )
            .exclude(person_id__in=taken)
            .order_by("id")
            .first()
        )
        if member is None:
            continue
        chosen = list(
            open_dossiers.filter(organisation_id=cell_id)
            .exclude(person_id=member.person_id)
            .values_list("id", flat=True)[:PLANNED_FOR_DEMO]
        )
        PlanAssignment.objects.bulk_create(
            PlanAssignment(
                year=year,
                organisation_id=cell_id,
                candidacy_id=candidacy_id,
                member=member,
                note="Đảng viên giúp đỡ quần chúng (tài khoản demo).",
            )
            for candidacy_id in chosen
        )
        if chosen:
            return member.person_id
    return None


def _link_people(accounts: list[DemoAccount]) -> None:
    """Link each demo account to a responsible person of its subtree (the demo writes
    directly, as it does the accounts: there is no administrator to act as)."""
    users = User.objects.filter(username__in=[a.username for a in accounts])
    users.update(person=None)
    taken = set(User.objects.filter(person__isnull=False).values_list("person_id", flat=True))
    for account in sorted(accounts, key=lambda a: (-len(a.organisation.path), a.username)):
        person_id = responsible_person_in(account.organisation, taken)
        if person_id is None:
            person_id = _plan_a_few(account.organisation, taken)
        if person_id is None:
            continue
        taken.add(person_id)
        User.objects.filter(username=account.username).update(person_id=person_id)


@transaction.atomic
def demo_accounts_disable() -> int:
    """Outside demo mode: lock any demo account left from an earlier demo (known password)."""
    users = list(User.objects.filter(username__in=DEMO_USERNAMES, is_active=True))
    for user in users:
        user.set_unusable_password()
        user.is_active = False
        user.save(update_fields=["password", "is_active"])
    return len(users)
