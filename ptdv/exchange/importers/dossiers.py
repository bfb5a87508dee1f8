"""Dossiers already under way, brought in from a legacy file."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count

from ptdv.candidacies.actions.replay import Replayed, replay, replayed_write
from ptdv.candidacies.case import DossierContext
from ptdv.candidacies.models import Candidacy, Stage
from ptdv.exchange.importers.candidates import CandidateImporter
from ptdv.exchange.importers.context import BATCH
from ptdv.exchange.importers.dossier_steps import past_steps
from ptdv.exchange.importers.people import PersonRow, person_build
from ptdv.members.models import MembershipStatus, PartyMembership
from ptdv.organisations.models import PATH_STEP, Organisation
from ptdv.people.models import Person
from ptdv.rules.engine import WorkingCalendar
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
            official = item.data.get("branch_official")
            if official is None:
                official = official_counts.get(ancestors[0].pk, 0)
            item.extra["replayed"] = self._replayed(item, ancestors, official, calendar)
            kept.append(item)
        self.items = kept
        flagged = sum(1 for item in kept if item.extra["replayed"].flagged)
        if flagged:
            ctx.warn(
                0,
                "",
                f"{flagged} hồ sơ có bước không đúng quy định tại thời điểm đó (hoặc trước "
                "30/07/2021): vẫn nhập và đánh dấu để rà soát.",
            )

    def _replayed(
        self,
        item: PersonRow,
        ancestors: list[Organisation],
        official_members: int,
        calendar: WorkingCalendar,
    ) -> Replayed:
        """The row's past steps replayed through the action specs, each judged by the rule
        set of its date (in memory: written by `write`)."""
        ctx, data = self.ctx, item.data
        cell = ancestors[0]
        candidacy = Candidacy(
            person=person_build(data, cell.pk, item.extra.get("locality")),
            organisation=cell,
            stage=Stage.SOURCE,
            opened_on=item.extra["opened_on"],
            source_channel=item.extra["source"][0],
            movement_id=item.extra["source"][1],
            referring_body_id=item.extra["source"][2],
        )
        context = DossierContext(
            ancestors=ancestors,
            official_members=official_members,
            introducers=[],
            consents=[],
            previous_membership=None,
        )
        done = replay(
            candidacy,
            past_steps(data, ancestors, ctx.today),
            context,
            calendar=calendar,
            actor=ctx.actor if ctx.actor.is_authenticated else None,
            imported=True,
        )
        # The file's stage is the dossier's (a trained person's application on file does
        # not make the dossier "applied" unless the file says so).
        candidacy.stage = data["stage"]
        return done

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
        """The people, then the replayed dossiers in bulk; their derived data (search,
        counters, locality counters, tallies) through the dossiers' hook, once."""
        items: list[Replayed] = [item.extra["replayed"] for item in self.items]
        Person.objects.bulk_create([done.candidacy.person for done in items], batch_size=BATCH)
        replayed_write(items, batch_size=BATCH)
        return len(items)
