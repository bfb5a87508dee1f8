"""Corrections of people ("people", mode "update"): the yearly clean-up of the data.

Each row names a person by their present national ID, looked up among the people the actor
may correct (clerk or above in the subtree of the person's organisation: outside it the row
reads "not found", like an absent number). A filled cell is the new value, an empty one
keeps the value the person has. Every row is judged by `person_changes_clean` — the checks
of `person_update` itself (a reason for a change of identity, a new national ID no other
person has…) — before anything is written; then each person is corrected through
`person_update` (row lock, audit entry, the derived data through the "person_changed" hook)
in the import's one transaction.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from ptdv.core.policies import subtree_q
from ptdv.exchange.importers.base import Importer
from ptdv.exchange.importers.context import CLERK, chunks
from ptdv.exchange.importers.parsing import parse_rows
from ptdv.organisations.models import Locality
from ptdv.people.crypto import national_id_hash
from ptdv.people.models import Person
from ptdv.people.services import FIELD_LABELS, person_changes_clean, person_update

# Sheet column → person field (all the others have the field's own name).
_FIELD_OF_COLUMN = {"new_national_id": "national_id"}
_COLUMN_OF_FIELD = {field: column for column, field in _FIELD_OF_COLUMN.items()}
_VALUE_COLUMNS = (
    "new_national_id",
    "family_name",
    "middle_name",
    "given_name",
    "birth_date",
    "gender",
    "ethnicity",
    "religion",
    "education",
    "occupation",
    "workplace",
    "residence_locality",
    "target_groups",
    "youth_union_member",
    "trade_union_member",
)


class PeopleUpdateImporter(Importer):
    kind = "people"
    modes = ("update",)

    def check(self) -> None:
        ctx = self.ctx
        rows = parse_rows(ctx)
        people = self._people([data["national_id"] for _row, data in rows])
        localities = self._localities([data.get("residence_locality") for _row, data in rows])
        first_row: dict[int, int] = {}
        new_numbers: dict[str, int] = {}
        for row, data in rows:
            person = people.get(data["national_id"])
            if person is None:
                ctx.error(
                    row,
                    "national_id",
                    "Không tìm thấy công dân có số định danh này trong phạm vi được phân quyền.",
                )
                continue
            if person.pk in first_row:
                ctx.error(row, "national_id", f"Công dân này đã có ở dòng {first_row[person.pk]}.")
                continue
            first_row[person.pk] = row
            changes = self._changes(row, data, localities)
            if changes is None:
                continue
            number = changes.get("national_id")
            if number:
                if number in new_numbers:
                    ctx.error(
                        row,
                        "new_national_id",
                        f"Trùng số định danh mới với dòng {new_numbers[number]}.",
                    )
                    continue
                new_numbers[number] = row
            try:
                diff = person_changes_clean(
                    person=person, changes=changes, reason=data.get("reason") or "", actor=ctx.actor
                )
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    label = FIELD_LABELS.get(field, "") + ": "
                    for message in messages:
                        # The annotated workbook names the column itself.
                        ctx.error(
                            row, _COLUMN_OF_FIELD.get(field, field), message.removeprefix(label)
                        )
                continue
            self.items.append((row, person, changes, data.get("reason") or "", bool(diff)))

    def _people(self, numbers: list[str]) -> dict[str, Person]:
        """The people the actor may correct, by the national ID the rows give."""
        by_hash = {national_id_hash(n): n for n in numbers if n}
        found: dict[str, Person] = {}
        scope = subtree_q(self.ctx.actor, "organisation__path", min_rank=CLERK)
        for chunk in chunks(list(by_hash)):
            queryset = Person.objects.filter(scope, national_id_hash__in=chunk).select_related(
                "organisation", "residence_locality"
            )
            for person in queryset:
                found[by_hash[str(person.national_id_hash)]] = person
        return found

    def _localities(self, codes: list[Any]) -> dict[str, Locality]:
        wanted = sorted({str(c) for c in codes if c})
        found: dict[str, Locality] = {}
        for chunk in chunks(wanted):
            for locality in Locality.objects.filter(code__in=chunk):
                found[locality.code] = locality
        return found

    def _changes(
        self, row: int, data: dict[str, Any], localities: dict[str, Locality]
    ) -> dict[str, Any] | None:
        """The filled cells as person fields (None, with an error, for an unknown village
        code; whether the village is within reach is the service's check)."""
        changes: dict[str, Any] = {}
        for column in _VALUE_COLUMNS:
            value = data.get(column)
            if value in (None, "", []):
                continue
            if column == "residence_locality":
                value = localities.get(str(value))
                if value is None:
                    self.ctx.error(row, column, "Không tìm thấy thôn, tổ dân phố.")
                    return None
            changes[_FIELD_OF_COLUMN.get(column, column)] = value
        return changes

    def write(self) -> int:
        written = 0
        for _row, person, changes, reason, changed in self.items:
            if not changed:
                continue
            person_update(
                actor=self.ctx.actor,
                person=person.pk,
                changes=changes,
                reason=reason,
                summary="Nhập Excel: sửa thông tin công dân",
            )
            written += 1
        return written
