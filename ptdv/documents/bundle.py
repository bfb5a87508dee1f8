"""The whole dossier as one PDF: what a grassroots organisation sends up to the deciding
committee ("gửi hồ sơ lên").

Every official form the dossier has reached (the catalogue, `FORMS`, in the order of the
regulations: CN-NTVĐ, 1-KNĐ … 15-KNĐ, the recognition decision) and every signed scan attached
to it, each scan placed after the forms of the step it belongs to — a step that issues no
form (background verification, a consent, the ceremony…) has its scans where the step falls
in the regulations' sequence of steps (`DossierAction`'s order) — and the scans attached to no
step at the end. A table of contents comes first, with the page where each part starts; the
PDF's outline (bookmarks) names the same parts.

The forms are generated as `document_render` generates them (same builders, same layout)
with the numbers the dossier already holds: building the bundle is a read, it takes no new
number from a register. A scanned PDF is copied page by page; a JPEG or PNG scan becomes a
page through the same WeasyPrint path as the forms; a file that cannot be read becomes a page
saying so. The bundle is audited as one export of the dossier.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from ptdv.audit.services import audit_record
from ptdv.candidacies.models import Candidacy, DossierAction
from ptdv.candidacies.policies import candidacy_policy
from ptdv.core.policies import Actor
from ptdv.documents.dossier import Dossier, dossier_load
from ptdv.documents.layout import render_pdf
from ptdv.documents.models import Attachment, AttachmentType
from ptdv.documents.official_forms import FORMS, FormSpec
from ptdv.documents.official_forms.steps import FORM_STEPS
from ptdv.documents.services import RenderedDocument
from ptdv.documents.storage import private_storage

PDF = "application/pdf"
ORDER = [str(action) for action in DossierAction]
# The forms no single step issues, placed with the step they go with: the partial
# committee's appraisal (7-KNĐ) follows the cell's resolution; the probationary member's
# reviews (10, 11, 12-KNĐ) and the grassroots committee's resolution on recognition (15-KNĐ)
# belong to the recognition.
FORM_PLACE: dict[str, str] = {
    "7-knd": DossierAction.BRANCH_VOTE,
    "10-knd": DossierAction.RECOGNITION_VOTE,
    "11-knd": DossierAction.RECOGNITION_VOTE,
    "12-knd": DossierAction.RECOGNITION_VOTE,
    "15-knd": DossierAction.RECOGNITION_VOTE,
}


@dataclass(frozen=True)
class BundleItem:
    """One part of the bundle: an official form or a scan."""

    title: str
    form: FormSpec | None = None
    attachment: Attachment | None = None


@dataclass(frozen=True)
class BundlePart:
    title: str
    content: bytes
    pages: int
    first_page: int = 0


def form_title(spec: FormSpec) -> str:
    return f"{spec.code} — {spec.name}" if spec.code else spec.name


def scan_title(attachment: Attachment) -> str:
    return f"Bản scan: {attachment.title}"


def _last_form_of_step() -> dict[str, str]:
    last: dict[str, str] = {}
    for slug in FORMS:
        action = FORM_STEPS[slug].action
        if action is not None:
            last[str(action)] = slug
    return last


def bundle_plan(dossier: Dossier, attachments: list[Attachment]) -> list[BundleItem]:
    """The parts of the bundle in the order of the regulations (see the module docstring)."""
    scans: dict[str, list[Attachment]] = {}
    loose: list[Attachment] = []
    for attachment in attachments:
        if attachment.event is None:
            loose.append(attachment)
        else:
            scans.setdefault(str(attachment.event.action), []).append(attachment)
    items: list[BundleItem] = []
    placed: set[str] = set()

    def scans_up_to(end: int) -> None:
        """The scans of every step before position `end` of the steps not yet placed."""
        for action in ORDER[:end]:
            if action not in placed:
                placed.add(action)
                items.extend(BundleItem(scan_title(a), attachment=a) for a in scans.get(action, []))

    last = _last_form_of_step()
    for slug, spec in FORMS.items():
        step = FORM_STEPS[slug].action
        place = str(step) if step is not None else FORM_PLACE.get(slug)
        if place is not None:
            scans_up_to(ORDER.index(place))
        if spec.available(dossier):
            items.append(BundleItem(form_title(spec), form=spec))
        if step is not None and last.get(str(step)) == slug:
            scans_up_to(ORDER.index(str(step)) + 1)
    scans_up_to(len(ORDER))
    # Steps the catalogue does not know (an action added later) keep their scans too.
    for action, found in scans.items():
        if action not in placed:
            items.extend(BundleItem(scan_title(a), attachment=a) for a in found)
    items.extend(BundleItem(scan_title(a), attachment=a) for a in loose)
    return items


def _page_count(content: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(content)).pages)


def _html_pdf(template: str, context: dict[str, Any]) -> bytes:
    # WeasyPrint takes over a second to import: it loads when a PDF is rendered.
    from weasyprint import HTML

    pdf: bytes = HTML(string=render_to_string(template, context)).write_pdf()
    return pdf


def _unreadable(attachment: Attachment) -> bytes:
    return _html_pdf("documents/bundle_unreadable.html", {"attachment": attachment})


def _readable_pdf(raw: bytes) -> bool:
    """Whether pypdf reads the scan and finds pages (any failure to parse: it cannot)."""
    try:
        return _page_count(raw) > 0
    except Exception:
        return False


def _scan_pdf(attachment: Attachment) -> bytes:
    """The scan as PDF pages: a PDF as it is (when it can be read), an image on a page."""
    try:
        with private_storage().open(attachment.storage_name, "rb") as handle:
            raw = handle.read()
    except OSError:
        return _unreadable(attachment)
    if attachment.content_type == AttachmentType.PDF:
        return raw if _readable_pdf(raw) else _unreadable(attachment)
    source = f"data:{attachment.content_type};base64,{base64.b64encode(raw).decode('ascii')}"
    return _html_pdf("documents/bundle_image.html", {"attachment": attachment, "source": source})


def _form_pdf(dossier: Dossier, spec: FormSpec) -> bytes:
    dossier.on = spec.date(dossier)  # who issues it: the bodies of the step's own day
    return render_pdf(spec.build(dossier, spec))


def _parts(dossier: Dossier, items: list[BundleItem]) -> list[BundlePart]:
    parts = []
    for item in items:
        if item.form is not None:
            content = _form_pdf(dossier, item.form)
        else:
            assert item.attachment is not None
            content = _scan_pdf(item.attachment)
        parts.append(BundlePart(item.title, content, _page_count(content)))
    return parts


def _table_of_contents(
    candidacy: Candidacy, parts: list[BundlePart], today: dt.date
) -> tuple[bytes, list[BundlePart]]:
    """The contents pages and the parts with the page each starts on (the contents pages
    counted: rendered once more when they turn out longer than assumed)."""
    toc_pages = 1
    while True:
        numbered = []
        page = toc_pages + 1
        for part in parts:
            numbered.append(BundlePart(part.title, part.content, part.pages, page))
            page += part.pages
        content = _html_pdf(
            "documents/bundle_toc.html",
            {
                "candidacy": candidacy,
                "person": candidacy.person,
                "parts": numbered,
                "today": today,
                "total": page - 1,
            },
        )
        pages = _page_count(content)
        if pages == toc_pages:
            return content, numbered
        toc_pages = pages


def _merge(toc: bytes, parts: list[BundlePart], title: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    # The parts' own bookmarks (WeasyPrint makes one of each heading) are left out: the
    # outline is the table of contents.
    writer.append(PdfReader(io.BytesIO(toc)), outline_item="Mục lục", import_outline=False)
    for part in parts:
        writer.append(
            PdfReader(io.BytesIO(part.content)), outline_item=part.title, import_outline=False
        )
    writer.add_metadata({"/Title": title, "/Producer": "PTĐV"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def dossier_bundle(
    *, actor: Actor, candidacy_id: Any, today: dt.date | None = None
) -> RenderedDocument:
    """The whole dossier of a candidacy the actor may see, as one PDF (see the module
    docstring). Raises Http404 outside the actor's subtree (as for an absent dossier)."""
    candidacy = candidacy_policy.get_visible(
        actor,
        candidacy_id,
        Candidacy.objects.select_related(
            "person__residence_locality__organisation", "organisation", "helper__person"
        ),
    )
    day = today or timezone.localdate()
    dossier = dossier_load(candidacy, day)
    attachments = list(
        Attachment.objects.filter(candidacy=candidacy)
        .select_related("event")
        .order_by("event__on", "uploaded_at", "id")
    )
    items = bundle_plan(dossier, attachments)
    parts = _parts(dossier, items)
    toc, numbered = _table_of_contents(candidacy, parts, day)
    content = _merge(toc, numbered, f"Hồ sơ đề nghị kết nạp đảng viên — hồ sơ số {candidacy.pk}")
    audit_record(
        actor=actor,
        action="export",
        obj=candidacy,
        person=candidacy.person,
        summary="Xuất toàn bộ hồ sơ (PDF)",
        data={
            "forms": [item.form.slug for item in items if item.form is not None],
            "attachments": [item.attachment.pk for item in items if item.attachment is not None],
        },
    )
    return RenderedDocument(content=content, filename=f"ho-so-{candidacy.pk}.pdf", content_type=PDF)
