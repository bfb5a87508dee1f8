"""Organisation changes: a list of mergers (a provincial reform: 200 communes into 70),
renames, moves and dissolutions, each row one organisation and its decision.

Every row is checked before anything is written (the organisation and the receiving or
new parent in the administrator's scope, active, not named twice; a new organisation's
code free; the decision complete), then the changes are made through the services of
ptdv/organisations/changes.py in the import's single transaction: all or nothing, and a
dry run rolls it back like any other import.

Merge rows that name the same receiving code form one merger: an existing organisation
absorbs the others; a code not in the system founds a new organisation (named by "Tên mới",
under "Mã cấp trên của tổ chức mới" or the first row's parent).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ptdv.core.policies import role_rank_at
from ptdv.exchange.importers.base import Importer
from ptdv.exchange.importers.context import ADMINISTRATOR, OrgInfo
from ptdv.exchange.importers.parsing import parse_rows
from ptdv.organisations.changes import (
    DecisionRef,
    NewOrganisation,
    decision_errors,
    organisation_dissolve,
    organisation_merge,
    organisation_move,
    organisation_rename,
)
from ptdv.organisations.models import PATH_STEP, ChangeKind, Organisation


@dataclass
class Merger:
    target: str
    rows: list[int] = field(default_factory=list)
    sources: list[OrgInfo] = field(default_factory=list)
    existing: OrgInfo | None = None
    name: str = ""
    kind: str = ""
    parent: OrgInfo | None = None
    decision: DecisionRef | None = None


class OrganisationChangeImporter(Importer):
    kind = "organisation_changes"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ending: dict[str, bool] = {}  # code → whether its row ends it

    def check(self) -> None:
        ctx = self.ctx
        named: dict[str, int] = {}
        mergers: dict[str, Merger] = {}
        for row, data in parse_rows(ctx):
            change = data.get("change")
            code = data["organisation"]
            if code in named:
                ctx.error(row, "organisation", f"Tổ chức đã có ở dòng {named[code]}.")
                continue
            named[code] = row
            self.ending[code] = change in (ChangeKind.MERGE, ChangeKind.DISSOLVE)
            info = ctx.org(row, "organisation", code)
            if info is None:
                continue
            parent_path = info.path[:-PATH_STEP] or info.path
            if role_rank_at(ctx.actor, parent_path) < ADMINISTRATOR:
                ctx.error(
                    row, "organisation",
                    "Chỉ quản trị viên của tổ chức cấp trên mới được thay đổi tổ chức này.",
                )
                continue
            decision = DecisionRef(
                number=data.get("decision_number") or "",
                decision_date=data.get("decision_date"),
                issuing_body=data.get("issuing_body") or "",
                date=data.get("date"),
            )
            for key, message in decision_errors(decision, today=ctx.today).items():
                ctx.error(row, key, message.split(": ", 1)[-1])
            target = data.get("target") or ""
            if change == ChangeKind.MERGE:
                if not target:
                    ctx.error(row, "target", "Cần mã tổ chức tiếp nhận hoặc tổ chức mới.")
                    continue
                merger = mergers.setdefault(target, Merger(target))
                merger.rows.append(row)
                merger.sources.append(info)
                merger.decision = merger.decision or decision
                merger.name = merger.name or data.get("new_name") or ""
                merger.kind = merger.kind or data.get("new_kind") or ""
                if data.get("parent") and merger.parent is None:
                    merger.parent = ctx.org(
                        row, "parent", data["parent"], min_rank=ADMINISTRATOR
                    )
                if merger not in [i[1] for i in self.items if i[0] == "merge"]:
                    self.items.append(("merge", merger))
            elif change == ChangeKind.RENAME:
                if not data.get("new_name"):
                    ctx.error(row, "new_name", "Cần tên mới.")
                    continue
                self.items.append(("rename", (row, info, data["new_name"], decision)))
            elif change == ChangeKind.MOVE:
                parent = (
                    ctx.org(row, "target", target, min_rank=ADMINISTRATOR) if target else None
                )
                if not target:
                    ctx.error(row, "target", "Cần mã tổ chức cấp trên mới.")
                if parent is None:
                    continue
                if parent.path.startswith(info.path):
                    ctx.error(row, "target", "Không được chuyển vào chính tổ chức cấp dưới.")
                    continue
                self.items.append(("move", (row, info, parent, decision)))
            elif change == ChangeKind.DISSOLVE:
                heir = ctx.org(row, "target", target, min_rank=ADMINISTRATOR) if target else None
                if target and heir is None:
                    continue
                self.items.append(("dissolve", (row, info, heir, decision)))
            else:
                ctx.error(row, "change", "Chỉ nhập được: hợp nhất, đổi tên, chuyển, giải thể.")
        self._check_mergers(mergers, named)

    def _check_mergers(self, mergers: dict[str, Merger], named: dict[str, int]) -> None:
        ctx = self.ctx
        existing = set(
            Organisation.objects.filter(code__in=list(mergers)).values_list("code", flat=True)
        )
        for code, merger in mergers.items():
            first = merger.rows[0]
            if self.ending.get(code):
                ctx.error(first, "target", f"“{code}” cũng kết thúc ở dòng {named[code]}.")
                continue
            if code in existing:
                merger.existing = ctx.org(first, "target", code, min_rank=ADMINISTRATOR)
            elif not merger.name:
                ctx.error(first, "new_name", f"Cần tên của tổ chức mới “{code}”.")
            if merger.existing is None and merger.parent is None and code not in existing:
                parent_path = merger.sources[0].path[:-PATH_STEP]
                if not parent_path or role_rank_at(ctx.actor, parent_path) < ADMINISTRATOR:
                    ctx.error(first, "parent", "Cần mã cấp trên của tổ chức mới.")

    def write(self) -> int:
        actor: Any = self.ctx.actor
        written = 0
        for what, item in self.items:
            if what == "merge":
                merger: Merger = item
                assert merger.decision is not None
                organisation_merge(
                    actor=actor,
                    sources=[info.id for info in merger.sources],
                    into=merger.existing.id if merger.existing else None,
                    new=None
                    if merger.existing
                    else NewOrganisation(code=merger.target, name=merger.name, kind=merger.kind),
                    parent=merger.parent.id if merger.parent else None,
                    decision=merger.decision,
                )
                written += len(merger.rows)
            elif what == "rename":
                _row, info, name, decision = item
                organisation_rename(actor=actor, organisation=info.id, name=name, decision=decision)
                written += 1
            elif what == "move":
                _row, info, parent, decision = item
                organisation_move(
                    actor=actor, organisation=info.id, parent=parent.id, decision=decision
                )
                written += 1
            else:
                _row, info, heir, decision = item
                organisation_dissolve(
                    actor=actor,
                    organisation=info.id,
                    successor=heir.id if heir else None,
                    decision=decision,
                )
                written += 1
            if self.ctx.progress is not None:
                self.ctx.progress(written)
        return written
