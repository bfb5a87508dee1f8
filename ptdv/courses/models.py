"""Courses: the party-awareness course (lớp bồi dưỡng nhận thức về Đảng) and the new-member
programme, with who is enrolled, the sessions and who attended them, each one's result and
the certificate they were given.

A course is run by an organisation of the tree (`organiser`): the commune's party committee
where the commune's political centre runs the course, or any other organisation of the tree
(a bloc, a grassroots committee). Its clerks manage it: the course lies in the organiser's
subtree, so the ordinary ranked roles decide who sees it (viewer) and who changes it (clerk),
with no role of its own. The certificate numbers come from the organiser's register of
documents (ptdv.documents), the body printed on the certificate is `issuing_body` (the
centre's name) or else the organiser's committee.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class CourseKind(models.TextChoices):
    AWARENESS = "awareness", _("Lớp bồi dưỡng nhận thức về Đảng")
    NEW_MEMBER = "new_member", _("Lớp bồi dưỡng lý luận chính trị cho đảng viên mới")


class CourseFormat(models.TextChoices):
    IN_PERSON = "in_person", _("Tập trung")
    EVENING = "evening", _("Buổi tối, ngoài giờ")
    ONLINE = "online", _("Trực tuyến")


# The formats the directive asks for besides the usual daytime class (task 8).
FLEXIBLE_FORMATS = (CourseFormat.EVENING, CourseFormat.ONLINE)


# The dossier stages each kind of course takes its students from: the pool before the cell's
# vote (a trained candidate may take the course again when the certificate runs out), and
# the admitted members for the new-member programme.
ENROLLABLE: dict[str, tuple[str, ...]] = {
    CourseKind.AWARENESS: ("source", "trained", "applied"),
    CourseKind.NEW_MEMBER: ("decided", "probationary"),
}


class Result(models.TextChoices):
    PENDING = "", _("Chưa có kết quả")
    PASSED = "passed", _("Đạt")
    FAILED = "failed", _("Không đạt")


class Course(models.Model):
    organiser = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="courses",
        verbose_name=_("đơn vị tổ chức lớp"),
    )
    kind = models.CharField(_("loại lớp"), max_length=20, choices=CourseKind.choices)
    format = models.CharField(
        _("hình thức"), max_length=20, choices=CourseFormat.choices, default=CourseFormat.IN_PERSON
    )
    name = models.CharField(_("tên lớp"), max_length=200)
    issuing_body = models.CharField(
        _("cơ quan cấp giấy chứng nhận"),
        max_length=200,
        blank=True,
        help_text=_("Ví dụ: Trung tâm Chính trị phường; để trống thì là cấp ủy đơn vị tổ chức."),
    )
    starts_on = models.DateField(_("ngày khai giảng"))
    ends_on = models.DateField(_("ngày bế giảng"))
    venue = models.CharField(_("địa điểm"), max_length=255, blank=True)
    teachers = models.TextField(_("giảng viên"), blank=True, help_text=_("Mỗi người một dòng."))
    capacity = models.PositiveSmallIntegerField(_("số học viên tối đa"))
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("lớp bồi dưỡng")
        verbose_name_plural = _("lớp bồi dưỡng")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="course_ends_after_start"
            )
        ]
        indexes = [models.Index(fields=["starts_on"], name="course_starts_on")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("courses:detail", args=[self.pk])

    @property
    def teacher_list(self) -> list[str]:
        return [line.strip() for line in self.teachers.splitlines() if line.strip()]

    @property
    def is_flexible(self) -> bool:
        return self.format in FLEXIBLE_FORMATS


class CourseSession(models.Model):
    """One meeting of the course (a topic on a date), whose attendance is recorded."""

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("lớp")
    )
    date = models.DateField(_("ngày học"))
    topic = models.CharField(_("chuyên đề"), max_length=255)

    class Meta:
        verbose_name = _("buổi học")
        verbose_name_plural = _("buổi học")
        ordering = ["date", "pk"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} — {self.topic}"


class Enrolment(models.Model):
    """A candidate (a dossier of the pool, or a probationary member's dossier for the
    new-member programme) in a course, with the result and the certificate."""

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="enrolments", verbose_name=_("lớp")
    )
    candidacy = models.ForeignKey(
        "candidacies.Candidacy",
        on_delete=models.PROTECT,
        related_name="course_enrolments",
        verbose_name=_("hồ sơ"),
    )
    enrolled_on = models.DateField(_("ngày ghi danh"))
    result = models.CharField(
        _("kết quả"), max_length=10, choices=Result.choices, blank=True, default=Result.PENDING
    )
    # The certificate: its register entry (number and symbol of the organiser's register) and
    # its date. Written only by `certificates_issue`, never changed afterwards.
    certificate = models.OneToOneField(
        "documents.DocumentNumber",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="course_enrolment",
        editable=False,
    )
    certificate_number = models.CharField(
        _("số giấy chứng nhận"), max_length=60, blank=True, editable=False
    )
    certificate_date = models.DateField(
        _("ngày cấp giấy chứng nhận"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("học viên")
        verbose_name_plural = _("học viên")
        ordering = ["course", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "candidacy"], name="enrolment_once_per_course"
            )
        ]
        indexes = [models.Index(fields=["certificate_date"], name="enrolment_certificate_date")]

    def __str__(self) -> str:
        return f"{self.course} — {self.candidacy_id}"


class Attendance(models.Model):
    session = models.ForeignKey(CourseSession, on_delete=models.CASCADE, related_name="attendance")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendance")
    present = models.BooleanField(_("có mặt"), default=False)

    class Meta:
        verbose_name = _("điểm danh")
        verbose_name_plural = _("điểm danh")
        constraints = [
            models.UniqueConstraint(fields=["session", "enrolment"], name="attendance_once")
        ]

    def __str__(self) -> str:
        return f"{self.session_id}/{self.enrolment_id}: {self.present}"
