"""Dossiers already under way, brought in from a legacy file."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.db.models import Count

from ptdv.candidacies.models import Candidacy, CandidacyEvent, Introducer, Stage
from ptdv.candidacies.search import candidacy_search_refresh
from ptdv.exchange.importers.candidates import CandidateImporter
from ptdv.exchange.importers.context import BATCH
from ptdv.exchange.importers.dossier_steps import LegacySteps, Step, introducer_rows
from ptdv.exchange.importers.people import PersonRow, counters_adjust
from ptdv.members.models import MembershipStatus, PartyMembership
from ptdv.organisations.localities import locality_residents_recount
from ptdv.organisations.models import PATH_STEP, Organisation
from ptdv.people.models import Person
from ptdv.rules.engine import add_months
from ptdv.rules.services import rules_calendar

_STAGE_ORDER = [s.value for s in Stage]

# The date column each stage needs, and the stage from which a column may be filled.
_STAGE_NEEDS: list[tuple[str, str]] = [
    ("certificate_date", Stage.TRAINED),
    ("application_date", Stage.APPLIED),
    ("history_date", Stage.APPLIED),
    ("branch_date", Stage.BRANCH_RESOLVED),
    ("decision_date", Stage.DECIDED),
    ("ceremony_date", Stage.PROBATIONARY),
    ("recognition_date", Stage.OFFICIAL),
    ("recognition_decision_date", Stage.OFFICIAL),
]
_LATE_COLUMNS: list[tuple[str, str]] = [
    ("branch_date", Stage.BRANCH_RESOLVED),
    ("committee_date", Stage.COMMITTEE_RESOLVED),
    ("decision_date", Stage.DECIDED),
    ("ceremony_date", Stage.PROBATIONARY),
    ("newmember_course_date", Stage.DECIDED),
    ("recognition_decision_date", Stage.OFFICIAL),
]
# Collective steps in the only order they can happen.
_SEQUENCE = [
    "branch_date",
    "committee_date",
    "decision_date",
    "ceremony_date",
    "recognition_date",
    "recognition_decision_date",
]
_MEMBER_STAGES = (Stage.PROBATIONARY, Stage.OFFICIAL)


class DossierImporter(CandidateImporter):
    """Dossiers already under way: the current stage with each past step's date and document.
    Every past step is judged by the rule set in force on its date; one that breaks it, or
    that predates every rule set (30/07/2021), is kept and flagged, never refused."""

    kind = "dossiers"

    def check(self) -> None:
        super().check()
        ctx = self.ctx
        kept = []
        chains = self._organisations()
        official_counts = self._official_counts()
        calendar = rules_calendar()
        for item in self.items:
            if not self._consistent(item):
                continue
            ancestors = chains[item.organisation.id]
            legacy = LegacySteps(
                item, ancestors, official_counts.get(ancestors[0].pk, 0), calendar, ctx.today
            )
            item.extra["steps"] = legacy.build()
            item.extra["candidacy"] = legacy.candidacy
            item.extra["introducer_rows"] = introducer_rows(item.data)
            kept.append(item)
        self.items = kept
        flagged = sum(1 for item in kept if any(s.flagged for s in item.extra["steps"]))
        if flagged:
            ctx.warn(
                0,
                "",
                f"{flagged} hồ sơ có bước không đúng quy định tại thời điểm đó (hoặc trước "
                "30/07/2021): vẫn nhập và đánh dấu để rà soát.",
            )

    def _organisations(self) -> dict[int, list[Organisation]]:
        """Each cell's chain of organisations, the cell first (one query)."""
        paths: set[str] = set()
        for item in self.items:
            path = item.organisation.path
            paths.update(path[:end] for end in range(PATH_STEP, len(path) + 1, PATH_STEP))
        by_path = {o.path: o for o in Organisation.objects.filter(path__in=paths)}
        chains: dict[int, list[Organisation]] = {}
        for item in self.items:
            path = item.organisation.path
            chains[item.organisation.id] = [
                by_path[path[:end]]
                for end in range(len(path), 0, -PATH_STEP)
                if path[:end] in by_path
            ]
        return chains

    def _official_counts(self) -> dict[int, int]:
        ids = {item.organisation.id for item in self.items}
        return dict(
            PartyMembership.objects.filter(
                organisation_id__in=ids, status=MembershipStatus.OFFICIAL
            )
            .values_list("organisation_id")
            .annotate(n=Count("id"))
            .values_list("organisation_id", "n")
        )

    def _consistent(self, item: PersonRow) -> bool:
        """The columns agree with the stage, and the collective steps are in order."""
        ctx, data, row = self.ctx, item.data, item.row
        stage = data["stage"]
        position = _STAGE_ORDER.index(stage)
        ok = True
        for column, needed_from in _STAGE_NEEDS:
            if position >= _STAGE_ORDER.index(needed_from) and data.get(column) is None:
                header = ctx.spec.column(column).header
                ctx.error(row, column, f"Giai đoạn “{Stage(stage).label}” cần cột “{header}”.")
                ok = False
        for column, allowed_from in _LATE_COLUMNS:
            if data.get(column) is not None and position < _STAGE_ORDER.index(allowed_from):
                ctx.error(row, column, f"Không phù hợp với giai đoạn “{Stage(stage).label}”.")
                ok = False
        if stage == Stage.COMMITTEE_RESOLVED and data.get("committee_date") is None:
            ctx.error(row, "committee_date", "Giai đoạn này cần ngày nghị quyết đảng ủy cơ sở.")
            ok = False
        ok = self._in_sequence(item) and ok
        if data.get("application_date") and data.get("branch_date"):
            if data["application_date"] > data["branch_date"]:
                ctx.error(
                    row, "application_date", "Ngày đơn xin vào Đảng sau ngày nghị quyết chi bộ."
                )
                ok = False
        return ok

    def _in_sequence(self, item: PersonRow) -> bool:
        ctx, data = self.ctx, item.data
        ok = True
        previous: tuple[str, dt.date] | None = None
        for column in _SEQUENCE:
            value = data.get(column)
            if value is None:
                continue
            if previous is not None and value < previous[1]:
                ctx.error(
                    item.row,
                    column,
                    f"Ngày này trước “{ctx.spec.column(previous[0]).header}” "
                    f"({previous[1]:%d/%m/%Y}): các bước không thể đảo thứ tự.",
                )
                ok = False
            previous = (column, value)
        return ok

    def write(self) -> int:
        people = [item.extra["candidacy"].person for item in self.items]
        Person.objects.bulk_create(people, batch_size=BATCH)
        self.person_ids = [person.pk for person in people]
        candidacies = []
        pool: Counter[int] = Counter()
        members: Counter[int] = Counter()
        for item, person in zip(self.items, people, strict=True):
            candidacy = _finished(item, person)
            candidacies.append(candidacy)
            if candidacy.stage in _MEMBER_STAGES:
                members[item.organisation.id] += 1
            else:
                pool[item.organisation.id] += 1
        Candidacy.objects.bulk_create(candidacies, batch_size=BATCH)
        candidacy_search_refresh(candidacy_ids=[c.pk for c in candidacies])
        actor = self.ctx.actor if getattr(self.ctx.actor, "is_authenticated", False) else None
        events = []
        memberships = []
        for item, candidacy in zip(self.items, candidacies, strict=True):
            events += [
                _event(step, candidacy, item.organisation.id, actor) for step in item.extra["steps"]
            ]
            if candidacy.stage in _MEMBER_STAGES:
                memberships.append(_membership(candidacy, item.organisation.id))
        CandidacyEvent.objects.bulk_create(events, batch_size=BATCH)
        PartyMembership.objects.bulk_create(memberships, batch_size=BATCH)
        Introducer.objects.bulk_create(
            [
                Introducer(candidacy=candidacy, **values)
                for item, candidacy in zip(self.items, candidacies, strict=True)
                for values in item.extra.get("introducer_rows", [])
            ],
            batch_size=BATCH,
        )
        counters_adjust(members, pool)
        locality_residents_recount(
            c.person.residence_locality_id for c in candidacies if c.stage in _MEMBER_STAGES
        )
        return len(candidacies)


def _finished(item: PersonRow, person: Person) -> Candidacy:
    """The row's candidacy at its current stage, with the dates its steps set."""
    candidacy: Candidacy = item.extra["candidacy"]
    steps: list[Step] = item.extra["steps"]
    candidacy.person = person
    candidacy.stage = item.data["stage"]
    candidacy.opened_on = item.extra["opened_on"]
    if steps:
        candidacy.opened_on = min(candidacy.opened_on, steps[0].on)
    candidacy.stage_changed_on = max(
        (s.on for s in steps if s.stage_after != s.stage_before),
        default=candidacy.opened_on,
    )
    candidacy.source_channel = item.data.get("source_channel") or "other"
    candidacy.next_stale = True
    if candidacy.stage == Stage.OFFICIAL:
        # A recognised dossier is complete (as the workflow leaves it).
        candidacy.is_open = False
        candidacy.closed_on = candidacy.recognition_decision_date or candidacy.stage_changed_on
    return candidacy


def _event(step: Step, candidacy: Candidacy, organisation_id: int, actor: Any) -> CandidacyEvent:
    return CandidacyEvent(
        candidacy=candidacy,
        action=step.action,
        on=step.on,
        actor=actor,
        stage_before=step.stage_before,
        stage_after=step.stage_after,
        outcome=step.outcome,
        organisation_id=organisation_id,
        facts=_jsonable({**step.facts, "imported": True}),
        vote=_jsonable(step.vote),
        rule_set_id=step.rule_set_id,
        warnings=step.findings,
        reason="Nhập từ dữ liệu cũ"
        + (": không đúng quy định tại thời điểm đó." if step.flagged else "."),
        document_number=step.document.get("number", ""),
        document_date=step.document.get("date"),
        signer=step.document.get("signer", ""),
        flagged=step.flagged,
    )


def _membership(candidacy: Candidacy, organisation_id: int) -> PartyMembership:
    official = candidacy.stage == Stage.OFFICIAL
    return PartyMembership(
        person_id=candidacy.person_id,
        organisation_id=organisation_id,
        status=MembershipStatus.OFFICIAL if official else MembershipStatus.PROBATIONARY,
        admission_decision_date=candidacy.decision_date,
        ceremony_date=candidacy.ceremony_date,
        official_date=add_months(candidacy.ceremony_date, 12)
        if official and candidacy.ceremony_date
        else None,
        candidacy=candidacy,
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value
