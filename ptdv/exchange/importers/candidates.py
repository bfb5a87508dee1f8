"""People put into a cell's candidate pool."""

from __future__ import annotations

import datetime as dt

from django.db.models import BooleanField, Case, When

from ptdv.candidacies.case import NextAction, next_fields
from ptdv.candidacies.derived import dossiers_changed
from ptdv.candidacies.models import Candidacy, Stage
from ptdv.core.policies import subtree_q
from ptdv.exchange.bulk import RowWriter, reserve_ids
from ptdv.exchange.importers.base import Importer
from ptdv.exchange.importers.context import chunks
from ptdv.exchange.importers.parsing import parse_rows
from ptdv.exchange.importers.people import (
    PersonRow,
    people_duplicates,
    person_check,
    person_values,
)
from ptdv.movements.policies import mass_organisation_policy, movement_policy
from ptdv.movements.services import source_check
from ptdv.organisations.models import CELL_KINDS, Locality
from ptdv.people.models import Person


class CandidateImporter(Importer):
    """People put into the candidate pool (stage `source`) of a cell."""

    kind = "candidates"
    MIN_AGE_YEARS = 16

    def localities(self) -> dict[str, tuple[int, str, bool]]:
        """(id, commune path, visible to the actor) of each residence code named."""
        if not hasattr(self, "_localities"):
            codes = {
                item.data["residence_locality"]
                for item in self.items
                if item.data.get("residence_locality")
            }
            visible = Case(
                When(subtree_q(self.ctx.actor, "organisation__path"), then=True),
                default=False,
                output_field=BooleanField(),
            )
            self._localities = {
                code: (pk, path, in_scope)
                for chunk in chunks(sorted(codes))
                for code, pk, path, in_scope in Locality.objects.filter(code__in=chunk)
                .annotate(
                    in_scope=Case(
                        When(visible, then=True), default=False, output_field=BooleanField()
                    )
                )
                .values_list("code", "id", "organisation__path", "in_scope")
            }
        return self._localities

    def check(self) -> None:
        ctx = self.ctx
        items = []
        for row, data in parse_rows(ctx):
            if not person_check(ctx, data, row):
                continue
            cell = ctx.org(row, "organisation", data["organisation"], kinds=CELL_KINDS)
            if cell is None:
                continue
            opened = data.get("opened_on") or ctx.today
            birth = data["birth_date"]
            if _years_between(birth, opened) < self.MIN_AGE_YEARS:
                ctx.error(
                    row, "birth_date", f"Chưa đủ {self.MIN_AGE_YEARS} tuổi khi đưa vào nguồn."
                )
                continue
            items.append(PersonRow(row, data, cell, extra={"opened_on": opened}))
        self.items = items
        kept = self._sources(self._residences(items))
        people_duplicates(ctx, kept)
        self.items = kept
        self.open_candidacies()

    def _residences(self, items: list[PersonRow]) -> list[PersonRow]:
        """The rows whose residence code (if any) resolves, each with its locality id."""
        localities = self.localities()
        kept = []
        for item in items:
            code = item.data.get("residence_locality")
            if code:
                # Resolved like a registration's residence: a village of a commune above
                # the cell, or one the importing user can see; any other reads as absent.
                found = localities.get(code)
                if found is None or not (found[2] or item.organisation.path.startswith(found[1])):
                    self.ctx.error(
                        item.row,
                        "residence_locality",
                        f"Không tìm thấy thôn, tổ dân phố mã “{code}” trong phạm vi được phân "
                        "quyền.",
                    )
                    continue
                item.extra["locality"] = found[0]
            kept.append(item)
        return kept

    def _sources(self, items: list[PersonRow]) -> list[PersonRow]:
        """The rows whose movement and referring body (if any) resolve through the importing
        user's scope (absent or outside: the same error) and agree with the cell and the
        channel; each keeps its settled channel. Two queries for the whole file."""
        actor = self.ctx.actor
        movement_ids = {i.data["movement"] for i in items if i.data.get("movement")}
        body_ids = {i.data["referring_body"] for i in items if i.data.get("referring_body")}
        movements: dict[int, str] = {}
        for chunk in chunks(sorted(movement_ids)):
            movements.update(
                movement_policy.visible_to(actor)
                .filter(pk__in=chunk)
                .values_list("pk", "organiser__path")
            )
        bodies: dict[int, tuple[str, str]] = {}
        for chunk in chunks(sorted(body_ids)):
            bodies.update(
                (pk, (path, kind))
                for pk, path, kind in mass_organisation_policy.visible_to(actor)
                .filter(pk__in=chunk)
                .values_list("pk", "organisation__path", "kind")
            )
        kept = []
        for item in items:
            movement, body = item.data.get("movement"), item.data.get("referring_body")
            if movement and movement not in movements:
                self.ctx.error(
                    item.row,
                    "movement",
                    f"Không tìm thấy phong trào, câu lạc bộ mã {movement} trong phạm vi được "
                    "phân quyền.",
                )
                continue
            if body and body not in bodies:
                self.ctx.error(
                    item.row,
                    "referring_body",
                    f"Không tìm thấy đoàn thể mã {body} trong phạm vi được phân quyền.",
                )
                continue
            channel, errors = source_check(
                cell_path=item.organisation.path,
                channel=item.data.get("source_channel") or "other",
                movement_path=movements[movement] if movement else None,
                body=bodies[body] if body else None,
            )
            if errors:
                for column, message in errors.items():
                    self.ctx.error(item.row, column, str(message))
                continue
            item.extra["source"] = (channel, movement or None, body or None)
            kept.append(item)
        return kept

    def open_candidacies(self) -> None:
        """People are all new (a national ID already known is an error), so no one here can
        already have an open candidacy; nothing to check against the database."""

    def write(self) -> int:
        """The people and their candidacies in the pool; the candidacies' derived data
        (search, counters, tallies) through the dossiers' hook, once."""
        ctx = self.ctx
        ids = reserve_ids(Person, len(self.items))
        people = RowWriter(Person)
        for pk, item in zip(ids, self.items, strict=True):
            people.add(
                {
                    "id": pk,
                    **person_values(
                        item.data,
                        item.organisation.id,
                        item.extra.get("locality"),
                        keys=item.data.get("_keys"),
                    ),
                }
            )
        people.flush()
        fields = next_fields(
            NextAction("record_certificate", None, None, ["certificate"], [], None), ctx.today
        )
        candidacy_ids = reserve_ids(Candidacy, len(self.items))
        candidacies = RowWriter(Candidacy)
        for pk, person_id, item in zip(candidacy_ids, ids, self.items, strict=True):
            opened = item.extra["opened_on"]
            candidacies.add(
                {
                    "id": pk,
                    "person_id": person_id,
                    "organisation_id": item.organisation.id,
                    "stage": Stage.SOURCE,
                    "source_channel": item.extra["source"][0],
                    "movement_id": item.extra["source"][1],
                    "referring_body_id": item.extra["source"][2],
                    "opened_on": opened,
                    "stage_changed_on": opened,
                    **fields,
                }
            )
        candidacies.flush()
        dossiers_changed(candidacy_ids)
        return candidacies.written


def _years_between(start: dt.date, end: dt.date) -> int:
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))
