"""The write path of courses: create and change a course, enrol candidates, add sessions,
record attendance and results, issue the certificates.

Each service locks the course row (`select_for_update`) and checks its `version` where the
client saw one, resolves every object the request names through the actor's scope (a course
outside it answers 404, a dossier outside it 404 too, and nothing is written), writes, and
audits — in one transaction. Issuing certificates takes their numbers from the organiser's
register (ptdv.documents: no gaps, no duplicates; a refusal rolls the numbers back) and
records each one on its dossier through the dossier action (`candidacy_act`), so the rules,
the event, the audit entry and the derived data follow as for a certificate typed by hand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from ptdv.audit.services import audit_record
from ptdv.candidacies.models import Candidacy
from ptdv.candidacies.policies import require_clerk_somewhere
from ptdv.candidacies.workflow import RuleViolation, candidacy_act
from ptdv.core.policies import Action, Actor, subtree_q
from ptdv.core.refusals import unprocessable
from ptdv.core.roles import ROLE_RANK, Role
from ptdv.courses.models import (
    ENROLLABLE,
    Attendance,
    Course,
    CourseFormat,
    CourseKind,
    CourseSession,
    Enrolment,
    Result,
)
from ptdv.courses.policies import course_policy
from ptdv.courses.selectors import certificates_expiring, courses_starting
from ptdv.documents.dossier import committee_name
from ptdv.documents.models import DocumentKind
from ptdv.documents.services import document_number_issue
from ptdv.notifications.services import notify
from ptdv.organisations.models import Organisation
from ptdv.organisations.policies import organisation_policy

# The action recording a course's certificate on the dossier.
CERTIFICATE_ACTION = {
    CourseKind.AWARENESS: "record_certificate",
    CourseKind.NEW_MEMBER: "record_newmember_course",
}
MAX_CAPACITY = 1000


class StaleCourse(Exception):
    """The client changed a version of the course that someone else has changed since."""

    def __init__(self, current: int) -> None:
        super().__init__(_("Lớp đã bị người khác thay đổi; hãy tải lại và thử lại."))
        self.current = current


@dataclass(frozen=True)
class CourseData:
    organiser: Any  # an Organisation or its id, resolved through the actor's scope
    kind: str
    format: str
    name: str
    starts_on: dt.date
    ends_on: dt.date
    capacity: int
    venue: str = ""
    teachers: str = ""
    issuing_body: str = ""


def _locked_course(actor: Actor, course_id: Any, action: Action = Action.CHANGE) -> Course:
    """The course the request names, locked: 404 outside the actor's scope, 403 for a role
    that may not `action` there."""
    course = course_policy.get_visible(
        actor,
        course_id,
        Course.objects.select_for_update(of=("self",)).select_related("organiser"),
    )
    course_policy.authorize(actor, action, course)
    return course


def _check_version(course: Course, version: int | None) -> None:
    if version is not None and version != course.version:
        raise StaleCourse(course.version)


def _bump(course: Course) -> None:
    Course.objects.filter(pk=course.pk).update(version=F("version") + 1)
    course.version += 1


def _course_clean(data: CourseData) -> None:
    errors: dict[str, str] = {}
    if data.kind not in CourseKind.values:
        errors["kind"] = _("Loại lớp không hợp lệ.")
    if data.format not in CourseFormat.values:
        errors["format"] = _("Hình thức học không hợp lệ.")
    if not data.name.strip():
        errors["name"] = _("Cần nhập tên lớp.")
    if not 1 <= data.capacity <= MAX_CAPACITY:
        errors["capacity"] = _("Số học viên tối đa phải từ 1 đến %(n)s.") % {"n": MAX_CAPACITY}
    if errors:
        raise ValidationError(errors)
    if data.ends_on < data.starts_on:
        raise unprocessable({"ends_on": _("Ngày bế giảng không được trước ngày khai giảng.")})


def _fields(data: CourseData) -> dict[str, Any]:
    return {
        "kind": data.kind,
        "format": data.format,
        "name": data.name.strip(),
        "starts_on": data.starts_on,
        "ends_on": data.ends_on,
        "capacity": data.capacity,
        "venue": data.venue.strip(),
        "teachers": data.teachers.strip(),
        "issuing_body": data.issuing_body.strip(),
    }


@transaction.atomic
def course_create(*, actor: Actor, data: CourseData) -> Course:
    """A new course run by `data.organiser`, an organisation where the actor is a clerk or
    above (outside the scope: a field error, as for an absent one; a user who is a clerk
    nowhere is refused, 403)."""
    require_clerk_somewhere(actor)  # a role that changes nothing anywhere: 403
    organiser = organisation_policy.resolve_named(
        actor,
        data.organiser,
        field="organiser",
        message=_("Không tìm thấy tổ chức."),
        action=Action.CHANGE,
    )
    _course_clean(data)
    course = Course(organiser=organiser, **_fields(data))
    course.full_clean()
    course.save()
    audit_record(
        actor=actor,
        action="create",
        obj=course,
        organisation=organiser,
        summary=_("Mở lớp bồi dưỡng"),
        data={"kind": course.kind, "starts_on": course.starts_on.isoformat()},
    )
    return course


@transaction.atomic
def course_update(
    *, actor: Actor, course_id: Any, data: CourseData, version: int | None = None
) -> Course:
    """Change a course's particulars. Its organiser stays (the register that numbers its
    certificates); the kind stays once someone is enrolled."""
    course = _locked_course(actor, course_id)
    _check_version(course, version)
    _course_clean(data)
    fields = _fields(data)
    if fields["kind"] != course.kind and course.enrolments.exists():
        raise unprocessable({"kind": _("Lớp đã có học viên: không đổi được loại lớp.")})
    enrolled = course.enrolments.count()
    if fields["capacity"] < enrolled:
        raise unprocessable(
            {"capacity": _("Lớp đã có %(n)s học viên, nhiều hơn số tối đa mới.") % {"n": enrolled}}
        )
    before = {name: str(getattr(course, name)) for name in fields}
    for name, value in fields.items():
        setattr(course, name, value)
    course.full_clean()
    course.save()
    _bump(course)
    audit_record(
        actor=actor,
        action="change",
        obj=course,
        organisation=course.organiser,
        summary=_("Sửa thông tin lớp bồi dưỡng"),
        data={
            "before": {k: v for k, v in before.items() if v != str(fields[k])},
            "after": {k: str(v) for k, v in fields.items() if before[k] != str(v)},
        },
    )
    return course


def _enrollable_candidacies(actor: Actor, course: Course, ids: Sequence[int]) -> list[Candidacy]:
    """The dossiers `ids` names, each inside the actor's scope with a clerk's role (else 404:
    as absent) and inside the organiser's subtree (else a field error)."""
    wanted = list(dict.fromkeys(ids))
    found = {
        c.pk: c
        for c in Candidacy.objects.filter(
            subtree_q(actor, "organisation__path", min_rank=ROLE_RANK[Role.CLERK]), pk__in=wanted
        ).select_related("person", "organisation")
    }
    if len(found) != len(wanted):
        raise Http404
    return [found[pk] for pk in wanted]


def enrolment_refusals(course: Course, candidacies: list[Candidacy]) -> dict[int, list[str]]:
    """Why each dossier may not be enrolled in `course` (by dossier id; none: it may): it
    lies outside the organiser's subtree, its stage is not one the course takes, or it is
    enrolled already."""
    errors: dict[int, list[str]] = {}
    stages = ENROLLABLE[course.kind]
    already = set(
        course.enrolments.filter(candidacy__in=candidacies).values_list("candidacy_id", flat=True)
    )
    for candidacy in candidacies:
        name = candidacy.person.full_name
        if not candidacy.organisation.path.startswith(course.organiser.path):
            message = _("%(name)s: hồ sơ không thuộc đơn vị tổ chức lớp.") % {"name": name}
        elif not candidacy.is_open or candidacy.stage not in stages:
            message = _("%(name)s: giai đoạn “%(stage)s” không học lớp này.") % {
                "name": name,
                "stage": candidacy.get_stage_display(),
            }
        elif candidacy.pk in already:
            message = _("%(name)s: đã có trong lớp.") % {"name": name}
        else:
            continue
        errors.setdefault(candidacy.pk, []).append(message)
    return errors


@transaction.atomic
def enrolments_add(
    *, actor: Actor, course_id: Any, candidacy_ids: Iterable[int], today: dt.date
) -> list[Enrolment]:
    """Enrol the dossiers `candidacy_ids` (the candidate list's selection, an import). Every
    one must be inside the actor's scope (else 404 and nothing written), in the organiser's
    subtree, at a stage the course serves and not yet enrolled; the course must have room.
    All or nothing."""
    course = _locked_course(actor, course_id)
    ids = [int(pk) for pk in candidacy_ids]
    if not ids:
        raise ValidationError({"candidacies": [_("Cần chọn ít nhất một hồ sơ.")]})
    candidacies = _enrollable_candidacies(actor, course, ids)
    errors = enrolment_refusals(course, candidacies)
    if errors:
        raise unprocessable({"candidacies": [m for ms in errors.values() for m in ms]})
    enrolled = course.enrolments.count()
    if enrolled + len(candidacies) > course.capacity:
        raise unprocessable(
            {
                "candidacies": _(
                    "Lớp còn %(free)s chỗ, không ghi danh được %(n)s người (tối đa %(cap)s)."
                )
                % {
                    "free": max(course.capacity - enrolled, 0),
                    "n": len(candidacies),
                    "cap": course.capacity,
                }
            }
        )
    rows = Enrolment.objects.bulk_create(
        [Enrolment(course=course, candidacy=c, enrolled_on=today) for c in candidacies]
    )
    _bump(course)
    # One entry naming every dossier and person (the audit page finds it by any of them).
    audit_record(
        actor=actor,
        action="change",
        obj=course,
        organisation=course.organiser,
        summary=_("Ghi danh vào lớp bồi dưỡng"),
        data={
            "candidacies": [c.pk for c in candidacies],
            "person_ids": [c.person_id for c in candidacies],
        },
    )
    return list(Enrolment.objects.filter(pk__in=[r.pk for r in rows]).order_by("pk"))


@transaction.atomic
def session_add(*, actor: Actor, course_id: Any, date: dt.date, topic: str) -> CourseSession:
    course = _locked_course(actor, course_id)
    if not topic.strip():
        raise ValidationError({"topic": [_("Cần nhập chuyên đề.")]})
    if not course.starts_on <= date <= course.ends_on:
        raise unprocessable(
            {
                "date": _("Buổi học phải trong thời gian của lớp (%(a)s – %(b)s).")
                % {"a": f"{course.starts_on:%d/%m/%Y}", "b": f"{course.ends_on:%d/%m/%Y}"}
            }
        )
    session = CourseSession.objects.create(course=course, date=date, topic=topic.strip())
    _bump(course)
    audit_record(
        actor=actor,
        action="change",
        obj=course,
        organisation=course.organiser,
        summary=_("Thêm buổi học"),
        data={"session": session.pk, "date": date.isoformat()},
    )
    return session


@transaction.atomic
def attendance_record(
    *,
    actor: Actor,
    course_id: Any,
    present: Mapping[int, Iterable[int]],
    today: dt.date,
    version: int | None = None,
) -> int:
    """Record who attended: `present` maps each session id given to the ids of the
    enrolments present (every other enrolment of the course is absent from that session).
    A session not yet held (after `today`) cannot be recorded. Answers the rows written."""
    course = _locked_course(actor, course_id)
    _check_version(course, version)
    sessions = {s.pk: s for s in course.sessions.all()}
    enrolments = set(course.enrolments.values_list("pk", flat=True))
    wanted = {int(k): {int(e) for e in v} for k, v in present.items()}
    unknown_sessions = set(wanted) - set(sessions)
    unknown_enrolments = {e for here in wanted.values() for e in here} - enrolments
    if unknown_sessions:
        raise Http404
    if unknown_enrolments:
        raise ValidationError({"present": [_("Không tìm thấy học viên trong lớp.")]})
    future = [s for pk, s in sessions.items() if pk in wanted and s.date > today]
    if future:
        raise unprocessable(
            {
                "attendance": _("Buổi học ngày %(d)s chưa diễn ra.")
                % {"d": f"{future[0].date:%d/%m/%Y}"}
            }
        )
    Attendance.objects.filter(session_id__in=wanted).delete()
    rows = [
        Attendance(session_id=session_id, enrolment_id=enrolment_id, present=enrolment_id in here)
        for session_id, here in wanted.items()
        for enrolment_id in sorted(enrolments)
    ]
    Attendance.objects.bulk_create(rows)
    _bump(course)
    audit_record(
        actor=actor,
        action="change",
        obj=course,
        organisation=course.organiser,
        summary=_("Điểm danh lớp bồi dưỡng"),
        data={"sessions": sorted(wanted), "present": sum(len(v) for v in wanted.values())},
    )
    return len(rows)


@transaction.atomic
def results_record(
    *,
    actor: Actor,
    course_id: Any,
    results: Mapping[int, str],
    version: int | None = None,
) -> int:
    """Record each enrolment's result (passed, failed, or pending again). A certificate once
    issued fixes its holder's result."""
    course = _locked_course(actor, course_id)
    _check_version(course, version)
    wanted = {int(k): str(v) for k, v in results.items()}
    bad = [v for v in wanted.values() if v not in Result.values]
    if bad:
        raise ValidationError({"results": [_("Kết quả không hợp lệ: %(v)s.") % {"v": bad[0]}]})
    enrolments = {
        e.pk: e for e in course.enrolments.filter(pk__in=wanted).select_related("candidacy__person")
    }
    if len(enrolments) != len(wanted):
        raise ValidationError({"results": [_("Không tìm thấy học viên trong lớp.")]})
    fixed = [
        e for pk, e in enrolments.items() if e.certificate_id is not None and wanted[pk] != e.result
    ]
    if fixed:
        raise unprocessable(
            {
                "results": _("%(name)s đã được cấp giấy chứng nhận: không đổi được kết quả.")
                % {"name": fixed[0].candidacy.person.full_name}
            }
        )
    changed = [e for pk, e in enrolments.items() if e.result != wanted[pk]]
    for enrolment in changed:
        enrolment.result = wanted[enrolment.pk]
    Enrolment.objects.bulk_update(changed, ["result"])
    if changed:
        _bump(course)
        audit_record(
            actor=actor,
            action="change",
            obj=course,
            organisation=course.organiser,
            summary=_("Ghi kết quả lớp bồi dưỡng"),
            data={"results": {str(e.pk): e.result for e in changed}},
        )
    return len(changed)


def certificate_issuer(course: Course) -> str:
    """The body named on the certificate: the centre given on the course, else the
    organiser's committee."""
    return course.issuing_body or committee_name(course.organiser)


@transaction.atomic
def certificates_issue(
    *,
    actor: Actor,
    course_id: Any,
    on: dt.date,
    today: dt.date,
    signer: str = "",
    version: int | None = None,
) -> list[Enrolment]:
    """Issue a certificate dated `on` to every enrolment that passed and has none yet, in
    the order of the names: the next numbers of the organiser's register, one after another,
    each recorded on its dossier through the dossier action with the certificate as its
    document. All or nothing: a dossier the rules refuse rolls everything back, the numbers
    too (the register has no gaps), and the error names the person."""
    course = _locked_course(actor, course_id)
    _check_version(course, version)
    if on < course.ends_on:
        raise unprocessable(
            {
                "date": _("Giấy chứng nhận cấp sau khi bế giảng (%(d)s).")
                % {"d": f"{course.ends_on:%d/%m/%Y}"}
            }
        )
    if on > today:
        raise unprocessable({"date": _("Ngày cấp không được sau hôm nay.")})
    pending = list(
        course.enrolments.filter(result=Result.PASSED, certificate__isnull=True)
        .select_related("candidacy__person", "candidacy__organisation")
        .order_by("candidacy__person__sort_key", "pk")
    )
    moved = [
        e.candidacy.person.full_name
        for e in pending
        if not e.candidacy.organisation.path.startswith(course.organiser.path)
    ]
    if moved:
        raise unprocessable(
            {
                "candidacies": _("Hồ sơ đã chuyển khỏi đơn vị tổ chức lớp: %(names)s.")
                % {"names": ", ".join(moved)}
            }
        )
    if not pending:
        raise unprocessable({"date": _("Không có học viên đạt nào chưa được cấp giấy chứng nhận.")})
    issuer = certificate_issuer(course)
    action = CERTIFICATE_ACTION[CourseKind(course.kind)]
    for enrolment in pending:
        candidacy = enrolment.candidacy
        entry = document_number_issue(
            actor=actor,
            organisation=course.organiser,
            kind=DocumentKind.CERTIFICATE,
            on=on,
            candidacy=candidacy,
        )
        facts: dict[str, Any] = {
            "date": on.isoformat(),
            "document": {
                "number": entry.symbol,
                "date": on.isoformat(),
                "issuing_body": issuer,
                "signer": signer,
            },
        }
        if course.kind == CourseKind.AWARENESS:
            facts["certificate_date"] = on.isoformat()
        try:
            candidacy_act(actor=actor, candidacy_id=candidacy.pk, action=action, data=facts)
        except (ValidationError, RuleViolation) as exc:
            reasons = exc.message if isinstance(exc, RuleViolation) else "; ".join(exc.messages)
            raise unprocessable(
                {"candidacies": f"{candidacy.person.full_name}: {reasons}"}
            ) from exc
        enrolment.certificate = entry
        enrolment.certificate_number = entry.symbol
        enrolment.certificate_date = on
    Enrolment.objects.bulk_update(
        pending, ["certificate", "certificate_number", "certificate_date"]
    )
    _bump(course)
    audit_record(
        actor=actor,
        action="create",
        obj=course,
        organisation=course.organiser,
        summary=_("Cấp giấy chứng nhận lớp bồi dưỡng"),
        data={
            "count": len(pending),
            "first": pending[0].certificate_number,
            "last": pending[-1].certificate_number,
        },
    )
    return pending


# --- Reminders (the scheduler's nightly jobs) -------------------------------------------------


def certificates_expiring_notify(*, today: dt.date) -> int:
    """Tell the clerks of each dossier's cell (or the nearest organisation above with
    clerks) that a certificate expires within 90 days, before the cell's vote; once per
    dossier and certificate. Answers the notifications added."""
    expiring = certificates_expiring(actor=None, today=today)
    organisations = Organisation.objects.in_bulk({e.organisation_id for e in expiring})
    told = 0
    for item in expiring:
        told += notify(
            kind="certificate_expiring",
            title=_("%(name)s: giấy chứng nhận lớp nhận thức về Đảng hết hạn ngày %(d)s")
            % {"name": item.name, "d": f"{item.expires_on:%d/%m/%Y}"},
            object_key=f"candidacy:{item.candidacy_id}:certificate:{item.certificate_date.isoformat()}",
            organisation=organisations[item.organisation_id],
            url=reverse("candidacies:detail", args=[item.candidacy_id]),
            due=item.expires_on,
        )
    return told


def courses_starting_notify(*, today: dt.date) -> int:
    """Tell the organiser's clerks that a course starts within 14 days, once per course."""
    told = 0
    for course in courses_starting(actor=None, today=today):
        told += notify(
            kind="course_starting",
            title=_("%(name)s khai giảng ngày %(d)s (%(n)s/%(cap)s học viên)")
            % {
                "name": course.name,
                "d": f"{course.starts_on:%d/%m/%Y}",
                "n": getattr(course, "enrolled", 0),
                "cap": course.capacity,
            },
            object_key=f"course:{course.pk}",
            organisation=course.organiser,
            url=course.get_absolute_url(),
            due=course.starts_on,
        )
    return told


def bulk_enrol(
    actor: Actor, candidacy: Any, facts: Mapping[str, Any], today: dt.date
) -> list[dict[str, str]]:
    """Enrol one dossier of the candidate list's selection in the course `facts["course"]`
    (its id), through `enrolments_add` (scope, stage, room); answers the refusals as the bulk
    endpoint reads them (`ptdv.core.work.BulkAction`). A course outside the user's scope is
    named like an absent one."""
    course_id = str(facts.get("course") or "").strip()
    if not course_id.isdigit():
        return [{"rule": "course", "message": _("Cần mã số lớp bồi dưỡng (số).")}]
    try:
        with transaction.atomic():
            enrolments_add(
                actor=actor,
                course_id=int(course_id),
                candidacy_ids=[getattr(candidacy, "pk", candidacy)],
                today=today,
            )
    except Http404:
        return [{"rule": "course", "message": _("Không tìm thấy lớp bồi dưỡng (hoặc hồ sơ).")}]
    except PermissionDenied:
        return [{"rule": "permission", "message": _("Vai trò của đồng chí không được ghi danh.")}]
    except ValidationError as exc:
        return [
            {"rule": "enrolment", "message": str(message)}
            for messages in exc.message_dict.values()
            for message in messages
        ]
    return []
