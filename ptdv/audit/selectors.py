"""What the audit trail shows to whom.

Administrators read the entries that concern their subtrees (the entry's `org_path` lies in
a subtree where they hold the administrator role); administrators of a root organisation
also read the entries about no organisation in particular (the purge, a sign-in of a user
without assignments). Everyone else reads nothing (403 on the page and the API).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from ptdv.accounts.models import User
from ptdv.accounts.policies import users_visible_to
from ptdv.audit.models import AuditEntry
from ptdv.audit.policies import ADMINISTRATOR_RANK as ADMINISTRATOR_RANK
from ptdv.audit.policies import audit_reader as audit_reader
from ptdv.audit.policies import audit_require_reader as audit_require_reader
from ptdv.audit.policies import audit_scope_q as audit_scope_q
from ptdv.audit.policies import audit_visible_to as audit_visible_to
from ptdv.core.policies import Actor
from ptdv.organisations.models import Organisation
from ptdv.organisations.policies import organisation_policy
from ptdv.people.models import Person
from ptdv.people.policies import person_policy

# --- The objects a filter names, looked up in the reader's scope ---------------------------


def audit_filter_person(actor: Actor, pk: Any) -> Person | None:
    """A person the reader may see (else None: outside is the same as absent)."""
    try:
        return person_policy.visible_to(actor).filter(pk=pk).first()
    except (TypeError, ValueError):
        return None


def audit_filter_organisation(actor: Actor, pk: Any) -> Organisation | None:
    try:
        return organisation_policy.visible_to(actor).filter(pk=pk).first()
    except (TypeError, ValueError):
        return None


def audit_filter_user(actor: Actor, *, pk: Any = None, username: str = "") -> User | None:
    """A user the reader administers, or one who appears in the entries the reader sees
    (someone from above who read a person of the subtree): any other is absent."""
    lookup: dict[str, Any] = {"username": username} if username else {"pk": pk}
    try:
        user = users_visible_to(actor).filter(**lookup).first()
        if user is None:
            seen = audit_visible_to(actor).filter(
                **{f"actor__{key}": value for key, value in lookup.items()}
            )
            if seen.exists():
                user = User.objects.filter(**lookup).first()
    except (TypeError, ValueError):
        return None
    return user


@dataclass(frozen=True)
class AuditFilters:
    person: Person | None = None
    user: User | None = None
    organisation: Organisation | None = None
    action: str = ""
    since: dt.date | None = None
    until: dt.date | None = None

    def as_audit_data(self) -> dict[str, Any]:
        """The filters as an audit entry may record them (ids and codes only)."""
        shown: dict[str, Any] = {
            "person": self.person.pk if self.person else None,
            "user": self.user.pk if self.user else None,
            "organisation": self.organisation.pk if self.organisation else None,
            "action": self.action or None,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
        }
        return {key: value for key, value in shown.items() if value is not None}


def _lists_person(pk: int) -> RawSQL:
    """True for an entry of a list read whose page showed the person (`data.person_ids`)."""
    # The table name comes from the model and the id is a bound parameter: nothing typed by a
    # user reaches the SQL text.
    table = AuditEntry._meta.db_table
    if connection.vendor == "postgresql":
        return RawSQL(  # noqa: S611
            f"({table}.data -> 'person_ids') @> %s::jsonb",
            [json.dumps([pk])],
            output_field=BooleanField(),
        )
    return RawSQL(  # noqa: S611
        f"EXISTS (SELECT 1 FROM json_each({table}.data, '$.person_ids') AS listed "  # noqa: S608
        "WHERE listed.value = %s)",
        [pk],
        output_field=BooleanField(),
    )


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_list(*, actor: Actor, filters: AuditFilters) -> QuerySet[AuditEntry]:
    """The entries `actor` may read, filtered, newest first. The person filter finds the
    entries naming the person and the list reads whose page showed them; the period is in
    local days, both ends included."""
    entries = audit_visible_to(actor)
    if filters.person is not None:
        entries = entries.filter(Q(person=filters.person) | Q(_lists_person(filters.person.pk)))
    if filters.user is not None:
        entries = entries.filter(actor=filters.user)
    if filters.organisation is not None:
        entries = entries.filter(org_path__startswith=filters.organisation.path)
    if filters.action:
        entries = entries.filter(action=filters.action)
    if filters.since is not None:
        entries = entries.filter(at__gte=_day_start(filters.since))
    if filters.until is not None:
        entries = entries.filter(at__lt=_day_start(filters.until + dt.timedelta(days=1)))
    return entries.select_related("actor", "person").order_by("-at", "-id")


def audit_organisations(entries: list[AuditEntry]) -> dict[str, Organisation]:
    """The organisation of each entry's path, in one query."""
    paths = {entry.org_path for entry in entries if entry.org_path}
    return {o.path: o for o in Organisation.objects.filter(path__in=paths)}
