"""The dossier work sources of "Việc của tôi": overdue dossiers, dossiers due within 30
days, and the decisions waiting at the user's own committee.

Each reads the next lawful action stored on the dossier (`Candidacy.next_action`,
`next_due`, kept by the workflow and `ptdv pipeline refresh`), never the rule engine: a
source costs a fixed number of queries whatever the number of dossiers. A source lists at
most SOURCE_LIMIT items, the most urgent first; the page links to the candidate list, which
pages through all of them (`?due=overdue`, `?due=30d`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import F, QuerySet
from django.urls import reverse

from ptdv.candidacies.actions import DossierAction, spec_for
from ptdv.candidacies.models import Candidacy
from ptdv.candidacies.selectors import acting_body
from ptdv.core.policies import Actor, subtree_q, user_scopes
from ptdv.core.work import WorkItem, register_work_source
from ptdv.organisations.competence import competence_rows, competent_for
from ptdv.organisations.models import Organisation, ancestor_paths

# How far ahead a dossier's due date makes it work to do.
HORIZON_DAYS = 30
# At most this many items per dossier source (the most urgent).
SOURCE_LIMIT = 500
# The next actions a committee (not the cell) takes.
DECISION_ACTIONS = (
    DossierAction.COMMITTEE_VOTE,
    DossierAction.ADMISSION_DECISION,
    DossierAction.RECOGNITION_DECISION,
)

OVERDUE = "dossier_overdue"
DUE = "dossier_due"
DECISION = "committee_decision"

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


def _open_in_scope(actor: Actor) -> QuerySet[Candidacy]:
    return Candidacy.objects.filter(subtree_q(actor, "organisation__path"), is_open=True)


def _action_label(action: str) -> str:
    spec = spec_for(action)
    return spec.label if spec is not None else action


def _name(row: dict[str, Any]) -> str:
    parts = (row["person__family_name"], row["person__middle_name"], row["person__given_name"])
    return " ".join(p for p in parts if p)


def _item(kind: str, row: dict[str, Any], today: dt.date, detail: str = "") -> WorkItem:
    due: dt.date | None = row["next_due"]
    if not detail:
        detail = row["organisation__name"]
        if due is not None and due < today:
            detail += f" — quá hạn {(today - due).days} ngày"
    return WorkItem(
        kind=kind,
        title=f"{_name(row)} — {_action_label(row['next_action'])}",
        url=reverse("candidacies:detail", args=[row["id"]]),
        due=due,
        organisation_id=row["organisation_id"],
        object_key=f"candidacy:{row['id']}",
        detail=detail,
    )


def dossiers_overdue(actor: Actor, today: dt.date) -> Iterator[WorkItem]:
    """Open dossiers of the user's subtrees whose next action is past its due date."""
    rows = (
        _open_in_scope(actor)
        .filter(next_due__lt=today)
        .order_by("next_due", "id")
        .values(*_FIELDS)[:SOURCE_LIMIT]
    )
    for row in rows:
        yield _item(OVERDUE, row, today)


def dossiers_due(actor: Actor, today: dt.date) -> Iterator[WorkItem]:
    """Open dossiers of the user's subtrees whose next action falls due within HORIZON_DAYS."""
    rows = (
        _open_in_scope(actor)
        .filter(next_due__gte=today, next_due__lte=today + dt.timedelta(days=HORIZON_DAYS))
        .order_by("next_due", "id")
        .values(*_FIELDS)[:SOURCE_LIMIT]
    )
    for row in rows:
        yield _item(DUE, row, today)


def _assigned(actor: Actor) -> set[str]:
    return {path for path, _rank in user_scopes(actor)}


def waiting_decisions(
    rows: Iterable[dict[str, Any]], assigned: set[str], today: dt.date
) -> list[tuple[dict[str, Any], Organisation]]:
    """The rows (dossiers whose next action is a committee's) whose acting body, by the
    competence rules of `today`, is one of the organisations at `assigned` paths; with that
    body. Two queries: the chains of every cell, and their competence rows."""
    rows = list(rows)
    paths = {p for row in rows for p in ancestor_paths(row["organisation__path"])}
    found = {o.path: o for o in Organisation.objects.filter(path__in=paths)}
    competence = competence_rows(found.values())
    waiting = []
    for row in rows:
        chain = [
            found[p] for p in reversed(ancestor_paths(row["organisation__path"])) if p in found
        ]
        if not chain:
            continue
        body = acting_body(row["next_action"], competent_for(chain, today, competence))
        if body.path in assigned:
            waiting.append((row, body))
    return waiting


def committee_decisions(actor: Actor, today: dt.date) -> Iterator[WorkItem]:
    """Dossiers waiting for the vote or decision of a committee the user is assigned to (the
    grassroots committee's vote, the competent body's admission or recognition decision)."""
    assigned = _assigned(actor)
    if not assigned:
        return
    rows = (
        _open_in_scope(actor)
        .filter(next_action__in=[str(a) for a in DECISION_ACTIONS])
        .order_by(F("next_due").asc(nulls_last=True), "id")
        .values(*_FIELDS)[: SOURCE_LIMIT * 4]
    )
    shown = 0
    for row, body in waiting_decisions(rows, assigned, today):
        detail = f"{row['organisation__name']} — chờ {body.name}"
        due = row["next_due"]
        if due is not None and due < today:
            detail += f", quá hạn {(today - due).days} ngày"
        yield _item(DECISION, row, today, detail=detail)
        shown += 1
        if shown >= SOURCE_LIMIT:
            return


def register() -> None:
    """Called by WorkConfig.ready()."""
    register_work_source(DECISION, "Chờ cấp ủy xét, quyết định", committee_decisions)
    register_work_source(OVERDUE, "Hồ sơ quá hạn", dossiers_overdue)
    register_work_source(DUE, "Hồ sơ đến hạn trong 30 ngày", dossiers_due)
