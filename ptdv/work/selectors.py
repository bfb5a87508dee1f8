"""The user's work list: every registered work source (ptdv.core.work) asked once, merged,
each object once, sorted by due date (undated last)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from ptdv.core.policies import Actor
from ptdv.core.work import WORK_KINDS, WorkItem, work_sources

# ?due=: overdue (before today), 7d / 30d (from today to today + 7 / 30 days).
DUE_FILTERS: dict[str, str] = {
    "overdue": "Quá hạn",
    "7d": "Đến hạn trong 7 ngày",
    "30d": "Đến hạn trong 30 ngày",
}


def work_kinds() -> Mapping[str, str]:
    """kind -> Vietnamese label, in the order the sources were registered."""
    return dict(WORK_KINDS)


def due_matches(item: WorkItem, due: str, today: dt.date) -> bool:
    if not due:
        return True
    if item.due is None:
        return False
    if due == "overdue":
        return item.due < today
    days = 7 if due == "7d" else 30
    return today <= item.due <= today + dt.timedelta(days=days)


def sort_key(item: WorkItem) -> tuple[int, dt.date, int, str]:
    order = list(WORK_KINDS)
    rank = order.index(item.kind) if item.kind in order else len(order)
    return (item.due is None, item.due or dt.date.max, rank, item.title)


def work_filter(
    items: list[WorkItem], *, today: dt.date, kind: str = "", due: str = ""
) -> list[WorkItem]:
    """The items of `kind` (a WORK_KINDS key) and `due` (a DUE_FILTERS key); an unknown
    value matches nothing (the views validate them first)."""
    if (kind and kind not in WORK_KINDS) or (due and due not in DUE_FILTERS):
        return []
    return [i for i in items if (not kind or i.kind == kind) and due_matches(i, due, today)]


def work_list(*, actor: Actor, today: dt.date, kind: str = "", due: str = "") -> list[WorkItem]:
    """The actor's work, sorted by due date, filtered by `kind` and `due` (work_filter).

    An object two sources name (a dossier overdue *and* waiting for the user's committee)
    is listed once, under the source registered first."""
    seen: set[str] = set()
    items: list[WorkItem] = []
    for source in work_sources().values():
        for item in source(actor, today):
            if item.object_key:
                if item.object_key in seen:
                    continue
                seen.add(item.object_key)
            items.append(item)
    items.sort(key=sort_key)
    return work_filter(items, today=today, kind=kind, due=due)


def work_counts(items: list[WorkItem], today: dt.date) -> dict[str, int]:
    """How many items of a list are overdue, due within 7 days, within 30 days."""
    return {name: sum(1 for i in items if due_matches(i, name, today)) for name in DUE_FILTERS}
