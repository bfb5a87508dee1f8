"""The story of a demo dossier: the past steps that led it to its stage, in order.

`plan_story` is pure: from a dossier's stage and dated facts (what `people.PeopleGenerator`
drew), the applicant, the cell and a random generator, it returns the steps a clerk would
have recorded — certificate, application, verification, the two introductions, the opinions,
the branch vote (a few fail first and pass later), the grassroots committee's vote where the
tree has one, the consents the rules ask for (over 60, readmission, a late ceremony), an
extension when the decision comes late, the decision, the ceremony, the member file, the
new-member course, the recognition vote and decision, or the closing step — each with the
document it produced and the figures of its vote. A few dossiers began in a neighbouring cell
of the same grassroots organisation and were transferred after the application (`transfer`);
a few had their application date mistyped and corrected a little later (`amend`). The dates
are chosen so that the rule set in force on each date is met (deadlines in working days on
Vietnam's calendar); a step that cannot be (a cell with fewer than three official members
voting) is marked `flag` with the reason, deliberately.

The facts may be adjusted on the way (a new-member course dated after the recognition vote,
an extension, a failed recognition vote): the caller writes the returned facts, so the
dossier's fields and its timeline always agree.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from ptdv.candidacies.models import ClosedReason, ConsentKind, DossierAction, IntroducerKind
from ptdv.demo.randomness import add_months, day_between
from ptdv.rules.engine import WorkingCalendar, age_in_months
from ptdv.rules.engine.periods import first_day_of_age

# Shares of the less common turns of a story.
FAILED_BRANCH_VOTE = 0.04
FAILED_RECOGNITION_VOTE = 0.03
EXTENSION_WHEN_WAITING = 0.3
TRANSFERRED = 0.02  # began in a neighbouring cell, transferred after the application
AMENDED = 0.03  # the application date mistyped, then corrected
# The rule parameters the dates are drawn against (the same in the three built-in sets).
DECISION_WD = 60
MAX_EXTENSION_WD = 30
CEREMONY_WD = 30
PROBATION_MONTHS = 12
YOUTH_MONTHS = (192, 371)
OVER_60_MONTHS = 720
INTRODUCTION_VALID_MONTHS = 12
MIN_OFFICIAL = 3

TRANSFER_REASONS = (
    "Quần chúng chuyển nơi cư trú sang địa bàn chi bộ khác.",
    "Quần chúng chuyển công tác, chi bộ nơi mới tiếp tục bồi dưỡng.",
    "Sắp xếp lại địa bàn phụ trách giữa các chi bộ.",
)
AMEND_REASON = "Ghi nhầm ngày làm đơn, đính chính theo đơn gốc của quần chúng."

REASONS = {
    ClosedReason.WITHDRAWN: (
        "Quần chúng xin rút hồ sơ vì chuyển nơi làm việc.",
        "Quần chúng xin rút hồ sơ vì hoàn cảnh gia đình.",
        "Quần chúng đi làm ăn xa, xin rút hồ sơ.",
    ),
    ClosedReason.LAPSED: (
        "Giấy chứng nhận lớp bồi dưỡng nhận thức về Đảng đã quá 60 tháng.",
        "Kết quả thẩm tra lý lịch đã quá 12 tháng, quần chúng không hoàn thiện lại hồ sơ.",
        "Quần chúng không hoàn thiện hồ sơ trong thời hạn.",
    ),
    ClosedReason.REJECTED: (
        "Cấp ủy cấp trên thẩm định, chưa đủ tiêu chuẩn kết nạp.",
        "Cấp có thẩm quyền không đồng ý kết nạp sau khi xem xét đơn thư phản ánh.",
    ),
    ClosedReason.REMOVED: (
        "Không đủ tư cách đảng viên trong thời gian dự bị.",
        "Vi phạm tư cách đảng viên dự bị, chi bộ đề nghị xóa tên.",
    ),
}


@dataclass(frozen=True)
class Issuers:
    """Who issues the documents of a cell's dossiers (as `documents.dossier.Dossier` says)."""

    cell: int
    grassroots: int
    decider: int
    province: int
    decider_is_grassroots: bool
    cell_signer: str = ""
    grassroots_signer: str = ""
    decider_signer: str = ""
    province_signer: str = ""


@dataclass
class CellStory:
    """What the planner needs of a cell."""

    issuers: Issuers
    committee_step: bool
    # Who may introduce: official members (membership id, official since).
    officials: list[tuple[int, dt.date]] = field(default_factory=list)
    # Every member's official date, sorted: how many official members the cell had on a day.
    official_dates: list[dt.date] = field(default_factory=list)
    # Every member's ceremony, sorted (the probationary are summoned too, without a vote).
    ceremonies: list[dt.date] = field(default_factory=list)
    # The cell and its ancestors, nearest first (what the rule engine's case reads).
    ancestors: list[Any] = field(default_factory=list)
    # Cells of the same grassroots organisation a dossier may have begun in (Organisations).
    siblings: list[Any] = field(default_factory=list)
    # Who issues from a later day on (the competent body moved: the 2025 reform, an
    # authorisation), oldest first; before the first, `issuers`.
    later: tuple[tuple[dt.date, Issuers], ...] = ()

    def issuers_on(self, day: dt.date | None) -> Issuers:
        chosen = self.issuers
        for since, issuers in self.later:
            if day is not None and day >= since:
                chosen = issuers
        return chosen

    def official_on(self, day: dt.date) -> int:
        return bisect.bisect_right(self.official_dates, day)

    def probationary_on(self, day: dt.date) -> int:
        start = bisect.bisect_right(self.ceremonies, add_months(day, -PROBATION_MONTHS))
        return max(0, bisect.bisect_right(self.ceremonies, day) - start)


@dataclass(frozen=True)
class Applicant:
    birth: dt.date
    youth_union: bool  # the person's record says youth-union member
    readmission: bool = False
    left_on: dt.date | None = None  # a former member's exit


@dataclass
class Step:
    """One past step, as the action's facts serializer would give it (PastStep's shape)."""

    action: str
    on: dt.date
    facts: dict[str, Any] = field(default_factory=dict)
    vote: dict[str, Any] = field(default_factory=dict)
    document: dict[str, Any] = field(default_factory=dict)
    outcome: str | None = None
    reason: str = ""
    # Where the document's number comes from: (issuer id, register kind, form slug).
    register: tuple[int, str, str] | None = None
    flag: str = ""  # why the step breaks a rule, when it does so deliberately


@dataclass
class Story:
    steps: list[Step]
    facts: dict[str, Any]  # the dossier's facts, adjusted where the story needed it
    person: dict[str, Any] = field(default_factory=dict)  # the applicant's record, corrected
    # The cell the dossier began in when it was transferred (an Organisation), else None: the
    # caller opens the dossier there and the `transfer` step moves it to its cell.
    moved_from: Any = None


def _youth(applicant: Applicant, day: dt.date) -> bool:
    return YOUTH_MONTHS[0] <= age_in_months(applicant.birth, day) <= YOUTH_MONTHS[1]


def _min(*days: dt.date | None) -> dt.date:
    return min(d for d in days if d is not None)


def _max(*days: dt.date | None) -> dt.date:
    return max(d for d in days if d is not None)


class Planner:
    """Plans the stories of one province's dossiers (one calendar, one generator)."""

    def __init__(self, *, rng: random.Random, calendar: WorkingCalendar, today: dt.date) -> None:
        self.rng = rng
        # Transfers and amends draw from their own generator, seeded once from `rng`: the rest
        # of the stories (and of the demo) comes out as it did before they were told.
        # (Seeded from its state, not a draw: drawing would shift every later draw.)
        self.turns = random.Random(hash(rng.getstate()[1]))
        self.calendar = calendar
        self.today = today
        self._wd: dict[tuple[dt.date, int], dt.date] = {}

    def wd(self, start: dt.date, n: int) -> dt.date:
        """`n` working days after `start` (cached: the same deadlines recur a lot)."""
        key = (start, n)
        found = self._wd.get(key)
        if found is None:
            found = self._wd[key] = self.calendar.add_working_days(start, n)
        return found

    # -- the whole story -------------------------------------------------------------------

    def plan(
        self,
        *,
        stage: str,
        closed_reason: str,
        facts: dict[str, Any],
        applicant: Applicant,
        cell: CellStory,
        helper: int | None,
        closed_on: dt.date | None,
    ) -> Story:
        facts = dict(facts)
        story = Story([], facts)
        self.horizon = closed_on if closed_reason and closed_on is not None else self.today
        self.open = not closed_reason
        for name, value in facts.items():
            if isinstance(value, dt.date) and value > self.horizon:
                facts[name] = None  # nothing is recorded on a closed dossier
        self._preparation(story, applicant, cell, helper)
        branch = facts.get("branch_resolution_date")
        if branch is not None:
            self._branch(story, applicant, cell, branch)
            self._decision(story, applicant, cell)
            self._probation(story, cell)
        if closed_reason and closed_on is not None:
            action = {
                ClosedReason.WITHDRAWN: "withdraw",
                ClosedReason.LAPSED: "lapse",
                ClosedReason.REJECTED: "reject",
                ClosedReason.REMOVED: "remove",
            }[ClosedReason(closed_reason)]
            last = max((s.on for s in story.steps), default=closed_on)
            story.steps.append(
                Step(
                    action,
                    max(closed_on, last),
                    reason=self.rng.choice(REASONS[ClosedReason(closed_reason)]),
                )
            )
        story.steps.sort(key=lambda s: s.on)  # stable: same-day steps keep this order
        self._transfer(story, cell)
        self._amend(story)
        return story

    # -- the dossier's own changes ---------------------------------------------------------

    def _after_application(self, story: Story) -> tuple[int, dt.date, dt.date] | None:
        """(the index after the application step, its day, the latest day before the next
        step), or None when the dossier has no application."""
        steps = story.steps
        index = next(
            (i for i, s in enumerate(steps) if s.action == DossierAction.RECORD_APPLICATION), None
        )
        if index is None:
            return None
        after = index + 1
        latest = steps[after].on if after < len(steps) else self.horizon
        return after, steps[index].on, latest

    def _transfer(self, story: Story, cell: CellStory) -> None:
        """A dossier that began in a sibling cell (same grassroots organisation, so the
        certificate and verification come from the same bodies) and moved to this cell after
        the application, before anything the cell itself records (introductions, votes)."""
        turns = self.turns
        if not cell.siblings or turns.random() >= TRANSFERRED:
            return
        place = self._after_application(story)
        if place is None:
            return
        after, start, latest = place
        on = day_between(turns, start, latest)
        story.moved_from = turns.choice(cell.siblings)
        story.steps.insert(
            after,
            Step(
                DossierAction.TRANSFER,
                on,
                facts={"organisation": cell.ancestors[0]},
                reason=turns.choice(TRANSFER_REASONS),
            ),
        )

    def _amend(self, story: Story) -> None:
        """The application date typed wrong (day and month swapped, or a few days off) when
        the application was recorded, and corrected before the next step."""
        turns = self.turns
        if turns.random() >= AMENDED:
            return
        place = self._after_application(story)
        if place is None:
            return
        after, start, latest = place
        if latest <= start:
            return  # the next step the same day: no room for a correction in between
        recorded = story.steps[after - 1].facts
        application = recorded["application_date"]
        wrong = application - dt.timedelta(days=turns.randint(1, 9))
        if application.day <= 12 and application.day != application.month:
            swapped = application.replace(month=application.day, day=application.month)
            if swapped <= recorded["history_date"]:  # (an application after the history
                wrong = swapped  # would be refused as it was typed)
        recorded["application_date"] = wrong
        on = day_between(turns, start + dt.timedelta(days=1), latest)
        story.steps.insert(
            after,
            Step(
                DossierAction.AMEND,
                on,
                facts={"field": "application_date", "value": application},
                reason=AMEND_REASON,
            ),
        )

    # -- before the branch votes -----------------------------------------------------------

    def _preparation(
        self, story: Story, applicant: Applicant, cell: CellStory, helper: int | None
    ) -> None:
        facts, steps, rng = story.facts, story.steps, self.rng
        certificate = facts.get("certificate_date")
        issuers = cell.issuers_on(certificate)
        if certificate is None:
            return
        steps.append(
            Step(
                DossierAction.RECORD_CERTIFICATE,
                certificate,
                facts={"certificate_date": certificate},
                document=self._doc(certificate, issuers.decider, issuers.decider_signer),
                register=(issuers.decider, "GCN", "cn-ntvd"),
            )
        )
        history = facts.get("history_date")
        if history is None:
            return
        application = facts["application_date"]
        steps.append(
            Step(
                DossierAction.RECORD_APPLICATION,
                history,
                facts={"application_date": application, "history_date": history},
            )
        )
        branch = facts.get("branch_resolution_date")
        # The introductions: before the vote and at most 12 months before it; an applied
        # dossier waiting for its vote has them more often than not.
        latest = branch or self.horizon
        if branch is not None or rng.random() < 0.6:
            introduced = day_between(rng, history, latest)
            if branch is not None:
                introduced = max(introduced, add_months(branch, -INTRODUCTION_VALID_MONTHS))
            self._introductions(story, applicant, cell, helper, introduced, branch)
        concluded, waived = facts.get("verification_concluded_on"), facts.get("verification_waived")
        if concluded is not None or waived:
            on = concluded or history
            steps.append(
                Step(
                    DossierAction.RECORD_VERIFICATION,
                    on,
                    facts={"concluded_on": concluded, "waived": bool(waived)},
                    document=self._doc(
                        on, cell.issuers_on(on).grassroots, cell.issuers_on(on).grassroots_signer
                    ),
                )
            )
        opinions = facts.get("opinions_date")
        if opinions is not None:
            steps.append(
                Step(DossierAction.RECORD_OPINIONS, opinions, facts={"opinions_date": opinions})
            )

    def _introductions(
        self,
        story: Story,
        applicant: Applicant,
        cell: CellStory,
        helper: int | None,
        on: dt.date,
        branch: dt.date | None,
    ) -> None:
        """Two introductions: a youth-union committee and a member for the young (the demo's
        cells all have a youth union), else two official members of the cell, official since
        a year before and having known the applicant at least 12 months."""
        rng = self.rng
        vote_day = branch or on
        youth = _youth(applicant, vote_day)
        eligible = [mid for mid, since in cell.officials if since <= on and mid != helper]
        chosen = [helper] if helper is not None else []
        rng.shuffle(eligible)
        chosen += eligible[: 2 - len(chosen)]
        wanted = 1 if youth else 2
        members = chosen[:wanted]
        if youth:
            story.person["youth_union_member"] = True
            story.steps.append(
                Step(
                    DossierAction.RECORD_INTRODUCTION,
                    on,
                    facts={
                        "kind": IntroducerKind.YOUTH_UNION_COMMITTEE.value,
                        "membership": None,
                        "months_together": None,
                        "replacement": False,
                        "introduced_on": on,
                    },
                )
            )
        for membership in members:
            story.steps.append(
                Step(
                    DossierAction.RECORD_INTRODUCTION,
                    on,
                    facts={
                        "kind": IntroducerKind.MEMBER.value,
                        "membership": membership,
                        "months_together": rng.randint(12, 120),
                        "replacement": False,
                        "introduced_on": on,
                    },
                )
            )

    # -- the branch vote -------------------------------------------------------------------

    def _cell_vote(self, cell: CellStory, day: dt.date, *, passed: bool) -> dict[str, Any]:
        rng = self.rng
        official = cell.official_on(day)
        summoned = official + cell.probationary_on(day)
        needed = -(-official * 2 // 3)
        if passed:
            agree = rng.randint(needed, official) if official else 0
        else:
            agree = rng.randint(max(0, needed - 3), max(0, needed - 1))
        absent = rng.randint(0, max(0, official - agree)) if rng.random() < 0.5 else 0
        present = max(agree, summoned - absent)
        return {
            "summoned": summoned,
            "present": present,
            "agree": agree,
            "body_size": None,
            "official_members": official,
            "temporarily_attached_elsewhere": 0,
            "exempted_absent": 0,
            "denominator": official,
        }

    def _branch(self, story: Story, applicant: Applicant, cell: CellStory, branch: dt.date) -> None:
        facts, rng = story.facts, self.rng
        issuers = cell.issuers
        eighteen = first_day_of_age(applicant.birth, 216)
        if (
            branch
            < eighteen
            <= _min(
                facts.get("committee_resolution_date"), facts.get("decision_date"), self.horizon
            )
        ):
            branch = facts["branch_resolution_date"] = eighteen
        ready = _max(facts["history_date"], eighteen)
        enough = cell.official_on(branch) >= MIN_OFFICIAL
        failed: dt.date | None = None
        if enough and rng.random() < FAILED_BRANCH_VOTE and (branch - ready).days > 40:
            # A first vote short of two thirds; the cell votes again a few weeks later.
            gap = rng.randint(14, min(90, (branch - ready).days - 14))
            failed = branch - dt.timedelta(days=gap)
        if failed is not None and _youth(applicant, failed) == _youth(applicant, branch):
            # (The same introductions count for both votes: the same youth-union status.)
            self._ready_by(story, ready, failed)
            story.steps.append(
                Step(
                    DossierAction.BRANCH_VOTE,
                    failed,
                    vote=self._cell_vote(cell, failed, passed=False),
                    outcome="failed",
                    document=self._doc(failed, issuers.cell, issuers.cell_signer),
                )
            )
        vote = self._cell_vote(cell, branch, passed=True)
        step = Step(
            DossierAction.BRANCH_VOTE,
            branch,
            vote=vote,
            document=self._doc(branch, issuers.cell, issuers.cell_signer),
            register=(issuers.cell, "NQ", "6-knd"),
        )
        introductions = [
            s.facts for s in story.steps if s.action == DossierAction.RECORD_INTRODUCTION
        ]
        members = sum(1 for f in introductions if f["kind"] == IntroducerKind.MEMBER)
        if vote["official_members"] < MIN_OFFICIAL:
            step.flag = "branch.min_official_members"
        elif members < (1 if len(introductions) > members else 2):
            step.flag = "introducers.valid"  # too few official members to introduce
        elif branch < eighteen:
            step.flag = "age.minimum"
        story.steps.append(step)

    def _ready_by(self, story: Story, start: dt.date, day: dt.date) -> None:
        """Move the verification, opinions and introductions recorded after `day` to a day
        from `start` to `day` (a vote needs them beforehand)."""
        moved = day_between(self.rng, start, day)
        renames: dict[str, tuple[str, str]] = {
            DossierAction.RECORD_VERIFICATION: ("concluded_on", "verification_concluded_on"),
            DossierAction.RECORD_OPINIONS: ("opinions_date", "opinions_date"),
            DossierAction.RECORD_INTRODUCTION: ("introduced_on", ""),
        }
        for step in story.steps:
            if step.action not in renames or step.on <= day:
                continue
            key, fact = renames[step.action]
            if step.facts.get(key) is None:
                continue  # a waived verification
            step.on = step.facts[key] = moved
            if fact:
                story.facts[fact] = moved

    # -- from the branch's resolution to the decision --------------------------------------

    def _consents(self, story: Story, applicant: Applicant, cell: CellStory) -> None:
        facts, rng = story.facts, self.rng
        branch = facts["branch_resolution_date"]
        decision = facts.get("decision_date")
        kinds = []
        if age_in_months(applicant.birth, branch) > OVER_60_MONTHS:
            kinds.append(ConsentKind.PROVINCIAL_OVER_60)
        if applicant.readmission:
            kinds.append(ConsentKind.PROVINCIAL_READMISSION)
        for kind in kinds:
            if decision is None and rng.random() < 0.5:
                continue  # still awaited
            on = day_between(rng, branch, decision or self.horizon)
            story.steps.append(
                Step(
                    DossierAction.RECORD_CONSENT,
                    on,
                    facts={"kind": kind.value, "consent_date": on, "ref": ""},
                    document=self._doc(on, cell.issuers.province, cell.issuers.province_signer),
                    register=(cell.issuers.province, "CV", ""),
                )
            )

    def _decision(self, story: Story, applicant: Applicant, cell: CellStory) -> None:
        facts, rng = story.facts, self.rng
        branch = facts["branch_resolution_date"]
        committee = facts.get("committee_resolution_date")
        issuers = cell.issuers_on(committee)
        decision = facts.get("decision_date")
        self._consents(story, applicant, cell)
        if committee is not None:
            body = rng.randint(7, 15)
            agree = rng.randint(-(-body * 2 // 3), body)
            story.steps.append(
                Step(
                    DossierAction.COMMITTEE_VOTE,
                    committee,
                    vote=self._body_vote(body, agree),
                    document=self._doc(committee, issuers.grassroots, issuers.grassroots_signer),
                    register=(issuers.grassroots, "NQ", "8-knd"),
                )
            )
        due = self.wd(branch, DECISION_WD)
        waiting = (
            decision is None
            and self.open
            and self.today > due
            and rng.random() < EXTENSION_WHEN_WAITING
        )
        if (decision is not None and decision > due) or waiting:
            needed = MAX_EXTENSION_WD
            if decision is not None:
                needed = self.calendar.working_days_between(due, decision)
            days = max(1, min(MAX_EXTENSION_WD, needed + rng.randint(0, 5)))
            on = day_between(rng, _max(committee, due - dt.timedelta(days=20)), due)
            story.steps.append(
                Step(
                    DossierAction.REQUEST_EXTENSION,
                    on,
                    facts={"working_days": days},
                    reason="Cấp ủy cấp trên cần thêm thời gian thẩm định hồ sơ.",
                    document=self._doc(
                        on, cell.issuers_on(on).grassroots, cell.issuers_on(on).grassroots_signer
                    ),
                )
            )
            facts["extension_working_days"] = days
        if decision is None:
            return
        issuers = cell.issuers_on(decision)
        decider = (
            "authorised_grassroots_committee"
            if issuers.decider_is_grassroots
            else "standing_committee_above"
        )
        body = rng.randint(7, 15) if issuers.decider_is_grassroots else rng.randint(5, 13)
        least = -(-body * 2 // 3) if issuers.decider_is_grassroots else body // 2 + 1
        agree = rng.randint(least, body)
        story.steps.append(
            Step(
                DossierAction.ADMISSION_DECISION,
                decision,
                facts={"decider": decider},
                vote=self._body_vote(body, agree),
                document=self._doc(decision, issuers.decider, issuers.decider_signer),
                register=(issuers.decider, "QĐ", "9-knd"),
            )
        )

    # -- the ceremony and the probation ----------------------------------------------------

    def _probation(self, story: Story, cell: CellStory) -> None:
        facts, rng = story.facts, self.rng
        issuers = cell.issuers_on(facts.get("ceremony_date"))
        ceremony = facts.get("ceremony_date")
        if ceremony is None:
            # The receipt of the decision is recorded with the ceremony, not before it.
            facts["decision_received_date"] = None
            return
        received = facts.get("decision_received_date") or facts["decision_date"]
        if ceremony > self.wd(received, CEREMONY_WD):
            # Late: the committee directly above agreed to it beforehand.
            on = day_between(rng, received, ceremony)
            story.steps.append(
                Step(
                    DossierAction.RECORD_CONSENT,
                    on,
                    facts={
                        "kind": ConsentKind.HIGHER_COMMITTEE_LATE_CEREMONY.value,
                        "consent_date": on,
                        "ref": "",
                    },
                    document=self._doc(on, issuers.grassroots, issuers.grassroots_signer),
                    register=(issuers.grassroots, "CV", ""),
                )
            )
        story.steps.append(Step("ceremony", ceremony, facts={"decision_received_date": received}))
        if facts.get("member_file_date") is not None:
            story.steps.append(Step(DossierAction.RECORD_MEMBER_FILE, facts["member_file_date"]))
        resolution = facts.get("recognition_resolution_date")
        course = facts.get("newmember_course_date")
        if course is not None and resolution is not None and course > resolution:
            course = facts["newmember_course_date"] = day_between(
                rng, ceremony + dt.timedelta(days=30), resolution
            )
        if course is not None:
            story.steps.append(
                Step(
                    DossierAction.RECORD_NEWMEMBER_COURSE,
                    course,
                    document=self._doc(
                        course,
                        cell.issuers_on(course).decider,
                        cell.issuers_on(course).decider_signer,
                    ),
                )
            )
        if resolution is None:
            return
        probation_end = add_months(ceremony, PROBATION_MONTHS)
        start = _max(probation_end, course)
        enough = cell.official_on(resolution) >= MIN_OFFICIAL
        if enough and rng.random() < FAILED_RECOGNITION_VOTE and (resolution - start).days > 20:
            failed = day_between(rng, start, resolution - dt.timedelta(days=14))
            story.steps.append(
                Step(
                    DossierAction.RECOGNITION_VOTE,
                    failed,
                    vote=self._cell_vote(cell, failed, passed=False),
                    outcome="failed",
                    document=self._doc(failed, issuers.cell, issuers.cell_signer),
                )
            )
            facts["failed_recognition_votes"] = 1
        vote = self._cell_vote(cell, resolution, passed=True)
        step = Step(
            DossierAction.RECOGNITION_VOTE,
            resolution,
            vote=vote,
            document=self._doc(resolution, issuers.cell, issuers.cell_signer),
            register=(issuers.cell, "NQ", "13-knd"),
        )
        if vote["official_members"] < MIN_OFFICIAL:
            step.flag = "branch.min_official_members"
        story.steps.append(step)
        decided = facts.get("recognition_decision_date")
        if decided is None:
            return
        issuers = cell.issuers_on(decided)
        decider = (
            "authorised_grassroots_committee"
            if issuers.decider_is_grassroots
            else "standing_committee_above"
        )
        body = rng.randint(7, 15) if issuers.decider_is_grassroots else rng.randint(5, 13)
        least = -(-body * 2 // 3) if issuers.decider_is_grassroots else body // 2 + 1
        agree = rng.randint(least, body)
        story.steps.append(
            Step(
                DossierAction.RECOGNITION_DECISION,
                decided,
                facts={"decider": decider, "official_date": probation_end},
                vote=self._body_vote(body, agree),
                document=self._doc(decided, issuers.decider, issuers.decider_signer),
                register=(issuers.decider, "QĐ", "recognition-decision"),
            )
        )

    def _body_vote(self, body: int, agree: int) -> dict[str, Any]:
        """A committee's vote: its members summoned, a few absent, the denominator its size."""
        present = max(agree, body - self.rng.randint(0, 2))
        return {
            "summoned": body,
            "present": present,
            "agree": agree,
            "body_size": body,
            "denominator": body,
        }

    @staticmethod
    def _doc(on: dt.date, issuer: int, signer: str) -> dict[str, Any]:
        return {"date": on, "issuer": issuer, "signer": signer}
