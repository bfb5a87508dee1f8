"""Voiding the last step of a dossier (hủy bước ghi sau cùng).

An approver who finds the last recorded step wrong voids it with a reason: the event stays in
the timeline, marked void (struck through, with who, when and why), and the dossier returns
to the state before it — its fields and stage from the state the event kept when it was
written (`CandidacyEvent.before`), the rows it wrote removed (an introduction, a consent),
what it corrected put back (an amended event or introduction), the membership it started,
recognised or removed undone through ptdv.members.services. The derived data follow through
the dossier's hook; the rule engine, the case, the forms, the tallies and the rates read only
the events that are not void (`CandidacyEvent.objects.effective()`).

Only the last step can be voided, one at a time: each event's `before` is the state the next
one was written on, so voiding from the end walks the history back exactly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F, Field, Model, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from ptdv.accounts.models import User
from ptdv.audit.services import audit_record
from ptdv.candidacies.actions import DossierAction
from ptdv.candidacies.actions.changes import DOCUMENT_COLUMNS, INTRODUCER_COLUMNS, MEMBERSHIP_DATES
from ptdv.candidacies.actions.record import jsonable
from ptdv.candidacies.derived import DossierSnapshot, dossier_changed
from ptdv.candidacies.models import Candidacy, CandidacyEvent, Consent, Introducer, Outcome
from ptdv.candidacies.policies import candidacy_policy
from ptdv.candidacies.workflow import StaleVersion
from ptdv.core.policies import Action, Actor
from ptdv.core.refusals import unprocessable
from ptdv.members.services import (
    membership_amend,
    membership_unadmit,
    membership_unrecognise,
    membership_unremove,
)
from ptdv.organisations.models import Organisation
from ptdv.people.models import Person


@dataclass
class VoidResult:
    candidacy: Candidacy
    event: CandidacyEvent


def candidacy_last_event(candidacy: Candidacy) -> CandidacyEvent | None:
    """The step a void would cancel: the last recorded one that is not void."""
    return CandidacyEvent.objects.effective().filter(candidacy=candidacy).order_by("-id").first()


def _typed(model: type[Candidacy] | type[Person], values: dict[str, Any]) -> dict[str, Any]:
    """JSON values (as `before_state` kept them) back to the fields' types."""
    by_attname = {getattr(f, "attname", f.name): f for f in model._meta.concrete_fields}
    return {name: by_attname[name].to_python(value) for name, value in values.items()}


def _restore_dossier(candidacy: Candidacy, event: CandidacyEvent) -> dict[str, Any]:
    """Put back the dossier's and the person's fields; the dossier's changes (for the row)."""
    changes = _typed(Candidacy, event.before.get("dossier", {}))
    for name, value in changes.items():
        setattr(candidacy, name, value)
    if "organisation_id" in changes:
        candidacy.organisation = Organisation.objects.get(pk=changes["organisation_id"])
    person_changes = _typed(Person, event.before.get("person", {}))
    if person_changes:
        for name, value in person_changes.items():
            setattr(candidacy.person, name, value)
        Person.objects.filter(pk=candidacy.person_id).update(**person_changes)
    return changes


def _field(model: type[Model], name: str) -> Field[Any, Any]:
    field = model._meta.get_field(name)
    assert isinstance(field, Field)
    return field


def _restore_amended(candidacy: Candidacy, event: CandidacyEvent) -> None:
    """A voided amendment of an earlier event's facts: that event (or its introduction)
    gets its recorded value back."""
    facts = event.facts
    name = str(facts.get("field", ""))
    before = facts.get("before")
    if name.startswith("vote."):
        amended = CandidacyEvent.objects.get(pk=facts["event"], candidacy=candidacy)
        key = name.split(".", 1)[1]
        vote = dict(amended.vote)
        vote[key] = before
        if (
            key == "body_size"
            and "denominator" in vote
            and amended.action
            not in (
                DossierAction.BRANCH_VOTE,
                DossierAction.RECOGNITION_VOTE,
            )
        ):
            vote["denominator"] = before
        CandidacyEvent.objects.filter(pk=amended.pk).update(vote=vote)
    elif name in DOCUMENT_COLUMNS:
        column = DOCUMENT_COLUMNS[name]
        value = _field(CandidacyEvent, column).to_python(before)
        CandidacyEvent.objects.filter(pk=facts["event"], candidacy=candidacy).update(
            **{column: value if value is not None or column == "document_date" else ""}
        )
    elif name in INTRODUCER_COLUMNS:
        column = INTRODUCER_COLUMNS[name]
        value = (
            before if column == "membership_id" else _field(Introducer, column).to_python(before)
        )
        Introducer.objects.filter(pk=facts["introducer"], candidacy=candidacy).update(
            **{column: value}
        )
    elif name in MEMBERSHIP_DATES and before is not None:
        day = dt.date.fromisoformat(before) if isinstance(before, str) else before
        membership_amend(candidacy_id=candidacy.pk, **{MEMBERSHIP_DATES[name]: day})


def _undo_rows(candidacy: Candidacy, event: CandidacyEvent) -> None:
    """The rows the step wrote or changed, as they were before it."""
    facts = event.facts
    if facts.get("introducer") and event.action == DossierAction.RECORD_INTRODUCTION:
        Introducer.objects.filter(pk=facts["introducer"], candidacy=candidacy).delete()
    if facts.get("consent"):
        Consent.objects.filter(pk=facts["consent"], candidacy=candidacy).delete()
    if event.action == DossierAction.AMEND:
        _restore_amended(candidacy, event)
    elif event.action == DossierAction.CEREMONY:
        try:
            with transaction.atomic():
                membership_unadmit(candidacy_id=candidacy.pk)
        except ProtectedError:
            raise unprocessable(
                {
                    "event": [
                        _(
                            "Đảng viên này đã được ghi ở nơi khác (người giới thiệu, đảng viên "
                            "giúp đỡ…); cần bỏ các ghi nhận đó trước khi hủy lễ kết nạp."
                        )
                    ]
                }
            ) from None
    elif event.action == DossierAction.RECOGNITION_DECISION and event.outcome != Outcome.FAILED:
        membership_unrecognise(candidacy_id=candidacy.pk)
    elif event.action in (DossierAction.REMOVE, DossierAction.DEATH, DossierAction.TRANSFER_OUT):
        membership_unremove(candidacy_id=candidacy.pk)


def candidacy_void_last(
    *,
    actor: Actor,
    candidacy_id: int,
    reason: str,
    version: int | None = None,
    event_id: int | None = None,
) -> VoidResult:
    """Void the last (not yet void) step of the dossier, with `reason`.

    Raises Http404 (outside the user's subtree), PermissionDenied (not an approver there),
    StaleVersion (version given and outdated), ValidationError (no reason, no step, not the
    last step, or a step that cannot be undone — a 422). Nothing is written then.
    """
    reason = (reason or "").strip()
    with transaction.atomic():
        candidacy = candidacy_policy.get_visible(
            actor,
            candidacy_id,
            Candidacy.objects.select_for_update(of=("self",)).select_related(
                "person__residence_locality", "organisation"
            ),
        )
        candidacy_policy.authorize(actor, Action.APPROVE, candidacy)
        if not reason:
            raise unprocessable({"reason": [_("Cần nêu lý do hủy bước này.")]})
        if len(reason) > 2000:
            raise unprocessable({"reason": [_("Lý do không được dài quá 2000 ký tự.")]})
        if version is not None and version != candidacy.version:
            raise StaleVersion(candidacy.version)
        event = candidacy_last_event(candidacy)
        if event is None:
            raise unprocessable({"event": [_("Hồ sơ chưa có bước nào để hủy.")]})
        if event_id is not None and event_id != event.pk:
            raise unprocessable({"event": [_("Chỉ hủy được bước ghi sau cùng của hồ sơ.")]})
        if not event.before.get("dossier"):
            raise unprocessable(
                {
                    "event": [
                        _(
                            "Bước này được ghi khi hệ thống chưa lưu trạng thái trước đó của hồ "
                            "sơ nên không hủy được; hãy dùng thao tác đính chính."
                        )
                    ]
                }
            )
        snapshot = DossierSnapshot.of(candidacy)
        was = jsonable({name: getattr(candidacy, name) for name in event.before["dossier"]})
        changes = _restore_dossier(candidacy, event)
        if (
            candidacy.is_open
            and not snapshot.is_open
            and Candidacy.objects.filter(person_id=candidacy.person_id, is_open=True)
            .exclude(pk=candidacy.pk)
            .exists()
        ):
            raise unprocessable(
                {
                    "event": [
                        _(
                            "Người này đã có một hồ sơ khác đang mở; không thể mở lại hồ sơ này "
                            "bằng cách hủy bước đóng hồ sơ."
                        )
                    ]
                }
            )
        _undo_rows(candidacy, event)
        updated = Candidacy.objects.filter(pk=candidacy.pk, version=candidacy.version).update(
            **changes, next_stale=True, version=F("version") + 1
        )
        if updated != 1:
            raise StaleVersion(candidacy.version)
        candidacy.version += 1
        candidacy.next_stale = True
        event.voided = True
        event.voided_at = timezone.now()
        event.voided_by = actor if isinstance(actor, User) and actor.is_authenticated else None
        event.void_reason = reason
        event.save(update_fields=["voided", "voided_at", "voided_by", "void_reason"])
        dossier_changed(candidacy, before=snapshot, event=None)
        audit_record(
            actor=actor,
            action="action",
            obj=candidacy,
            person=candidacy.person,
            summary=_("Hủy bước: %(label)s") % {"label": DossierAction(event.action).label},
            data={
                "action": "void",
                "event": event.pk,
                "voided_action": event.action,
                "reason": reason,
                "before": was,
                "after": event.before["dossier"],
            },
        )
    return VoidResult(candidacy=candidacy, event=event)
