"""Reads of courses: lists, the pages of one course, the yearly figures and the warnings.

Every read starts from the course policy (the organiser's subtree) or, for dossiers, from the
candidacy policy; each costs a fixed number of queries whatever the number of rows.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse

from ptdv.candidacies.models import Candidacy, Stage
from ptdv.candidacies.policies import candidacy_policy
from ptdv.core.policies import Actor, subtree_q, user_scopes
from ptdv.core.roles import ROLE_RANK, Role
from ptdv.core.work import WorkItem
from ptdv.courses.models import (
    ENROLLABLE,
    FLEXIBLE_FORMATS,
    Attendance,
    Course,
    CourseKind,
    CourseSession,
    Enrolment,
    Result,
)
from ptdv.courses.policies import course_policy
from ptdv.organisations.models import Kind, Organisation
from ptdv.rules import engine

# Before the cell's vote the certificate must still be valid (rule certificate.valid); after
# it, its validity no longer matters to the dossier.
PRE_VOTE = (Stage.SOURCE, Stage.TRAINED, Stage.APPLIED)
EXPIRY_WARNING_DAYS = 90
STARTING_WARNING_DAYS = 14


def course_list(
    *, actor: Actor, filters: dict[str, Any] | None = None, today: dt.date | None = None
) -> QuerySet[Course]:
    """The courses the actor may see, newest first, with their head counts. Filters:
    `organisation` (an Organisation already resolved in scope: its subtree), `kind`,
    `format`, `year` (of the start), `status` (planned, running, finished on `today`)."""
    filters = filters or {}
    qs = course_policy.visible_to(actor).select_related("organiser")
    organisation = filters.get("organisation")
    if organisation is not None:
        qs = qs.filter(organiser__path__startswith=organisation.path)
    for name in ("kind", "format"):
        if filters.get(name):
            qs = qs.filter(**{name: filters[name]})
    if filters.get("year"):
        qs = qs.filter(starts_on__year=filters["year"])
    status = filters.get("status")
    if status and today is not None:
        qs = qs.filter(
            {
                "planned": Q(starts_on__gt=today),
                "running": Q(starts_on__lte=today, ends_on__gte=today),
                "finished": Q(ends_on__lt=today),
            }.get(status, Q())
        )
    return qs.annotate(
        enrolled=Count("enrolments", distinct=True),
        passed=Count("enrolments", filter=Q(enrolments__result=Result.PASSED), distinct=True),
        certified=Count(
            "enrolments", filter=Q(enrolments__certificate__isnull=False), distinct=True
        ),
    ).order_by("-starts_on", "-pk")


def course_get(*, actor: Actor, pk: Any) -> Course:
    """One course the actor may see (404 otherwise)."""
    return course_policy.get_visible(actor, pk, Course.objects.select_related("organiser"))


def course_enrolments(*, course: Course) -> QuerySet[Enrolment]:
    """The course's enrolments by name, with the dossier, its cell and the attendance."""
    return (
        course.enrolments.select_related(
            "candidacy__person", "candidacy__organisation", "certificate"
        )
        .annotate(
            attended=Count("attendance", filter=Q(attendance__present=True)),
        )
        .order_by("candidacy__person__sort_key", "pk")
    )


def course_sessions(*, course: Course) -> QuerySet[CourseSession]:
    return course.sessions.annotate(
        present=Count("attendance", filter=Q(attendance__present=True))
    ).order_by("date", "pk")


@dataclass
class GridRow:
    enrolment: Enrolment
    marks: list[bool | None]  # per session: present, absent, not recorded
    sessions: list[CourseSession] = field(default_factory=list)

    @property
    def cells(self) -> list[tuple[CourseSession, bool | None]]:
        return list(zip(self.sessions, self.marks, strict=True))

    @property
    def attended(self) -> int:
        return sum(1 for mark in self.marks if mark)


def attendance_grid(*, course: Course) -> tuple[list[CourseSession], list[GridRow]]:
    """The attendance table: the sessions and, per enrolment, a mark per session."""
    sessions = list(course.sessions.order_by("date", "pk"))
    enrolments = list(
        course.enrolments.select_related("candidacy__person", "candidacy__organisation").order_by(
            "candidacy__person__sort_key", "pk"
        )
    )
    marks = {
        (a.session_id, a.enrolment_id): a.present
        for a in Attendance.objects.filter(session__course=course).only(
            "session_id", "enrolment_id", "present"
        )
    }
    rows = [GridRow(e, [marks.get((s.pk, e.pk)) for s in sessions], sessions) for e in enrolments]
    return sessions, rows


def enrollable_candidacies(*, actor: Actor, course: Course) -> QuerySet[Candidacy]:
    """The dossiers the actor may enrol in `course`: in scope with a clerk's role, in the
    organiser's subtree, at a stage the course serves, not yet enrolled."""
    return (
        Candidacy.objects.filter(
            subtree_q(actor, "organisation__path", min_rank=ROLE_RANK[Role.CLERK]),
            organisation__path__startswith=course.organiser.path,
            is_open=True,
            stage__in=ENROLLABLE[course.kind],
        )
        .exclude(course_enrolments__course=course)
        .select_related("person", "organisation")
        .order_by("person__sort_key", "pk")
    )


def course_certificates(*, course: Course) -> QuerySet[Enrolment]:
    return (
        course.enrolments.filter(certificate__isnull=False)
        .select_related("candidacy__person", "candidacy__organisation", "certificate")
        .order_by("certificate__year", "certificate__number")
    )


# --- Figures per organisation and year -------------------------------------------------------


@dataclass
class Figures:
    organisation: Organisation
    trained: int = 0
    passed: int = 0
    days: list[int] = field(default_factory=list)
    admitted: int = 0
    admitted_flexible: int = 0

    @property
    def median_days(self) -> float | None:
        return statistics.median(self.days) if self.days else None

    @property
    def flexible_share(self) -> float | None:
        return self.admitted_flexible / self.admitted if self.admitted else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "organisation": self.organisation.pk,
            "organisation_name": self.organisation.name,
            "trained": self.trained,
            "passed": self.passed,
            "median_days_to_application": self.median_days,
            "admitted": self.admitted,
            "admitted_trained_flexible": self.admitted_flexible,
            "flexible_share": self.flexible_share,
        }


def course_figures(
    *, actor: Actor, organisation: Organisation, year: int
) -> tuple[Figures, list[Figures]]:
    """For `organisation`'s subtree (resolved in scope by the caller) and each child: the
    candidates trained in awareness courses ending in `year` (by the candidate's cell), how
    many passed, the median days from the certificate to the application, and of the members
    admitted (decided) in `year` how many were trained in an evening or online course.
    Three queries whatever the size of the subtree."""
    children = list(
        Organisation.objects.filter(parent=organisation, valid_to__isnull=True).order_by("name")
    )
    total = Figures(organisation)
    rows = {child.path: Figures(child) for child in children}
    width = len(children[0].path) if children else 0

    def targets(path: str) -> Iterator[Figures]:
        yield total
        child = rows.get(path[:width]) if width else None
        if child is not None:
            yield child

    enrolments = Enrolment.objects.filter(
        course__kind=CourseKind.AWARENESS,
        course__ends_on__year=year,
        candidacy__organisation__path__startswith=organisation.path,
    ).values_list(
        "candidacy__organisation__path",
        "result",
        "certificate_date",
        "candidacy__application_date",
    )
    for path, result, certified, applied in enrolments:
        for row in targets(path):
            row.trained += 1
            if result == Result.PASSED:
                row.passed += 1
                if certified is not None and applied is not None and applied >= certified:
                    row.days.append((applied - certified).days)
    flexible = Enrolment.objects.filter(
        candidacy=OuterRef("pk"),
        course__kind=CourseKind.AWARENESS,
        course__format__in=FLEXIBLE_FORMATS,
        result=Result.PASSED,
    )
    admitted = (
        Candidacy.objects.filter(
            organisation__path__startswith=organisation.path, decision_date__year=year
        )
        .annotate(flexible=Exists(flexible))
        .values_list("organisation__path", "flexible")
    )
    for path, was_flexible in admitted:
        for row in targets(path):
            row.admitted += 1
            row.admitted_flexible += int(was_flexible)
    return total, [rows[child.path] for child in children]


# --- Warnings (work sources) -----------------------------------------------------------------


def certificate_valid_months(today: dt.date) -> int:
    """The certificate's validity in the rule set in force (60 months today)."""
    rule_set = engine.ruleset_for(today) or engine.RULE_SETS[-1]
    return rule_set.parameters.certificate_valid_months


@dataclass(frozen=True)
class Expiring:
    candidacy_id: int
    organisation_id: int
    name: str
    certificate_date: dt.date
    expires_on: dt.date


def certificates_expiring(
    *, actor: Actor | None, today: dt.date, days: int = EXPIRY_WARNING_DAYS
) -> list[Expiring]:
    """Open dossiers before the cell's vote whose certificate expires within `days` of
    `today` (inside the actor's scope; every dossier when `actor` is None: the nightly job).
    The validity comes from the rule set of `today`."""
    months = certificate_valid_months(today)
    horizon = today + dt.timedelta(days=days)
    # A window a few days wider than exact (month ends clamp), then exact in Python.
    since = engine.add_months(today, -months) - dt.timedelta(days=3)
    until = engine.add_months(horizon, -months) + dt.timedelta(days=3)
    qs = Candidacy.objects.filter(
        is_open=True, stage__in=PRE_VOTE, certificate_date__range=(since, until)
    )
    if actor is not None:
        qs = candidacy_policy.visible_to(actor, qs)
    found = []
    for pk, organisation_id, cert, family, middle, given in qs.values_list(
        "pk",
        "organisation_id",
        "certificate_date",
        "person__family_name",
        "person__middle_name",
        "person__given_name",
    ).order_by("certificate_date", "pk"):
        if cert is None:
            continue
        expires = engine.add_months(cert, months)
        if today <= expires <= horizon:
            name = " ".join(part for part in (family, middle, given) if part)
            found.append(Expiring(pk, organisation_id, name, cert, expires))
    return found


def certificate_expiring_items(actor: Actor, today: dt.date) -> list[WorkItem]:
    return [
        WorkItem(
            kind="certificate_expiring",
            title=f"{e.name} — giấy chứng nhận lớp nhận thức về Đảng hết hạn "
            f"{e.expires_on:%d/%m/%Y}",
            url=reverse("candidacies:detail", args=[e.candidacy_id]),
            due=e.expires_on,
            organisation_id=e.organisation_id,
            object_key=f"candidacy:{e.candidacy_id}:certificate:{e.certificate_date.isoformat()}",
            detail=f"Cấp ngày {e.certificate_date:%d/%m/%Y}; cần biểu quyết trước ngày hết hạn "
            "hoặc học lại.",
        )
        for e in certificates_expiring(actor=actor, today=today)
    ]


def courses_starting(
    *, actor: Actor | None, today: dt.date, days: int = STARTING_WARNING_DAYS
) -> QuerySet[Course]:
    """Courses starting within `days` of `today` that the actor manages (clerk or above;
    every one when `actor` is None)."""
    qs = Course.objects.filter(starts_on__range=(today, today + dt.timedelta(days=days)))
    if actor is not None:
        qs = qs.filter(subtree_q(actor, "organiser__path", min_rank=ROLE_RANK[Role.CLERK]))
    return (
        qs.select_related("organiser")
        .annotate(enrolled=Count("enrolments"))
        .order_by("starts_on", "pk")
    )


def course_starting_items(actor: Actor, today: dt.date) -> list[WorkItem]:
    return [
        WorkItem(
            kind="course_starting",
            title=f"{course.name} khai giảng {course.starts_on:%d/%m/%Y}",
            url=course.get_absolute_url(),
            due=course.starts_on,
            organisation_id=course.organiser_id,
            object_key=f"course:{course.pk}",
            detail=f"{getattr(course, 'enrolled', 0)}/{course.capacity} học viên; "
            f"{course.get_format_display().lower()}",
        )
        for course in courses_starting(actor=actor, today=today)
    ]


def candidates_without_course(*, actor: Actor, today: dt.date) -> list[tuple[Organisation, int]]:
    """Per cell, the candidates of the pool (stage "source") without a certificate and with
    no awareness course planned or running: enrolled in none that ends on `today` or later."""
    planned = Enrolment.objects.filter(
        candidacy=OuterRef("pk"),
        course__kind=CourseKind.AWARENESS,
        course__ends_on__gte=today,
    ).exclude(result=Result.FAILED)
    rows = (
        candidacy_policy.visible_to(actor)
        .filter(is_open=True, stage=Stage.SOURCE, certificate_date__isnull=True)
        .exclude(Exists(planned))
        .values("organisation")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {row["organisation"]: row["n"] for row in rows}
    organisations = Organisation.objects.filter(pk__in=counts).order_by("path")
    return [(o, counts[o.pk]) for o in organisations]


def candidate_without_course_items(actor: Actor, today: dt.date) -> list[WorkItem]:
    url = reverse("candidacies:list")
    return [
        WorkItem(
            kind="candidate_without_course",
            title=f"{organisation.name}: {count} quần chúng chưa có lớp nhận thức về Đảng",
            url=f"{url}?organisation={organisation.pk}&stage=source",
            due=None,
            organisation_id=organisation.pk,
            object_key=f"organisation:{organisation.pk}:no_course",
            detail="Ghi danh vào một lớp sắp mở.",
        )
        for organisation, count in candidates_without_course(actor=actor, today=today)
    ]


ORGANISER_KINDS = (
    Kind.NATIONAL,
    Kind.PROVINCE,
    Kind.COMMUNE,
    Kind.BLOC,
    Kind.GRASSROOTS_COMMITTEE,
    Kind.GRASSROOTS_CELL,
)


def organiser_choices(*, actor: Actor) -> QuerySet[Organisation]:
    """The organisations where the actor may open a course (clerk or above): the committees
    from the grassroots up in their subtrees, and the organisations they are assigned to
    (a cell's clerk runs the cell's own course)."""
    clerk = ROLE_RANK[Role.CLERK]
    own = [path for path, rank in user_scopes(actor) if rank >= clerk]
    return Organisation.objects.filter(
        subtree_q(actor, "path", min_rank=clerk),
        Q(kind__in=ORGANISER_KINDS) | Q(path__in=own),
        valid_to__isnull=True,
    ).order_by("path")
