"""Courses of the demo province: a year (and more) of awareness courses as a commune's office
would have recorded them, consistent with the dossiers' certificates.

- **Past courses** are read off the dossiers: every certificate the histories recorded took a
  number of its issuing committee's register (slug "cn-ntvd"); the certificates one committee
  issued in one quarter make one course (split when large), ended the day of its first
  certificate, whose students passed and hold exactly those numbers. Courses of the last
  year have their sessions and attendance, and a few students who did not pass.
- **Planned courses** (and a few running ones) of the committees active in the last year and
  a half, with candidates of the pool without a certificate enrolled.

Written in bulk (there is no user to act as), like the rest of the demo.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from ptdv.candidacies.models import Candidacy, Stage
from ptdv.courses.models import (
    Attendance,
    Course,
    CourseFormat,
    CourseKind,
    CourseSession,
    Enrolment,
    Result,
)
from ptdv.demo.formatting import vn
from ptdv.documents.dossier import committee_name
from ptdv.documents.models import DocumentNumber
from ptdv.organisations.models import PATH_STEP, Organisation

MAX_GROUP = 80
TOPICS = (
    "Chủ nghĩa Mác - Lênin, tư tưởng Hồ Chí Minh",
    "Đảng Cộng sản Việt Nam: sự ra đời và quá trình lãnh đạo cách mạng",
    "Mục tiêu, lý tưởng của Đảng và con đường đi lên chủ nghĩa xã hội",
    "Điều lệ Đảng: tổ chức và hoạt động của Đảng",
    "Nhiệm vụ và quyền của đảng viên; phấn đấu trở thành đảng viên",
    "Xây dựng Đảng về đạo đức; phòng, chống suy thoái",
)
TEACHERS = (
    "Nguyễn Văn Hùng",
    "Trần Thị Hương",
    "Lê Đình Thắng",
    "Phan Thị Lan",
    "Hồ Sỹ Dũng",
    "Đặng Văn Minh",
    "Võ Thị Thu Hà",
)


@dataclass
class CoursesDemoReport:
    courses: int = 0
    planned: int = 0
    enrolments: int = 0
    certificates: int = 0
    attendance: int = 0

    def __str__(self) -> str:
        return (
            f"Lớp bồi dưỡng: {vn(self.courses)} lớp ({vn(self.planned)} sắp khai giảng), "
            f"{vn(self.enrolments)} học viên, {vn(self.certificates)} giấy chứng nhận, "
            f"{vn(self.attendance)} lượt điểm danh."
        )


def _format(rng: random.Random, day: dt.date) -> str:
    # The directive (task 8) pushes evening and online courses: more of them lately.
    weights = (55, 25, 20) if day.year >= 2025 else (80, 15, 5)
    return rng.choices(
        (CourseFormat.IN_PERSON, CourseFormat.EVENING, CourseFormat.ONLINE), weights
    )[0]


def _course(
    rng: random.Random,
    organiser: Organisation,
    *,
    starts: dt.date,
    ends: dt.date,
    number: int,
    size: int,
) -> Course:
    quarter = (starts.month - 1) // 3 + 1
    return Course(
        organiser=organiser,
        kind=CourseKind.AWARENESS,
        format=_format(rng, starts),
        name=f"Lớp bồi dưỡng nhận thức về Đảng khóa {number}, quý {quarter}/{starts.year}",
        starts_on=starts,
        ends_on=ends,
        venue=f"Hội trường {committee_name(organiser)}",
        teachers="\n".join(rng.sample(TEACHERS, 2)),
        capacity=min(1000, max(30, (size // 10 + 2) * 10)),
    )


def _sessions(rng: random.Random, course: Course) -> list[CourseSession]:
    span = max((course.ends_on - course.starts_on).days, 1)
    count = 6 if course.format == CourseFormat.EVENING else 4
    days = sorted(
        {course.starts_on + dt.timedelta(days=round(i * span / (count - 1))) for i in range(count)}
    )
    return [
        CourseSession(course=course, date=day, topic=TOPICS[i % len(TOPICS)])
        for i, day in enumerate(days)
    ]


def _past_groups(
    root: Organisation,
) -> dict[tuple[int, int, int], list[tuple[int, int, dt.date, str]]]:
    """(organiser, year, quarter) → [(number id, dossier, certificate date, symbol)]."""
    rows = (
        DocumentNumber.objects.filter(
            slug="cn-ntvd", candidacy__isnull=False, organisation__path__startswith=root.path
        )
        .values_list(
            "pk",
            "organisation_id",
            "candidacy_id",
            "candidacy__certificate_date",
            "issued_on",
            "symbol",
        )
        .order_by("organisation_id", "issued_on", "pk")
    )
    groups: dict[tuple[int, int, int], list[tuple[int, int, dt.date, str]]] = defaultdict(list)
    for pk, organisation_id, candidacy_id, certified, issued, symbol in rows.iterator(
        chunk_size=5000
    ):
        day = certified or issued
        groups[(organisation_id, day.year, (day.month - 1) // 3)].append(
            (pk, candidacy_id, day, symbol)
        )
    return groups


def _pool_by_organiser(
    root: Organisation, organisers: Iterable[Organisation]
) -> dict[int, list[int]]:
    """The pool's candidates without a certificate, under each organiser (nearest first)."""
    by_path = {o.path: o.pk for o in organisers}
    found: dict[int, list[int]] = defaultdict(list)
    rows = Candidacy.objects.filter(
        organisation__path__startswith=root.path,
        is_open=True,
        stage=Stage.SOURCE,
        certificate_date__isnull=True,
    ).values_list("pk", "organisation__path")
    for pk, path in rows.iterator(chunk_size=5000):
        for end in range(len(path), 0, -PATH_STEP):
            organiser = by_path.get(path[:end])
            if organiser is not None:
                found[organiser].append(pk)
                break
    return found


@transaction.atomic
def courses_demo_load(*, root: Organisation, today: dt.date, seed: int) -> CoursesDemoReport:
    rng = random.Random(f"courses-{seed}")
    report = CoursesDemoReport()
    groups = _past_groups(root)
    organisers = Organisation.objects.in_bulk({key[0] for key in groups})
    courses: list[Course] = []
    students: list[list[tuple[int, int, dt.date, str]]] = []
    numbering: dict[tuple[int, int], int] = defaultdict(int)
    for (organiser_id, _year, _quarter), rows in sorted(
        groups.items(), key=lambda kv: (kv[0][1], kv[0][2], kv[0][0])
    ):
        for start in range(0, len(rows), MAX_GROUP):
            chunk = rows[start : start + MAX_GROUP]
            ends = min(day for _pk, _c, day, _s in chunk)
            starts = ends - dt.timedelta(days=rng.choice((6, 9, 13)))
            key = (organiser_id, starts.year)
            numbering[key] += 1
            courses.append(
                _course(
                    rng,
                    organisers[organiser_id],
                    starts=starts,
                    ends=ends,
                    number=numbering[key],
                    size=len(chunk),
                )
            )
            students.append(chunk)
    Course.objects.bulk_create(courses, batch_size=1000)
    recent = today - dt.timedelta(days=365)
    enrolments: list[Enrolment] = []
    active: set[int] = set()
    for course, chunk in zip(courses, students, strict=True):
        if course.ends_on >= today - dt.timedelta(days=548):
            active.add(course.organiser_id)
        for number_id, candidacy_id, day, symbol in chunk:
            enrolments.append(
                Enrolment(
                    course=course,
                    candidacy_id=candidacy_id,
                    enrolled_on=course.starts_on - dt.timedelta(days=7),
                    result=Result.PASSED,
                    certificate_id=number_id,
                    certificate_number=symbol,
                    certificate_date=day,
                )
            )
    report.certificates = len(enrolments)
    # The pool of each active committee: the planned courses' students, and a few who
    # failed a recent course (and wait for the next one).
    pool = _pool_by_organiser(root, [organisers[pk] for pk in active])
    for candidates in pool.values():
        rng.shuffle(candidates)
    for course in courses:
        if course.ends_on >= recent and course.organiser_id in active and rng.random() < 0.35:
            waiting = pool.get(course.organiser_id, [])
            for _ in range(rng.randint(1, 2)):
                if len(waiting) > 40:
                    enrolments.append(
                        Enrolment(
                            course=course,
                            candidacy_id=waiting.pop(),
                            enrolled_on=course.starts_on - dt.timedelta(days=7),
                            result=Result.FAILED,
                        )
                    )
    planned = _planned(rng, [organisers[pk] for pk in sorted(active)], today, numbering)
    Course.objects.bulk_create(planned, batch_size=1000)
    for course in planned:
        waiting = pool.get(course.organiser_id, [])
        if course.starts_on > today + dt.timedelta(days=45):
            continue  # announced, enrolment not yet open
        take = min(len(waiting), rng.randint(12, course.capacity - 5))
        for _ in range(take):
            enrolments.append(
                Enrolment(
                    course=course,
                    candidacy_id=waiting.pop(),
                    enrolled_on=min(today, course.starts_on)
                    - dt.timedelta(days=rng.randint(1, 10)),
                )
            )
    Enrolment.objects.bulk_create(enrolments, batch_size=2000)
    report.courses = len(courses) + len(planned)
    report.planned = sum(1 for c in planned if c.starts_on > today)
    report.enrolments = len(enrolments)
    report.attendance = _attendance(
        rng, [c for c in [*courses, *planned] if recent <= c.starts_on <= today], today
    )
    return report


def _planned(
    rng: random.Random,
    organisers: list[Organisation],
    today: dt.date,
    numbering: dict[tuple[int, int], int],
) -> list[Course]:
    """For each active committee a course starting within weeks (a few already running),
    and for some a second one announced for later."""
    planned: list[Course] = []
    for organiser in organisers:
        running = rng.random() < 0.15
        starts = (
            today - dt.timedelta(days=4)
            if running
            else today + dt.timedelta(days=rng.randint(5, 40))
        )
        dates = [starts]
        if rng.random() < 0.35:
            dates.append(today + dt.timedelta(days=rng.randint(60, 90)))
        for day in dates:
            numbering[(organiser.pk, day.year)] += 1
            planned.append(
                _course(
                    rng,
                    organiser,
                    starts=day,
                    ends=day + dt.timedelta(days=9),
                    number=numbering[(organiser.pk, day.year)],
                    size=30,
                )
            )
    return planned


def _attendance(rng: random.Random, courses: list[Course], today: dt.date) -> int:
    """Sessions and attendance of the courses of the last year (held sessions only)."""
    sessions: list[CourseSession] = []
    for course in courses:
        sessions += _sessions(rng, course)
    CourseSession.objects.bulk_create(sessions, batch_size=2000)
    by_course: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for pk, course_id, result in (
        Enrolment.objects.filter(course__in=courses)
        .values_list("pk", "course_id", "result")
        .iterator(chunk_size=5000)
    ):
        by_course[course_id].append((pk, result))
    rows: list[Attendance] = []
    for session in sessions:
        if session.date > today:
            continue
        for enrolment_id, result in by_course.get(session.course_id, []):
            chance = 0.6 if result == Result.FAILED else 0.95
            rows.append(
                Attendance(
                    session=session, enrolment_id=enrolment_id, present=rng.random() < chance
                )
            )
    Attendance.objects.bulk_create(rows, batch_size=5000)
    return len(rows)
