"""The merger benchmark (issue 12 §3): a provincial reform's merger list — 200 communes into
70 — imported through the "organisation changes" import, then `ptdv aggregates verify`.

It runs in a scratch province added to the bench database inside one transaction that is
rolled back at the end, so the dataset is left exactly as it was (the audit trail is
append-only, a rollback is the only way to leave no trace). Benchmark-only code.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from django.db import transaction
from openpyxl import Workbook

from ptdv.accounts.models import Assignment, Role, User
from ptdv.candidacies.counters import organisation_counter_mismatches
from ptdv.candidacies.derived import dossiers_changed
from ptdv.candidacies.models import Candidacy, Stage
from ptdv.candidacies.search import candidacy_search_mismatches
from ptdv.candidacies.tallies import aggregates_mismatches, aggregates_rows_added
from ptdv.exchange.columns import KINDS
from ptdv.exchange.models import ImportKind
from ptdv.exchange.services import import_workbook
from ptdv.members.localities import locality_counter_mismatches, locality_residents_recount
from ptdv.members.models import MembershipStatus, PartyMembership
from ptdv.organisations.localities import locality_counters_created
from ptdv.organisations.models import Kind, Locality, LocalityKind, Organisation
from ptdv.organisations.services import organisation_counters_adjust, organisation_create
from ptdv.people.models import Person
from ptdv.people.services import person_name_keys

CELLS = 6  # per commune
LOCALITIES = 6  # per commune
MEMBERS = 12  # per cell
DOSSIERS = 3  # per cell: one admitted this year, two in the pool


class _RolledBack(Exception):
    pass


def _scratch_province(stamp: str, communes: int, year: int) -> tuple[Organisation, User]:
    """A province of `communes` communes with cells, villages, members and dossiers, and its
    derived data written by the same hooks the services use."""
    province = organisation_create(
        parent=None, code=f"MG-{stamp}", name=f"Đảng bộ tỉnh Sáp nhập {stamp}", kind=Kind.PROVINCE
    )
    cells: list[Organisation] = []
    localities: list[Locality] = []
    for n in range(communes):
        commune = organisation_create(
            parent=province, code=f"MG-{stamp}-X{n}", name=f"Đảng bộ xã Cũ {n}", kind=Kind.COMMUNE
        )
        for c in range(CELLS):
            cells.append(
                organisation_create(
                    parent=commune,
                    code=f"MG-{stamp}-X{n}-C{c}",
                    name=f"Chi bộ thôn {c}",
                    kind=Kind.CELL,
                )
            )
        localities += [
            Locality(
                code=f"MG-{stamp}-X{n}-L{v}",
                name=f"Thôn {v}",
                kind=LocalityKind.VILLAGE,
                organisation=commune,
            )
            for v in range(LOCALITIES)
        ]
    Locality.objects.bulk_create(localities, batch_size=2000)
    locality_counters_created(localities)
    villages: dict[int, list[int]] = {loc.organisation_id: [] for loc in localities}
    for loc in Locality.objects.filter(organisation__path__startswith=province.path):
        villages[loc.organisation_id].append(loc.pk)
    people: list[Person] = []
    for index, cell in enumerate(cells):
        assert cell.parent_id is not None
        own = villages[cell.parent_id]
        for m in range(MEMBERS + DOSSIERS):
            people.append(
                Person(
                    **person_name_keys("Nguyễn", "Văn", ["An", "Bình", "Cường", "Dũng"][m % 4]),
                    birth_date=dt.date(1970 + (index + m) % 35, 1 + m % 12, 1 + m % 28),
                    gender="male" if m % 2 else "female",
                    organisation=cell,
                    residence_locality_id=own[(index + m) % len(own)],
                )
            )
    Person.objects.bulk_create(people, batch_size=2000)
    memberships: list[PartyMembership] = []
    dossiers: list[Candidacy] = []
    per_cell = MEMBERS + DOSSIERS
    for index, cell in enumerate(cells):
        chunk = people[index * per_cell : (index + 1) * per_cell]
        memberships += [
            PartyMembership(
                person=person,
                organisation=cell,
                status=MembershipStatus.OFFICIAL,
                admission_decision_date=dt.date(2015 + m % 8, 3, 1),
                ceremony_date=dt.date(2015 + m % 8, 3, 20),
                official_date=dt.date(2016 + m % 8, 3, 20),
            )
            for m, person in enumerate(chunk[:MEMBERS])
        ]
        admitted, *pool = chunk[MEMBERS:]
        dossiers.append(
            Candidacy(
                person=admitted,
                organisation=cell,
                stage=Stage.PROBATIONARY,
                decision_date=dt.date(year, 2, 1),
                opened_on=dt.date(year - 1, 9, 1),
                stage_changed_on=dt.date(year, 2, 1),
            )
        )
        dossiers += [
            Candidacy(
                person=person,
                organisation=cell,
                stage=Stage.TRAINED,
                opened_on=dt.date(year - 1, 9, 1),
                stage_changed_on=dt.date(year - 1, 11, 1),
            )
            for person in pool
        ]
    Candidacy.objects.bulk_create(dossiers, batch_size=2000)
    memberships += [
        PartyMembership(
            person=dossier.person,
            organisation=dossier.organisation,
            status=MembershipStatus.PROBATIONARY,
            admission_decision_date=dossier.decision_date,
            ceremony_date=dossier.decision_date,
            candidacy=dossier,
        )
        for dossier in dossiers
        if dossier.stage == Stage.PROBATIONARY
    ]
    PartyMembership.objects.bulk_create(memberships, batch_size=2000)
    for cell in cells:
        organisation_counters_adjust(organisation=cell, members=MEMBERS)
    aggregates_rows_added(
        membership_ids=PartyMembership.objects.filter(
            organisation__path__startswith=province.path
        ).values_list("pk", flat=True)
    )
    locality_residents_recount([loc.pk for loc in localities])
    dossiers_changed(
        Candidacy.objects.filter(organisation__path__startswith=province.path).values_list(
            "pk", flat=True
        )
    )
    user = User.objects.create(username=f"bench-merger-{stamp}")
    Assignment.objects.create(user=user, organisation=province, role=Role.ADMINISTRATOR)
    return province, user


def _merger_list(path: Path, stamp: str, communes: int, into: int, decided: dt.date) -> None:
    """`communes` rows: commune n goes to new commune n mod `into`."""
    spec = KINDS[ImportKind.ORGANISATION_CHANGES]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(spec.sheet)
    ws.append([c.header for c in spec.columns])
    values = {
        "change": "Hợp nhất, sáp nhập",
        "decision_number": "125-QĐ/TU",
        "decision_date": decided.strftime("%d/%m/%Y"),
        "issuing_body": "Ban Thường vụ Tỉnh ủy",
        "date": decided.strftime("%d/%m/%Y"),
    }
    for n in range(communes):
        row = {
            **values,
            "organisation": f"MG-{stamp}-X{n}",
            "target": f"MG-{stamp}-N{n % into}",
            "new_name": f"Đảng bộ xã Mới {n % into}",
        }
        ws.append([row.get(c.key, "") for c in spec.columns])
    wb.save(path)


def _mismatches() -> dict[str, int]:
    """`ptdv aggregates verify`'s four checks, as counts."""
    return {
        "counters": len(organisation_counter_mismatches()),
        "tallies": len(aggregates_mismatches()),
        "localities": len(locality_counter_mismatches()),
        "search": candidacy_search_mismatches(),
    }


def merger_bench(communes: int = 200, into: int = 70, *, today: dt.date) -> dict[str, Any]:
    """Build a scratch province, import the merger list for real, verify, roll back."""
    stamp = uuid.uuid4().hex[:8]
    folder = Path(tempfile.mkdtemp(prefix="ptdv-bench-merger-"))
    path = folder / "merger.xlsx"
    timings: dict[str, Any] = {"communes": communes, "into": into}
    try:
        with transaction.atomic():
            mark = time.perf_counter()
            province, user = _scratch_province(stamp, communes, today.year)
            timings["build"] = time.perf_counter() - mark
            timings["members"] = Organisation.objects.get(pk=province.pk).member_count
            timings["mismatches_before"] = _mismatches()
            _merger_list(path, stamp, communes, into, today)
            mark = time.perf_counter()
            outcome = import_workbook(
                actor=user, path=path, kind=ImportKind.ORGANISATION_CHANGES, today=today
            )
            timings["merger"] = time.perf_counter() - mark
            timings["status"] = outcome.status
            timings["written"] = outcome.written
            timings["errors"] = len(outcome.errors)
            if outcome.errors:
                timings["first_error"] = outcome.errors[0].message
            timings["communes_after"] = Organisation.objects.filter(
                parent=province, valid_to__isnull=True
            ).count()
            mark = time.perf_counter()
            timings["mismatches"] = _mismatches()
            timings["verify"] = time.perf_counter() - mark
            raise _RolledBack
    except _RolledBack:
        pass
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return timings
