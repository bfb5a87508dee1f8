"""The importer's two phases."""

from __future__ import annotations

from typing import Any, ClassVar

from ptdv.exchange.importers.context import ImportContext


class Importer:
    """Check all rows (`check`), then write them (`write`, inside the caller's transaction)."""

    kind: ClassVar[str]
    # The modes the kind has (ptdv.exchange.models.ImportMode); the first is the default.
    modes: ClassVar[tuple[str, ...]] = ("create",)

    def __init__(self, ctx: ImportContext) -> None:
        self.ctx = ctx
        self.items: list[Any] = []
        # The people whose memberships without a dossier the service adds to the progress
        # tallies (`tallies_add_for_people`); dossiers are counted by their own hook.
        self.person_ids: list[int] = []

    def check(self) -> None:
        raise NotImplementedError

    def write(self) -> int:
        raise NotImplementedError
