"""Writes of the documents app: relatives, signers, the register of document numbers, scans
attached to a dossier, and the generation of an official form (an audited export)."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass, fields
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from ptdv.accounts.models import stored_user
from ptdv.audit.services import audit_record
from ptdv.candidacies.models import Candidacy, CandidacyEvent
from ptdv.candidacies.policies import candidacy_policy
from ptdv.core.policies import Action, Actor
from ptdv.core.text import nfc
from ptdv.documents.docx_writer import render_docx
from ptdv.documents.dossier import Dossier, dossier_load
from ptdv.documents.layout import render_pdf
from ptdv.documents.models import (
    Attachment,
    AttachmentType,
    DocumentCounter,
    DocumentKind,
    DocumentNumber,
    Relation,
    Relative,
    Signer,
    SignerCapacity,
)
from ptdv.documents.numbering import document_symbol
from ptdv.documents.official_forms import FORMS, FormSpec
from ptdv.documents.policies import can_take_number
from ptdv.documents.storage import private_storage
from ptdv.organisations.models import Organisation
from ptdv.organisations.policies import organisation_policy
from ptdv.people.models import Person
from ptdv.people.policies import person_policy

# --- Relatives -------------------------------------------------------------------------------


@dataclass
class RelativeData:
    relation: str
    full_name: str
    birth_year: int | None = None
    occupation: str = ""
    residence: str = ""
    political_history: str = ""
    party_member: bool = False


class RelativeTaken(ValidationError):
    """The person already has a father, a mother or a spouse declared: edit that line."""


def _relative_check(relative: Relative) -> None:
    if not relative.full_name.strip():
        raise ValidationError({"full_name": [_("Cần nhập họ và tên.")]})
    year = relative.birth_year
    if year is not None and not (1880 <= year <= timezone.localdate().year):
        raise ValidationError({"birth_year": [_("Năm sinh không hợp lệ.")]})
    if relative.relation in (Relation.FATHER, Relation.MOTHER, Relation.SPOUSE):
        taken = Relative.objects.filter(person=relative.person, relation=relative.relation)
        if relative.pk:
            taken = taken.exclude(pk=relative.pk)
        if taken.exists():
            raise RelativeTaken(
                {"relation": [_("Đã khai người thân với quan hệ này; hãy sửa dòng đã có.")]}
            )
    relative.full_clean()


@transaction.atomic
def relative_create(*, actor: Actor, person: Person, data: RelativeData) -> Relative:
    """Declare a relative of `person` (form 2-KNĐ); the actor must be able to change them."""
    person_policy.authorize(actor, Action.CHANGE, person)
    relative = Relative(
        person=person,
        relation=data.relation,
        full_name=nfc(data.full_name).strip(),
        birth_year=data.birth_year,
        occupation=nfc(data.occupation).strip(),
        residence=nfc(data.residence).strip(),
        political_history=nfc(data.political_history).strip(),
        party_member=data.party_member,
    )
    _relative_check(relative)
    relative.save()
    audit_record(
        actor=actor,
        action="create",
        obj=relative,
        person=person,
        summary="Khai người thân",
        data={"relation": relative.relation},
    )
    return relative


@transaction.atomic
def relative_update(*, actor: Actor, relative: Relative, data: RelativeData) -> Relative:
    person_policy.authorize(actor, Action.CHANGE, relative.person)
    relative = Relative.objects.select_for_update().get(pk=relative.pk)
    changed = []
    for item in fields(RelativeData):
        value = getattr(data, item.name)
        if isinstance(value, str):
            value = nfc(value).strip()
        if getattr(relative, item.name) != value:
            setattr(relative, item.name, value)
            changed.append(item.name)
    if changed:
        _relative_check(relative)
        relative.save()
        audit_record(
            actor=actor,
            action="change",
            obj=relative,
            person=relative.person,
            summary="Sửa thông tin người thân",
            data={"fields": changed},
        )
    return relative


@transaction.atomic
def relative_delete(*, actor: Actor, relative: Relative) -> None:
    person_policy.authorize(actor, Action.CHANGE, relative.person)
    object_id, person = str(relative.pk), relative.person
    relation = relative.relation
    relative.delete()
    audit_record(
        actor=actor,
        action="delete",
        object_type="documents.relative",
        object_id=object_id,
        person=person,
        summary="Xóa người thân",
        data={"relation": relation},
    )


# --- Signers ---------------------------------------------------------------------------------


@transaction.atomic
def signer_create(
    *,
    actor: Actor,
    organisation: Organisation,
    name: str,
    title: str,
    capacity: str = SignerCapacity.ON_BEHALF,
    collective: str = "",
    principal_title: str = "BÍ THƯ",
    is_default: bool = False,
) -> Signer:
    """Record who signs for `organisation`; a new default replaces the previous one.
    Outside the actor's scope the organisation answers like an absent one."""
    organisation = organisation_policy.resolve_named(
        actor, organisation, field="organisation", message=_("Không tìm thấy tổ chức.")
    )
    organisation_policy.authorize(actor, Action.ADMINISTER, organisation)
    signer = Signer(
        organisation=organisation,
        name=nfc(name).strip(),
        title=nfc(title).strip().upper(),
        capacity=capacity,
        collective=nfc(collective).strip().upper(),
        principal_title=nfc(principal_title).strip().upper(),
        is_default=is_default,
    )
    signer.full_clean()
    if is_default:
        Signer.objects.filter(organisation=organisation, is_default=True).update(is_default=False)
    signer.save()
    audit_record(actor=actor, action="create", obj=signer, summary="Thêm người ký văn bản")
    return signer


# --- The register of document numbers --------------------------------------------------------


def _counter_next(organisation: Organisation, year: int) -> int:
    """Take the next number of (organisation, year) inside the caller's transaction.

    The increment is one UPDATE … SET last_number = last_number + 1: on PostgreSQL it takes
    the row lock, so a concurrent caller waits until this transaction ends and then counts
    from the committed value; on SQLite the IMMEDIATE transaction already serialises writers.
    A rolled-back transaction gives its number back, so the register has no gaps.
    """
    updated = DocumentCounter.objects.filter(organisation=organisation, year=year).update(
        last_number=F("last_number") + 1
    )
    if not updated:
        try:
            with transaction.atomic():
                DocumentCounter.objects.create(organisation=organisation, year=year)
        except IntegrityError:
            pass  # another transaction created it first: count on its row
        DocumentCounter.objects.filter(organisation=organisation, year=year).update(
            last_number=F("last_number") + 1
        )
    return DocumentCounter.objects.values_list("last_number", flat=True).get(
        organisation=organisation, year=year
    )


@transaction.atomic
def document_number_issue(
    *,
    actor: Actor,
    organisation: Organisation,
    kind: DocumentKind | str,
    on: dt.date,
    candidacy: Candidacy | None = None,
    slug: str = "",
) -> DocumentNumber:
    """Hand out the next number of `organisation`'s register for the year of `on`.

    For a form of a dossier (`candidacy` and `slug`) the number is issued once: asking again
    returns the same entry.
    """
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": [_("Loại văn bản không hợp lệ.")]})
    if candidacy is not None and slug:
        existing = DocumentNumber.objects.filter(candidacy=candidacy, slug=slug).first()
        if existing is not None:
            return existing
    number = _counter_next(organisation, on.year)
    entry = DocumentNumber.objects.create(
        organisation=organisation,
        year=on.year,
        number=number,
        kind=kind,
        symbol=document_symbol(number=number, kind=str(kind), organisation=organisation),
        issued_on=on,
        candidacy=candidacy,
        slug=slug,
        issued_by=stored_user(actor),
    )
    audit_record(
        actor=actor,
        action="create",
        obj=entry,
        person=candidacy.person if candidacy is not None else None,
        summary="Lấy số văn bản " + entry.symbol,
        data={"organisation": organisation.code, "year": on.year, "number": number},
    )
    return entry


def document_number_reserve(
    *, actor: Actor, organisation: Organisation, kind: DocumentKind | str, on: dt.date
) -> DocumentNumber:
    """A number for a document typed outside the system (the user needs to change something
    in `organisation`'s subtree). The organisation is named by the request: outside the
    actor's scope it answers like an absent one (a field error); inside, a role that may not
    change things there is refused (403)."""
    organisation = organisation_policy.resolve_named(
        actor, organisation, field="organisation", message=_("Không tìm thấy tổ chức.")
    )
    organisation_policy.authorize(actor, Action.CHANGE, organisation)
    return document_number_issue(actor=actor, organisation=organisation, kind=kind, on=on)


# --- Attachments -----------------------------------------------------------------------------

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
_EXTENSIONS = {AttachmentType.PDF: ".pdf", AttachmentType.JPEG: ".jpg", AttachmentType.PNG: ".png"}


def sniff_content_type(head: bytes) -> str | None:
    """The type of a file from its first bytes (never from its name)."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return AttachmentType.PNG
    if head.startswith(b"\xff\xd8\xff"):
        return AttachmentType.JPEG
    # The PDF header may follow a little leading garbage (ISO 32000-1 §7.5.2 tolerance that
    # every reader applies): look in the first kilobyte.
    if b"%PDF-" in head[:1024]:
        return AttachmentType.PDF
    return None


@transaction.atomic
def attachment_create(
    *,
    actor: Actor,
    candidacy: Candidacy,
    upload: IO[bytes],
    original_name: str,
    title: str = "",
    event: CandidacyEvent | int | str | None = None,
) -> Attachment:
    """Keep a signed scan with the dossier (and the step it belongs to).

    `event` (an event or its id, as the request named it) is looked up among this dossier's
    own events: an absent event and another dossier's answer the same field error, and
    nothing is stored."""
    candidacy_policy.authorize(actor, Action.CHANGE, candidacy)
    if event is not None and event != "":
        try:
            event = CandidacyEvent.objects.get(
                pk=getattr(event, "pk", event), candidacy_id=candidacy.pk
            )
        except (CandidacyEvent.DoesNotExist, ValueError, TypeError):
            raise ValidationError({"event": [_("Bước này không thuộc hồ sơ.")]}) from None
    else:
        event = None
    upload.seek(0, 2)
    size = upload.tell()
    upload.seek(0)
    if size == 0:
        raise ValidationError({"file": [_("Tệp rỗng.")]})
    if size > MAX_ATTACHMENT_BYTES:
        raise ValidationError({"file": [_("Tệp quá lớn: tối đa 20 MB.")]})
    content_type = sniff_content_type(upload.read(2048))
    upload.seek(0)
    if content_type is None:
        raise ValidationError(
            {"file": [_("Chỉ nhận tệp PDF, JPEG hoặc PNG (kiểm tra theo nội dung tệp).")]}
        )
    digest = hashlib.sha256()
    while chunk := upload.read(1024 * 1024):
        digest.update(chunk)
    upload.seek(0)
    name = nfc(original_name).strip()[-255:] or "scan"
    today = timezone.localdate()
    storage = private_storage()
    storage_name = storage.save(
        f"attachments/{today:%Y/%m}/{uuid.uuid4().hex}{_EXTENSIONS[AttachmentType(content_type)]}",
        File(upload),
    )
    try:
        attachment = Attachment(
            candidacy=candidacy,
            event=event,
            title=nfc(title).strip()[:255] or name,
            original_name=name,
            content_type=content_type,
            size=size,
            sha256=digest.hexdigest(),
            storage_name=storage_name,
            uploaded_by=stored_user(actor),
        )
        attachment.full_clean()
        attachment.save()
        audit_record(
            actor=actor,
            action="create",
            obj=attachment,
            person=candidacy.person,
            summary="Đính kèm văn bản đã ký",
            data={"candidacy": candidacy.pk, "event": event.pk if event else None},
        )
    except Exception:
        # Nothing of the attachment is kept when its row cannot be written. (Django has no
        # on-rollback hook: a caller's outer transaction rolling back later leaves the file,
        # which `ptdv documents prune` removes.)
        storage.delete(storage_name)
        raise
    return attachment


def attachment_open(*, actor: Actor, attachment: Attachment) -> File[bytes]:
    """The stored file, for a user who may see the dossier; the download is audited."""
    candidacy = attachment.candidacy
    candidacy_policy.authorize(actor, Action.VIEW, candidacy)
    handle = private_storage().open(attachment.storage_name, "rb")
    audit_record(
        actor=actor,
        action="export",
        obj=attachment,
        person=candidacy.person,
        summary="Tải tệp đính kèm",
        data={"candidacy": candidacy.pk},
    )
    return handle


# --- Official forms --------------------------------------------------------------------------

FORMATS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


class FormNotAvailable(Exception):
    """The dossier has not reached the step that produces this form."""

    def __init__(self, name: str) -> None:
        self.message = _("Hồ sơ chưa đến bước lập văn bản “%(name)s”.") % {"name": name}
        super().__init__(self.message)


def _form_number_take(actor: Actor, spec: FormSpec, dossier: Dossier) -> None:
    """A numbered form whose step recorded no number takes the next one of the issuing body's
    register, once, when the actor may change things there (`can_take_number`)."""
    if not spec.kind or spec.slug in dossier.numbers:
        return
    event = spec.event(dossier)
    if event is not None and event.document_number:
        return
    issuer = spec.issuer(dossier)
    if issuer is None or not can_take_number(actor, issuer):
        return
    entry = document_number_issue(
        actor=actor,
        organisation=issuer,
        kind=spec.kind,
        on=spec.date(dossier) or dossier.today,
        candidacy=dossier.candidacy,
        slug=spec.slug,
    )
    dossier.numbers[spec.slug] = entry.symbol


@dataclass
class RenderedDocument:
    content: bytes
    filename: str
    content_type: str


def document_render(
    *,
    actor: Actor,
    candidacy_id: Any,
    slug: str,
    fmt: str,
    today: dt.date | None = None,
) -> RenderedDocument:
    """Generate form `slug` of a dossier the actor may see, as PDF or DOCX.

    A numbered document without a number recorded at its step takes the next one from the
    issuing body's register, once, when the actor may change things at that body; otherwise
    the space for the number stays empty. Every generation is audited as an export.
    Raises Http404 (unknown form or format, dossier outside the actor's subtree) and
    FormNotAvailable.
    """
    spec = FORMS.get(slug)
    if spec is None or fmt not in FORMATS:
        raise Http404
    candidacy = candidacy_policy.get_visible(
        actor,
        candidacy_id,
        Candidacy.objects.select_related(
            "person__residence_locality__organisation", "organisation", "helper__person"
        ),
    )
    day = today or timezone.localdate()
    dossier = dossier_load(candidacy, day)
    if not spec.available(dossier):
        raise FormNotAvailable(spec.name)
    dossier.on = spec.date(dossier)  # who issues it: the bodies of the step's own day
    _form_number_take(actor, spec, dossier)
    document = spec.build(dossier, spec)
    content = render_pdf(document) if fmt == "pdf" else render_docx(document)
    audit_record(
        actor=actor,
        action="export",
        obj=candidacy,
        person=candidacy.person,
        summary="Xuất văn bản " + (spec.code or spec.name),
        data={"slug": slug, "format": fmt},
    )
    return RenderedDocument(
        content=content, filename=f"{document.filename}.{fmt}", content_type=FORMATS[fmt]
    )
