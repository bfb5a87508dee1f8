"""Every write of a party membership that a dossier makes: admitted at the ceremony,
recognised as official, removed from the probationary list, dates corrected — and the bulk
creation an import or the demo makes. The counters these rows feed are derived data kept by
the dossier's hook (ptdv.candidacies.derived), not here — except the retention tally, kept
by this app (ptdv/members/retention.py): each step that can change a row's contribution
(admission, exit, corrected decision date, and their undoing) is wrapped in
`retention_follows`, which compares the dossier's membership before and after it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db.models import F, Model

from ptdv.members.backfill import backfill_events, events_for
from ptdv.members.models import (
    ExitReason,
    MembershipAction,
    MembershipEvent,
    MembershipStatus,
    PartyMembership,
)
from ptdv.members.retention import retention_follows
from ptdv.organisations.models import Organisation
from ptdv.people.models import Person


def membership_build(
    *,
    person: Person,
    organisation: Organisation,
    decision_date: dt.date | None,
    ceremony_date: dt.date | None,
    readmitted: bool = False,
    official_date: dt.date | None = None,
) -> PartyMembership:
    """The (unsaved) membership a ceremony starts: probationary, or official when the
    recognition's date is given. The caller links it to its dossier."""
    return PartyMembership(
        person=person,
        organisation=organisation,
        status=MembershipStatus.OFFICIAL if official_date else MembershipStatus.PROBATIONARY,
        admission_decision_date=decision_date,
        ceremony_date=ceremony_date,
        official_date=official_date,
        readmitted=readmitted,
    )


def membership_admit(
    *,
    person_id: int,
    organisation_id: int,
    candidacy_id: int,
    decision_date: dt.date | None,
    ceremony_date: dt.date,
    readmitted: bool,
) -> PartyMembership:
    """The ceremony: the person becomes a probationary member (with its history's first
    step, the decision's document copied from the dossier)."""
    with retention_follows(PartyMembership.objects.filter(candidacy_id=candidacy_id)):
        membership = PartyMembership.objects.create(
            person_id=person_id,
            organisation_id=organisation_id,
            status=MembershipStatus.PROBATIONARY,
            admission_decision_date=decision_date,
            ceremony_date=ceremony_date,
            readmitted=readmitted,
            candidacy_id=candidacy_id,
        )
    _history_write([membership])
    return membership


def _history_write(memberships: Sequence[PartyMembership]) -> None:
    """The history the memberships' dates give (the decisions' documents stay on the
    dossier's timeline: this layer does not read dossiers)."""
    MembershipEvent.objects.bulk_create(
        events_for(memberships, MembershipEvent, None), batch_size=2000
    )


def _dossier_step(
    candidacy_id: int, from_status: str, action: MembershipAction, on: dt.date, **values: object
) -> int:
    """Move the membership of this dossier out of `from_status` and record the step."""
    ids = list(
        PartyMembership.objects.filter(candidacy_id=candidacy_id, status=from_status).values_list(
            "id", "organisation_id"
        )
    )
    if not ids:
        return 0
    PartyMembership.objects.filter(pk__in=[pk for pk, _ in ids]).update(
        version=F("version") + 1, **values
    )
    MembershipEvent.objects.bulk_create(
        MembershipEvent(
            membership_id=pk,
            action=action,
            date=on,
            from_organisation_id=org if action != MembershipAction.RECOGNISE else None,
            to_organisation_id=org if action == MembershipAction.RECOGNISE else None,
            facts={"candidacy": candidacy_id},
        )
        for pk, org in ids
    )
    return len(ids)


def membership_recognise(*, candidacy_id: int, official_date: dt.date) -> int:
    """The probationary member of this dossier becomes official."""
    return _dossier_step(
        candidacy_id,
        MembershipStatus.PROBATIONARY,
        MembershipAction.RECOGNISE,
        official_date,
        status=MembershipStatus.OFFICIAL,
        official_date=official_date,
    )


# How a probationary member followed on a dossier leaves: the membership's status and step.
DOSSIER_EXITS: dict[str, tuple[MembershipStatus, MembershipAction]] = {
    MembershipStatus.REMOVED: (MembershipStatus.REMOVED, MembershipAction.REMOVE),
    MembershipStatus.DECEASED: (MembershipStatus.DECEASED, MembershipAction.DEATH),
    MembershipStatus.TRANSFERRED_OUT: (
        MembershipStatus.TRANSFERRED_OUT,
        MembershipAction.TRANSFER_OUT,
    ),
}


def membership_remove(
    *,
    candidacy_id: int,
    exit_date: dt.date,
    exit_reason: str = ExitReason.REMOVED,
    status: str = MembershipStatus.REMOVED,
) -> int:
    """The probationary member of this dossier leaves the list: removed (the default), dead
    or transferred out of the organisation (`status`)."""
    status, action = DOSSIER_EXITS[status]
    with retention_follows(PartyMembership.objects.filter(candidacy_id=candidacy_id)):
        return _dossier_step(
            candidacy_id,
            MembershipStatus.PROBATIONARY,
            action,
            exit_date,
            status=status,
            exit_date=exit_date,
            exit_reason=exit_reason,
        )


def membership_amend(
    *,
    candidacy_id: int,
    admission_decision_date: dt.date | None = None,
    ceremony_date: dt.date | None = None,
) -> int:
    """Correct the dates the membership copies from its dossier (None: unchanged)."""
    values = {
        name: value
        for name, value in (
            ("admission_decision_date", admission_decision_date),
            ("ceremony_date", ceremony_date),
        )
        if value is not None
    }
    if not values:
        return 0
    rows = PartyMembership.objects.filter(candidacy_id=candidacy_id)
    with retention_follows(rows):
        changed = rows.update(version=F("version") + 1, **values)
    admitted = values.get("ceremony_date") or values.get("admission_decision_date")
    if changed and admitted is not None:
        # The history's admission step follows the corrected date.
        MembershipEvent.objects.filter(
            membership__candidacy_id=candidacy_id, action=MembershipAction.ADMIT
        ).update(date=values.get("ceremony_date") or F("date"))
    return changed


def memberships_create(
    memberships: Sequence[PartyMembership], *, batch_size: int = 2000
) -> list[PartyMembership]:
    """Write many new memberships at once (an import, the demo), each with the history its
    dates give (admission, recognition, exit)."""
    created = PartyMembership.objects.bulk_create(memberships, batch_size=batch_size)
    _history_write(created)
    return created


def membership_events_backfill(dossier_events: type[Model] | None = None) -> int:
    """The history of every membership that has none yet (rows written in bulk by the demo
    generator); returns the steps written. A caller above the dossiers passes their event
    model so the admission and recognition steps carry the decisions' documents."""
    return backfill_events(PartyMembership, MembershipEvent, dossier_events)


# --- Undoing a dossier step (a voided event, ptdv.candidacies.void) ---------------------------


def membership_unadmit(*, candidacy_id: int) -> int:
    """A voided ceremony: the membership it started never was. Raises ProtectedError when the
    membership is referenced elsewhere (an introduction, a helper assignment)."""
    rows = PartyMembership.objects.filter(candidacy_id=candidacy_id)
    with retention_follows(rows):
        deleted, _rows = rows.delete()
    return deleted


def membership_unrecognise(*, candidacy_id: int) -> int:
    """A voided recognition: the official member of this dossier is probationary again."""
    MembershipEvent.objects.filter(
        membership__candidacy_id=candidacy_id, action=MembershipAction.RECOGNISE
    ).delete()
    return PartyMembership.objects.filter(
        candidacy_id=candidacy_id, status=MembershipStatus.OFFICIAL
    ).update(status=MembershipStatus.PROBATIONARY, official_date=None)


def membership_unremove(*, candidacy_id: int) -> int:
    """A voided exit (removal, death, transfer out): the probationary member of this dossier
    is back on the list."""
    MembershipEvent.objects.filter(
        membership__candidacy_id=candidacy_id,
        action__in=[action for _status, action in DOSSIER_EXITS.values()],
    ).delete()
    with retention_follows(PartyMembership.objects.filter(candidacy_id=candidacy_id)):
        return PartyMembership.objects.filter(
            candidacy_id=candidacy_id, status__in=list(DOSSIER_EXITS)
        ).update(status=MembershipStatus.PROBATIONARY, exit_date=None, exit_reason="")


def attachments_follow(
    *,
    source_id: int,
    target_id: int,
    date: dt.date,
    decision: dict[str, Any],
    actor_id: int | None = None,
) -> int:
    """The organisation `source_id` ends (merger, dissolution, split) and `target_id`
    succeeds it: the temporary attachments to it (`attached_to`) now point to the successor.
    An attachment that would then point at the member's own organisation (the member's
    organisation and the one they were attached to became one) ends on `date`, with an
    "end of attachment" step naming the decision (`decision`: number, date, issuing_body).
    Called after the memberships themselves followed (ptdv/targets/tree.py). Returns the
    attachments moved or ended."""
    ending = list(
        PartyMembership.objects.select_for_update()
        .filter(organisation_id=target_id, attached_to_id__in=[source_id, target_id])
        .order_by("pk")
    )
    moved = (
        PartyMembership.objects.filter(attached_to_id=source_id)
        .exclude(pk__in=[m.pk for m in ending])
        .update(attached_to_id=target_id, version=F("version") + 1)
    )
    if not ending:
        return moved
    MembershipEvent.objects.bulk_create(
        [
            MembershipEvent(
                membership=m,
                action=MembershipAction.END_ATTACHMENT,
                date=date,
                document_number=str(decision.get("number") or "")[:60],
                document_date=decision.get("date"),
                issuing_body=str(decision.get("issuing_body") or "")[:255],
                facts={
                    "attached_from": m.attached_from.isoformat() if m.attached_from else None,
                    "place": m.attached_note,
                    "organisation_change": True,
                },
                reason="Tổ chức sinh hoạt tạm thời và tổ chức của đảng viên nay là một.",
                from_organisation_id=m.organisation_id,
                to_organisation_id=m.attached_to_id,
                actor_id=actor_id,
            )
            for m in ending
        ]
    )
    PartyMembership.objects.filter(pk__in=[m.pk for m in ending]).update(
        attached_to=None, attached_from=None, attached_note="", version=F("version") + 1
    )
    return moved + len(ending)
