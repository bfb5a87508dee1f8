"""The admission and recognition steps (and the exits) of memberships that have no history
yet, from their dates and, when a dossier carries it, the decision's document. The data
migration runs it over the rows that existed before the history did; the bulk paths (import,
demo) call it after creating memberships. Takes the model classes so the migration can pass
its historical ones."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

CHUNK = 2000

# The membership's exit status → the step that ended it.
EXIT_ACTIONS = {
    "removed": "remove",
    "expelled": "expel",
    "deceased": "death",
    "transferred_out": "transfer_out",
}
DOSSIER_DOCUMENTS = {"admit": "admission_decision", "recognise": "recognition_decision"}


def _documents(
    candidacy_event: Any, candidacy_ids: list[int]
) -> dict[tuple[int, str], dict[str, Any]]:
    if candidacy_event is None or not candidacy_ids:
        return {}
    found: dict[tuple[int, str], dict[str, Any]] = {}
    rows = candidacy_event.objects.filter(
        candidacy_id__in=candidacy_ids, action__in=list(DOSSIER_DOCUMENTS.values())
    ).values_list(
        "candidacy_id", "action", "document_number", "document_date", "issuing_body", "signer"
    )
    for candidacy_id, action, number, date, body, signer in rows.order_by("on", "id"):
        found[(candidacy_id, action)] = {
            "document_number": number or "",
            "document_date": date,
            "issuing_body": body or "",
            "signer": signer or "",
        }
    return found


def events_for(memberships: Iterable[Any], event_model: Any, candidacy_event: Any) -> list[Any]:
    """The (unsaved) history rows of these memberships, from their dates."""
    rows = list(memberships)
    documents = _documents(candidacy_event, [m.candidacy_id for m in rows if m.candidacy_id])
    events = []
    for m in rows:
        admitted = m.ceremony_date or m.admission_decision_date
        if admitted is not None:
            doc = documents.get((m.candidacy_id, DOSSIER_DOCUMENTS["admit"]), {})
            events.append(
                event_model(
                    membership_id=m.pk,
                    action="admit",
                    date=admitted,
                    to_organisation_id=m.organisation_id,
                    facts={
                        "decision_date": m.admission_decision_date.isoformat()
                        if m.admission_decision_date
                        else None,
                        "readmitted": bool(m.readmitted),
                    },
                    **doc,
                )
            )
        if m.official_date is not None:
            doc = documents.get((m.candidacy_id, DOSSIER_DOCUMENTS["recognise"]), {})
            events.append(
                event_model(
                    membership_id=m.pk,
                    action="recognise",
                    date=m.official_date,
                    to_organisation_id=m.organisation_id,
                    **doc,
                )
            )
        exit_action = EXIT_ACTIONS.get(m.status)
        if exit_action and m.exit_date is not None:
            events.append(
                event_model(
                    membership_id=m.pk,
                    action=exit_action,
                    date=m.exit_date,
                    from_organisation_id=m.organisation_id,
                    facts={"exit_reason": m.exit_reason} if m.exit_reason else {},
                )
            )
    return events


def backfill_events(membership_model: Any, event_model: Any, candidacy_event: Any = None) -> int:
    """Write the history of every membership that has none; returns the rows written."""
    written = 0
    pending = membership_model.objects.filter(events__isnull=True).order_by("pk")
    last = 0
    while True:
        chunk = list(pending.filter(pk__gt=last)[:CHUNK])
        if not chunk:
            return written
        last = chunk[-1].pk
        events = events_for(chunk, event_model, candidacy_event)
        event_model.objects.bulk_create(events, batch_size=CHUNK)
        written += len(events)
