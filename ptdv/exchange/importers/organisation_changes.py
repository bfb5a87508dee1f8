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

Split rows that name the same organisation form one split: each row founds one new
organisation (its code, name and kind) taking the sub-organisations and villages listed
(codes separated by commas); the split organisation ends and the first new one takes
whatever no row named (its own members and dossiers too), as `organisation_split` does.
"""

from __future__ import annotations

from collections.abc import Callable
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
    organisation_split,
)
from ptdv.organisations.models import PATH_STEP, ChangeKind, Locality, Organisation


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


@dataclass
class Split:
    source: OrgInfo
    rows: list[int] = field(default_factory=list)
    parts: list[NewOrganisation] = field(default_factory=list)
    decision: DecisionRef | None = None


def _code_list(text: str | None) -> list[str]:
    return [code.strip() for code in (text or "").replace(";", ",").split(",") if code.strip()]


class OrganisationChangeImporter(Importer):
    kind = "organisation_changes"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ending: dict[str, bool] = {}  # code → whether its row ends it

    def check(self) -> None:
        ctx = self.ctx
        named: dict[str, int] = {}
        self.mergers: dict[str, Merger] = {}
        self.splits: dict[str, Split] = {}
        for row, data in parse_rows(ctx):
            change = data.get("change")
            code = data["organisation"]
            if change == ChangeKind.SPLIT and code in self.splits:
                self._split_row(row, data, self.splits[code].source, self.splits[code].decision)
                continue
            if code in named:
                ctx.error(row, "organisation", f"Tổ chức đã có ở dòng {named[code]}.")
                continue
            named[code] = row
            self.ending[code] = change in (ChangeKind.MERGE, ChangeKind.SPLIT, ChangeKind.DISSOLVE)
            info = self._changed(row, code)
            if info is None:
                continue
            decision = DecisionRef(
                number=data.get("decision_number") or "",
                decision_date=data.get("decision_date"),
                issuing_body=data.get("issuing_body") or "",
                date=data.get("date"),
            )
            for key, message in decision_errors(decision, today=ctx.today).items():
                ctx.error(row, key, message.split(": ", 1)[-1])
            handlers: dict[str, Callable[[int, dict[str, Any], OrgInfo, DecisionRef], None]] = {
                ChangeKind.MERGE: self._merge_row,
                ChangeKind.SPLIT: self._split_row,
                ChangeKind.RENAME: self._rename_row,
                ChangeKind.MOVE: self._move_row,
                ChangeKind.DISSOLVE: self._dissolve_row,
            }
            handler = handlers.get(str(change or ""))
            if handler is None:
                ctx.error(
                    row, "change", "Chỉ nhập được: hợp nhất, chia tách, đổi tên, chuyển, giải thể."
                )
                continue
            handler(row, data, info, decision)
        self._check_mergers(self.mergers, named)
        self._check_splits(named)

    def _changed(self, row: int, code: str) -> OrgInfo | None:
        """The organisation a row changes: in scope, active, and the user administers its
        parent."""
        info = self.ctx.org(row, "organisation", code)
        if info is None:
            return None
        parent_path = info.path[:-PATH_STEP] or info.path
        if role_rank_at(self.ctx.actor, parent_path) < ADMINISTRATOR:
            self.ctx.error(
                row,
                "organisation",
                "Chỉ quản trị viên của tổ chức cấp trên mới được thay đổi tổ chức này.",
            )
            return None
        return info

    def _merge_row(
        self, row: int, data: dict[str, Any], info: OrgInfo, decision: DecisionRef
    ) -> None:
        target = data.get("target") or ""
        if not target:
            self.ctx.error(row, "target", "Cần mã tổ chức tiếp nhận hoặc tổ chức mới.")
            return
        merger = self.mergers.get(target)
        if merger is None:
            merger = self.mergers[target] = Merger(target)
            self.items.append(("merge", merger))
        merger.rows.append(row)
        merger.sources.append(info)
        merger.decision = merger.decision or decision
        merger.name = merger.name or data.get("new_name") or ""
        merger.kind = merger.kind or data.get("new_kind") or ""
        if data.get("parent") and merger.parent is None:
            merger.parent = self.ctx.org(row, "parent", data["parent"], min_rank=ADMINISTRATOR)

    def _split_row(
        self, row: int, data: dict[str, Any], info: OrgInfo, decision: DecisionRef | None
    ) -> None:
        split = self.splits.get(info_code := data["organisation"])
        if split is None:
            split = self.splits[info_code] = Split(info, decision=decision)
            self.items.append(("split", split))
        split.rows.append(row)
        code, name = data.get("target") or "", data.get("new_name") or ""
        if not code:
            self.ctx.error(row, "target", "Cần mã của tổ chức mới.")
        if not name:
            self.ctx.error(row, "new_name", "Cần tên của tổ chức mới.")
        children: list[int] = []
        for child in _code_list(data.get("children")):
            found = self.ctx.orgs.get(child)
            if found is None or found.path[:-PATH_STEP] != info.path or not found.active:
                self.ctx.error(
                    row, "children", f"“{child}” không phải tổ chức trực thuộc của “{info_code}”."
                )
            else:
                children.append(found.id)
        villages = _code_list(data.get("localities"))
        found_villages = dict(
            Locality.objects.filter(organisation_id=info.id, code__in=villages).values_list(
                "code", "pk"
            )
        )
        for village in villages:
            if village not in found_villages:
                self.ctx.error(
                    row, "localities", f"“{village}” không phải thôn, tổ dân phố của “{info_code}”."
                )
        split.parts.append(
            NewOrganisation(
                code=code,
                name=name,
                kind=data.get("new_kind") or "",
                children=children,
                localities=[found_villages[v] for v in villages if v in found_villages],
            )
        )

    def _check_splits(self, named: dict[str, int]) -> None:
        codes = [part.code for split in self.splits.values() for part in split.parts]
        taken = set(Organisation.objects.filter(code__in=codes).values_list("code", flat=True))
        seen: dict[str, int] = {}
        for split in self.splits.values():
            if len(split.parts) < 2:
                self.ctx.error(split.rows[0], "target", "Chia tách: cần ít nhất hai tổ chức mới.")
            for row, part in zip(split.rows, split.parts, strict=True):
                if part.code in taken or part.code in named:
                    self.ctx.error(row, "target", f"Mã “{part.code}” đã có trong hệ thống.")
                elif part.code in seen:
                    self.ctx.error(
                        row, "target", f"Mã “{part.code}” trùng với dòng {seen[part.code]}."
                    )
                seen.setdefault(part.code, row)

    def _rename_row(
        self, row: int, data: dict[str, Any], info: OrgInfo, decision: DecisionRef
    ) -> None:
        if not data.get("new_name"):
            self.ctx.error(row, "new_name", "Cần tên mới.")
            return
        self.items.append(("rename", (row, info, data["new_name"], decision)))

    def _move_row(
        self, row: int, data: dict[str, Any], info: OrgInfo, decision: DecisionRef
    ) -> None:
        target = data.get("target") or ""
        if not target:
            self.ctx.error(row, "target", "Cần mã tổ chức cấp trên mới.")
            return
        parent = self.ctx.org(row, "target", target, min_rank=ADMINISTRATOR)
        if parent is None:
            return
        if parent.path.startswith(info.path):
            self.ctx.error(row, "target", "Không được chuyển vào chính tổ chức cấp dưới.")
            return
        self.items.append(("move", (row, info, parent, decision)))

    def _dissolve_row(
        self, row: int, data: dict[str, Any], info: OrgInfo, decision: DecisionRef
    ) -> None:
        target = data.get("target") or ""
        heir = self.ctx.org(row, "target", target, min_rank=ADMINISTRATOR) if target else None
        if target and heir is None:
            return
        self.items.append(("dissolve", (row, info, heir, decision)))

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
            elif what == "split":
                split: Split = item
                assert split.decision is not None
                organisation_split(
                    actor=actor,
                    organisation=split.source.id,
                    parts=split.parts,
                    decision=split.decision,
                )
                written += len(split.rows)
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
