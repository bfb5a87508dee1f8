"""The actions on a party membership after admission, and their one write path.

Each action is declared once (`MEMBERSHIP_SPECS`: the statuses it starts from, the role it
needs, its facts, its label); `membership_act` takes it in one transaction that locks the
membership row, checks the user's scope and role (outside the subtree: 404; a role too low:
403), validates the facts and the date rules (422), checks the version the user saw (409),
writes the change, the history step (`MembershipEvent`, with the document), the audit entry,
and lets the derived data follow through one hook (ptdv/members/derived.py).

Roles follow the dossier's: a clerk records what the cell or the member's file shows
(transfers, temporary attachment, exemption, death, transfer out); removal from the rolls and
expulsion are decisions of the competent committee, recorded by an approver.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from ptdv.audit.services import audit_record
from ptdv.core.policies import Action, Actor
from ptdv.core.refusals import Unprocessable, unprocessable
from ptdv.members.derived import MembershipSnapshot, membership_changed
from ptdv.members.models import (
    ACTIVE_STATUSES,
    ExitReason,
    MembershipAction,
    MembershipEvent,
    MembershipStatus,
    PartyMembership,
    RemovalGrounds,
)
from ptdv.members.policies import membership_policy
from ptdv.organisations.models import CELL_KINDS, Organisation
from ptdv.organisations.policies import organisation_policy
from ptdv.people.models import Person

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise as Label
else:
    Label = str

DATE_ERRORS: dict[str, Any] = {
    "invalid": gettext_lazy("Ngày không hợp lệ; hãy nhập theo dạng dd/mm/yyyy."),
    "required": gettext_lazy("Cần nhập ngày."),
    "null": gettext_lazy("Cần nhập ngày."),
}


def date_field(**kwargs: Any) -> serializers.DateField:
    return serializers.DateField(
        input_formats=["%Y-%m-%d", "%d/%m/%Y"], error_messages=DATE_ERRORS, **kwargs
    )


def _text(max_length: int, *, required: bool, missing: Label = "") -> serializers.CharField:
    messages = {"blank": missing, "required": missing} if required else {}
    return serializers.CharField(
        max_length=max_length,
        required=required,
        allow_blank=not required,
        default=serializers.empty if required else "",
        error_messages=messages,
    )


class MemberDocumentSerializer(serializers.Serializer[Any]):
    """The document an action records: number and symbol, date, issuing body, signer."""

    number = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    date = date_field(required=False, allow_null=True, default=None)
    issuing_body = serializers.CharField(
        max_length=255, required=False, allow_blank=True, default=""
    )
    signer = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")

    def validate_date(self, value: dt.date | None) -> dt.date | None:
        if value is not None and value > timezone.localdate():
            raise Unprocessable(_("Ngày văn bản không được sau hôm nay."))
        return value


class MembershipFacts(serializers.Serializer[Any]):
    """Common to every action: the date it took effect (default today)."""

    date = date_field(required=False)

    def validate_date(self, value: dt.date) -> dt.date:
        if value > timezone.localdate():
            raise Unprocessable(_("Ngày thực hiện không được sau hôm nay."))
        return value


class TransferFacts(MembershipFacts):
    organisation = serializers.IntegerField(
        min_value=1,
        error_messages={
            "required": gettext_lazy("Cần chọn chi bộ chuyển đến."),
            "invalid": gettext_lazy("Phải là một số nguyên."),
            "min_value": gettext_lazy("Không được nhỏ hơn {min_value}."),
        },
    )
    reason = _text(2000, required=False)


class AttachFacts(MembershipFacts):
    organisation = serializers.IntegerField(
        min_value=1,
        required=False,
        allow_null=True,
        default=None,
        error_messages={"invalid": gettext_lazy("Phải là một số nguyên.")},
    )
    place = _text(255, required=False)
    reason = _text(2000, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("organisation") is None and not attrs.get("place", "").strip():
            raise Unprocessable(
                {
                    "place": [
                        _(
                            "Cần chọn chi bộ nơi sinh hoạt tạm thời, hoặc ghi nơi sinh hoạt "
                            "tạm thời nếu ngoài hệ thống."
                        )
                    ]
                }
            )
        return attrs


class ReasonFacts(MembershipFacts):
    reason = _text(2000, required=True, missing=gettext_lazy("Cần nêu lý do."))


class OptionalReasonFacts(MembershipFacts):
    reason = _text(2000, required=False)


class RemoveFacts(MembershipFacts):
    grounds = serializers.ChoiceField(
        choices=RemovalGrounds.choices,
        error_messages={
            "required": gettext_lazy("Cần chọn căn cứ xóa tên."),
            "invalid_choice": gettext_lazy("Căn cứ xóa tên không hợp lệ: {input}."),
        },
    )
    reason = _text(2000, required=True, missing=gettext_lazy("Cần nêu lý do xóa tên."))


EXPULSION_REASONS = (
    ExitReason.EXPELLED_DISUNITY,
    ExitReason.CORRUPTION_CONVICTION,
    ExitReason.SERIOUS_CRIME_CONVICTION,
    ExitReason.LESS_SERIOUS_CRIME_CONVICTION,
    ExitReason.OTHER,
)


class ExpelFacts(MembershipFacts):
    exit_reason = serializers.ChoiceField(
        choices=[(r.value, r.label) for r in EXPULSION_REASONS],
        default=ExitReason.OTHER,
        error_messages={"invalid_choice": gettext_lazy("Lý do khai trừ không hợp lệ: {input}.")},
    )
    reason = _text(2000, required=True, missing=gettext_lazy("Cần nêu lý do khai trừ."))


class TransferOutFacts(MembershipFacts):
    destination = _text(
        255, required=True, missing=gettext_lazy("Cần ghi nơi chuyển đến (tỉnh, thành phố, khối).")
    )
    reason = _text(2000, required=False)


# --- The specs -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """What an action changes, computed from the membership and the facts."""

    changes: dict[str, Any]
    facts: dict[str, Any]
    to_organisation: Organisation | None = None
    move_person: Organisation | None = None


@dataclass(frozen=True)
class MembershipSpec:
    action: MembershipAction
    permission: Action
    facts: type[MembershipFacts]
    # Whether the membership must be attached / exempt (True), must not be (False), or
    # either (None) for the action to apply.
    attached: bool | None = None
    exempt: bool | None = None
    ends_membership: bool = False
    help: Label = ""

    @property
    def label(self) -> Label:
        return self.action.label


MEMBERSHIP_SPECS: dict[str, MembershipSpec] = {
    spec.action.value: spec
    for spec in (
        MembershipSpec(
            MembershipAction.TRANSFER,
            Action.CHANGE,
            TransferFacts,
            help=gettext_lazy("Chuyển sinh hoạt đảng chính thức sang chi bộ khác trong phạm vi."),
        ),
        MembershipSpec(
            MembershipAction.ATTACH,
            Action.CHANGE,
            AttachFacts,
            attached=False,
            help=gettext_lazy("Đảng viên sinh hoạt tạm thời ở nơi khác, vẫn thuộc chi bộ này."),
        ),
        MembershipSpec(MembershipAction.END_ATTACHMENT, Action.CHANGE, MembershipFacts, True),
        MembershipSpec(MembershipAction.EXEMPT, Action.CHANGE, ReasonFacts, exempt=False),
        MembershipSpec(
            MembershipAction.END_EXEMPTION, Action.CHANGE, OptionalReasonFacts, exempt=True
        ),
        MembershipSpec(MembershipAction.REMOVE, Action.APPROVE, RemoveFacts, ends_membership=True),
        MembershipSpec(MembershipAction.EXPEL, Action.APPROVE, ExpelFacts, ends_membership=True),
        MembershipSpec(
            MembershipAction.DEATH, Action.CHANGE, OptionalReasonFacts, ends_membership=True
        ),
        MembershipSpec(
            MembershipAction.TRANSFER_OUT,
            Action.CHANGE,
            TransferOutFacts,
            ends_membership=True,
            help=gettext_lazy(
                "Chuyển sinh hoạt ra ngoài tỉnh hoặc về khối Trung ương: kết thúc sinh hoạt "
                "tại đây, giữ hồ sơ công dân."
            ),
        ),
    )
}

_EXIT_STATUS = {
    MembershipAction.REMOVE: MembershipStatus.REMOVED,
    MembershipAction.EXPEL: MembershipStatus.EXPELLED,
    MembershipAction.DEATH: MembershipStatus.DECEASED,
    MembershipAction.TRANSFER_OUT: MembershipStatus.TRANSFERRED_OUT,
}


class StaleVersion(Exception):
    """The client acted on a version of the membership that someone has changed since."""

    def __init__(self, current: int) -> None:
        super().__init__(_("Hồ sơ đảng viên đã bị người khác thay đổi; hãy tải lại và thử lại."))
        self.current = current


class WrongState(ValidationError):
    """The membership's present state does not allow the action (409)."""


@dataclass
class MembershipResult:
    membership: PartyMembership
    event: MembershipEvent


def spec_for(action: str) -> MembershipSpec | None:
    return MEMBERSHIP_SPECS.get(action)


def state_refusal(spec: MembershipSpec, membership: PartyMembership) -> str | None:
    """Why the membership's present state does not allow `spec` (None: it does)."""
    if membership.status not in ACTIVE_STATUSES:
        return _("Đảng viên đã ra khỏi tổ chức (%(status)s): không thể %(action)s.") % {
            "status": membership.get_status_display(),
            "action": str(spec.label).lower(),
        }
    candidacy = membership.candidacy
    if (
        membership.status == MembershipStatus.PROBATIONARY
        and candidacy is not None
        and candidacy.is_open
        and spec.action in (MembershipAction.TRANSFER, *_EXIT_STATUS)
    ):
        return _(
            "Đảng viên dự bị đang theo dõi trên hồ sơ phát triển đảng viên: thực hiện thao tác "
            "này trên hồ sơ (xóa tên khỏi danh sách dự bị, từ trần, chuyển sinh hoạt ra ngoài "
            "đảng bộ, chuyển hồ sơ)."
        )
    if spec.attached is True and not membership.is_attached_elsewhere:
        return _("Đảng viên không sinh hoạt tạm thời ở nơi khác.")
    if spec.attached is False and membership.is_attached_elsewhere:
        return _("Đảng viên đang sinh hoạt tạm thời ở nơi khác; hãy kết thúc trước.")
    if spec.exempt is True and not membership.is_exempt:
        return _("Đảng viên không được miễn công tác và sinh hoạt.")
    if spec.exempt is False and membership.is_exempt:
        return _("Đảng viên đã được miễn công tác và sinh hoạt.")
    return None


def membership_available_actions(
    *, actor: Actor | None, membership: PartyMembership
) -> list[MembershipSpec]:
    """The actions the user may take on this membership now (for the member page)."""
    return [
        spec
        for spec in MEMBERSHIP_SPECS.values()
        if membership_policy.can(actor, spec.permission, membership)
        and state_refusal(spec, membership) is None
    ]


def _validated(
    spec: MembershipSpec, data: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    payload = dict(data)
    document_data = payload.pop("document", None) or {}
    payload.pop("version", None)
    serializer = spec.facts(data=payload)
    document = MemberDocumentSerializer(
        data=document_data if isinstance(document_data, dict) else {}
    )
    errors: dict[str, list[ValidationError]] = {}
    if not serializer.is_valid():
        _collect(errors, serializer.errors)
    if not isinstance(document_data, dict):
        errors["document"] = [ValidationError(_("Văn bản phải là một đối tượng."))]
    elif not document.is_valid():
        _collect(errors, document.errors, "document")
    for key in sorted(set(payload) - set(serializer.fields)):
        errors[key] = [ValidationError(_("Trường không được hỗ trợ cho thao tác này."))]
    if errors:
        raise ValidationError(errors)
    facts = dict(serializer.validated_data)
    facts.setdefault("date", timezone.localdate())
    return facts, dict(document.validated_data)


def _collect(errors: dict[str, list[ValidationError]], detail: Any, prefix: str = "") -> None:
    """A serializer's errors by dotted field, each message keeping its code (422 or 400)."""
    for key, value in detail.items():
        name = prefix if key == "non_field_errors" and prefix else str(key)
        if prefix and key != "non_field_errors":
            name = f"{prefix}.{key}"
        for message in value if isinstance(value, list) else [value]:
            errors.setdefault(name, []).append(
                ValidationError(str(message), code=getattr(message, "code", None))
            )


def _date_refusals(
    membership: PartyMembership, on: dt.date, document: Mapping[str, Any]
) -> dict[str, str]:
    """The date rules: an action takes effect on or after the admission and the last step
    of the history, and its document is not dated after it."""
    refusals: dict[str, str] = {}
    admitted = membership.admission_decision_date or membership.ceremony_date
    last = membership.events.order_by("-date", "-id").values_list("date", flat=True).first()
    if admitted is not None and on < admitted:
        refusals["date"] = _("Ngày thực hiện (%(on)s) không được trước ngày kết nạp (%(d)s).") % {
            "on": f"{on:%d/%m/%Y}",
            "d": f"{admitted:%d/%m/%Y}",
        }
    elif last is not None and on < last:
        refusals["date"] = _(
            "Ngày thực hiện (%(on)s) không được trước bước gần nhất trong quá trình sinh hoạt "
            "(%(d)s)."
        ) % {"on": f"{on:%d/%m/%Y}", "d": f"{last:%d/%m/%Y}"}
    doc_date = document.get("date")
    if doc_date is not None and doc_date > on:
        refusals["document.date"] = _(
            "Ngày văn bản (%(d)s) không được sau ngày thực hiện (%(on)s)."
        ) % {"d": f"{doc_date:%d/%m/%Y}", "on": f"{on:%d/%m/%Y}"}
    return refusals


def _cell_in_scope(actor: Actor | None, named: Any, action: Action, message: Label) -> Organisation:
    return organisation_policy.resolve_named(
        actor,
        named,
        field="organisation",
        message=message,
        action=action,
        queryset=Organisation.objects.filter(kind__in=CELL_KINDS, valid_to__isnull=True),
    )


def _step(
    actor: Actor | None, spec: MembershipSpec, membership: PartyMembership, facts: dict[str, Any]
) -> Step:
    on: dt.date = facts["date"]
    action = spec.action
    recorded = {k: v for k, v in facts.items() if k not in ("date", "reason")}
    if action == MembershipAction.TRANSFER:
        target = _cell_in_scope(
            actor,
            facts["organisation"],
            spec.permission,
            _("Không tìm thấy chi bộ đang hoạt động để chuyển đến."),
        )
        if target.pk == membership.organisation_id:
            raise unprocessable({"organisation": [_("Đảng viên đã sinh hoạt ở chi bộ này.")]})
        changes: dict[str, Any] = {"organisation": target}
        if membership.attached_to_id == target.pk:
            # Attached to the cell they now join: the attachment ends with the transfer.
            changes.update(attached_to=None, attached_from=None, attached_note="")
            recorded["attachment_ended"] = True
        recorded["organisation"] = target.code
        # The person is managed where they are a member (as a dossier's transfer moves them);
        # a person managed elsewhere stays where they are.
        moves = membership.person.organisation_id == membership.organisation_id
        return Step(
            changes, recorded, to_organisation=target, move_person=target if moves else None
        )
    if action == MembershipAction.ATTACH:
        attached: Organisation | None = None
        if facts.get("organisation") is not None:
            attached = _cell_in_scope(
                actor,
                facts["organisation"],
                Action.VIEW,
                _("Không tìm thấy chi bộ đang hoạt động để sinh hoạt tạm thời."),
            )
            if attached.pk == membership.organisation_id:
                raise unprocessable(
                    {
                        "organisation": [
                            _("Sinh hoạt tạm thời phải ở chi bộ khác chi bộ chính thức.")
                        ]
                    }
                )
            recorded["organisation"] = attached.code
        place = facts.get("place", "").strip()
        return Step(
            {"attached_to": attached, "attached_from": on, "attached_note": place},
            recorded,
            to_organisation=attached,
        )
    if action == MembershipAction.END_ATTACHMENT:
        recorded.update(
            attached_from=membership.attached_from.isoformat()
            if membership.attached_from
            else None,
            place=membership.attached_note,
        )
        return Step(
            {"attached_to": None, "attached_from": None, "attached_note": ""},
            recorded,
            to_organisation=membership.attached_to,
        )
    if action == MembershipAction.EXEMPT:
        return Step({"exempt_from": on}, recorded)
    if action == MembershipAction.END_EXEMPTION:
        recorded["exempt_from"] = (
            membership.exempt_from.isoformat() if membership.exempt_from else None
        )
        return Step({"exempt_from": None}, recorded)
    # The exits: the membership ends here on `on`.
    changes = {
        "status": _EXIT_STATUS[action],
        "exit_date": on,
        "attached_to": None,
        "attached_from": None,
        "attached_note": "",
        "exempt_from": None,
    }
    if action == MembershipAction.REMOVE:
        grounds = facts["grounds"]
        changes["exit_grounds"] = grounds
        changes["exit_reason"] = (
            ExitReason.ABANDONED_ACTIVITIES
            if grounds == RemovalGrounds.NOT_ATTENDING
            else ExitReason.REMOVED
        )
    elif action == MembershipAction.EXPEL:
        changes["exit_reason"] = facts["exit_reason"]
    elif action == MembershipAction.DEATH:
        changes["exit_reason"] = ExitReason.DEATH
    else:
        changes["exit_reason"] = ExitReason.TRANSFER
    recorded["status_before"] = membership.status
    return Step(changes, recorded)


def _locked(actor: Actor | None, membership_id: int) -> PartyMembership:
    queryset: QuerySet[PartyMembership] = PartyMembership.objects.select_related(
        "organisation", "person", "candidacy", "attached_to"
    )
    if connection.features.has_select_for_update_of:
        queryset = queryset.select_for_update(of=("self",))
    else:
        queryset = queryset.select_for_update()
    return membership_policy.get_visible(actor, membership_id, queryset)


def membership_act(
    *,
    actor: Actor | None,
    membership_id: int,
    action: str,
    data: Mapping[str, Any],
    version: int | None = None,
) -> MembershipResult:
    """Take `action` on the membership with the facts in `data` (`date`, `document`
    {number, date, issuing_body, signer}, and the action's own facts).

    Raises Http404 (outside the user's subtree, or no such action), PermissionDenied (role),
    StaleVersion (version given and outdated), WrongState (the membership's state does not
    allow it), ValidationError (facts, date rules: 400/422). On any of these nothing is
    written."""
    spec = spec_for(action)
    if spec is None:
        raise ValidationError({"action": [_("Thao tác không tồn tại: %(a)s.") % {"a": action}]})
    with transaction.atomic():
        membership = _locked(actor, membership_id)
        membership_policy.authorize(actor, spec.permission, membership)
        facts, document = _validated(spec, data)
        if version is not None and version != membership.version:
            raise StaleVersion(membership.version)
        refusal = state_refusal(spec, membership)
        if refusal is not None:
            raise WrongState({"action": [refusal]}, code="invalid_state")
        refusals = _date_refusals(membership, facts["date"], document)
        if refusals:
            raise unprocessable(refusals)
        step = _step(actor, spec, membership, facts)
        before = MembershipSnapshot.of(membership)
        from_organisation = membership.organisation
        updated = PartyMembership.objects.filter(
            pk=membership.pk, version=membership.version
        ).update(version=F("version") + 1, **step.changes)
        if updated != 1:
            raise StaleVersion(membership.version)
        for name, value in step.changes.items():
            setattr(membership, name, value)
        membership.version += 1
        if step.move_person is not None:
            # As a dossier's transfer does: the person is managed by the new cell (nothing is
            # derived from a person's organisation; the person's version moves on).
            Person.objects.filter(pk=membership.person_id).update(
                organisation=step.move_person, version=F("version") + 1
            )
            membership.person.organisation = step.move_person
        event = MembershipEvent.objects.create(
            membership=membership,
            action=spec.action,
            date=facts["date"],
            document_number=document.get("number", ""),
            document_date=document.get("date"),
            issuing_body=document.get("issuing_body", ""),
            signer=document.get("signer", ""),
            facts=_jsonable(step.facts),
            reason=facts.get("reason", ""),
            from_organisation=from_organisation,
            to_organisation=step.to_organisation,
            actor=actor if _is_user(actor) else None,  # type: ignore[misc]
        )
        membership_changed([membership], before={membership.pk: before})
        audit_record(
            actor=actor,
            action="action",
            obj=membership,
            person=membership.person,
            summary=str(spec.label),
            data={
                "action": str(spec.action),
                "event": event.pk,
                "status_before": before.status,
                "status_after": membership.status,
                "document": _jsonable(document),
            },
        )
    return MembershipResult(membership=membership, event=event)


def _is_user(actor: Actor | None) -> bool:
    return actor is not None and bool(getattr(actor, "is_authenticated", False))


def _jsonable(values: Mapping[str, Any]) -> dict[str, Any]:
    convert: Callable[[Any], Any] = lambda v: v.isoformat() if isinstance(v, dt.date) else v  # noqa: E731
    return {k: convert(v) for k, v in values.items()}
