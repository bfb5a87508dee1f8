"""The audit trail of the demo province: what its staff did and viewed since the system started.

The generator writes dossiers in bulk, not through the services, so without this the audit
page of a freshly loaded demo would hold only the load itself. Here each commune-level unit
(a commune, ward or special zone, or a bloc) gets two staff accounts — a clerk (Nhập liệu) and
an approver (Phê duyệt), with unusable passwords — and the trail gets, written in bulk:

* one "action" entry per step of each dossier dated on or after the system's start
  (`people.SYSTEM_START`), by the unit's approver for the steps that need that role (the
  decisions, a rejection, a removal) and by its clerk otherwise, mostly through the web (the
  form opened a minute before is a "view" entry of its own, as the real form writes), some
  through the API and some from the console (imports);
* views of those dossiers and of their people's records, pages of the dossier list, exports of
  the list and downloads of the progress report;
* one sign-in per user and working day with anything else in the trail.

Every entry has exactly the fields the real door writes (ptdv/audit/tests/test_doors.py):
object type and id, person, the organisation path, a fixed summary and ids, codes and counts
in `data` — never a name. Entries are drawn from their own generator (seed + "audit"), in a
fixed order, so the same seed gives the same trail (ids and user ids aside).
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection
from django.db.models import Q

from ptdv.accounts.models import Assignment, Role, User
from ptdv.audit.models import AuditAction, AuditChannel, AuditEntry
from ptdv.candidacies.models import (
    POOL_STAGES,
    Candidacy,
    CandidacyEvent,
    ClosedReason,
    DossierAction,
    Outcome,
    Stage,
)
from ptdv.candidacies.transitions import TRANSITIONS
from ptdv.core.policies import Action
from ptdv.demo.bulk import BulkTable
from ptdv.demo.names import pick_name
from ptdv.demo.people import SYSTEM_START
from ptdv.organisations.models import PATH_STEP, Kind, Organisation

ZONE = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
# The doors a dossier step comes through: the web form mostly, a unit's own software through
# the API, and the imports of a batch of steps from the console.
DOORS = ((AuditChannel.WEB, 0.88), (AuditChannel.API, 0.08), (AuditChannel.CONSOLE, 0.04))
# The dated steps of a dossier, in the order it goes through them: (date column, action).
STEPS = (
    ("certificate_date", DossierAction.RECORD_CERTIFICATE),
    ("application_date", DossierAction.RECORD_APPLICATION),
    ("verification_concluded_on", DossierAction.RECORD_VERIFICATION),
    ("opinions_date", DossierAction.RECORD_OPINIONS),
    ("branch_resolution_date", DossierAction.BRANCH_VOTE),
    ("committee_resolution_date", DossierAction.COMMITTEE_VOTE),
    ("decision_date", DossierAction.ADMISSION_DECISION),
    ("ceremony_date", "ceremony"),
    ("member_file_date", DossierAction.RECORD_MEMBER_FILE),
    ("newmember_course_date", DossierAction.RECORD_NEWMEMBER_COURSE),
    ("recognition_resolution_date", DossierAction.RECOGNITION_VOTE),
    ("recognition_decision_date", DossierAction.RECOGNITION_DECISION),
)
CLOSING = {
    ClosedReason.WITHDRAWN: "withdraw",
    ClosedReason.LAPSED: "lapse",
    ClosedReason.REJECTED: "reject",
    ClosedReason.REMOVED: "remove",
}
# The staff roles of a unit and the first part of their user names (nhaplieu.x18073).
STAFF = ((Role.CLERK, "nhaplieu"), (Role.APPROVER, "pheduyet"))
LIST_PAGE = 50  # ptdv.candidacies.views.PER_PAGE: the ids of one page


@dataclass(frozen=True)
class Unit:
    """A commune-level unit and its two staff accounts."""

    organisation_id: int
    path: str
    code: str
    clerk: int
    approver: int


def staff_username(unit_code: str, role: str) -> str:
    prefix = {str(r): s for r, s in STAFF}[str(role)]
    return f"{prefix}.{unit_code.lower()}"


def _units(root: Organisation) -> list[Organisation]:
    return list(
        Organisation.objects.filter(parent=root, kind__in=(Kind.COMMUNE, Kind.BLOC)).order_by(
            "path"
        )
    )


def demo_staff_ensure(*, root: Organisation, rng: random.Random) -> list[Unit]:
    """A clerk and an approver on each unit under `root`, created or reset (a user left by an
    earlier load keeps its id; the wipe removed its assignments). Passwords are unusable: an
    administrator sets one to let a person in."""
    units = _units(root)
    wanted: dict[str, tuple[Organisation, str, str]] = {}
    for org in units:
        for role, _prefix in STAFF:
            female, born = rng.random() < 0.55, rng.randint(1970, 1998)
            family, middle, given = pick_name(rng, female=female, birth_year=born)
            wanted[staff_username(org.code, role)] = (org, role, f"{family} {middle} {given}")
    existing = {u.username: u for u in User.objects.filter(username__in=wanted)}
    unusable = make_password(None)
    fresh = [
        User(username=name, full_name=full_name, password=unusable)
        for name, (_org, _role, full_name) in wanted.items()
        if name not in existing
    ]
    User.objects.bulk_create(fresh, batch_size=500)
    for name, user in existing.items():
        # Reset as the wipe left it: same name drawn from this seed, no way in, no other role.
        user.full_name = wanted[name][2]
        user.password = unusable
        user.is_active = True
        user.is_staff = user.is_superuser = False
    User.objects.bulk_update(
        existing.values(), ["full_name", "password", "is_active", "is_staff", "is_superuser"]
    )
    ids = dict(User.objects.filter(username__in=wanted).values_list("username", "id"))
    Assignment.objects.filter(user_id__in=ids.values()).delete()
    Assignment.objects.bulk_create(
        [
            Assignment(user_id=ids[name], organisation=org, role=role)
            for name, (org, role, _full) in wanted.items()
        ],
        batch_size=500,
    )
    return [
        Unit(
            organisation_id=org.pk,
            path=org.path,
            code=org.code,
            clerk=ids[staff_username(org.code, Role.CLERK)],
            approver=ids[staff_username(org.code, Role.APPROVER)],
        )
        for org in units
    ]


def working_time(rng: random.Random, day: dt.date) -> dt.datetime:
    """A time within office hours on `day` (7:30–11:30, 13:30–17:00, Asia/Ho_Chi_Minh)."""
    minute = rng.randrange(7 * 60 + 30, 11 * 60 + 30)
    if rng.random() < 0.5:
        minute = rng.randrange(13 * 60 + 30, 17 * 60)
    second = rng.randrange(60)
    return dt.datetime(day.year, day.month, day.day, minute // 60, minute % 60, second, tzinfo=ZONE)


def _workday(day: dt.date) -> dt.date:
    """The Friday before a weekend day (views and exports happen on working days)."""
    return day - dt.timedelta(days=max(0, day.weekday() - 4))


def _audit_table() -> BulkTable:
    """The audit table in bulk. Its timestamps and `data` hardly ever repeat: they are
    adapted row by row by the backend's own adapters (what their fields' `get_db_prep_save`
    ends in for an aware datetime and a dict), not through the per-value cache of BulkTable
    (which would hold every distinct value, and cannot key a dict)."""
    table = BulkTable(AuditEntry)
    ops = connection.ops
    encoder = AuditEntry._meta.get_field("data").encoder
    empty = ops.adapt_json_value({}, encoder)

    def adapt_data(value: dict[str, Any]) -> Any:
        return ops.adapt_json_value(value, encoder) if value else empty

    direct: dict[str, Callable[[Any], Any]] = {
        "at": ops.adapt_datetimefield_value,
        "data": adapt_data,
    }
    table.adapters = [
        (index, direct.get(table.columns[index - 1], adapt)) for index, adapt in table.adapters
    ]
    return table


class ActivityWriter:
    """Draws the trail of the province under `root` and writes it in batches."""

    FLUSH = 20_000

    def __init__(self, *, seed: int, today: dt.date, root: Organisation) -> None:
        self.rng = random.Random(f"ptdv-demo/{seed}/audit")
        self.today = today
        self.root = root
        self.table = _audit_table()
        # (user id, day) → the earliest time that user did anything that day.
        self.first_seen: dict[tuple[int, dt.date], tuple[dt.datetime, str]] = {}
        # (dossier, action) → the events that step wrote, (day, id) in order (the generator
        # replays each dossier's story, ptdv/demo/story.py); failed votes have no entry here.
        self.events: dict[tuple[int, str], list[tuple[dt.date, int]]] = defaultdict(list)
        for pk, candidacy, action, on in (
            CandidacyEvent.objects.filter(candidacy__organisation__path__startswith=root.path)
            .exclude(outcome=Outcome.FAILED)
            .order_by("candidacy_id", "on", "id")
            .values_list("id", "candidacy_id", "action", "on")
            .iterator(chunk_size=10_000)
        ):
            self.events[(candidacy, action)].append((on, pk))

    def event(self, candidacy: int, action: str, day: dt.date) -> int | None:
        """The event of a step: the one on that day, else the dossier's last of that action
        (an application is recorded on the day of the history it comes with)."""
        found = self.events.get((candidacy, action))
        if not found:
            return None
        return next((pk for on, pk in found if on == day), found[-1][1])

    def add(
        self,
        *,
        at: dt.datetime,
        actor: int,
        action: str,
        channel: str,
        object_type: str,
        object_id: str,
        org_path: str,
        summary: str,
        person: int | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        self.table.add(
            {
                "at": at,
                "actor_id": actor,
                "action": action,
                "channel": channel,
                "object_type": object_type,
                "object_id": object_id,
                "person_id": person,
                "org_path": org_path,
                "summary": summary,
                "data": data or {},
            }
        )
        if channel == AuditChannel.WEB:
            # A session on the web starts with a sign-in; API tokens and console imports
            # (`--as`) do not sign in.
            key = (actor, at.date())
            seen = self.first_seen.get(key)
            if seen is None or at < seen[0]:
                self.first_seen[key] = (at, org_path)
        if len(self.table.rows) >= self.FLUSH:
            self.table.flush()

    # -- the whole trail -----------------------------------------------------------------

    def run(self, units: list[Unit]) -> int:
        by_path = {unit.path: unit for unit in units}
        step = len(self.root.path) + PATH_STEP
        unit_dossiers: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for row in self._dossiers():
            unit = by_path.get(row["organisation__path"][:step])
            if unit is None:
                continue
            self._dossier(row, unit)
            if row["is_open"] and row["stage"] in POOL_STAGES:
                unit_dossiers[unit.path].append((row["id"], row["person_id"]))
        for unit in units:
            self._unit_routine(unit, unit_dossiers.get(unit.path, []))
        self._sign_ins()
        self.table.flush()
        return self.table.written

    def _dossiers(self) -> Iterator[dict[str, Any]]:
        columns = [name for name, _action in STEPS]
        # Dossiers worked on since the system started, and every open one (read since).
        started = (
            Q(opened_on__gte=SYSTEM_START) | Q(stage_changed_on__gte=SYSTEM_START) | Q(is_open=True)
        )
        rows: Iterator[dict[str, Any]] = (
            Candidacy.objects.filter(started, organisation__path__startswith=self.root.path)
            .order_by("id")
            .values(
                "id", "person_id", "organisation__path", "organisation__code", "stage",
                "is_open", "is_readmission", "closed_reason", "closed_on", "opened_on", *columns,
            )
            .iterator(chunk_size=5000)
        )  # fmt: skip
        return rows

    def _door(self) -> str:
        draw = self.rng.random()
        for door, share in DOORS:
            if draw < share:
                return door
            draw -= share
        return AuditChannel.WEB

    def _dossier(self, row: dict[str, Any], unit: Unit) -> None:
        """The steps of one dossier since the system started, and a few reads of it."""
        rng = self.rng
        steps: list[tuple[dt.date, str]] = [
            (row[column], action) for column, action in STEPS if row[column] is not None
        ]
        if row["closed_reason"] in CLOSING and row["closed_on"] is not None:
            steps.append((row["closed_on"], CLOSING[row["closed_reason"]]))
        steps.sort(key=lambda item: item[0])  # stable: same-day steps keep the workflow order
        pk, person, path = str(row["id"]), row["person_id"], row["organisation__path"]
        if row["opened_on"] >= SYSTEM_START:
            at = working_time(rng, row["opened_on"])
            self.add(
                at=at, actor=unit.clerk, action=AuditAction.CREATE, channel=self._door(),
                object_type="candidacies.candidacy", object_id=pk, person=person, org_path=path,
                summary="Đưa vào nguồn phát triển đảng viên",
                data={"organisation": row["organisation__code"],
                      "readmission": row["is_readmission"]},
            )  # fmt: skip
        stage = Stage.SOURCE
        days: list[dt.date] = []
        for day, action in steps:
            transition = TRANSITIONS[action]
            before, after = stage, transition.target or stage
            stage = after
            if day < SYSTEM_START or day > self.today:
                continue
            days.append(day)
            actor = unit.approver if transition.permission == Action.APPROVE else unit.clerk
            door = self._door()
            at = working_time(rng, day)
            if door == AuditChannel.WEB:
                # The form is opened before it is sent: the real form writes its own entry.
                self.add(
                    at=at - dt.timedelta(seconds=rng.randrange(40, 900)), actor=actor,
                    action=AuditAction.VIEW, channel=door, object_type="candidacies.candidacy",
                    object_id=pk, person=person, org_path=path,
                    summary="Mở biểu mẫu thao tác hồ sơ phát triển đảng viên",
                    data={"action": action},
                )  # fmt: skip
            self.add(
                at=at, actor=actor, action=AuditAction.ACTION, channel=door,
                object_type="candidacies.candidacy", object_id=pk, person=person, org_path=path,
                summary=str(transition.label),
                data={
                    "action": action,
                    "stage_before": str(before),
                    "stage_after": str(after),
                    "outcome": Outcome.PASSED if transition.is_vote else "",
                    "event": self.event(row["id"], action, day),
                    "document": {},
                },
            )  # fmt: skip
        # Reads: the dossier and its person's record, a few times while it was worked on.
        first = max(SYSTEM_START, row["opened_on"])
        last = min(self.today, row["closed_on"] or self.today)
        if last < first:
            return
        span = (last - first).days
        for _ in range(rng.randint(1, 3)):
            day = _workday(first + dt.timedelta(days=rng.randint(0, span)))
            if day < first:
                continue
            actor = unit.clerk if rng.random() < 0.7 else unit.approver
            self.add(
                at=working_time(rng, day), actor=actor, action=AuditAction.VIEW,
                channel=AuditChannel.WEB, object_type="candidacies.candidacy", object_id=pk,
                person=person, org_path=path, summary="Xem hồ sơ phát triển đảng viên",
            )  # fmt: skip
            if rng.random() < 0.5:
                self.add(
                    at=working_time(rng, day), actor=actor, action=AuditAction.VIEW,
                    channel=AuditChannel.WEB, object_type="people.person",
                    object_id=str(person), person=person, org_path=path,
                    summary="Xem hồ sơ công dân",
                )  # fmt: skip

    def _unit_routine(self, unit: Unit, open_dossiers: list[tuple[int, int]]) -> None:
        """Each week, a page of the unit's dossier list; each month, an export of it; each
        quarter, the progress report downloaded by the approver."""
        rng = self.rng
        ids = sorted(open_dossiers)[:LIST_PAGE]
        count = len(open_dossiers)
        listed = {
            "ids": [pk for pk, _person in ids],
            "person_ids": sorted({person for _pk, person in ids}),
            "count": count,
            "filters": {"organisation": unit.organisation_id, "page": 1},
        }
        week = SYSTEM_START + dt.timedelta(days=rng.randrange(5))
        while week <= self.today:
            self.add(
                at=working_time(rng, week), actor=unit.clerk, action=AuditAction.VIEW,
                channel=AuditChannel.WEB, object_type="candidacies.candidacy", object_id="",
                org_path=unit.path, summary="Xem danh sách hồ sơ phát triển đảng viên",
                data=listed,
            )  # fmt: skip
            week += dt.timedelta(days=7)
        month = SYSTEM_START
        while month <= self.today:
            day = _workday(month + dt.timedelta(days=rng.randrange(25, 28)))
            if day <= self.today and rng.random() < 0.6:
                rows = f"{count:,}".replace(",", ".")
                self.add(
                    at=working_time(rng, day), actor=unit.clerk, action=AuditAction.EXPORT,
                    channel=AuditChannel.WEB, object_type="exchange.export",
                    object_id="candidacies", org_path=unit.path,
                    summary=f"Xuất Excel danh sách ({rows} dòng)",
                    data={"list": "candidacies", "filters": {"organisation": unit.code},
                          "rows": count},
                )  # fmt: skip
            if month.month in (3, 6, 9, 12):
                day = _workday(month + dt.timedelta(days=rng.randrange(20, 28)))
                fmt = "xlsx" if rng.random() < 0.7 else "pdf"
                if day <= self.today:
                    self.add(
                        at=working_time(rng, day), actor=unit.approver,
                        action=AuditAction.EXPORT, channel=AuditChannel.WEB,
                        object_type="organisations.organisation",
                        object_id=str(unit.organisation_id), org_path=unit.path,
                        summary=f"Xuất báo cáo tiến độ kết nạp năm {day.year} ({fmt})",
                        data={"report": "progress", "year": day.year, "format": fmt,
                              "organisation": unit.code},
                    )  # fmt: skip
            month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)

    def _sign_ins(self) -> None:
        """A sign-in before the first thing each user did on the web each day."""
        rng = self.rng
        for (actor, _day), (first, path) in sorted(self.first_seen.items()):
            unit_path = path[: len(self.root.path) + PATH_STEP]
            self.table.add(
                {
                    "at": first - dt.timedelta(minutes=rng.randint(1, 20)),
                    "actor_id": actor,
                    "action": AuditAction.LOGIN,
                    "channel": AuditChannel.WEB,
                    "object_type": "accounts.user",
                    "object_id": str(actor),
                    "person_id": None,
                    "org_path": unit_path,
                    "summary": "Đăng nhập",
                    "data": {},
                }
            )
            if len(self.table.rows) >= self.FLUSH:
                self.table.flush()


def demo_activity_load(*, seed: int, today: dt.date) -> dict[str, int]:
    """Staff accounts and the audit trail of the province at the root (province scale only).

    Returns the number of staff accounts and of entries written."""
    root = Organisation.objects.filter(parent__isnull=True).order_by("path").first()
    if root is None:
        return {"staff": 0, "audit": 0}
    writer = ActivityWriter(seed=seed, today=today, root=root)
    units = demo_staff_ensure(root=root, rng=writer.rng)
    written = writer.run(units)
    return {"staff": 2 * len(units), "audit": written}
