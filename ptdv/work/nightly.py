"""The notifications the nightly jobs create (through ptdv.notifications.notify_many):

- **dossiers** (`dossier_notifications`, nightly after the pipeline refresh): every open
  dossier whose stored next action falls due within DUE_SOON_DAYS tells the people of the
  body that must act (the cell, or the committee that votes or decides, by the competence
  rules of the day); one that is overdue tells them and the organisation one level above
  (the escalation). One notification per step and due date: a later step or a new due date
  is news again, the same one is not.
- **targets at risk** (`target_notifications`, monthly): every organisation whose year-end
  forecast says its admission target can no longer be reached tells its people, once a
  month.

Both read stored data (next actions, tallies, rates), with a fixed number of queries per
chunk of dossiers or per group of sibling organisations.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.db.models import Q
from django.urls import reverse

from ptdv.candidacies.models import Candidacy
from ptdv.notifications.services import Notice, notify_many
from ptdv.organisations.models import PATH_STEP, Organisation
from ptdv.targets.models import Target
from ptdv.targets.selectors import progress_many
from ptdv.work.sources import DECISION_ACTIONS, _action_label, _name, waiting_decisions

DUE_SOON_DAYS = 7
CHUNK = 2000

_FIELDS = (
    "id",
    "next_action",
    "next_due",
    "organisation_id",
    "organisation__name",
    "organisation__path",
    "person__family_name",
    "person__middle_name",
    "person__given_name",
)


def _chunks(today: dt.date) -> Iterator[list[dict[str, Any]]]:
    horizon = today + dt.timedelta(days=DUE_SOON_DAYS)
    qs = Candidacy.objects.filter(is_open=True, next_due__lte=horizon).exclude(next_action="")
    last = 0
    while True:
        rows = list(qs.filter(pk__gt=last).order_by("pk").values(*_FIELDS)[:CHUNK])
        if not rows:
            return
        yield rows
        last = rows[-1]["id"]


def _bodies(rows: list[dict[str, Any]], today: dt.date) -> dict[int, Organisation]:
    """The committee that must act for the rows whose next action is a committee's."""
    deciding = [r for r in rows if r["next_action"] in DECISION_ACTIONS]
    if not deciding:
        return {}
    everyone = {p for r in deciding for p in _paths(r["organisation__path"])}
    bodies: dict[int, Organisation] = {}
    for row, body in waiting_decisions(deciding, everyone, today):
        bodies[row["id"]] = body
    return bodies


def _paths(path: str) -> list[str]:
    return [path[:end] for end in range(PATH_STEP, len(path) + 1, PATH_STEP)]


def dossier_notices(today: dt.date) -> Iterator[list[Notice]]:
    """The notices of the dossiers due soon or overdue, chunk by chunk."""
    for rows in _chunks(today):
        bodies = _bodies(rows, today)
        parents = {
            o.path: o
            for o in Organisation.objects.filter(
                path__in={b.path[:-PATH_STEP] for b in bodies.values() if len(b.path) > PATH_STEP}
                | {
                    r["organisation__path"][:-PATH_STEP]
                    for r in rows
                    if r["id"] not in bodies and len(r["organisation__path"]) > PATH_STEP
                }
            )
        }
        notices: list[Notice] = []
        for row in rows:
            due: dt.date = row["next_due"]
            body = bodies.get(row["id"]) or Organisation(
                pk=row["organisation_id"],
                path=row["organisation__path"],
                name=row["organisation__name"],
            )
            overdue = due < today
            kind = "dossier_overdue" if overdue else "dossier_due"
            title = (
                f"{_name(row)} — {_action_label(row['next_action'])} — "
                f"{'quá hạn từ' if overdue else 'hạn'} {due:%d/%m/%Y}"
            )
            key = f"candidacy:{row['id']}:{row['next_action']}:{due.isoformat()}"
            url = reverse("candidacies:detail", args=[row["id"]])
            notices.append(Notice(kind, title, key, body, url, due))
            above = parents.get(body.path[:-PATH_STEP])
            if overdue and above is not None:
                notices.append(Notice(kind, f"{title} (báo cấp trên)", key, above, url, due))
        yield notices


def dossier_notifications(today: dt.date) -> int:
    """Create the dossiers' notifications; answers how many were created."""
    return sum(notify_many(notices) for notices in dossier_notices(today))


def target_notices(today: dt.date) -> list[Notice]:
    """One notice per organisation whose target this year is out of reach by the forecast."""
    year = today.year
    organisations = [
        t.organisation
        for t in Target.objects.filter(year=year, group="")
        .filter(Q(organisation__valid_to__isnull=True) | Q(organisation__valid_to__gt=today))
        .select_related("organisation")
    ]
    groups: dict[tuple[int, str], list[Organisation]] = defaultdict(list)
    for organisation in organisations:
        parent = organisation.path[:-PATH_STEP] if len(organisation.path) > PATH_STEP else ""
        groups[(len(organisation.path), parent)].append(organisation)
    notices = []
    for (_length, parent), siblings in sorted(groups.items()):
        # Siblings share their parent as scope; each root is its own.
        batches = [siblings] if parent else [[o] for o in siblings]
        for batch in batches:
            scope = parent or batch[0].path
            for progress in progress_many(batch, year=year, today=today, scope_path=scope):
                if not progress.at_risk:
                    continue
                organisation = progress.organisation
                notices.append(
                    Notice(
                        "target_at_risk",
                        f"{organisation.name}: dự báo không đạt chỉ tiêu kết nạp năm {year} "
                        f"(đã kết nạp {progress.admitted}/{progress.target}, tối đa có thể đạt "
                        f"{progress.forecast.upper_bound})",
                        f"target:{organisation.pk}:{today:%Y-%m}",
                        organisation,
                        reverse("targets:dashboard", args=[organisation.pk]),
                        dt.date(year, 12, 31),
                    )
                )
    return notices


def target_notifications(today: dt.date) -> int:
    return notify_many(target_notices(today))
