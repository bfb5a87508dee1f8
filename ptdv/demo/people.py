"""The people of a planned province: persons, memberships and candidacies, cell by cell.

Rows are buffered as tuples in `BulkTable`s (ids assigned here, so a candidacy can name its
helper's membership and a membership its candidacy at once) and flushed every few thousand
people: memory holds one batch, whatever the scale.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db import DEFAULT_DB_ALIAS

from ptdv.candidacies.models import Candidacy, ClosedReason, Stage
from ptdv.demo import catalog
from ptdv.demo.bulk import BulkTable
from ptdv.demo.histories import (
    HistoryWriter,
    Pending,
    Replayer,
    ancestors_in_memory,
    issuers_of,
    previous_membership,
)
from ptdv.demo.names import Weighted, pick_name
from ptdv.demo.plan import CellPlan, ProvincePlan
from ptdv.demo.randomness import (
    add_months,
    birth_for,
    day_between,
    stochastic_round,
    triangular,
)
from ptdv.demo.story import Applicant, CellStory, Issuers, Planner
from ptdv.members.models import ExitReason, MembershipStatus, PartyMembership
from ptdv.organisations.models import Kind, Locality, Organisation
from ptdv.people.crypto import national_id_encrypt, national_id_hash
from ptdv.people.models import Person
from ptdv.people.services import person_name_keys
from ptdv.rules.engine import WorkingCalendar
from ptdv.rules.services import rules_calendar

# Dossiers whose ceremony is on or after this date were run in the system and so have a
# candidacy; earlier members have only their membership record.
SYSTEM_START = dt.date(2024, 1, 1)
# Admissions per year as a share of today's members: under the 3% floor, as the directive
# says (~2,100 a year in Hà Tĩnh), dipping in the pandemic and climbing since.
ADMISSION_RATES: dict[int, float] = {
    2019: 0.019, 2020: 0.016, 2021: 0.015, 2022: 0.018,
    2023: 0.019, 2024: 0.021, 2025: 0.024, 2026: 0.022,
}  # fmt: skip
# Members admitted up to LAST_OLD_YEAR come from an age draw, which makes the years just
# before it heavier than the ~2.3% a year recorded then: thin them gradually so the trend
# runs on smoothly into the yearly rates above.
LAST_OLD_YEAR = 2018
THINNED_FROM = 2008
THINNING = (0.97, 0.94, 0.91, 0.88, 0.85, 0.82, 0.8, 0.78, 0.77, 0.76)
# Shares of the open pool by stage: the early stages last years, the decisions weeks.
STAGE_WEIGHTS = Weighted.of(
    [
        (Stage.SOURCE, 58.0),
        (Stage.TRAINED, 22.0),
        (Stage.APPLIED, 11.0),
        (Stage.BRANCH_RESOLVED, 3.5),
        (Stage.COMMITTEE_RESOLVED, 3.0),
        (Stage.DECIDED, 2.5),
    ]
)
# The stages in the order a dossier goes through them.
STAGE_RANK: dict[str, int] = {
    stage: rank
    for rank, stage in enumerate(
        (
            Stage.SOURCE, Stage.TRAINED, Stage.APPLIED, Stage.BRANCH_RESOLVED,
            Stage.COMMITTEE_RESOLVED, Stage.DECIDED, Stage.PROBATIONARY, Stage.OFFICIAL,
        )
    )
}  # fmt: skip
# In a residential cell (one whose people live past `ELDER_PROFILE_AGE`), the oldest of those
# drawn as candidates are retirees of `ELDER_AGE` and more: past 60, voted, they need the
# provincial committee's consent (story.py records it). `elder` moves the top of an age range.
ELDER_AGE = 62
ELDER_PROFILE_AGE = 70
ELDER_FROM_ADMITTED = 48  # of a recent admission's age at the decision (range up to 50)
ELDER_FROM_CANDIDATE = 54  # of a late vocation's age today (range 36 to 55)
# How long ago a dossier at each decision stage got there (days): some wait past their due.
DECISION_AGE = {Stage.BRANCH_RESOLVED: 100, Stage.COMMITTEE_RESOLVED: 50, Stage.DECIDED: 50}
CLOSED_REASONS = Weighted.of(
    [(ClosedReason.WITHDRAWN, 45.0), (ClosedReason.LAPSED, 35.0), (ClosedReason.REJECTED, 20.0)]
)
REMOVAL_REASONS = Weighted.of(
    [
        (ExitReason.REMOVED, 50.0),
        (ExitReason.ABANDONED_ACTIVITIES, 38.0),
        (ExitReason.RESIGNED, 6.0),
        (ExitReason.RESIGNED_FAMILY_HARDSHIP, 6.0),
    ]
)
EXPULSION_REASONS = Weighted.of(
    [
        (ExitReason.CORRUPTION_CONVICTION, 30.0),
        (ExitReason.EXPELLED_DISUNITY, 20.0),
        (ExitReason.SERIOUS_CRIME_CONVICTION, 20.0),
        (ExitReason.LESS_SERIOUS_CRIME_CONVICTION, 20.0),
        (ExitReason.OTHER, 10.0),
    ]
)
# Reasons that do not bar a re-admission (rule readmission.barred_reason).
READMITTABLE = (ExitReason.REMOVED, ExitReason.RESIGNED_FAMILY_HARDSHIP)
# Members who left, per active member of a residential cell / of a workplace cell.
LEAVERS = (
    (MembershipStatus.DECEASED, 0.035, 0.002),
    (MembershipStatus.TRANSFERRED_OUT, 0.012, 0.03),
    (MembershipStatus.REMOVED, 0.006, 0.003),
    (MembershipStatus.EXPELLED, 0.001, 0.001),
)
FLUSH_PERSONS = 10_000
# What the rule engine reads of a person (ptdv.candidacies.case.build_case).
ENGINE_PERSON_FIELDS = (
    "birth_date", "education", "roles", "youth_union_member", "trade_union_member",
    "organisation_id",
)  # fmt: skip
# The same with the id, in the order of the model's fields (as `Model.from_db` takes them).
ENGINE_PERSON_COLUMNS = tuple(
    f.attname for f in Person._meta.concrete_fields
    if f.primary_key or f.attname in ENGINE_PERSON_FIELDS
)  # fmt: skip
# The dossier fields the replay of its steps sets (with the stage and its dates).
DOSSIER_FIELDS = (
    "opened_on", "stage", "closed_reason", "is_open", "closed_on", "stage_changed_on",
    "certificate_date", "application_date", "history_date", "verification_concluded_on",
    "verification_waived",
    "opinions_date", "branch_resolution_date", "committee_resolution_date", "decision_date",
    "decision_received_date", "extension_working_days", "ceremony_date", "member_file_date",
    "newmember_course_date", "recognition_resolution_date", "failed_recognition_votes",
    "recognition_decision_date",
)  # fmt: skip
# Below lower-secondary schooling the cell could not have voted (rule education.minimum).
SCHOOLING_BELOW_MINIMUM = ("none", "literate", "primary")


def _later_issuers(cell: CellPlan) -> tuple[tuple[dt.date, Issuers], ...]:
    """Who issues a cell's documents from each day the competence recorded for its tree
    changes (the 2025 reform: the commune's standing committee decides for its grassroots
    cells); before the first such day, today's rule."""
    days = sorted({r.valid_from for r in cell.chain_competences() if r.valid_from})
    return tuple((day, issuers_of(cell.org, 0, cell.competent_on(day))) for day in days)


@lru_cache(maxsize=200_000)
def _name_keys(family: str, middle: str, given: str) -> dict[str, str]:
    # Names repeat a lot; the sort key is the costly part of person_name_keys.
    return person_name_keys(family, middle, given)


@dataclass(slots=True)
class Member:
    """What the generator remembers of a membership (`id` is set when its row is buffered)."""

    id: int
    person_id: int
    birth: dt.date
    status: str
    decided: dt.date
    ceremony: dt.date
    official: dt.date | None
    exit_date: dt.date | None = None
    exit_reason: str = ""


def elder(age: int, profile: catalog.Profile, oldest: int) -> int:
    """`age`, or from `oldest` on in a residential cell, a retiree's age of `ELDER_AGE` on."""
    if age >= oldest and profile.max_age > ELDER_PROFILE_AGE:
        return age - oldest + ELDER_AGE
    return age


class Tables:
    """The high-volume tables, flushed together in dependency order: people, memberships,
    candidacies, and the dossiers' histories (events, introducers, consents, numbers)."""

    def __init__(self) -> None:
        self.persons = BulkTable(Person)
        self.memberships = BulkTable(PartyMembership)
        self.candidacies = BulkTable(Candidacy)
        self.histories = HistoryWriter(organisations={})

    def all(self) -> tuple[BulkTable, ...]:
        return self.persons, self.candidacies, self.memberships, *self.histories.tables()

    def flush(self) -> None:
        for table in self.all():
            table.flush()

    @property
    def pending_persons(self) -> int:
        return len(self.persons.rows)


class PeopleGenerator:
    """Draws the people of each cell of a planned province."""

    def __init__(
        self,
        *,
        rng: random.Random,
        plan: ProvincePlan,
        today: dt.date,
        tables: Tables,
        calendar: WorkingCalendar | None = None,
        judge: bool = True,
        rows: bool = False,
        keep_before: bool = True,
    ) -> None:
        self.rng = rng
        self.plan = plan
        self.today = today
        self.tables = tables
        calendar = calendar or rules_calendar()
        self.planner = Planner(rng=rng, calendar=calendar, today=today)
        self.replayer = Replayer(calendar=calendar, judge=judge, rows=rows, keep_before=keep_before)
        self.localities = {locality.pk: locality for locality in plan.localities}
        self.histories = tables.histories
        self.histories.organisations = {o.pk: o for o in plan.tree.orgs}
        self.story_cell: CellStory | None = None
        # The cells under each grassroots organisation: where a transferred dossier began.
        self.sibling_cells: dict[int, list[Organisation]] = {}
        for group in plan.groups:
            for planned in group.cells:
                org = planned.org
                if org.kind != Kind.GRASSROOTS_CELL and org.parent is not None:
                    self.sibling_cells.setdefault(org.parent.pk, []).append(org)
        self.id_prefix = f"0{plan.province.code}"
        self.used_ids: set[str] = set()
        years = [y for y in ADMISSION_RATES if y <= today.year]
        self.recent_years = Weighted.of([(str(y), ADMISSION_RATES[y]) for y in years])
        self.recent_share = sum(ADMISSION_RATES[y] for y in years)

    def run(self) -> None:
        for group in self.plan.groups:
            for cell in group.cells:
                self._cell(cell)
            self.histories.unit_done()
            if self.tables.pending_persons >= FLUSH_PERSONS:
                self.tables.flush()
        self.tables.flush()
        self.histories.registers_write()

    # -- one person ----------------------------------------------------------------------

    def _national_id(self, birth: dt.date, female: bool) -> str:
        """12 digits as on a citizen ID card: province, century and sex, year, serial."""
        century = 0 if birth.year < 2000 else 2
        head = f"{self.id_prefix}{century + int(female)}{birth.year % 100:02d}"
        while True:
            number = f"{head}{self.rng.randrange(1_000_000):06d}"
            # The province prefix keeps numbers of different provinces apart: one set per
            # province is enough, also at the national scale.
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def _residence(self, cell: CellPlan) -> Locality | None:
        rng = self.rng
        if cell.localities:
            if cell.neighbours and rng.random() < 0.2:
                return rng.choice(cell.neighbours)
            return rng.choice(cell.localities)
        if cell.residences and rng.random() < 0.8:
            return rng.choice(cell.residences)
        return None

    def _origin(
        self, cell: CellPlan, residence: Locality | None, *, candidate: bool
    ) -> tuple[str, str]:
        """(ethnicity, religion), from where the person lives."""
        rng, area = self.rng, cell.area
        place_flags = residence.area_flags if residence is not None else ()
        local_minority = area.minority or "ethnic_minority_area" in place_flags
        local_parish = area.religious or "religious_area" in place_flags
        ethnicity = "01"
        if (local_minority and rng.random() < 0.85) or (area.mountainous and rng.random() < 0.01):
            ethnicity = catalog.MINORITY_ETHNICITIES.pick(rng)
        elif rng.random() < 0.001:
            ethnicity = rng.choice(("04", "06", "03"))
        religion = "none"
        draw = rng.random()
        catholic = (0.35 if candidate else 0.04) if local_parish else (0.01 if candidate else 0.002)
        if draw < catholic:
            religion = "catholicism"
        elif draw < catholic + (0.02 if candidate else 0.008):
            religion = "buddhism"
        return ethnicity, religion

    def _occupation(
        self,
        cell: CellPlan,
        birth: dt.date,
        age: int,
        ethnicity: str,
        *,
        candidate: bool,
        occupation: str | None,
    ) -> tuple[str, str]:
        """(occupation, education)."""
        rng, profile = self.rng, cell.profile
        if occupation is None:
            table = profile.candidate_occupation if candidate else profile.occupation
            occupation = str(table.pick(rng))
            if not candidate and profile.key in ("village", "urban"):
                if age >= 62 and rng.random() < 0.8:
                    occupation = "retired"
                elif occupation == "retired" and age < 55:
                    occupation = "farmer" if profile.key == "village" else "freelance"
        education = str(profile.education.pick(rng))
        if occupation == "pupil_student":
            education = "lower_secondary" if age < 19 else "upper_secondary"
        elif (birth.year < 1960 or ethnicity != "01") and rng.random() < 0.5:
            education = rng.choice(("primary", "lower_secondary"))
        return occupation, education

    def _groups(
        self,
        cell: CellPlan,
        age: int,
        ethnicity: str,
        religion: str,
        *,
        female: bool,
        candidate: bool,
        occupation: str,
    ) -> tuple[list[str], list[str]]:
        """(target groups, roles) of a person."""
        rng, profile, area = self.rng, cell.profile, cell.area
        groups: list[str] = []
        roles: list[str] = []
        if candidate:
            for group, chance in profile.target_groups:
                if rng.random() >= chance:
                    continue
                if group == "discharged_soldier" and (female or age < 21):
                    continue
                if group in ("village_head", "union_leader") and age < 25:
                    continue
                if group in ("pupil_student", "public_service") and occupation != group:
                    continue
                groups.append(group)
            if "village_head" in groups:
                roles.append("village_head")
            if "business_owner" in groups:
                roles.append("private_business_owner")
            if area.coastal and profile.key == "village" and not female and rng.random() < 0.12:
                roles.append("sea_fisherman")
        if ethnicity != "01":
            if candidate:
                groups.append("ethnic_minority")
            if age >= 45 and rng.random() < 0.2:
                roles.append("prestigious_person")
        if religion != "none" and candidate:
            groups.append("religious")
        return groups, roles

    def _person(
        self,
        cell: CellPlan,
        *,
        birth: dt.date,
        female: bool,
        candidate: bool,
        residence: Locality | None,
        occupation: str | None = None,
        with_id: float = 0.96,
    ) -> int:
        rng, profile = self.rng, cell.profile
        ethnicity, religion = self._origin(cell, residence, candidate=candidate)
        age = (self.today - birth).days // 365
        occupation, education = self._occupation(
            cell, birth, age, ethnicity, candidate=candidate, occupation=occupation
        )
        groups, roles = self._groups(
            cell, age, ethnicity, religion, female=female, candidate=candidate,
            occupation=occupation,
        )  # fmt: skip
        family, middle, given = pick_name(
            rng, female=female, birth_year=birth.year, minority=ethnicity != "01"
        )
        working = occupation != "retired"
        values: dict[str, Any] = {
            **_name_keys(family, middle, given),
            "birth_date": birth,
            "gender": "female" if female else "male",
            "ethnicity": ethnicity,
            "religion": religion,
            "education": education,
            "occupation": occupation,
            "enterprise_type": profile.enterprise_type if working else "",
            "workplace": cell.workplace if profile.workplace_is_unit and working else "",
            "residence_locality_id": residence.pk if residence is not None else None,
            "target_groups": sorted(set(groups)),
            "roles": sorted(set(roles)),
            "youth_union_member": age <= 30
            and (occupation == "pupil_student" or rng.random() < 0.85),
            "trade_union_member": profile.trade_union
            and occupation not in ("pupil_student", "retired")
            and rng.random() < 0.92,
            "organisation_id": cell.org.pk,
            "national_id_hash": None,
        }
        if rng.random() < with_id:
            number = self._national_id(birth, female)
            values["national_id_hash"] = national_id_hash(number)
            values["national_id_encrypted"] = national_id_encrypt(number)
        return self.tables.persons.add(values)

    # -- members -------------------------------------------------------------------------

    def _admission(
        self, cell: CellPlan, *, recent: bool, young: bool = False
    ) -> tuple[dt.date, dt.date]:
        """(admission decision date, birth date) of one member."""
        rng, profile, today = self.rng, cell.profile, self.today
        low, high, mode = profile.candidate_age
        if young:
            low, high, mode = 18, min(high, 32), max(low, 20)
        if recent:
            year = int(self.recent_years.pick(rng))
            end = min(dt.date(year, 12, 31), today - dt.timedelta(days=45))
            decided = day_between(rng, dt.date(year, 1, 1), end)
            years_since = (today - decided).days // 365
            high = max(19, min(high, profile.max_age - years_since))
            low = max(19, min(low, high))
            age = round(rng.triangular(low, high, min(max(mode, low), high)))
            if not young and ELDER_AGE + years_since < profile.max_age:
                age = elder(age, profile, ELDER_FROM_ADMITTED)
            return decided, birth_for(rng, decided, age)
        for _attempt in range(10):
            # Rejection sampling (not a capped draw) keeps the density smooth up to 2018.
            age_today = min(triangular(rng, profile.member_age), profile.max_age)
            age = round(rng.triangular(18, 45, min(max(mode, 18), 45)))
            year = today.year - age_today + age
            if year > LAST_OLD_YEAR or year < 1945:
                continue
            if year > THINNED_FROM and rng.random() > THINNING[year - THINNED_FROM - 1]:
                continue
            decided = day_between(rng, dt.date(year, 1, 1), dt.date(year, 12, 31))
            return decided, birth_for(rng, decided, age)
        return self._admission(cell, recent=True)

    def _member(
        self,
        person_id: int,
        birth: dt.date,
        decided: dt.date,
        *,
        status: str | None = None,
        exit_date: dt.date | None = None,
        exit_reason: str = "",
    ) -> Member:
        """Dates and status of a membership (not written yet: it may need a candidacy)."""
        rng, today = self.rng, self.today
        ceremony = min(decided + dt.timedelta(days=rng.randint(5, 40)), today)
        if exit_date is not None and ceremony > exit_date:
            ceremony = decided
        due = add_months(ceremony, 12)
        official: dt.date | None = due
        if status is None:
            if due > today:
                status, official = MembershipStatus.PROBATIONARY, None
            elif (today - due).days < 40 and rng.random() < 0.5:
                # Probation over, the recognition not decided yet (deadline.recognition).
                status, official = MembershipStatus.PROBATIONARY, None
            else:
                status = MembershipStatus.OFFICIAL
        elif exit_date is not None and exit_date < due:
            official = None  # left while still probationary
        return Member(
            0, person_id, birth, status, decided, ceremony, official, exit_date, exit_reason
        )

    def _write_member(
        self, cell: CellPlan, member: Member, *, candidacy_id: int | None = None
    ) -> Member:
        expunged: dt.date | None = None
        if (
            member.exit_reason == ExitReason.LESS_SERIOUS_CRIME_CONVICTION
            and member.exit_date is not None
            and self.rng.random() < 0.5
        ):
            expunged = min(
                member.exit_date + dt.timedelta(days=self.rng.randint(200, 1500)), self.today
            )
        member.id = self.tables.memberships.add(
            {
                "person_id": member.person_id,
                "organisation_id": cell.org.pk,
                "status": member.status,
                "admission_decision_date": member.decided,
                "ceremony_date": member.ceremony,
                "official_date": member.official,
                "exit_date": member.exit_date,
                "exit_reason": member.exit_reason,
                "expunged_on": expunged,
                "readmitted": False,
                "candidacy_id": candidacy_id,
            }
        )
        return member

    def _cell(self, cell: CellPlan) -> None:
        rng, profile = self.rng, cell.profile
        count = stochastic_round(rng, cell.members)
        recent_share = min(0.6, self.recent_share * profile.admission_factor)
        members: list[Member] = []
        for _ in range(count):
            decided, birth = self._admission(cell, recent=rng.random() < recent_share)
            female = rng.random() < profile.female_members
            person_id = self._person(
                cell, birth=birth, female=female, candidate=False,
                residence=self._residence(cell),
            )  # fmt: skip
            members.append(self._member(person_id, birth, decided))
        # Helpers and the responsible leader come from members admitted before the system:
        # their rows are written first so that the candidacies can name them.
        officials: list[Member] = []
        newer: list[Member] = []
        for member in members:
            veteran = member.status == MembershipStatus.OFFICIAL and member.ceremony < SYSTEM_START
            (officials if veteran else newer).append(member)
        for member in officials:
            self._write_member(cell, member)
        secretary = officials[0].person_id if officials else None
        self.story_cell = CellStory(
            issuers=issuers_of(cell.org, 0),
            committee_step=cell.committee_step,
            officials=[(m.id, m.official or m.ceremony) for m in officials],
            official_dates=sorted(
                m.official for m in members if m.official and m.status == MembershipStatus.OFFICIAL
            ),
            ceremonies=sorted(m.ceremony for m in members),
            ancestors=ancestors_in_memory(cell.org),
            siblings=[
                o
                for o in self.sibling_cells.get(cell.org.parent.pk if cell.org.parent else 0, [])
                if o.pk != cell.org.pk
            ],
            later=_later_issuers(cell),
        )
        for member in newer:
            candidacy_id = None
            if member.ceremony >= SYSTEM_START:
                candidacy_id = self._admitted_candidacy(cell, member, officials, secretary)
            self._write_member(cell, member, candidacy_id=candidacy_id)
        self._leavers(cell, count, officials, secretary)
        self._pool(cell, officials, secretary)
        for _ in range(cell.readmissions):
            self._readmission(cell, officials, secretary)

    def _leaving(self, cell: CellPlan, status: str) -> tuple[dt.date, dt.date, dt.date]:
        """(admission decision, birth, exit) of a member who moved away, was removed or expelled.

        The time from admission to exit follows a hazard that peaks in the first two years
        (young members removed for not attending, the directive's concern); only exits of the
        last seven years are on record.
        """
        rng, today = self.rng, self.today
        young = status == MembershipStatus.REMOVED
        latest = today - dt.timedelta(days=5)
        earliest = latest - dt.timedelta(days=7 * 365)
        gap_days = (
            (60, 3650, 700) if status == MembershipStatus.TRANSFERRED_OUT else (150, 2200, 450)
        )
        for _attempt in range(8):
            recent = rng.random() < (0.75 if young else 0.4)
            decided, birth = self._admission(cell, recent=recent, young=young)
            exit_date = decided + dt.timedelta(days=triangular(rng, gap_days))
            if earliest <= exit_date <= latest:
                return decided, birth, exit_date
        return decided, birth, day_between(rng, max(decided, earliest), latest)

    def _leavers(
        self, cell: CellPlan, active: int, officials: list[Member], secretary: int | None
    ) -> None:
        """Members who died, moved away, were removed or expelled."""
        rng, today, profile = self.rng, self.today, cell.profile
        residential = profile.key in ("village", "urban")
        for status, residential_rate, workplace_rate in LEAVERS:
            rate = residential_rate if residential else workplace_rate
            for _ in range(stochastic_round(rng, active * rate)):
                female = rng.random() < profile.female_members
                if status == MembershipStatus.DECEASED:
                    age_at_death = triangular(rng, (55, 98, 82))
                    exit_date = today - dt.timedelta(days=rng.randint(20, 6 * 365))
                    birth = birth_for(rng, exit_date, age_at_death)
                    age = min(triangular(rng, (18, 40, 25)), age_at_death - 1)
                    decided = day_between(
                        rng, add_months(birth, 12 * age), add_months(birth, 12 * age + 11)
                    )
                    reason: str = ExitReason.DEATH
                else:
                    decided, birth, exit_date = self._leaving(cell, status)
                    if status == MembershipStatus.TRANSFERRED_OUT:
                        reason = ExitReason.TRANSFER
                    elif status == MembershipStatus.REMOVED:
                        reason = REMOVAL_REASONS.pick(rng)
                    else:
                        reason = EXPULSION_REASONS.pick(rng)
                person_id = self._person(
                    cell, birth=birth, female=female, candidate=False,
                    residence=self._residence(cell),
                    occupation="retired" if status == MembershipStatus.DECEASED else None,
                    with_id=0.8 if status == MembershipStatus.DECEASED else 0.95,
                )  # fmt: skip
                member = self._member(
                    person_id, birth, decided, status=status, exit_date=exit_date,
                    exit_reason=reason,
                )  # fmt: skip
                candidacy_id = None
                if (
                    status == MembershipStatus.REMOVED
                    and member.ceremony >= SYSTEM_START
                    and member.official is None
                ):
                    member.exit_reason = ExitReason.REMOVED  # what the `remove` action writes
                    # Removed from the probationary list: the dossier closes as "removed".
                    candidacy_id = self._candidacy(
                        cell, person_id, birth, officials, secretary,
                        opened=decided - dt.timedelta(days=rng.randint(240, 800)),
                        stage=Stage.CLOSED, changed=exit_date, is_open=False,
                        closed_reason=ClosedReason.REMOVED, member=member,
                    )  # fmt: skip
                self._write_member(cell, member, candidacy_id=candidacy_id)

    # -- candidacies ---------------------------------------------------------------------

    def _candidacy(
        self,
        cell: CellPlan,
        person_id: int,
        birth: dt.date,
        officials: list[Member],
        secretary: int | None,
        *,
        opened: dt.date,
        stage: str,
        changed: dt.date,
        is_open: bool,
        closed_reason: str = "",
        is_readmission: bool = False,
        member: Member | None = None,
        former: Member | None = None,
    ) -> int:
        rng = self.rng
        # Nobody is put in the pool before 16 (youth age starts there).
        opened = max(opened, add_months(birth, 16 * 12))
        changed = max(changed, opened)
        facts = self._dossier(
            cell, stage=stage, opened=opened, changed=changed, member=member,
            closed_reason=closed_reason,
        )  # fmt: skip
        helper: int | None = None
        if officials and rng.random() < 0.93:
            # An official member of the same cell, official since before the dossier opened.
            for _attempt in range(4):
                candidate = rng.choice(officials)
                if (candidate.official or opened) <= opened and candidate.person_id != person_id:
                    helper = candidate.id
                    break
        leader = secretary if secretary != person_id and rng.random() < 0.7 else None
        candidacy = Candidacy(
            id=self.tables.candidacies.next_id,
            organisation=cell.org,
            stage=Stage.SOURCE,
            is_readmission=is_readmission,
            opened_on=opened,
            stage_changed_on=opened,
        )
        facts = self._story(
            candidacy, person_id, birth, facts, stage=stage, closed_reason=closed_reason,
            changed=changed, helper=helper, member=member, former=former, cell=cell,
        )  # fmt: skip
        return self.tables.candidacies.add(
            {
                "person_id": person_id,
                "organisation_id": cell.org.pk,
                "stage": stage,
                "closed_reason": closed_reason,
                "is_open": is_open,
                "is_readmission": is_readmission,
                "helper_id": helper,
                "responsible_leader_id": leader,
                "source_channel": cell.profile.source_channels.pick(rng),
                "opened_on": opened,
                "version": 1,
                **facts,
            }
        )

    def _story(
        self,
        candidacy: Candidacy,
        person_id: int,
        birth: dt.date,
        facts: dict[str, Any],
        *,
        stage: str,
        closed_reason: str,
        changed: dt.date,
        helper: int | None,
        member: Member | None,
        former: Member | None,
        cell: CellPlan,
    ) -> dict[str, Any]:
        """Plan the dossier's past steps (story.py), correct the person's record where the
        cell could not have voted otherwise, replay the steps through the action specs (each
        judged by the rule set of its date) and keep them for the unit's end. Returns the
        dossier's fields as the replay leaves them."""
        assert self.story_cell is not None
        persons = self.tables.persons
        story = self.planner.plan(
            stage=stage,
            closed_reason=closed_reason,
            facts=facts,
            applicant=Applicant(
                birth=birth, youth_union=bool(persons.value(person_id, "youth_union_member"))
            ),
            cell=self.story_cell,
            helper=helper,
            closed_on=changed if closed_reason else None,
        )
        if story.facts.get("branch_resolution_date") is not None:
            # Those the cell voted for met the schooling rule (a special case aside).
            if persons.value(person_id, "education") in SCHOOLING_BELOW_MINIMUM:
                story.person["education"] = "lower_secondary"
        if story.person:
            persons.patch(person_id, story.person)
        candidacy.person = self._person_instance(person_id)
        if story.moved_from is not None:
            candidacy.organisation = story.moved_from  # its `transfer` step moves it here
        # The membership a ceremony creates is written right after this dossier.
        membership = self.tables.memberships.next_id if member is not None else None
        replayed = self.replayer.replay(
            candidacy,
            story.steps,
            ancestors=self.story_cell.ancestors,
            previous=previous_membership(former),
            membership=membership,
            competences=cell.chain_competences(),
        )
        self.histories.add(Pending(story.steps, replayed))
        return {name: getattr(replayed.candidacy, name) for name in DOSSIER_FIELDS}

    def _person_instance(self, person_id: int) -> Person:
        """The unsaved person of a buffered row, as the rule engine's case reads it."""
        persons = self.tables.persons
        # Only the fields the case reads, the others left deferred: Django's `from_db` way
        # skips computing ~40 defaults per dossier (a deferred field read would query).
        person = Person.from_db(
            DEFAULT_DB_ALIAS,
            ENGINE_PERSON_COLUMNS,
            [person_id, *(persons.value(person_id, name) for name in ENGINE_PERSON_COLUMNS[1:])],
        )
        locality = persons.value(person_id, "residence_locality_id")
        person.residence_locality = self.localities.get(locality) if locality else None
        return person

    def _dossier(
        self,
        cell: CellPlan,
        *,
        stage: str,
        opened: dt.date,
        changed: dt.date,
        member: Member | None,
        closed_reason: str,
    ) -> dict[str, Any]:
        """The dossier facts gathered by a candidacy at `stage`, in their lawful order.

        `changed` is the day the stage was entered; an admitted candidacy takes its decision
        and ceremony from its membership. A closed one stopped at an earlier stage: withdrawn
        or lapsed early, rejected after the cell's vote, removed during probation.
        """
        rng, today = self.rng, self.today
        reached, end = self._reached(cell, stage, opened, changed, closed_reason)
        rank = STAGE_RANK[reached]
        facts: dict[str, Any] = {}
        if rank == STAGE_RANK[Stage.TRAINED]:
            facts["certificate_date"] = end
        elif rank == STAGE_RANK[Stage.APPLIED]:
            facts["history_date"] = end
            facts["application_date"] = self._back(opened, end, 0, 20)
            facts["certificate_date"] = day_between(rng, opened, facts["application_date"])
            if rng.random() < 0.4:
                facts["verification_concluded_on"] = day_between(rng, end, today)
            if rng.random() < 0.3:
                facts["opinions_date"] = day_between(rng, end, today)
        elif rank >= STAGE_RANK[Stage.BRANCH_RESOLVED]:
            facts = self._voted(cell, reached, opened, end, member)
        return facts

    def _reached(
        self, cell: CellPlan, stage: str, opened: dt.date, changed: dt.date, closed_reason: str
    ) -> tuple[str, dt.date]:
        """(the furthest stage reached, the day it was reached): a closed dossier stopped at
        an earlier stage than `closed`."""
        rng = self.rng
        reached, end = stage, changed
        if stage == Stage.CLOSED:
            if closed_reason == ClosedReason.REMOVED:
                reached = Stage.PROBATIONARY
            elif closed_reason == ClosedReason.REJECTED:
                reached = Stage.BRANCH_RESOLVED
                end = changed - dt.timedelta(days=rng.randint(10, 60))
                if cell.committee_step_on(end) and rng.random() < 0.5:
                    reached = Stage.COMMITTEE_RESOLVED
            else:
                reached = rng.choice((Stage.SOURCE, Stage.TRAINED, Stage.APPLIED))
                end = day_between(rng, opened, changed)
        return reached, max(end, opened)

    def _back(self, opened: dt.date, day: dt.date, low: int, high: int) -> dt.date:
        """A day `low` to `high` days before `day`, within the dossier's life."""
        day = day - dt.timedelta(days=self.rng.randint(low, high))
        return min(max(day, opened), self.today)

    def _voted(
        self, cell: CellPlan, reached: str, opened: dt.date, end: dt.date, member: Member | None
    ) -> dict[str, Any]:
        """The facts of a dossier the cell has voted on."""
        rng, rank = self.rng, STAGE_RANK[reached]
        decision: dt.date | None = None
        committee: dt.date | None = None
        if rank >= STAGE_RANK[Stage.DECIDED]:
            decision = member.decided if member is not None else end
            if cell.committee_step_on(decision):
                committee = self._back(opened, decision, 7, 40)
            branch = self._back(opened, committee or decision, 7, 45)
        elif reached == Stage.COMMITTEE_RESOLVED:
            committee = end
            branch = self._back(opened, committee, 7, 40)
        else:
            branch = end
        facts: dict[str, Any] = {
            "branch_resolution_date": branch,
            "committee_resolution_date": committee,
            "decision_date": decision,
        }
        facts["history_date"] = self._back(opened, branch, 20, 150)
        facts["application_date"] = self._back(opened, facts["history_date"], 0, 20)
        facts["certificate_date"] = day_between(rng, opened, facts["application_date"])
        if rng.random() < 0.1:
            facts["verification_waived"] = True  # a parent or sibling is a member
        else:
            facts["verification_concluded_on"] = day_between(rng, facts["history_date"], branch)
        facts["opinions_date"] = max(self._back(opened, branch, 3, 25), facts["history_date"])
        if decision is not None:
            facts.update(self._after_decision(decision, member, reached, end))
        return facts

    def _after_decision(
        self, decision: dt.date, member: Member | None, reached: str, end: dt.date
    ) -> dict[str, Any]:
        """Receipt of the decision, ceremony, member file, new-member course, recognition."""
        rng, today = self.rng, self.today
        facts: dict[str, Any] = {}
        if member is None:  # decided, the ceremony still to come
            if rng.random() < 0.7:
                facts["decision_received_date"] = min(
                    decision + dt.timedelta(days=rng.randint(1, 7)), today
                )
            return facts
        ceremony = member.ceremony
        last = min(today, member.exit_date or today)
        facts["decision_received_date"] = max(
            decision, min(decision + dt.timedelta(days=rng.randint(1, 7)), ceremony)
        )
        facts["ceremony_date"] = ceremony
        if rng.random() < 0.85:
            facts["member_file_date"] = min(ceremony + dt.timedelta(days=rng.randint(5, 45)), last)
        probation_end = add_months(ceremony, 12)
        if reached == Stage.OFFICIAL:
            facts["newmember_course_date"] = day_between(
                rng, ceremony + dt.timedelta(days=60), probation_end
            )
            facts["recognition_resolution_date"] = day_between(rng, probation_end, end)
            facts["recognition_decision_date"] = end
        elif ceremony + dt.timedelta(days=120) <= last and rng.random() < 0.6:
            facts["newmember_course_date"] = day_between(
                rng, ceremony + dt.timedelta(days=60), last
            )
            if probation_end <= last and rng.random() < 0.5:
                # Probation over, the cell has voted; the decision is awaited.
                facts["recognition_resolution_date"] = day_between(rng, probation_end, last)
        return facts

    def _admitted_candidacy(
        self, cell: CellPlan, member: Member, officials: list[Member], secretary: int | None
    ) -> int:
        """The dossier of a member admitted since the system went into use."""
        rng, today = self.rng, self.today
        opened = member.decided - dt.timedelta(days=rng.randint(240, 800))
        if member.status == MembershipStatus.OFFICIAL and member.official is not None:
            changed = min(member.official + dt.timedelta(days=rng.randint(5, 40)), today)
            stage = Stage.OFFICIAL
        else:
            changed, stage = member.ceremony, Stage.PROBATIONARY
        # A recognised dossier is complete: no longer open (the workflow closes it too).
        return self._candidacy(
            cell, member.person_id, member.birth, officials, secretary,
            opened=opened, stage=stage, changed=changed, is_open=stage != Stage.OFFICIAL,
            member=member,
        )  # fmt: skip

    def _pool_dates(self, stage: str) -> tuple[dt.date, dt.date]:
        """(opened_on, stage_changed_on) consistent with how long each stage lasts."""
        rng, today = self.rng, self.today
        if stage == Stage.SOURCE:
            opened = today - dt.timedelta(days=rng.randint(0, 900))
            return opened, opened
        if stage in (Stage.TRAINED, Stage.APPLIED):
            opened = today - dt.timedelta(days=rng.randint(90, 1100))
            return opened, day_between(rng, opened + dt.timedelta(days=45), today)
        changed = today - dt.timedelta(days=rng.randint(0, DECISION_AGE[Stage(stage)]))
        return changed - dt.timedelta(days=rng.randint(200, 900)), changed

    def _new_candidate(
        self, cell: CellPlan, *, residence: Locality | None = None, min_age: int = 18
    ) -> tuple[int, dt.date]:
        """A candidate at least `min_age` today (older when the cell has already voted: a
        full 18 years on the day of the vote)."""
        rng, profile = self.rng, cell.profile
        age = triangular(rng, profile.candidate_age)
        if rng.random() < 0.06:
            age = rng.randint(36, 55)  # a few late vocations: managers, village heads
            age = elder(age, profile, ELDER_FROM_CANDIDATE)
        age = max(min_age, min(age, profile.max_age - 1))
        birth = birth_for(rng, self.today, age)
        person_id = self._person(
            cell,
            birth=birth,
            female=rng.random() < profile.female_candidates,
            candidate=True,
            residence=residence or self._residence(cell),
        )
        return person_id, birth

    def _pool(
        self,
        cell: CellPlan,
        officials: list[Member],
        secretary: int | None,
    ) -> None:
        rng, today = self.rng, self.today
        whites = list(cell.white_neighbours)
        for index in range(stochastic_round(rng, cell.candidates)):
            stage = str(STAGE_WEIGHTS.pick(rng))
            if stage == Stage.COMMITTEE_RESOLVED and not cell.committee_step_on(today):
                stage = Stage.DECIDED
            # Someone from a neighbouring white locality: the first member it could have.
            white = whites.pop() if whites and index == 0 and rng.random() < 0.5 else None
            voted = STAGE_RANK[stage] >= STAGE_RANK[Stage.BRANCH_RESOLVED]
            person_id, birth = self._new_candidate(
                cell, residence=white, min_age=19 if voted else 18
            )
            opened, changed = self._pool_dates(stage)
            self._candidacy(
                cell, person_id, birth, officials, secretary,
                opened=opened, stage=stage, changed=changed, is_open=True,
            )  # fmt: skip
        for _ in range(stochastic_round(rng, cell.candidates * 0.1)):
            closed = today - dt.timedelta(days=rng.randint(0, 1000))
            reason = str(CLOSED_REASONS.pick(rng))
            # Rejected after the cell's vote: a full 18 years on the day of that vote.
            years_ago = (today - closed).days // 365 + 1
            person_id, birth = self._new_candidate(
                cell, min_age=19 + years_ago if reason == ClosedReason.REJECTED else 18
            )
            self._candidacy(
                cell, person_id, birth, officials, secretary,
                opened=closed - dt.timedelta(days=rng.randint(60, 800)),
                stage=Stage.CLOSED, changed=closed, is_open=False, closed_reason=reason,
            )  # fmt: skip

    def _readmission(self, cell: CellPlan, officials: list[Member], secretary: int | None) -> None:
        """A former member, removed at least 36 months ago for a reason that does not bar it
        (rule readmission.barred_reason), back in the pool (kết nạp lại)."""
        rng, today = self.rng, self.today
        exit_date = today - dt.timedelta(days=rng.randint(3 * 365 + 30, 12 * 365))
        for _attempt in range(10):
            decided, birth = self._admission(cell, recent=False)
            if decided <= exit_date - dt.timedelta(days=365):
                break
        else:
            decided = exit_date - dt.timedelta(days=rng.randint(400, 3000))
            birth = birth_for(rng, decided, triangular(rng, cell.profile.candidate_age))
        person_id = self._person(
            cell, birth=birth, female=rng.random() < cell.profile.female_members,
            candidate=True, residence=self._residence(cell),
        )  # fmt: skip
        member = self._member(
            person_id, birth, decided, status=MembershipStatus.REMOVED, exit_date=exit_date,
            exit_reason=rng.choice(READMITTABLE),
        )  # fmt: skip
        self._write_member(cell, member)
        stage = rng.choice((Stage.SOURCE, Stage.TRAINED, Stage.APPLIED, Stage.BRANCH_RESOLVED))
        opened, changed = self._pool_dates(stage)
        self._candidacy(
            cell, person_id, birth, officials, secretary,
            opened=max(opened, add_months(exit_date, 36)), stage=stage, changed=changed,
            is_open=True, is_readmission=True, former=member,
        )  # fmt: skip
