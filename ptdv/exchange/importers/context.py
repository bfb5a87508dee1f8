"""What every importer shares: the issues it reports and the context of one import (the
actor, the sheet, the organisations in the actor's scope)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from ptdv.accounts.models import ROLE_RANK, Role, User
from ptdv.core.policies import role_rank_at
from ptdv.exchange.columns import KindSpec
from ptdv.exchange.workbook import SheetData
from ptdv.organisations.models import Kind
from ptdv.organisations.policies import organisation_policy

CLERK = ROLE_RANK[Role.CLERK]
ADMINISTRATOR = ROLE_RANK[Role.ADMINISTRATOR]
BATCH = 2000

T = TypeVar("T")


@dataclass
class Issue:
    row: int
    column: str  # the column key ("" for the whole row)
    message: str


@dataclass
class OrgInfo:
    id: int
    path: str
    kind: str
    name: str
    active: bool


def chunks(items: list[T], size: int = 500) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class ImportContext:
    def __init__(
        self,
        *,
        actor: User,
        spec: KindSpec,
        sheet: SheetData,
        today: dt.date,
        progress: Callable[[int], None] | None = None,
        mode: str = "create",
    ) -> None:
        self.actor = actor
        self.mode = mode
        self.spec = spec
        self.sheet = sheet
        self.today = today
        self.progress = progress
        self.errors: list[Issue] = []
        self.warnings: list[Issue] = []
        self._orgs: dict[str, OrgInfo] | None = None
        self.new_orgs: dict[str, OrgInfo] = {}
        # Coded cells repeat the same few labels: each distinct text is looked up once.
        self.codes: dict[str, dict[str, Any]] = {}

    def error(self, row: int, column: str, message: str) -> None:
        self.errors.append(Issue(row, column, message))

    def warn(self, row: int, column: str, message: str) -> None:
        self.warnings.append(Issue(row, column, message))

    @property
    def orgs(self) -> dict[str, OrgInfo]:
        """Organisations in the actor's subtrees, by code (one query)."""
        if self._orgs is None:
            self._orgs = {
                code: OrgInfo(pk, path, kind, name, valid_to is None)
                for pk, code, path, kind, name, valid_to in organisation_policy.visible_to(
                    self.actor
                )
                .order_by()
                .values_list("id", "code", "path", "kind", "name", "valid_to")
            }
        return self._orgs

    def org(
        self, row: int, column: str, code: str, *, min_rank: int = CLERK, kinds: Iterable[str] = ()
    ) -> OrgInfo | None:
        """The organisation `code` in the actor's subtrees where their role reaches
        `min_rank`; an error on the row otherwise (absent and out of scope read alike)."""
        info = self.orgs.get(code) or self.new_orgs.get(code)
        if info is None:
            self.error(
                row, column, f"Không tìm thấy tổ chức mã “{code}” trong phạm vi được phân quyền."
            )
            return None
        if not info.active:
            self.error(row, column, f"Tổ chức “{code}” đã giải thể hoặc sáp nhập.")
            return None
        if role_rank_at(self.actor, info.path) < min_rank:
            self.error(row, column, f"Vai trò của bạn không được nhập dữ liệu cho “{code}”.")
            return None
        kinds = tuple(kinds)
        if kinds and info.kind not in kinds:
            labels = ", ".join(str(Kind(k).label) for k in kinds)
            self.error(row, column, f"“{code}” không phải {labels}.")
            return None
        return info
