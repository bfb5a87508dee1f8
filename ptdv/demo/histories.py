"""Writing the demo dossiers' stories: events, introducers, consents and the number register.

The stories (`story.py`) of a commune's or bloc's dossiers are kept until the unit is done,
then their numbered documents get their numbers from each issuing body's register in date
order (so a body's numbers grow with the dates, as in its real register), and every step
becomes its event row — with the stage before and after, the rule set in force on its date,
the vote's figures and the document — plus the introducer and consent rows it recorded and
the register's entries. Rows go through the demo's `BulkTable`s; the events and consents
wait for the end of their province, where the registers number them, and are written then,
complete; the register's counters (one row per issuing body and year) too.

At the national scale (~6 million steps) the replay gives each event as its column values
(`replay(rows=True)`), not a model instance: the same values, without building ~6 million
instances only to read their fields back (`test_histories` compares both ways).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import zoneinfo
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ptdv.candidacies.actions import DossierAction
from ptdv.candidacies.actions.replay import PastStep, Replayed, replay
from ptdv.candidacies.case import DossierContext
from ptdv.candidacies.models import Candidacy, CandidacyEvent, Consent, Introducer, IntroducerKind
from ptdv.demo.bulk import BulkTable, JSONText
from ptdv.demo.names import pick_name
from ptdv.demo.story import Issuers, Step
from ptdv.documents.dossier import committee_name
from ptdv.documents.models import DocumentCounter, DocumentNumber
from ptdv.documents.numbering import document_symbol
from ptdv.organisations.competence import Competent, competent_for
from ptdv.organisations.models import Competence, Kind, Organisation
from ptdv.rules import engine

ZONE = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
FLAG_REASON = "Dữ liệu trình diễn: bước không đúng quy định tại thời điểm đó, giữ lại để rà soát."


def issuers_of(cell: Organisation, seed: int, competent: Competent | None = None) -> Issuers:
    """The cell, its grassroots organisation, the deciding body and the province, as
    `ptdv.documents.dossier.Dossier` finds them (or as `competent` says, for a day when the
    competence recorded for the tree applies), each with a signer's name."""
    chain = [cell]
    while chain[-1].parent is not None:
        chain.append(chain[-1].parent)
    if competent is None:
        competent = competent_for(chain, dt.date.min, ())  # today's rule
    grassroots, decider = competent.grassroots, competent.decider
    province = next((o for o in chain if o.kind == Kind.PROVINCE), chain[-1])
    return Issuers(
        cell=cell.pk,
        grassroots=grassroots.pk,
        decider=decider.pk,
        province=province.pk,
        decider_is_grassroots=competent.authorised or decider.pk == grassroots.pk,
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


def _row(instance: Any) -> dict[str, Any]:
    """An unsaved model instance's column values (for a `BulkTable`)."""
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


@dataclass
class Pending:
    """A dossier whose replayed story waits for its unit's end to be written."""

    steps: list[Step]
    replayed: Replayed


def ancestors_in_memory(organisation: Organisation) -> list[Organisation]:
    """The organisation and its ancestors, nearest first, from the tree already in memory
    (`ptdv.candidacies.case.ancestors_of` asks the database; the bulk replay must not)."""
    chain = [organisation]
    while chain[-1].parent is not None:
        chain.append(chain[-1].parent)
    return chain


def previous_membership(former: Any) -> engine.PreviousMembership | None:
    """The rule engine's view of a re-admitted candidate's former membership (a generator's
    `people.Member`), or None."""
    if former is None or former.exit_date is None:
        return None
    return engine.PreviousMembership(
        left_on=former.exit_date,
        reason=engine.LeavingReason(former.exit_reason),
        expunged_on=None,
        readmitted_before=False,
    )


class Replayer:
    """Replays planned steps through the action specs (`candidacies.actions.replay`); with
    `rows`, the events come as their column values rather than model instances."""

    def __init__(
        self,
        *,
        calendar: engine.WorkingCalendar,
        judge: bool = True,
        rows: bool = False,
        keep_before: bool = True,
    ) -> None:
        self.calendar = calendar
        self.judge = judge
        self.rows = rows
        self.keep_before = keep_before

    def replay(
        self,
        candidacy: Candidacy,
        steps: list[Step],
        *,
        ancestors: list[Organisation],
        previous: engine.PreviousMembership | None,
        membership: int | None,
        competences: list[Competence] | None = None,
    ) -> Replayed:
        context = DossierContext(
            ancestors=ancestors,
            official_members=0,
            introducers=[],
            consents=[],
            previous_membership=previous,
            competences=competences,
        )
        return replay(
            candidacy,
            [self._past(step, membership, self.judge) for step in steps],
            context,
            calendar=self.calendar,
            judge=self.judge,
            rows=self.rows,
            keep_before=self.keep_before,
        )

    @staticmethod
    def _past(step: Step, membership: int | None, judge: bool) -> PastStep:
        facts = step.facts
        introducers = None
        if step.action == "record_introduction":
            member = facts["kind"] == IntroducerKind.MEMBER
            # The member introducing is official (the planner chose one) and has known the
            # applicant that long: the engine's view, without reading the membership back.
            introducers = [
                engine.Introducer(
                    kind=engine.IntroducerKind(facts["kind"]),
                    date=facts["introduced_on"],
                    official=True if member else None,
                    months_together=facts["months_together"],
                )
            ]
        elif step.action == "ceremony":
            facts = {**facts, "membership": membership}
        document = step.document
        # Judged, a vote's outcome is the engine's; a step the planner knows breaks a rule is
        # recorded as it happened (passed, flagged). Unjudged, the planner's outcome stands.
        outcome = step.outcome if not judge else None
        if step.flag and step.vote:
            outcome = "passed"
        return PastStep(
            action=DossierAction(step.action),
            on=step.on,
            facts=facts,
            vote=step.vote,
            document={"date": document.get("date"), "signer": document.get("signer", "")},
            reason=step.reason,
            outcome=outcome,
            introducers=introducers,
        )


def _json(value: Any) -> JSONText:
    """A JSON column's value encoded now (as Django's JSONField does), so that the rows held
    until the province's end keep a string rather than the dicts."""
    return JSONText(json.dumps(value))


_EMPTY_JSON = {"facts": _json({}), "vote": _json({}), "warnings": _json([])}


class HistoryWriter:
    """The stories' rows, buffered per unit and written through `BulkTable`s."""

    def __init__(self, *, organisations: dict[int, Organisation]) -> None:
        # Events and consents are held until numbered (`registers_write`).
        self.events = BulkTable(CandidacyEvent, held=True)
        self.introducers = BulkTable(Introducer)
        self.consents = BulkTable(Consent, held=True)
        self.numbers = BulkTable(DocumentNumber)
        self.organisations = organisations
        self.pending: list[Pending] = []
        # Numbered documents of the province: (issuer, date, event, kind, slug, dossier,
        # consent), numbered at its end in date order per body and year.
        self.registered: list[tuple[int, dt.date, int, str, str, int, int | None]] = []
        self._at: dict[dt.date, dt.datetime] = {}
        self._bodies: dict[int, str] = {}
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
        replayed = item.replayed
        introducers = iter(replayed.introducers)
        consents = iter(replayed.consents)
        events = replayed.event_rows or [_row(event) for event in replayed.events]
        for step, values in zip(item.steps, events, strict=True):
            consent: int | None = None
            action, facts = values["action"], values["facts"]
            if action == DossierAction.RECORD_INTRODUCTION:
                facts["introducer"] = self.introducers.add(_row(next(introducers)))
            elif action == DossierAction.RECORD_CONSENT:
                facts["consent"] = consent = self.consents.add(_row(next(consents)))
            if values["flagged"]:
                self.flagged += 1
            for column, empty in _EMPTY_JSON.items():
                values[column] = _json(values[column]) if values[column] else empty
            issuer = step.document.get("issuer")
            values["at"] = self._time(values["on"])
            values["issuing_body"] = self._body(issuer) if issuer else ""
            values["document_number"] = ""  # numbered at the province's end
            event_id = self.events.add(values)
            if step.register is not None:
                issuer, kind, slug = step.register
                self.registered.append(
                    (issuer, step.on, event_id, kind, slug, values["candidacy_id"], consent)
                )

    def _body(self, issuer: int) -> str:
        body = self._bodies.get(issuer)
        if body is None:
            body = self._bodies[issuer] = committee_name(self.organisations[issuer])
        return body

    def _time(self, day: dt.date) -> dt.datetime:
        at = self._at.get(day)
        if at is None:
            at = self._at[day] = dt.datetime.combine(day, dt.time(9, 0), tzinfo=ZONE)
        return at

    # -- at the end of a province ----------------------------------------------------------

    def registers_write(self) -> None:
        """Number the province's documents, body by body and year by year in date order (as
        each body's register has them), into the register, the events and the consents, then
        write the province's events and consents (held until now)."""
        self.registered.sort(key=lambda row: (row[0], row[1], row[2]))
        counters: dict[tuple[int, int], int] = {}
        number_column = self.events.columns.index("document_number") + 1
        ref_column = self.consents.columns.index("ref") + 1
        for issuer, on, event, kind, slug, candidacy, consent in self.registered:
            number = counters[(issuer, on.year)] = counters.get((issuer, on.year), 0) + 1
            symbol = document_symbol(
                number=number, kind=kind, organisation=self.organisations[issuer]
            )
            self.events.set(event, number_column, symbol)
            if consent is not None:
                self.consents.set(consent, ref_column, symbol)
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
        self._bodies = {}
        self.numbers.flush()
        self.events.flush(release=True)
        self.consents.flush(release=True)
        DocumentCounter.objects.bulk_create(
            [
                DocumentCounter(organisation_id=issuer, year=year, last_number=last)
                for (issuer, year), last in sorted(counters.items())
            ],
            batch_size=2000,
        )
