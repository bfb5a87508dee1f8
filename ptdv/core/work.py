"""The user's work ("Việc của tôi") and bulk dossier actions: registries filled by the apps.

Core names the shapes and keeps the lists; each app registers what it contributes when it is
ready (in its `AppConfig.ready`), so that the work list and the bulk endpoint, high up in
`ptdv.work`, read every source without the lower apps importing them:

- a **work source** is a function `(actor, today) -> Iterable[WorkItem]` yielding the items
  of one kind inside the actor's scope (dossiers overdue, requests waiting, courses
  starting, …);
- a **bulk action** is a dossier action that can be applied to many dossiers at once from
  the candidate list; its function judges and applies one dossier and answers the
  violations (an empty list when it went through).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ptdv.core.policies import Actor


@dataclass(frozen=True)
class WorkItem:
    """One thing the user should do, with where to do it."""

    kind: str  # a WORK_KINDS key, e.g. "dossier_overdue", "request_incoming"
    title: str  # Vietnamese, names the subject ("Nguyễn Văn An — biểu quyết của chi bộ")
    url: str  # the page where it is done
    due: dt.date | None  # None: no due date (sorted last)
    organisation_id: int | None = None  # the organisation it belongs to (for grouping)
    object_key: str = ""  # e.g. "candidacy:42", stable across runs (notifications dedupe)
    detail: str = ""  # a short second line

    def overdue(self, today: dt.date) -> bool:
        return self.due is not None and self.due < today


WorkSource = Callable[[Actor, dt.date], Iterable[WorkItem]]

# kind -> Vietnamese label, in the order the work page shows its filters.
WORK_KINDS: dict[str, str] = {}
_SOURCES: dict[str, WorkSource] = {}


def register_work_source(kind: str, label: str, source: WorkSource) -> None:
    WORK_KINDS.setdefault(kind, label)
    _SOURCES[kind] = source


def work_sources() -> Mapping[str, WorkSource]:
    return dict(_SOURCES)


@dataclass(frozen=True)
class BulkAction:
    """A dossier action the candidate list can apply to a selection."""

    name: str  # URL segment: POST /api/v1/candidacies/bulk/{name}/
    label: str  # Vietnamese, the button
    # (actor, candidacy, facts, today) -> violations: [{"rule", "message"}]; [] = done.
    apply: Callable[[Actor, Any, Mapping[str, Any], dt.date], list[dict[str, str]]]
    fields: tuple[str, ...] = field(default=())  # the facts the form asks for


_BULK: dict[str, BulkAction] = {}


def register_bulk_action(action: BulkAction) -> None:
    _BULK[action.name] = action


def bulk_actions() -> Mapping[str, BulkAction]:
    return dict(_BULK)
