"""Reads of the documents app, scoped by the documents policies."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from ptdv.candidacies.models import Candidacy, CandidacyEvent
from ptdv.candidacies.transitions import TRANSITIONS
from ptdv.core.policies import Actor
from ptdv.core.presence import has_related
from ptdv.documents.dossier import dossier_load
from ptdv.documents.models import RELATION_ORDER, Attachment, Relative
from ptdv.documents.official_forms import FORMS
from ptdv.documents.policies import attachment_policy, can_attach, relative_policy
from ptdv.members.models import PartyMembership
from ptdv.people.models import Person
from ptdv.people.selectors import person_page_queryset


def attachment_list(*, actor: Actor, candidacy: Candidacy) -> QuerySet[Attachment]:
    return attachment_policy.visible_to(
        actor, Attachment.objects.filter(candidacy=candidacy).select_related("event")
    ).order_by("uploaded_at", "id")


def _attachments_of(
    *, actor: Actor, candidacy: Candidacy, events: list[CandidacyEvent] | None
) -> list[Attachment]:
    """`attachment_list`; given the dossier's events (all of them, read already by the page),
    each attachment's step is taken from them rather than joined (the join's columns made
    the query one of the page's slowest to build)."""
    if events is None:
        return list(attachment_list(actor=actor, candidacy=candidacy))
    steps = {event.pk: event for event in events}
    attachments = list(attachment_list(actor=actor, candidacy=candidacy).select_related(None))
    for attachment in attachments:
        if attachment.event_id in steps:
            attachment.event = steps[attachment.event_id]
    return attachments


def attachment_get_visible(*, actor: Actor, pk: Any) -> Attachment:
    """404 for an attachment outside the user's subtree, as for an absent one."""
    return attachment_policy.get_visible(
        actor, pk, Attachment.objects.select_related("candidacy__person", "candidacy__organisation")
    )


def relative_get_visible(*, actor: Actor, pk: Any) -> Relative:
    return relative_policy.get_visible(
        actor, pk, Relative.objects.select_related("person__organisation")
    )


def person_page_row() -> QuerySet[Person]:
    """The person page's row (`person_page_queryset`; scope it with the policy) with whether
    the person has any membership record (`has_memberships`) or relative (`has_relatives`)
    at all (ptdv.core.presence). Most people have neither (not members, no family declared
    yet): for them the page does not read those lists, each a query dearer to build than
    this check. Where there are some, the rows are read through their own policies."""
    return person_page_queryset().annotate(
        has_memberships=has_related(PartyMembership, "person"),
        has_relatives=has_related(Relative, "person"),
    )


def person_relatives(*, actor: Actor, person: Person) -> list[Relative]:
    """The person's relatives in the order form 2-KNĐ lists them (parents first), then in the
    order they were entered. Sorted here: a person has a handful, and building the ordering
    as a CASE over every relation took longer than reading them."""
    relatives = relative_policy.visible_to(actor, Relative.objects.filter(person=person))
    return sorted(
        relatives, key=lambda r: (RELATION_ORDER.get(r.relation, len(RELATION_ORDER)), r.pk)
    )


def documents_for_candidacy(
    *, actor: Actor, candidacy: Candidacy, loaded: dict[str, Any] | None = None
) -> dict[str, Any]:
    """What the dossier page lists: the forms available at the dossier's current step (issued
    documents and drafts) and the attachments, with whether the user may upload. `loaded`:
    what the page has read already (`dossier_load`'s chain, competences, events). The
    attachments are not read for a candidacy whose row says it has none (`has_attachments`,
    annotated by ptdv.candidacies.selectors.candidacy_page_queryset)."""
    dossier = dossier_load(candidacy, timezone.localdate(), printing=False, **(loaded or {}))
    forms = [
        {"slug": spec.slug, "code": spec.code, "name": spec.name, "draft": spec.personal}
        for spec in FORMS.values()
        if spec.available(dossier)
    ]
    return {
        "forms": forms,
        "attachments": _attachments_of(
            actor=actor, candidacy=candidacy, events=(loaded or {}).get("events")
        )
        if getattr(candidacy, "has_attachments", True)
        else [],
        "events": [
            {
                "pk": event.pk,
                "on": event.on,
                "label": str(TRANSITIONS[event.action].label)
                if event.action in TRANSITIONS
                else event.action,
                "number": event.document_number,
            }
            for event in dossier.events
        ],
        "can_upload": can_attach(actor, candidacy),
    }
