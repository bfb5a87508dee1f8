"""The import benchmark (issue 5): a generated workbook of candidates imported for real
into a scratch province, then removed. Benchmark-only code: it lives here, not in the
exchange services."""

from __future__ import annotations

import shutil
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from django.db import transaction
from openpyxl import Workbook

from ptdv.accounts.models import Assignment, Role, User
from ptdv.audit.models import AuditEntry
from ptdv.candidacies.models import Candidacy
from ptdv.exchange.columns import KINDS
from ptdv.exchange.models import ImportKind
from ptdv.exchange.services import import_workbook
from ptdv.organisations.models import Kind, Organisation
from ptdv.organisations.services import organisation_create
from ptdv.people.models import Person

SCRATCH_PREFIX = "BENCH-"


def exchange_bench_import(rows: int) -> dict[str, Any]:
    """Generate a workbook of `rows` candidates into a temporary file and import it, as an
    administrator of a scratch province; return the timings in seconds.

    Everything it creates is deleted afterwards (a dry run would measure the same work but
    `make bench` wants the real write). Meant for a benchmark database, not production.
    """
    # A run that failed half-way may have left its scratch province behind (with its 100,000
    # dossiers, which a search of the whole database would count): removed first.
    for leftover in Organisation.objects.filter(
        kind=Kind.PROVINCE, code__startswith=SCRATCH_PREFIX, parent__isnull=True
    ):
        _remove_scratch(leftover)
    stamp = uuid.uuid4().hex[:8]
    code = f"{SCRATCH_PREFIX}{stamp}"
    province = organisation_create(
        parent=None,
        code=code,
        name=f"Đảng bộ tỉnh Thử {stamp}",
        kind=Kind.PROVINCE,
    )
    commune = organisation_create(
        parent=province, code=f"{code}-X", name="Đảng bộ xã Thử", kind=Kind.COMMUNE
    )
    cells = [
        organisation_create(
            parent=commune, code=f"{code}-C{i}", name=f"Chi bộ thôn {i}", kind=Kind.CELL
        )
        for i in range(20)
    ]
    user = User.objects.create(username=f"bench-{stamp}")
    Assignment.objects.create(user=user, organisation=province, role=Role.ADMINISTRATOR)
    spec = KINDS[ImportKind.CANDIDATES]
    folder = Path(tempfile.mkdtemp(prefix="ptdv-bench-"))
    path = folder / "candidates.xlsx"
    timings: dict[str, Any] = {"rows": rows}
    try:
        mark = time.perf_counter()
        wb = Workbook(write_only=True)
        ws = wb.create_sheet(spec.sheet)
        ws.append([c.header for c in spec.columns])
        given = ["An", "Bình", "Cường", "Dũng", "Hà", "Lan", "Minh", "Nga", "Phúc", "Quân"]
        for i in range(rows):
            ws.append(
                [
                    "Nguyễn",
                    "Văn",
                    # A distinct name per row, in letters only (names refuse digits).
                    given[i % 10] + " " + "".join("abcdefghij"[int(d)] for d in str(i)).title(),
                    f"{1 + i % 28:02d}/{1 + i % 12:02d}/{1980 + i % 25}",
                    "Nam" if i % 2 else "Nữ",
                    f"{stamp[:4]}{i:08d}".replace("a", "1")
                    .replace("b", "2")
                    .replace("c", "3")
                    .replace("d", "4")
                    .replace("e", "5")
                    .replace("f", "6"),
                    "Kinh",
                    "Không",
                    "Trung học phổ thông",
                    "Công nhân, người lao động",
                    "Công ty Thử",
                    "",
                    "Công nhân",
                    "Có",
                    "Không",
                    cells[i % 20].code,
                    "Công đoàn giới thiệu",
                    "15/01/2026",
                ]
            )
        wb.save(path)
        timings["generate"] = time.perf_counter() - mark
        mark = time.perf_counter()
        outcome = import_workbook(actor=user, path=path, kind=ImportKind.CANDIDATES)
        timings["import"] = time.perf_counter() - mark
        timings.update({f"import_{k}": v for k, v in outcome.seconds.items()})
        timings["status"] = outcome.status
        timings["written"] = outcome.written
        timings["errors"] = len(outcome.errors)
        if outcome.errors:
            timings["first_error"] = outcome.errors[0].message
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        _remove_scratch(province)
    return timings


def _remove_scratch(province: Organisation) -> None:
    """The scratch province, its dossiers and their people, and its administrator (kept but
    closed if the append-only audit trail names them)."""
    with transaction.atomic():
        subtree = list(
            Organisation.objects.filter(path__startswith=province.path).values_list("pk", flat=True)
        )
        dossiers = Candidacy.objects.filter(organisation_id__in=subtree)
        people = list(dossiers.values_list("person_id", flat=True))
        dossiers.delete()
        for chunk in range(0, len(people), 5000):
            Person.objects.filter(pk__in=people[chunk : chunk + 5000]).delete()
        for user in User.objects.filter(assignments__organisation=province).distinct():
            Assignment.objects.filter(user=user).delete()
            if AuditEntry.objects.filter(actor=user).exists():
                user.is_active = False
                user.save(update_fields=["is_active"])
            else:
                user.delete()
        # Children first: the parent link is PROTECT.
        for depth in (3, 2, 1):
            Organisation.objects.filter(path__startswith=province.path, depth=depth).delete()
