"""The write path of exemplars: record, change, link to a candidacy, attach evidence.

Each service resolves every object the request names through the actor's scope (the
organisation with a clerk's role, the person and the dossier as the actor may see them;
outside the scope: the same field error as for an absent one, nothing written), locks the row
it changes, and audits — in one transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ptdv.audit.services import audit_record
from ptdv.candidacies.models import Candidacy
from ptdv.candidacies.policies import candidacy_policy, require_clerk_somewhere
from ptdv.core.policies import Action, Actor
from ptdv.core.refusals import unprocessable
from ptdv.core.text import nfc, search_text
from ptdv.documents.models import AttachmentType
from ptdv.documents.services import MAX_ATTACHMENT_BYTES, sniff_content_type
from ptdv.documents.storage import private_storage
from ptdv.exemplars.models import Exemplar, ExemplarField
from ptdv.exemplars.policies import exemplar_policy
from ptdv.organisations.policies import organisation_policy
from ptdv.people.models import Person
from ptdv.people.policies import person_policy

_EXTENSIONS = {AttachmentType.PDF: ".pdf", AttachmentType.JPEG: ".jpg", AttachmentType.PNG: ".png"}


class StaleExemplar(Exception):
    def __init__(self, current: int) -> None:
        super().__init__(_("Gương điển hình đã bị người khác thay đổi; hãy tải lại và thử lại."))
        self.current = current


@dataclass(frozen=True)
class ExemplarData:
    organisation: Any  # an Organisation or its id, resolved through the actor's scope
    field: str
    deed: str
    recognised_on: dt.date
    person: Any = None  # a Person or its id (in scope), or None for someone outside PTĐV
    name: str = ""  # required when `person` is None
    description: str = ""
    evidence: str = ""


def _stored_user(actor: Actor) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _clean(actor: Actor, data: ExemplarData) -> tuple[Any, Person | None, dict[str, Any]]:
    organisation = organisation_policy.resolve_named(
        actor,
        data.organisation,
        field="organisation",
        message=_("Tổ chức: không tìm thấy tổ chức trong phạm vi được phân quyền."),
        action=Action.CHANGE,
    )
    person: Person | None = None
    if data.person not in (None, ""):
        person = person_policy.resolve_named(
            actor,
            data.person,
            field="person",
            message=_("Người: không tìm thấy người này trong phạm vi được phân quyền."),
        )
    errors: dict[str, str] = {}
    name = person.full_name if person is not None else nfc(data.name)
    if data.field not in ExemplarField.values:
        errors["field"] = _("Lĩnh vực: giá trị không hợp lệ.")
    deed = data.deed.strip()
    if not deed:
        errors["deed"] = _("Thành tích: cần mô tả thành tích, việc làm tiêu biểu.")
    if errors:
        raise ValidationError(errors)
    if not name:
        # Either a person of PTĐV or a typed name: a rule between two fields (422).
        raise unprocessable(
            {"name": _("Họ và tên: cần nhập họ tên (hoặc chọn người trong hệ thống).")}
        )
    if data.recognised_on > timezone.localdate():
        raise unprocessable({"recognised_on": _("Ngày ghi nhận: không được sau ngày hôm nay.")})
    description = nfc(data.description)[:255]
    fields = {
        "name": name[:150],
        "description": description,
        "field": data.field,
        "deed": deed,
        "recognised_on": data.recognised_on,
        "evidence": data.evidence.strip(),
        "search_text": search_text(name, description, deed),
    }
    return organisation, person, fields


@transaction.atomic
def exemplar_create(*, actor: Actor, data: ExemplarData) -> Exemplar:
    """Record an exemplar in `data.organisation` (a clerk's role there)."""
    require_clerk_somewhere(actor)
    organisation, person, fields = _clean(actor, data)
    exemplar = Exemplar(
        organisation=organisation, person=person, created_by=_stored_user(actor), **fields
    )
    exemplar.full_clean()
    exemplar.save()
    audit_record(
        actor=actor,
        action="create",
        obj=exemplar,
        person=person,
        organisation=organisation,
        summary=_("Ghi nhận gương điển hình"),
        data={"field": exemplar.field, "recognised_on": exemplar.recognised_on.isoformat()},
    )
    return exemplar


def _locked(actor: Actor, exemplar_id: Any) -> Exemplar:
    exemplar = exemplar_policy.get_visible(
        actor,
        exemplar_id,
        Exemplar.objects.select_for_update(of=("self",)).select_related("organisation"),
    )
    exemplar_policy.authorize(actor, Action.CHANGE, exemplar)
    return exemplar


def _bump(exemplar: Exemplar) -> None:
    Exemplar.objects.filter(pk=exemplar.pk).update(version=F("version") + 1)
    exemplar.version += 1


@transaction.atomic
def exemplar_update(
    *, actor: Actor, exemplar_id: Any, data: ExemplarData, version: int | None = None
) -> Exemplar:
    """Change an exemplar (its organisation may move within the actor's reach)."""
    exemplar = _locked(actor, exemplar_id)
    if version is not None and version != exemplar.version:
        raise StaleExemplar(exemplar.version)
    organisation, person, fields = _clean(actor, data)
    if (
        exemplar.candidacy_id is not None
        and person is not None
        and exemplar.candidacy is not None
        and exemplar.candidacy.person_id != person.pk
    ):
        raise unprocessable(
            {"person": _("Người: gương điển hình đã gắn với hồ sơ của một người khác.")}
        )
    before = {k: str(getattr(exemplar, k)) for k in fields if k != "search_text"}
    exemplar.organisation = organisation
    exemplar.person = person
    for key, value in fields.items():
        setattr(exemplar, key, value)
    exemplar.full_clean()
    exemplar.save()
    _bump(exemplar)
    audit_record(
        actor=actor,
        action="change",
        obj=exemplar,
        person=person,
        organisation=organisation,
        summary=_("Sửa gương điển hình"),
        data={"changed": sorted(k for k, v in before.items() if v != str(fields[k]))},
    )
    return exemplar


@transaction.atomic
def exemplar_link_candidacy(*, actor: Actor, exemplar_id: Any, candidacy: Any) -> Exemplar:
    """Link the exemplar to the dossier of the candidate they became (`candidacy`: a dossier
    or its id the actor may see; None unlinks). An exemplar of a person of PTĐV links only to
    that person's dossier; one named by name only takes the dossier's person."""
    exemplar = _locked(actor, exemplar_id)
    found: Candidacy | None = None
    if candidacy not in (None, ""):
        found = candidacy_policy.resolve_named(
            actor,
            candidacy,
            field="candidacy",
            message=_("Hồ sơ: không tìm thấy hồ sơ trong phạm vi được phân quyền."),
            queryset=Candidacy.objects.select_related("person"),
        )
        if exemplar.person_id is not None and found.person_id != exemplar.person_id:
            raise unprocessable(
                {"candidacy": _("Hồ sơ: hồ sơ này là của một người khác, không phải người này.")}
            )
        exemplar.person = found.person
        exemplar.name = found.person.full_name[:150]
        exemplar.search_text = search_text(exemplar.name, exemplar.description, exemplar.deed)
    previous = exemplar.candidacy_id
    exemplar.candidacy = found
    exemplar.save()
    _bump(exemplar)
    audit_record(
        actor=actor,
        action="change",
        obj=exemplar,
        person=exemplar.person,
        organisation=exemplar.organisation,
        summary=_("Gắn gương điển hình với hồ sơ quần chúng")
        if found
        else _("Bỏ gắn gương điển hình với hồ sơ quần chúng"),
        data={"candidacy": found.pk if found else None, "previous": previous},
    )
    return exemplar


@transaction.atomic
def exemplar_evidence_attach(
    *, actor: Actor, exemplar_id: Any, upload: IO[bytes], original_name: str
) -> Exemplar:
    """Keep one scanned evidence file (PDF, JPEG or PNG, judged by its content, at most
    20 MB) in the private storage; a new file replaces the old one."""
    exemplar = _locked(actor, exemplar_id)
    upload.seek(0, 2)
    size = upload.tell()
    upload.seek(0)
    if size == 0:
        raise ValidationError({"file": [_("Tệp minh chứng: tệp rỗng.")]})
    if size > MAX_ATTACHMENT_BYTES:
        raise ValidationError({"file": [_("Tệp minh chứng: tệp quá lớn, tối đa 20 MB.")]})
    content_type = sniff_content_type(upload.read(2048))
    upload.seek(0)
    if content_type is None:
        raise ValidationError({"file": [_("Tệp minh chứng: chỉ nhận tệp PDF, JPEG hoặc PNG.")]})
    digest = hashlib.sha256()
    while chunk := upload.read(1024 * 1024):
        digest.update(chunk)
    upload.seek(0)
    storage = private_storage()
    today = timezone.localdate()
    storage_name = storage.save(
        f"exemplars/{today:%Y/%m}/{uuid.uuid4().hex}{_EXTENSIONS[AttachmentType(content_type)]}",
        File(upload),
    )
    old = exemplar.evidence_storage
    exemplar.evidence_name = nfc(original_name).strip()[-255:] or "minh-chung"
    exemplar.evidence_type = content_type
    exemplar.evidence_size = size
    exemplar.evidence_storage = storage_name
    try:
        exemplar.save()
        _bump(exemplar)
        audit_record(
            actor=actor,
            action="change",
            obj=exemplar,
            person=exemplar.person,
            organisation=exemplar.organisation,
            summary=_("Đính kèm tệp minh chứng gương điển hình"),
            data={"size": size, "sha256": digest.hexdigest()},
        )
    except Exception:
        storage.delete(storage_name)
        raise
    if old:
        transaction.on_commit(lambda: private_storage().delete(old))
    return exemplar


def exemplar_evidence_open(*, actor: Actor, exemplar: Exemplar) -> File[bytes]:
    """The stored evidence file of an exemplar the actor may see; the download is audited."""
    exemplar_policy.authorize(actor, Action.VIEW, exemplar)
    handle = private_storage().open(exemplar.evidence_storage, "rb")
    audit_record(
        actor=actor,
        action="export",
        obj=exemplar,
        person=exemplar.person,
        organisation=exemplar.organisation,
        summary=_("Tải tệp minh chứng gương điển hình"),
    )
    return handle
