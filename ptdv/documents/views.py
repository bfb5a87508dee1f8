"""Web pages of the documents app: a dossier's forms, its attachments, and the upload."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from ptdv.candidacies.models import Candidacy
from ptdv.candidacies.policies import candidacy_policy
from ptdv.documents.api import attachment_response, content_disposition
from ptdv.documents.bundle import dossier_bundle
from ptdv.documents.selectors import attachment_get_visible
from ptdv.documents.services import (
    MAX_ATTACHMENT_BYTES,
    FormNotAvailable,
    attachment_create,
    attachment_open,
    document_render,
)


@never_cache
@require_safe
def form_download_view(request: HttpRequest, pk: int, slug: str, ext: str) -> HttpResponse:
    try:
        rendered = document_render(actor=request.user, candidacy_id=pk, slug=slug, fmt=ext)
    except FormNotAvailable as exc:
        messages.error(request, exc.message)
        return redirect("candidacies:detail", pk=pk)
    response = HttpResponse(rendered.content, content_type=rendered.content_type)
    response["Content-Disposition"] = content_disposition(rendered.filename)
    return response


@never_cache
@require_safe
def bundle_download_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole dossier as one PDF, with its table of contents (ptdv.documents.bundle)."""
    rendered = dossier_bundle(actor=request.user, candidacy_id=pk)
    response = HttpResponse(rendered.content, content_type=rendered.content_type)
    response["Content-Disposition"] = content_disposition(rendered.filename)
    return response


@require_POST
def attachment_upload_view(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    candidacy = candidacy_policy.get_visible(
        request.user, pk, Candidacy.objects.select_related("person", "organisation")
    )
    upload = request.FILES.get("file")
    event = request.POST.get("event") or None  # resolved among the dossier's events
    if upload is None:
        messages.error(request, _("Hãy chọn tệp để tải lên."))
    elif upload.size is not None and upload.size > MAX_ATTACHMENT_BYTES:
        messages.error(request, _("Tệp quá lớn: tối đa 20 MB."))
    else:
        try:
            attachment_create(
                actor=request.user,
                candidacy=candidacy,
                upload=upload,
                original_name=upload.name or "",
                title=request.POST.get("title", ""),
                event=event,
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Đã đính kèm văn bản."))
    return redirect("candidacies:detail", pk=candidacy.pk)


@never_cache
@require_safe
def attachment_download_view(request: HttpRequest, pk: int) -> FileResponse:
    attachment = attachment_get_visible(actor=request.user, pk=pk)
    return attachment_response(
        attachment, attachment_open(actor=request.user, attachment=attachment)
    )
