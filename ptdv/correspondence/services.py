"""Writes of the requests between organisations: send, receive, answer, accept, refuse, cancel,
and the nightly escalation of overdue requests.

Each service resolves the request (and whatever else the request names) through the actor's
scope, locks the request row, checks its status and the version the user saw, writes the
change and an audit entry in one transaction, and tells the other side (notify). A reply that
arrives records the dossier's fact through the dossier action (`candidacy_act`), with the reply
as its document, so the dossier's checklist ticks; a transfer the receiving side accepts moves
the dossier, with its whole history, through the transfer action.

The dossier belongs to the sender. Answering a request addressed to them grants the
addressee's clerk the one step the request asks for — recording the reply's fact and keeping
its signed scan with the dossier, or taking the transferred dossier in — and nothing else:
`_granted` widens the acting user's scope by the dossier's organisation for that call only,
after the request row is locked and the user is known to stand on the addressee's side. The
dossier step is then audited as the addressee's clerk's, which is who did it.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from ptdv.accounts.models import stored_user
from ptdv.audit.services import audit_record
from ptdv.candidacies.models import POOL_STAGES, Candidacy, CandidacyEvent, Stage
from ptdv.candidacies.policies import candidacy_policy, require_clerk_somewhere
from ptdv.candidacies.workflow import RuleViolation, candidacy_act
from ptdv.core.policies import Action, Actor, user_scopes
from ptdv.core.refusals import unprocessable
from ptdv.core.roles import ROLE_RANK, Role
from ptdv.core.text import nfc
from ptdv.correspondence.models import (
    OPEN_STATUSES,
    Conclusion,
    OrganisationRequest,
    RequestKind,
    RequestStatus,
    VerificationPlace,
)
from ptdv.correspondence.parameters import due_parameter
from ptdv.correspondence.policies import ADDRESSEE, SENDER, request_policy
from ptdv.documents.models import DocumentKind, Relation, Relative
from ptdv.documents.policies import can_take_number
from ptdv.documents.services import attachment_create, document_number_issue
from ptdv.notifications.services import notify
from ptdv.organisations.models import (
    CELL_KINDS,
    Kind,
    Organisation,
    ancestor_paths,
    commune_level_unit,
)
from ptdv.organisations.policies import organisation_policy
from ptdv.rules.services import rules_calendar

OPINION_KINDS = (RequestKind.RESIDENCE_OPINION, RequestKind.MASS_OPINION)
# The stages at which a verification or an opinion is still gathered (before the cell votes).
GATHERING_STAGES = (Stage.SOURCE, Stage.TRAINED, Stage.APPLIED)


class StaleRequest(Exception):
    """The user acted on a version of the request that someone else has changed since."""

    def __init__(self, current: int) -> None:
        super().__init__(_("Yêu cầu đã bị người khác thay đổi; hãy tải lại và thử lại."))
        self.current = current


class WrongStatus(ValidationError):
    """The request's present status does not allow the action (answered 409)."""


@dataclass
class Reply:
    text: str
    conclusion: str
    answered_on: dt.date
    number: str = ""
    signer: str = ""
    scan: IO[bytes] | None = None
    scan_name: str = ""


# --- Helpers ---------------------------------------------------------------------------------


def _locked(actor: Actor, request_id: Any) -> OrganisationRequest:
    """The request, visible to the actor (404 otherwise), locked for the change."""
    request = request_policy.get_visible(actor, request_id)
    return (
        OrganisationRequest.objects.select_for_update(of=("self",))
        .select_related("sender", "addressee", "candidacy__person", "candidacy__organisation")
        .get(pk=request.pk)
    )


def _check_version(request: OrganisationRequest, version: int | None) -> None:
    if version is not None and version != request.version:
        raise StaleRequest(request.version)


def _require_status(request: OrganisationRequest, *allowed: str) -> None:
    if request.status not in allowed:
        raise WrongStatus(
            {
                "status": [
                    _("Yêu cầu đang ở tình trạng “%(s)s”: không thực hiện được thao tác này.")
                    % {"s": request.get_status_display()}
                ]
            },
            code="invalid_status",
        )


def _bump(request: OrganisationRequest, **changes: Any) -> None:
    """Write `changes` and the next version (the row is locked by the caller)."""
    for name, value in changes.items():
        setattr(request, name, value)
    request.version += 1
    request.save(update_fields=[*changes, "version", "updated_at"])


def _granted(actor: Actor, candidacy: Candidacy) -> Actor:
    """The acting user, allowed as a clerk of the dossier's organisation for one step the
    request grants (see the module's docstring). The audit still names the user."""
    granted = copy.copy(actor)
    scopes = [*user_scopes(actor), (candidacy.organisation.path, ROLE_RANK[Role.CLERK])]
    granted._ptdv_scopes = scopes  # type: ignore[attr-defined]
    return granted


def _the_side(request: OrganisationRequest) -> str:
    """Who answers: the addressee inside the tree; the sender for a body outside it."""
    return SENDER if request.is_external else ADDRESSEE


def _url(request: OrganisationRequest) -> str:
    return reverse("correspondence:detail", args=[request.pk])


def _title(request: OrganisationRequest) -> str:
    return f"{request.get_kind_display()}: {request.subject_name}"


def letter_issuer(sender: Organisation) -> Organisation:
    """Who signs a request's letter: the sender, or for a cell of a grassroots committee (or
    of a partial committee) the committee above it, which certifies for its cells."""
    if sender.kind != Kind.CELL or sender.parent_id is None:
        return sender
    lineage = Organisation.objects.filter(path__in=ancestor_paths(sender.path)).order_by("-path")
    for organisation in lineage:
        if organisation.kind not in (Kind.CELL, Kind.PARTIAL_COMMITTEE):
            return organisation
    return sender


def _parents(person_id: int) -> tuple[str, str]:
    rows = dict(
        Relative.objects.filter(
            person_id=person_id, relation__in=(Relation.FATHER, Relation.MOTHER)
        ).values_list("relation", "full_name")
    )
    return rows.get(Relation.FATHER, ""), rows.get(Relation.MOTHER, "")


def _addressee(named: Any) -> Organisation:
    """An organisation of the tree a request is addressed to. Unlike what a request names to
    change, it is by nature outside the sender's scope: any active organisation may be
    named (the tree's names are not personal data); an absent or dissolved one answers the
    same field error."""
    pk = getattr(named, "pk", named)
    try:
        return Organisation.objects.get(pk=pk, valid_to__isnull=True)
    except (Organisation.DoesNotExist, ValueError, TypeError):
        raise ValidationError(
            {"addressee": [_("Không tìm thấy tổ chức nhận đang hoạt động.")]}
        ) from None


def _unit(organisation: Organisation) -> Organisation | None:
    lineage = list(Organisation.objects.filter(path__in=ancestor_paths(organisation.path)))
    return commune_level_unit(lineage)


# --- Send ------------------------------------------------------------------------------------


@dataclass
class NewRequest:
    kind: str
    questions: str
    addressee: Any = None  # an organisation of the tree (or its id), or None
    addressee_name: str = ""
    addressee_address: str = ""
    place: str = ""
    home_town: str = ""


def _validate_new(data: NewRequest) -> None:
    errors: dict[str, list[str]] = {}
    if data.kind not in RequestKind.values:
        errors["kind"] = [_("Loại yêu cầu không hợp lệ.")]
    if data.kind == RequestKind.VERIFICATION and data.place not in VerificationPlace.values:
        errors["place"] = [_("Cần chọn nơi thẩm tra (quê quán, nơi cư trú, nơi làm việc).")]
    if not nfc(data.questions).strip():
        errors["questions"] = [_("Cần nhập nội dung đề nghị.")]
    has_org = data.addressee not in (None, "")
    has_name = bool(nfc(data.addressee_name).strip())
    if has_org == has_name:
        errors["addressee"] = [
            _("Chọn một tổ chức trong hệ thống, hoặc nhập tên và địa chỉ nơi nhận ngoài hệ thống.")
        ]
    elif has_name and not nfc(data.addressee_address).strip():
        errors["addressee_address"] = [_("Cần nhập địa chỉ nơi nhận ngoài hệ thống.")]
    if data.kind == RequestKind.TRANSFER and has_name:
        errors["addressee"] = [_("Chỉ chuyển hồ sơ được cho tổ chức trong hệ thống.")]
    if errors:
        raise unprocessable(errors)


def _check_candidacy_for(kind: str, candidacy: Candidacy, addressee: Organisation | None) -> None:
    if not candidacy.is_open:
        raise unprocessable({"candidacy": [_("Hồ sơ đã đóng.")]})
    if kind == RequestKind.TRANSFER:
        if candidacy.stage not in POOL_STAGES:
            raise unprocessable(
                {"candidacy": [_("Chỉ chuyển được hồ sơ chưa có quyết định kết nạp.")]}
            )
        assert addressee is not None
        unit, target_unit = _unit(candidacy.organisation), _unit(addressee)
        if unit is not None and target_unit is not None and unit.pk == target_unit.pk:
            raise unprocessable(
                {
                    "addressee": [
                        _(
                            "Tổ chức nhận thuộc cùng %(unit)s: dùng thao tác “Chuyển chi bộ” "
                            "của hồ sơ."
                        )
                        % {"unit": unit.name}
                    ]
                }
            )
    elif candidacy.stage not in GATHERING_STAGES:
        raise unprocessable(
            {"candidacy": [_("Hồ sơ đã qua bước chi bộ xét: không còn thu thập ý kiến, thẩm tra.")]}
        )
    if addressee is not None and addressee.path.startswith(candidacy.organisation.path):
        raise unprocessable({"addressee": [_("Tổ chức nhận là chính nơi giữ hồ sơ.")]})


def request_send(
    *, actor: Actor, candidacy_id: Any, data: NewRequest, today: dt.date
) -> OrganisationRequest:
    """Send a request about a dossier the actor may change. The addressee gets a copy of the
    few facts it needs (name, birth date, home town, residence, parents' names), never the
    dossier. A letter to a body outside the tree takes its number from the issuing body's
    register when the actor may change things there (else the number is left to fill in)."""
    require_clerk_somewhere(actor)
    _validate_new(data)
    with transaction.atomic():
        candidacy = candidacy_policy.resolve_named(
            actor,
            candidacy_id,
            field="candidacy",
            message=_("Không tìm thấy hồ sơ."),
            action=Action.CHANGE,
        )
        # One sender at a time per dossier: two clerks sending the same request at once
        # would otherwise both pass the duplicate check below.
        candidacy = (
            Candidacy.objects.select_for_update(of=("self",))
            .select_related("person__residence_locality", "organisation")
            .get(pk=candidacy.pk)
        )
        addressee = _addressee(data.addressee) if data.addressee not in (None, "") else None
        _check_candidacy_for(data.kind, candidacy, addressee)
        duplicate = OrganisationRequest.objects.filter(
            candidacy=candidacy, kind=data.kind, status__in=OPEN_STATUSES
        )
        if data.kind != RequestKind.TRANSFER:
            duplicate = duplicate.filter(
                Q(addressee=addressee)
                if addressee is not None
                else Q(addressee__isnull=True, addressee_name=nfc(data.addressee_name).strip())
            )
        if duplicate.exists():
            raise unprocessable(
                {"kind": [_("Đã có yêu cầu như vậy đang chờ trả lời cho hồ sơ này.")]}
            )
        person = candidacy.person
        father, mother = _parents(person.pk)
        parameter = due_parameter(data.kind)
        request = OrganisationRequest(
            kind=data.kind,
            place=data.place if data.kind == RequestKind.VERIFICATION else "",
            candidacy=candidacy,
            sender=candidacy.organisation,
            addressee=addressee,
            addressee_name="" if addressee else nfc(data.addressee_name).strip(),
            addressee_address="" if addressee else nfc(data.addressee_address).strip(),
            subject_name=person.full_name,
            subject_birth_date=person.birth_date,
            subject_home_town=nfc(data.home_town).strip(),
            subject_residence=(
                person.residence_locality.full_name if person.residence_locality else ""
            ),
            subject_father=father,
            subject_mother=mother,
            questions=nfc(data.questions).strip(),
            sent_on=today,
            due_on=rules_calendar().add_working_days(today, parameter.working_days),
            created_by=stored_user(actor),
        )
        request.full_clean()
        request.save()
        if addressee is None:
            issuer = letter_issuer(candidacy.organisation)
            if can_take_number(actor, issuer):
                request.number = document_number_issue(
                    actor=actor,
                    organisation=issuer,
                    kind=DocumentKind.OFFICIAL_LETTER,
                    on=today,
                    candidacy=candidacy,
                    slug=f"yc-{request.pk}",
                )
                request.save(update_fields=["number"])
        audit_record(
            actor=actor,
            action="create",
            obj=request,
            person=person,
            organisation=candidacy.organisation,
            summary="Gửi yêu cầu: " + request.get_kind_display(),
            data={
                "kind": request.kind,
                "candidacy": candidacy.pk,
                "addressee": addressee.pk if addressee else None,
                "external": addressee is None,
                "due_on": request.due_on.isoformat(),
            },
        )
        if addressee is not None:
            transaction.on_commit(
                lambda: notify(
                    kind="request_received",
                    title=_title(request),
                    object_key=request.object_key,
                    organisation=addressee,
                    url=_url(request),
                    due=request.due_on,
                )
            )
    return request


# --- The addressee's side --------------------------------------------------------------------


def request_receive(
    *, actor: Actor, request_id: Any, today: dt.date, version: int | None = None
) -> OrganisationRequest:
    """The addressee acknowledges the request (an overdue one stays overdue)."""
    with transaction.atomic():
        request = _locked(actor, request_id)
        request_policy.authorize_on(actor, Action.CHANGE, request, ADDRESSEE)
        _check_version(request, version)
        _require_status(request, RequestStatus.SENT, RequestStatus.OVERDUE)
        if request.received_on is not None:
            _require_status(request, RequestStatus.SENT)
        status = RequestStatus.RECEIVED if request.status == RequestStatus.SENT else request.status
        _bump(request, status=status, received_on=today)
        audit_record(
            actor=actor,
            action="change",
            obj=request,
            organisation=request.addressee,
            summary="Tiếp nhận yêu cầu",
            data={"status": request.status},
        )
    return request


def _validate_reply(request: OrganisationRequest, reply: Reply, today: dt.date) -> None:
    errors: dict[str, list[str]] = {}
    if not nfc(reply.text).strip():
        errors["reply_text"] = [_("Cần nhập nội dung trả lời.")]
    if reply.conclusion not in Conclusion.values:
        errors["conclusion"] = [_("Cần chọn kết luận.")]
    if reply.answered_on > today:
        errors["answered_on"] = [_("Ngày trả lời không được sau hôm nay.")]
    elif reply.answered_on < request.sent_on:
        errors["answered_on"] = [_("Ngày trả lời không được trước ngày gửi yêu cầu.")]
    if errors:
        raise unprocessable(errors)


def _record_fact(actor: Actor, request: OrganisationRequest) -> CandidacyEvent | None:
    """Record the reply's fact on the dossier (record_verification, or record_opinions once
    every opinion asked for is in); None when the dossier cannot take it now (its stage, its
    rules): the sender's clerks record it later from the request page."""
    if request.kind == RequestKind.VERIFICATION:
        action = "record_verification"
        day = request.answered_on
        assert day is not None
        facts: dict[str, Any] = {"concluded_on": day.isoformat()}
    else:
        others = OrganisationRequest.objects.filter(
            candidacy_id=request.candidacy_id, kind__in=OPINION_KINDS
        ).exclude(pk=request.pk)
        if others.filter(status__in=OPEN_STATUSES).exists():
            return None  # the opinions are recorded together, when the last one is in
        latest = others.filter(status=RequestStatus.ANSWERED).aggregate(day=Max("answered_on"))
        day = max(d for d in (request.answered_on, latest["day"]) if d is not None)
        action = "record_opinions"
        facts = {"opinions_date": day.isoformat()}
    issuer = request.addressee.name if request.addressee else request.addressee_name
    data = {
        "date": day.isoformat(),
        **facts,
        "document": {
            "number": request.reply_number,
            "date": request.answered_on.isoformat() if request.answered_on else None,
            "issuing_body": issuer[:255],
            "signer": request.reply_signer,
        },
    }
    try:
        with transaction.atomic():
            result = candidacy_act(
                actor=_granted(actor, request.candidacy),
                candidacy_id=request.candidacy_id,
                action=action,
                data=data,
            )
    except (ValidationError, RuleViolation, Http404, PermissionDenied):
        return None
    return result.event


def _tell_sender_answered(request: OrganisationRequest) -> None:
    """Once the transaction commits, the sender's people hear that the request was answered
    (a reply, an acceptance or a refusal of a transfer)."""
    transaction.on_commit(
        lambda: notify(
            kind="request_answered",
            title=_title(request),
            object_key=request.object_key,
            organisation=request.sender,
            url=_url(request),
        )
    )


def request_answer(
    *,
    actor: Actor,
    request_id: Any,
    reply: Reply,
    today: dt.date,
    version: int | None = None,
) -> OrganisationRequest:
    """Answer a verification or an opinion: the addressee's clerks inside the tree, the
    sender's for a body outside it (they type the reply received on paper). The dossier's
    fact is recorded at once with the reply as its document, and the signed scan is kept with
    the dossier (at that step)."""
    with transaction.atomic():
        request = _locked(actor, request_id)
        request_policy.authorize_on(actor, Action.CHANGE, request, _the_side(request))
        _check_version(request, version)
        if request.kind == RequestKind.TRANSFER:
            raise WrongStatus(
                {"kind": [_("Yêu cầu chuyển hồ sơ được tiếp nhận hoặc từ chối, không trả lời.")]},
                code="invalid_status",
            )
        _require_status(request, *OPEN_STATUSES)
        _validate_reply(request, reply, today)
        _bump(
            request,
            status=RequestStatus.ANSWERED,
            answered_on=reply.answered_on,
            reply_text=nfc(reply.text).strip(),
            conclusion=reply.conclusion,
            reply_number=nfc(reply.number).strip()[:60],
            reply_signer=nfc(reply.signer).strip()[:150],
        )
        event = _record_fact(actor, request)
        changes: dict[str, Any] = {"recorded_event": event}
        if reply.scan is not None:
            changes["reply_attachment"] = attachment_create(
                actor=_granted(actor, request.candidacy),
                candidacy=request.candidacy,
                upload=reply.scan,
                original_name=reply.scan_name or "tra-loi.pdf",
                title=_("Văn bản trả lời: %(k)s") % {"k": request.get_kind_display()},
                event=event,
            )
        for name, value in changes.items():
            setattr(request, name, value)
        request.save(update_fields=[*changes, "updated_at"])
        audit_record(
            actor=actor,
            action="change",
            obj=request,
            organisation=request.addressee or request.sender,
            summary="Trả lời yêu cầu: " + request.get_kind_display(),
            data={
                "conclusion": request.conclusion,
                "event": event.pk if event else None,
                "scan": request.reply_attachment_id,
            },
        )
        _tell_sender_answered(request)
    return request


def request_record(*, actor: Actor, request_id: Any) -> OrganisationRequest:
    """The sender's clerks record on the dossier an answered reply whose fact could not be
    recorded when it arrived (the dossier was not at a step that takes it)."""
    with transaction.atomic():
        request = _locked(actor, request_id)
        request_policy.authorize_on(actor, Action.CHANGE, request, SENDER)
        _require_status(request, RequestStatus.ANSWERED)
        if request.recorded_event_id is not None:
            raise WrongStatus(
                {"status": [_("Kết quả đã được ghi vào hồ sơ.")]}, code="invalid_status"
            )
        event = _record_fact(actor, request)
        if event is None:
            raise unprocessable(
                {"candidacy": [_("Hồ sơ chưa ghi nhận được kết quả này (kiểm tra bước hồ sơ).")]}
            )
        _bump(request, recorded_event=event)
        audit_record(
            actor=actor,
            action="change",
            obj=request,
            organisation=request.sender,
            summary="Ghi kết quả yêu cầu vào hồ sơ",
            data={"event": event.pk},
        )
    return request


def _transfer_cell(actor: Actor, request: OrganisationRequest, named: Any) -> Organisation:
    """The cell of the receiving side that continues the dossier: an active cell in the
    actor's scope, inside the addressee's subtree (absent or elsewhere: the same error)."""
    addressee = request.addressee
    assert addressee is not None
    return organisation_policy.resolve_named(
        actor,
        named,
        field="organisation",
        message=_("Không tìm thấy chi bộ đang hoạt động của tổ chức nhận."),
        action=Action.CHANGE,
        queryset=Organisation.objects.filter(
            kind__in=CELL_KINDS, valid_to__isnull=True, path__startswith=addressee.path
        ),
    )


def request_accept(
    *,
    actor: Actor,
    request_id: Any,
    organisation: Any,
    today: dt.date,
    helper: Any = None,
    version: int | None = None,
) -> OrganisationRequest:
    """The receiving side takes a transferred dossier into one of its cells: the dossier, its
    whole history with it, now belongs there and is continued there. Any refusal of the
    transfer action (its stage, a helper who is not a member of that cell) changes nothing."""
    with transaction.atomic():
        request = _locked(actor, request_id)
        request_policy.authorize_on(actor, Action.CHANGE, request, ADDRESSEE)
        _check_version(request, version)
        if request.kind != RequestKind.TRANSFER:
            raise WrongStatus(
                {"kind": [_("Chỉ yêu cầu chuyển hồ sơ mới được tiếp nhận hồ sơ.")]},
                code="invalid_status",
            )
        _require_status(request, *OPEN_STATUSES)
        cell = _transfer_cell(actor, request, organisation)
        result = candidacy_act(
            actor=_granted(actor, request.candidacy),
            candidacy_id=request.candidacy_id,
            action="transfer",
            data={
                "date": today.isoformat(),
                "organisation": cell.pk,
                "helper": helper or None,
                "reason": _("Tiếp nhận hồ sơ theo yêu cầu chuyển của %(s)s")
                % {"s": request.sender.name},
            },
            across_units=True,
        )
        _bump(
            request,
            status=RequestStatus.ACCEPTED,
            decided_on=today,
            transfer_target=cell,
            recorded_event=result.event,
        )
        audit_record(
            actor=actor,
            action="change",
            obj=request,
            organisation=request.addressee,
            summary="Tiếp nhận hồ sơ chuyển đến",
            data={"cell": cell.pk, "event": result.event.pk},
        )
        _tell_sender_answered(request)
    return request


def request_refuse(
    *,
    actor: Actor,
    request_id: Any,
    reason: str,
    today: dt.date,
    version: int | None = None,
) -> OrganisationRequest:
    """The receiving side refuses a transferred dossier: the dossier stays where it is."""
    with transaction.atomic():
        request = _locked(actor, request_id)
        request_policy.authorize_on(actor, Action.CHANGE, request, ADDRESSEE)
        _check_version(request, version)
        if request.kind != RequestKind.TRANSFER:
            raise WrongStatus(
                {"kind": [_("Chỉ yêu cầu chuyển hồ sơ mới được từ chối tiếp nhận.")]},
                code="invalid_status",
            )
        _require_status(request, *OPEN_STATUSES)
        if not nfc(reason).strip():
            raise unprocessable({"reason": [_("Cần nêu lý do từ chối.")]})
        _bump(
            request,
            status=RequestStatus.REFUSED,
            decided_on=today,
            refusal_reason=nfc(reason).strip(),
        )
        audit_record(
            actor=actor,
            action="change",
            obj=request,
            organisation=request.addressee,
            summary="Từ chối tiếp nhận hồ sơ chuyển đến",
        )
        _tell_sender_answered(request)
    return request


# --- The sender's side -----------------------------------------------------------------------


def request_cancel(
    *,
    actor: Actor,
    request_id: Any,
    reason: str,
    today: dt.date,
    version: int | None = None,
) -> OrganisationRequest:
    """The sender withdraws a request still waiting for its answer."""
    with transaction.atomic():
        request = _locked(actor, request_id)
        request_policy.authorize_on(actor, Action.CHANGE, request, SENDER)
        _check_version(request, version)
        _require_status(request, *OPEN_STATUSES)
        if not nfc(reason).strip():
            raise unprocessable({"reason": [_("Cần nêu lý do hủy.")]})
        _bump(
            request,
            status=RequestStatus.CANCELLED,
            cancelled_on=today,
            cancel_reason=nfc(reason).strip()[:255],
        )
        audit_record(
            actor=actor,
            action="change",
            obj=request,
            organisation=request.sender,
            summary="Hủy yêu cầu",
        )
    return request


# --- Escalation (nightly) --------------------------------------------------------------------


def requests_escalate(*, today: dt.date) -> int:
    """Every request still waiting after its due date becomes overdue: it shows in the
    sender's outgoing list as overdue, and an addressee of the tree has it escalated to its
    parent, whose people are told (both inboxes then hold it). Answers how many. Run nightly
    (`ptdv requests escalate --today`, the scheduler); running it again changes nothing."""
    with transaction.atomic():
        due = list(
            OrganisationRequest.objects.select_for_update(of=("self",))
            .filter(status__in=(RequestStatus.SENT, RequestStatus.RECEIVED), due_on__lt=today)
            .select_related("addressee__parent", "sender")
            .order_by("pk")
        )
        for request in due:
            request.status = RequestStatus.OVERDUE
            request.overdue_on = today
            request.escalated_to = request.addressee.parent if request.addressee else None
            request.version += 1
        OrganisationRequest.objects.bulk_update(
            due, ["status", "overdue_on", "escalated_to", "version"], batch_size=500
        )
        for request in due:
            audit_record(
                actor=None,
                action="change",
                obj=request,
                organisation=request.sender,
                summary="Yêu cầu quá hạn" + (", chuyển cấp trên" if request.escalated_to else ""),
                data={
                    "due_on": request.due_on.isoformat(),
                    "escalated_to": request.escalated_to_id,
                },
            )
        # Who is told: the sender (overdue) and the addressee's parent (escalated). notify
        # answers once per user and object, so a second run tells nobody again.
        transaction.on_commit(lambda: _escalation_notify(due))
    return len(due)


def _escalation_notify(requests: list[OrganisationRequest]) -> None:
    for request in requests:
        notify(
            kind="request_overdue",
            title=_title(request),
            object_key=request.object_key,
            organisation=request.sender,
            url=_url(request),
            due=request.due_on,
        )
        if request.escalated_to is not None:
            notify(
                kind="request_escalated",
                title=_title(request) + " — " + request.addressee_label,
                object_key=request.object_key,
                organisation=request.escalated_to,
                url=_url(request),
                due=request.due_on,
            )


# --- Bulk action: send verification requests ------------------------------------------------


def bulk_send_verification(
    actor: Actor, candidacy: Any, facts: Mapping[str, Any], today: dt.date
) -> list[dict[str, str]]:
    """Send a verification request about one dossier of a selection (the same facts for
    each: addressee or a body outside the tree, place, questions). Answers the refusals."""
    try:
        request_send(
            actor=actor,
            candidacy_id=getattr(candidacy, "pk", candidacy),
            data=NewRequest(
                kind=RequestKind.VERIFICATION,
                questions=str(facts.get("questions") or ""),
                addressee=facts.get("addressee") or None,
                addressee_name=str(facts.get("addressee_name") or ""),
                addressee_address=str(facts.get("addressee_address") or ""),
                place=str(facts.get("place") or ""),
                home_town=str(facts.get("home_town") or ""),
            ),
            today=today,
        )
    except ValidationError as exc:
        return [
            {"rule": field, "message": str(message)}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    return []
