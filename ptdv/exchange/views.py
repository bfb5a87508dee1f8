"""Pages of Excel import and export: templates, the upload (with a dry run), the job page
whose progress bar htmx polls, the annotated workbook of a rejected file, and the exports of
the lists with their filters."""

from __future__ import annotations

import tempfile

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from ptdv.audit.services import audit_record
from ptdv.core.policies import user_scopes
from ptdv.core.views import render_page
from ptdv.documents.storage import private_storage
from ptdv.exchange.columns import KINDS, kind_spec
from ptdv.exchange.exports import EXPORT_FILTERS, EXPORTS
from ptdv.exchange.importers import kind_modes
from ptdv.exchange.models import ImportJob, ImportKind, ImportMode
from ptdv.exchange.policies import import_allowed
from ptdv.exchange.services import MAX_IMPORT_BYTES, import_job_create, import_mode
from ptdv.exchange.tasks import import_job_start
from ptdv.exchange.workbook import template_build

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_scope(request: HttpRequest) -> None:
    if not user_scopes(request.user):
        raise PermissionDenied


@require_http_methods(["GET", "POST"])
def exchange_index_view(request: HttpRequest) -> HttpResponse:
    _require_scope(request)
    kinds = [
        {
            "value": kind.value,
            "label": kind.label,
            "allowed": import_allowed(request.user, kind),
            "modes": ", ".join(str(ImportMode(m).label).lower() for m in kind_modes(kind)),
        }
        for kind in ImportKind
    ]
    # One template per kind and mode: the default mode's at the kind's address, the others'
    # with `?mode=`.
    templates = [
        {
            "kind": kind.value,
            "mode": "" if mode == kind_modes(kind)[0] else mode,
            "label": kind.label,
        }
        for kind in ImportKind
        for mode in kind_modes(kind)
        if mode == kind_modes(kind)[0] or kind_spec(kind, mode) is not KINDS[kind]
    ]
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        mode = request.POST.get("mode", "")
        upload = request.FILES.get("file")
        dry_run = request.POST.get("dry_run") == "1"
        mode_problem = _mode_problem(kind, mode)
        if kind not in ImportKind.values:
            messages.error(request, _("Hãy chọn loại dữ liệu cần nhập."))
        elif not import_allowed(request.user, kind):
            raise PermissionDenied
        elif mode_problem:
            messages.error(request, mode_problem)
        elif upload is None:
            messages.error(request, _("Hãy chọn tệp Excel (.xlsx)."))
        elif upload.size is not None and upload.size > MAX_IMPORT_BYTES:
            messages.error(request, _("Tệp quá lớn: tối đa 100 MB."))
        else:
            job = import_job_create(
                actor=request.user,
                kind=kind,
                upload=upload,
                original_name=upload.name or "",
                dry_run=dry_run,
                mode=mode or None,
            )
            job = import_job_start(job)
            return redirect(job)
    jobs = ImportJob.objects.filter(actor_id=request.user.pk).order_by("-created_at")[:10]
    return render_page(
        request,
        "exchange/index.html",
        {
            "kinds": kinds,
            "templates": templates,
            "modes": ImportMode.choices,
            "jobs": jobs,
            "section": "exchange",
            "max_mb": MAX_IMPORT_BYTES // 2**20,
        },
    )


def _mode_problem(kind: str, mode: str) -> str:
    """Why `mode` does not fit `kind` (empty: the kind's default, or it fits)."""
    if kind not in ImportKind.values:
        return ""
    try:
        import_mode(kind, mode or None)
    except ValueError as exc:
        return str(exc)
    return ""


@require_safe
def template_view(request: HttpRequest, kind: str) -> FileResponse:
    _require_scope(request)
    mode = request.GET.get("mode") or None
    if kind not in KINDS or (mode is not None and mode not in kind_modes(kind)):
        raise Http404
    spec = kind_spec(kind, mode)
    handle = tempfile.TemporaryFile()
    template_build(spec, handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=spec.template_name, content_type=XLSX)


def _job(request: HttpRequest, pk: int) -> ImportJob:
    """A job is its sender's: anyone else gets the same 404 as for an absent one."""
    job = ImportJob.objects.filter(pk=pk, actor_id=request.user.pk).first()
    if job is None:
        raise Http404
    return job


@never_cache
@require_safe
def job_view(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    context = {"job": job, "section": "exchange"}
    if request.headers.get("HX-Request") == "true":
        return render(request, "exchange/_job_progress.html", context)
    return render_page(request, "exchange/job.html", context)


@never_cache
@require_safe
def job_errors_view(request: HttpRequest, pk: int) -> FileResponse:
    job = _job(request, pk)
    if not job.result_storage_name:
        raise Http404
    handle = private_storage().open(job.result_storage_name, "rb")
    # The annotated workbook repeats the rows sent, names included.
    audit_record(
        actor=request.user,
        action="export",
        obj=job,
        summary="Tải tệp Excel nhập lỗi đã chú thích",
        data={"kind": job.kind, "rows": job.rows_total},
    )
    stem = job.original_name.rsplit(".", 1)[0] or "nhap"
    return FileResponse(handle, as_attachment=True, filename=f"{stem}-loi.xlsx", content_type=XLSX)


@never_cache
@require_safe
def export_view(request: HttpRequest, name: str) -> FileResponse:
    _require_scope(request)
    if name not in EXPORTS:
        raise Http404
    filters = EXPORT_FILTERS[name](request.user, request.GET)
    export = EXPORTS[name](actor=request.user, filters=filters)
    response = FileResponse(
        export.file, as_attachment=True, filename=export.filename, content_type=XLSX
    )
    response["X-Rows"] = str(export.rows)
    return response
