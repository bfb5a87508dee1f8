"""Every write of a party membership that a dossier makes: admitted at the ceremony,
recognised as official, removed from the probationary list, dates corrected — and the bulk
creation an import or the demo makes. The counters these rows feed are derived data kept by
the dossier's hook (ptdv.candidacies.derived), not here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from ptdv.members.models import ExitReason, MembershipStatus, PartyMembership
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
    """The ceremony: the person becomes a probationary member."""
    return PartyMembership.objects.create(
        person_id=person_id,
        organisation_id=organisation_id,
        status=MembershipStatus.PROBATIONARY,
        admission_decision_date=decision_date,
        ceremony_date=ceremony_date,
        readmitted=readmitted,
        candidacy_id=candidacy_id,
    )


def membership_recognise(*, candidacy_id: int, official_date: dt.date) -> int:
    """The probationary member of this dossier becomes official."""
    return PartyMembership.objects.filter(
        candidacy_id=candidacy_id, status=MembershipStatus.PROBATIONARY
    ).update(status=MembershipStatus.OFFICIAL, official_date=official_date)


def membership_remove(
    *, candidacy_id: int, exit_date: dt.date, exit_reason: str = ExitReason.REMOVED
) -> int:
    """The probationary member of this dossier is removed from the list."""
    return PartyMembership.objects.filter(
        candidacy_id=candidacy_id, status=MembershipStatus.PROBATIONARY
    ).update(status=MembershipStatus.REMOVED, exit_date=exit_date, exit_reason=exit_reason)


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
    return PartyMembership.objects.filter(candidacy_id=candidacy_id).update(**values)


def memberships_create(
    memberships: Sequence[PartyMembership], *, batch_size: int = 2000
) -> list[PartyMembership]:
    """Write many new memberships at once (an import, the demo)."""
    return PartyMembership.objects.bulk_create(memberships, batch_size=batch_size)


# --- Undoing a dossier step (a voided event, ptdv.candidacies.void) ---------------------------


def membership_unadmit(*, candidacy_id: int) -> int:
    """A voided ceremony: the membership it started never was. Raises ProtectedError when the
    membership is referenced elsewhere (an introduction, a helper assignment)."""
    deleted, _rows = PartyMembership.objects.filter(candidacy_id=candidacy_id).delete()
    return deleted


def membership_unrecognise(*, candidacy_id: int) -> int:
    """A voided recognition: the official member of this dossier is probationary again."""
    return PartyMembership.objects.filter(
        candidacy_id=candidacy_id, status=MembershipStatus.OFFICIAL
    ).update(status=MembershipStatus.PROBATIONARY, official_date=None)


def membership_unremove(*, candidacy_id: int) -> int:
    """A voided removal: the probationary member of this dossier is back on the list."""
    return PartyMembership.objects.filter(
        candidacy_id=candidacy_id, status=MembershipStatus.REMOVED
    ).update(status=MembershipStatus.PROBATIONARY, exit_date=None, exit_reason="")
