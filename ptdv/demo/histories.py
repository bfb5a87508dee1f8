"""Writing the demo dossiers' stories: events, introducers, consents and the number register.

The stories (`story.py`) of a commune's or bloc's dossiers are kept until the unit is done,
then their numbered documents get their numbers from each issuing body's register in date
order (so a body's numbers grow with the dates, as in its real register), and every step
becomes its event row — with the stage before and after, the rule set in force on its date,
the vote's figures and the document — plus the introducer and consent rows it recorded and
the register's entries. Rows go through the demo's `BulkTable`s; the register's counters
(one row per issuing body and year) are written at the end of each province.
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db import connection

from ptdv.candidacies.models import CandidacyEvent, Consent, Introducer, Stage
from ptdv.demo.bulk import BulkTable
from ptdv.demo.names import pick_name
from ptdv.demo.story import Issuers, Step, Story, stage_after
from ptdv.documents.dossier import committee_name
from ptdv.documents.models import DocumentCounter, DocumentNumber
from ptdv.documents.services import document_symbol
from ptdv.organisations.models import Kind, Organisation
from ptdv.rules import engine

ZONE = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
FLAG_REASON = "Dữ liệu trình diễn: bước không đúng quy định tại thời điểm đó, giữ lại để rà soát."


def issuers_of(cell: Organisation, seed: int) -> Issuers:
    """The cell, its grassroots organisation, the deciding body and the province, as
    `ptdv.documents.dossier.Dossier` finds them, each with a signer's name."""
    chain = [cell]
    while chain[-1].parent is not None:
        chain.append(chain[-1].parent)
    grassroots = next(
        (o for o in chain if o.kind in (Kind.GRASSROOTS_CELL, Kind.GRASSROOTS_COMMITTEE)),
        chain[1] if len(chain) > 1 else chain[0],
    )
    decider = grassroots
    if not (grassroots.kind == Kind.GRASSROOTS_COMMITTEE and grassroots.authorised_to_admit):
        index = chain.index(grassroots)
        decider = chain[index + 1] if index + 1 < len(chain) else grassroots
    province = next((o for o in chain if o.kind == Kind.PROVINCE), chain[-1])
    return Issuers(
        cell=cell.pk,
        grassroots=grassroots.pk,
        decider=decider.pk,
        province=province.pk,
        decider_is_grassroots=decider.pk == grassroots.pk,
        cell_signer=signer_name(cell, seed),
        grassroots_signer=signer_name(grassroots, seed),
        decider_signer=signer_name(decider, seed),
        province_signer=signer_name(province, seed),
    )


@lru_cache(maxsize=4096)
def _signer(code: str, seed: int) -> str:
    rng = random.Random(f"ptdv-demo/{seed}/signer/{code}")
    family, middle, given = pick_name(
        rng, female=rng.random() < 0.3, birth_year=rng.randint(1965, 1985)
    )
    return f"{family} {middle} {given}"


def signer_name(organisation: Organisation, seed: int) -> str:
    """The secretary who signs for an organisation: drawn from its own generator, so the
    rest of the demo does not depend on it."""
    return _signer(organisation.code, seed)


def _jsonable(facts: dict[str, Any]) -> dict[str, Any]:
    """A step's facts as JSON values: one level, dates in ISO (millions of them)."""
    return {k: v.isoformat() if type(v) is dt.date else v for k, v in facts.items()}


@dataclass
class Pending:
    """A dossier whose story waits for its unit's end to be written."""

    candidacy_id: int
    organisation_id: int
    story: Story
    membership: Callable[[], int | None]  # its membership's id, once written


class HistoryWriter:
    """The stories' rows, buffered per unit and written through `BulkTable`s."""

    def __init__(self, *, organisations: dict[int, Organisation]) -> None:
        self.events = BulkTable(CandidacyEvent)
        self.introducers = BulkTable(Introducer)
        self.consents = BulkTable(Consent)
        self.numbers = BulkTable(DocumentNumber)
        self.organisations = organisations
        self.pending: list[Pending] = []
        # Numbered documents of the province: (issuer, date, event, kind, slug, dossier,
        # consent), numbered at its end in date order per body and year.
        self.registered: list[tuple[int, dt.date, int, str, str, int, int | None]] = []
        self._at: dict[dt.date, dt.datetime] = {}
        self._rule_set: dict[dt.date, str] = {}
        self.flagged = 0

    def tables(self) -> tuple[BulkTable, ...]:
        return self.events, self.introducers, self.consents, self.numbers

    def add(self, pending: Pending) -> None:
        self.pending.append(pending)

    # -- at the end of a unit --------------------------------------------------------------

    def unit_done(self) -> None:
        for item in self.pending:
            self._write(item)
        self.pending = []

    def _write(self, item: Pending) -> None:
        stage = Stage.SOURCE.value
        for step in item.story.steps:
            after = stage_after(step.action, stage, step.outcome)
            facts = dict(step.facts)
            consent: int | None = None
            if step.action == "record_introduction":
                facts["introducer"] = self.introducers.add(
                    {
                        "candidacy_id": item.candidacy_id,
                        "kind": facts["kind"],
                        "membership_id": facts["membership"],
                        "months_together": facts["months_together"],
                        "replacement": False,
                        "declared_official": None,
                        "date": facts["introduced_on"],
                        "withdrawn": False,
                    }
                )
            elif step.action == "record_consent":
                facts["consent"] = consent = self.consents.add(
                    {
                        "candidacy_id": item.candidacy_id,
                        "kind": facts["kind"],
                        "date": facts["consent_date"],
                        "ref": "",  # its number, from the register at the province's end
                    }
                )
            elif step.action == "ceremony":
                facts["membership"] = item.membership()
            event = self._event(item, step, stage, after, facts)
            if step.register is not None:
                issuer, kind, slug = step.register
                self.registered.append(
                    (issuer, step.on, event, kind, slug, item.candidacy_id, consent)
                )
            stage = after

    def _event(
        self,
        item: Pending,
        step: Step,
        before: str,
        after: str,
        facts: dict[str, Any],
    ) -> int:
        document = step.document
        issuer = document.get("issuer")
        warnings: list[dict[str, str]] = []
        reason = step.reason
        if step.flag:
            self.flagged += 1
            warnings = [{"rule": step.flag, "message": FLAG_REASON, "source": ""}]
            reason = reason or FLAG_REASON
        return self.events.add(
            {
                "candidacy_id": item.candidacy_id,
                "action": step.action,
                "on": step.on,
                "at": self._time(step.on),
                "actor_id": None,
                "stage_before": before,
                "stage_after": after,
                "outcome": step.outcome or ("passed" if step.vote else ""),
                "organisation_id": item.organisation_id,
                "facts": _jsonable(facts),
                "vote": step.vote,
                "rule_set_id": self._rule_set_id(step.on),
                "warnings": warnings,
                "reason": reason,
                "document_number": "",  # numbered at the province's end
                "document_date": document.get("date"),
                "issuing_body": committee_name(self.organisations[issuer]) if issuer else "",
                "signer": document.get("signer", ""),
                "flagged": bool(step.flag),
            }
        )

    def _time(self, day: dt.date) -> dt.datetime:
        at = self._at.get(day)
        if at is None:
            at = self._at[day] = dt.datetime.combine(day, dt.time(9, 0), tzinfo=ZONE)
        return at

    def _rule_set_id(self, day: dt.date) -> str:
        found = self._rule_set.get(day)
        if found is None:
            rule_set = engine.ruleset_for(day)
            found = self._rule_set[day] = rule_set.id if rule_set else ""
        return found

    # -- at the end of a province ----------------------------------------------------------

    def registers_write(self) -> None:
        """Number the province's documents, body by body and year by year in date order (as
        each body's register has them), into the register, the events and the consents.

        The events are already written: their numbers go in with one UPDATE per batch."""
        self.registered.sort(key=lambda row: (row[0], row[1], row[2]))
        counters: dict[tuple[int, int], int] = {}
        events: list[tuple[str, int]] = []
        consents: list[tuple[str, int]] = []
        for issuer, on, event, kind, slug, candidacy, consent in self.registered:
            number = counters[(issuer, on.year)] = counters.get((issuer, on.year), 0) + 1
            symbol = document_symbol(
                number=number, kind=kind, organisation=self.organisations[issuer]
            )
            events.append((symbol, event))
            if consent is not None:
                consents.append((symbol, consent))
            self.numbers.add(
                {
                    "organisation_id": issuer,
                    "year": on.year,
                    "number": number,
                    "kind": kind,
                    "symbol": symbol,
                    "issued_on": on,
                    "candidacy_id": candidacy,
                    "slug": slug,
                    "issued_by_id": None,
                }
            )
        self.registered = []
        self.numbers.flush()
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for model, column, rows in (
                (CandidacyEvent, "document_number", events),
                (Consent, "ref", consents),
            ):
                table = quote(model._meta.db_table)
                sql = f"UPDATE {table} SET {quote(column)} = %s WHERE id = %s"  # noqa: S608
                cursor.executemany(sql, rows)
        DocumentCounter.objects.bulk_create(
            [
                DocumentCounter(organisation_id=issuer, year=year, last_number=last)
                for (issuer, year), last in sorted(counters.items())
            ],
            batch_size=2000,
        )
