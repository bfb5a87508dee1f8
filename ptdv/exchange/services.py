"""Excel import: one write path for the web, the API of the worker and `ptdv import`.

`import_workbook` checks a whole workbook and, only if every row passes, writes it in one
transaction (a dry run rolls that transaction back, so it checks exactly what a real run
would write). A rejected workbook comes back annotated. Imports over
`BACKGROUND_THRESHOLD` rows from the web run in the background task queue (django-tasks,
database backend); the job row carries the progress the page polls.
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
import time
import uuid
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone

from ptdv.accounts.models import User, stored_user
from ptdv.audit.services import audit_record
from ptdv.candidacies.pipeline import pipeline_refresh
from ptdv.candidacies.tallies import aggregates_rows_added
from ptdv.core.policies import Actor
from ptdv.documents.storage import private_storage
from ptdv.exchange.columns import KindSpec, kind_spec
from ptdv.exchange.importers import ImportContext, Issue, importer_for, kind_modes
from ptdv.exchange.models import ImportJob, ImportKind, ImportMode, ImportStatus
from ptdv.exchange.policies import import_allowed
from ptdv.exchange.workbook import (
    SheetData,
    WorkbookError,
    WorkbookInfo,
    errors_workbook,
    sheet_read,
)
from ptdv.members.models import PartyMembership

logger = logging.getLogger(__name__)

BACKGROUND_THRESHOLD = 1000
MAX_IMPORT_BYTES = 100 * 1024 * 1024
MAX_LISTED_ISSUES = 500


def tallies_add_for_people(person_ids: list[int], batch: int = 5000) -> None:
    """Count what an import wrote into the progress tallies (ptdv.targets), inside the
    import's transaction: the new people's memberships that have no candidacy (older
    admissions; the candidacies an import writes are counted by the dossiers' hook,
    `ptdv.candidacies.derived.dossiers_changed`). Batched to stay under the databases'
    parameter limits."""
    for start in range(0, len(person_ids), batch):
        chunk = person_ids[start : start + batch]
        aggregates_rows_added(
            membership_ids=PartyMembership.objects.filter(
                person_id__in=chunk, candidacy__isnull=True
            ).values_list("id", flat=True),
        )


class _DryRun(Exception):
    """Raised inside the import transaction to roll a dry run back."""


@dataclass
class ImportOutcome:
    status: str  # an ImportStatus value
    rows: int = 0
    written: int = 0
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    message: str = ""
    sheet: SheetData | None = None
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status in (ImportStatus.CHECKED, ImportStatus.IMPORTED)


def import_workbook(
    *,
    actor: User,
    path: Path,
    kind: str,
    mode: str | None = None,
    dry_run: bool = False,
    progress: Any = None,
    phase: Any = None,
    today: dt.date | None = None,
) -> ImportOutcome:
    """Check and (unless `dry_run`) write the workbook at `path` as `kind` in `mode` (the
    kind's default when None), as `actor`.

    Nothing is written unless every row passes. Raises PermissionDenied when the actor's
    roles allow no import of this kind anywhere, ValueError for a kind or mode that does not
    exist (`import_mode` checks it first).
    """
    mode = import_mode(kind, mode)
    if not import_allowed(actor, kind):
        raise PermissionDenied
    spec = kind_spec(kind, mode)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    try:
        sheet = sheet_read(path, spec)
    except WorkbookError as exc:
        return ImportOutcome(ImportStatus.REJECTED, message=exc.message)
    timings["read"] = time.perf_counter() - started
    ctx = ImportContext(
        actor=actor,
        spec=spec,
        sheet=sheet,
        today=today or timezone.localdate(),
        progress=progress,
        mode=mode,
    )
    if sheet.ignored_headers:
        ctx.warn(1, "", "Bỏ qua các cột không có trong mẫu: " + ", ".join(sheet.ignored_headers))
    importer = importer_for(kind, mode)(ctx)
    mark = time.perf_counter()
    importer.check()
    timings["check"] = time.perf_counter() - mark
    rows = len(sheet.rows)
    outcome = ImportOutcome(
        ImportStatus.REJECTED, rows=rows, errors=ctx.errors, warnings=ctx.warnings, sheet=sheet
    )
    if ctx.errors:
        bad_rows = len({e.row for e in ctx.errors})
        outcome.message = (
            f"Có {vn_number(len(ctx.errors))} lỗi ở {vn_number(bad_rows)} dòng: chưa nhập dòng nào."
        )
        outcome.seconds = timings
        return outcome
    if not importer.items:
        outcome.message = "Tệp không có dòng dữ liệu nào (ngoài dòng tiêu đề và dòng ví dụ)."
        return outcome
    if phase is not None:
        phase("Đang ghi dữ liệu")
    mark = time.perf_counter()
    try:
        with transaction.atomic():
            written = importer.write()
            tallies_add_for_people(importer.person_ids)
            audit_record(
                actor=actor,
                action="import",
                object_type="exchange.import",
                summary=(
                    f"Nhập Excel: {ImportKind(kind).label}{_mode_note(kind, mode)} "
                    f"({vn_number(written)} dòng)"
                ),
                data={
                    "kind": kind,
                    "mode": mode,
                    "rows": written,
                    "file": path.name,
                    "dry_run": dry_run,
                },
            )
            if dry_run:
                raise _DryRun
    except _DryRun:
        outcome.status = ImportStatus.CHECKED
        outcome.written = 0
        outcome.message = (
            f"Kiểm tra xong {vn_number(len(importer.items))} dòng: không có lỗi, có thể nhập."
        )
    else:
        outcome.status = ImportStatus.IMPORTED
        outcome.written = written
        outcome.message = f"Đã nhập {vn_number(written)} dòng."
    timings["write"] = time.perf_counter() - mark
    outcome.seconds = timings
    return outcome


def import_mode(kind: str, mode: str | None) -> str:
    """The mode an import of `kind` runs in: `mode`, or the kind's default when None.
    ValueError names what is wrong, in Vietnamese (the pages and the command show it)."""
    if not kind_modes(kind):
        raise ValueError(f"Không có loại dữ liệu “{kind}”.")
    modes = kind_modes(kind)
    if mode is None or mode == "":
        return modes[0]
    if mode not in modes:
        labels = ", ".join(f"{m} ({ImportMode(m).label})" for m in modes)
        raise ValueError(
            f"Loại dữ liệu “{ImportKind(kind).label}” không nhập ở chế độ “{mode}”; "
            f"chế độ có thể dùng: {labels}."
        )
    return mode


def _mode_note(kind: str, mode: str) -> str:
    """“ (cập nhật)” when `mode` is not the kind's default."""
    return "" if mode == kind_modes(kind)[0] else f" ({str(ImportMode(mode).label).lower()})"


def vn_number(value: int) -> str:
    """1.200 — Vietnamese groups thousands with a dot."""
    return f"{value:,}".replace(",", ".")


def errors_by_cell(
    sheet: SheetData, issues: list[Issue]
) -> tuple[dict[int, dict[int, str]], dict[int, list[str]]]:
    """Issues as {row: {file column: message}} for the red cells and {row: [messages]} for
    the “Lỗi” column."""
    position = {c.key: p for c, p in zip(sheet.columns, sheet.positions, strict=True)}
    header = {c.key: c.header for c in sheet.columns}
    cells: dict[int, dict[int, str]] = defaultdict(dict)
    messages: dict[int, list[str]] = defaultdict(list)
    for issue in issues:
        if issue.row < 2:
            continue
        if issue.column in position:
            existing = cells[issue.row].get(position[issue.column])
            cells[issue.row][position[issue.column]] = (
                f"{existing}; {issue.message}" if existing else issue.message
            )
            messages[issue.row].append(f"{header[issue.column]}: {issue.message}")
        else:
            messages[issue.row].append(issue.message)
    return cells, messages


def issue_dicts(issues: list[Issue], spec: KindSpec) -> list[dict[str, Any]]:
    headers = {c.key: c.header for c in spec.columns}
    return [
        {"row": i.row, "column": headers.get(i.column, ""), "message": i.message}
        for i in issues[:MAX_LISTED_ISSUES]
    ]


# --- Jobs ------------------------------------------------------------------------------------


def import_job_create(
    *,
    actor: Actor,
    kind: str,
    upload: IO[bytes],
    original_name: str,
    dry_run: bool = False,
    mode: str | None = None,
) -> ImportJob:
    """Keep the uploaded workbook privately and record the job (not yet run)."""
    mode = import_mode(kind, mode)
    user = stored_user(actor)
    if user is None or not import_allowed(actor, kind):
        raise PermissionDenied
    storage = private_storage()
    name = storage.save(
        f"imports/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}.xlsx", File(upload)
    )
    return ImportJob.objects.create(
        kind=kind,
        mode=mode,
        actor=user,
        dry_run=dry_run,
        original_name=(original_name or "import.xlsx")[-255:],
        storage_name=name,
    )


def import_job_rows(job: ImportJob) -> int:
    """A quick row count (rows in the data sheet's XML, less the header) to choose between
    running now and the background queue."""
    path = Path(private_storage().path(job.storage_name))
    try:
        wb = WorkbookInfo(path)
        spec = kind_spec(job.kind, job.mode)
        sheet = wb[spec.sheet] if spec.sheet in wb.sheetnames else wb.sheets[0]
        with zipfile.ZipFile(path) as archive:
            xml = archive.read(sheet._worksheet_path.lstrip("/"))
    except Exception:
        return 0  # unreadable: the import itself will say why, at once
    return max(0, xml.count(b"<row ") + xml.count(b"<row>") - 1)


def import_job_run(job_id: int) -> ImportJob:
    """Run a job to its end: check, write or reject, annotate a rejected workbook. The job
    row is updated as it goes (outside the import's transaction, so the page sees it)."""
    job = ImportJob.objects.select_related("actor").get(pk=job_id)
    if job.is_finished:
        return job
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.RUNNING, started_at=timezone.now(), phase="Đang đọc tệp"
    )
    storage = private_storage()
    path = Path(storage.path(job.storage_name))
    total = {"rows": 0}

    def progress(done: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(rows_done=done, phase="Đang kiểm tra")

    def phase(text: str) -> None:
        ImportJob.objects.filter(pk=job.pk).update(phase=text, rows_done=total["rows"])

    try:
        outcome = import_workbook(
            actor=job.actor,
            path=path,
            kind=job.kind,
            mode=job.mode,
            dry_run=job.dry_run,
            progress=progress,
            phase=phase,
        )
    except PermissionDenied:
        outcome = ImportOutcome(
            ImportStatus.REJECTED, message="Vai trò của bạn không được nhập loại dữ liệu này."
        )
    except Exception:
        logger.exception("import job %s failed", job.pk)
        outcome = ImportOutcome(
            ImportStatus.FAILED, message="Lỗi hệ thống khi nhập; chưa có dữ liệu nào được ghi."
        )
    result_name = ""
    if outcome.errors and outcome.sheet is not None:
        cells, messages = errors_by_cell(outcome.sheet, outcome.errors)
        result_name = storage.save(
            f"imports/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}-loi.xlsx",
            File(tempfile.TemporaryFile()),
        )
        errors_workbook(path, Path(storage.path(result_name)), outcome.sheet, cells, messages)
    ImportJob.objects.filter(pk=job.pk).update(
        status=outcome.status,
        phase="",
        rows_total=outcome.rows,
        rows_done=outcome.rows,
        rows_written=outcome.written,
        error_count=len(outcome.errors),
        errors=issue_dicts(outcome.errors, kind_spec(job.kind, job.mode)),
        warnings=issue_dicts(outcome.warnings, kind_spec(job.kind, job.mode)),
        message=outcome.message,
        result_storage_name=result_name,
        finished_at=timezone.now(),
    )
    # The uploaded workbook holds personal data and is no longer needed (Decree 13/2023:
    # keep no more than the purpose needs); a rejected file's annotated copy stays for its
    # sender to download.
    storage.delete(job.storage_name)
    if outcome.status == ImportStatus.IMPORTED and job.kind == ImportKind.DOSSIERS:
        pipeline_refresh(today=timezone.localdate(), full=False, jobs=1)
    job.refresh_from_db()
    return job


def import_jobs_interrupted_fail() -> int:
    """Mark failed the jobs a stopped worker left "running" (killed, or the server went
    down): their import's transaction never committed, so nothing of them was written. The
    worker calls this when it starts — one worker per installation, so a job still
    "running" then is one nobody runs. Their uploaded workbooks are removed, as at a normal
    end. Answers how many jobs were marked."""
    storage = private_storage()
    marked = 0
    for job in ImportJob.objects.filter(status=ImportStatus.RUNNING).only("pk", "storage_name"):
        updated = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.RUNNING).update(
            status=ImportStatus.FAILED,
            phase="",
            message=(
                "Việc nhập bị gián đoạn vì tiến trình nền dừng giữa chừng; chưa có dữ liệu "
                "nào được ghi. Hãy tải tệp lên và nhập lại."
            ),
            finished_at=timezone.now(),
        )
        if updated:
            marked += 1
            if job.storage_name:
                storage.delete(job.storage_name)
    return marked
