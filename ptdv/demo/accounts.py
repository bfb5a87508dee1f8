"""The demo accounts (`ptdv demo ensure`): known passwords, so only ever in demo mode."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q

from ptdv.accounts.models import Assignment, Role, User
from ptdv.candidacies.models import POOL_STAGES
from ptdv.demo.catalog import HA_TINH_CAPITAL_WARD
from ptdv.organisations.models import Kind, Organisation

DEMO_USERNAMES = ("demo-admin", "demo-xa", "demo-chibo")


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
    return accounts


@transaction.atomic
def demo_accounts_disable() -> int:
    """Outside demo mode: lock any demo account left from an earlier demo (known password)."""
    users = list(User.objects.filter(username__in=DEMO_USERNAMES, is_active=True))
    for user in users:
        user.set_unusable_password()
        user.is_active = False
        user.save(update_fields=["password", "is_active"])
    return len(users)
