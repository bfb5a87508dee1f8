"""The demo province's notifications, as after a year of use.

- **A year of reminders, read**: for each deadline-bound step of the last 365 days (the
  grassroots committee's vote, the decision, the ceremony, the recognition vote and
  decision), the reminder "due soon" the nightly job would have sent to the people of the
  dossier's unit a few days before, read within a day or two and mailed in the digest.
- **Today's**: the nightly jobs as of the demo's day (dossiers due within 7 days or overdue,
  with their escalation; targets at risk), unread.

Recipients are found as the notifications service finds them (the nearest organisation with
clerks), so the staff of every unit (nhaplieu.*, pheduyet.*) and, once they exist, the demo
accounts get theirs. Idempotent: every notification has a stable key, a second run adds only
what is missing (e.g. for the demo accounts created after the load).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from ptdv.candidacies.actions import spec_for
from ptdv.candidacies.models import CandidacyEvent, DossierAction
from ptdv.core.roles import Role
from ptdv.notifications.models import Notification
from ptdv.notifications.services import recipient_ids
from ptdv.organisations.models import Organisation
from ptdv.work.nightly import dossier_notifications, target_notifications

REMINDED = (
    DossierAction.COMMITTEE_VOTE,
    DossierAction.ADMISSION_DECISION,
    DossierAction.CEREMONY,
    DossierAction.RECOGNITION_VOTE,
    DossierAction.RECOGNITION_DECISION,
)
CHUNK = 2000
_EVENT_FIELDS = (
    "id",
    "action",
    "on",
    "candidacy_id",
    "candidacy__organisation_id",
    "candidacy__organisation__path",
    "candidacy__person__family_name",
    "candidacy__person__middle_name",
    "candidacy__person__given_name",
)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _events(today: dt.date) -> Iterator[list[dict[str, Any]]]:
    qs = CandidacyEvent.objects.effective().filter(
        on__gte=today - dt.timedelta(days=365), on__lt=today, action__in=[str(a) for a in REMINDED]
    )
    last = 0
    while True:
        rows = list(qs.filter(pk__gt=last).order_by("pk").values(*_EVENT_FIELDS)[:CHUNK])
        if not rows:
            return
        yield rows
        last = rows[-1]["id"]


def _history(today: dt.date, rng: random.Random) -> int:
    created = 0
    for rows in _events(today):
        organisations = {
            r["candidacy__organisation__path"]: Organisation(
                pk=r["candidacy__organisation_id"], path=r["candidacy__organisation__path"]
            )
            for r in rows
        }
        people = recipient_ids(organisations.values(), Role.CLERK)
        notifications = []
        for row in rows:
            spec = spec_for(row["action"])
            name = " ".join(
                p
                for p in (
                    row["candidacy__person__family_name"],
                    row["candidacy__person__middle_name"],
                    row["candidacy__person__given_name"],
                )
                if p
            )
            due: dt.date = row["on"]
            sent = due - dt.timedelta(days=rng.randint(2, 7))
            read = sent + dt.timedelta(days=rng.randint(0, 2))
            read_hour = rng.randint(7, 17)
            for user_id in people.get(row["candidacy__organisation__path"], []):
                notifications.append(
                    Notification(
                        user_id=user_id,
                        kind="dossier_due",
                        title=f"{name} — {spec.label if spec else row['action']} — "
                        f"hạn {due:%d/%m/%Y}",
                        url=reverse("candidacies:detail", args=[row["candidacy_id"]]),
                        organisation_id=row["candidacy__organisation_id"],
                        object_key=f"candidacy:{row['candidacy_id']}:{row['action']}:"
                        f"{due.isoformat()}",
                        due=due,
                        created_at=_at(sent, 2),
                        read_at=_at(read, read_hour) if read < today else None,
                        digested_at=_at(sent, 6),
                    )
                )
        with transaction.atomic():
            before = Notification.objects.count()
            Notification.objects.bulk_create(notifications, ignore_conflicts=True, batch_size=1000)
            created += Notification.objects.count() - before
    return created


def demo_notifications_load(*, today: dt.date, seed: int) -> int:
    """Write the demo's notifications; answers how many rows were added."""
    rng = random.Random(seed * 7919 + 13)
    created = _history(today, rng)
    created += dossier_notifications(today)
    created += target_notifications(today)
    return created
